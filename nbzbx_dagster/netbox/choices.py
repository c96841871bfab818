"""The NetBox custom fields and choice sets the project owns (all named ``zabbix_*``).

They let NetBox users pick a Zabbix server, templates, host groups, a proxy or proxy group and
user macros per device or VM, and show each one's Zabbix host id and sync status. The choices
are every server's names: an import for one server never removes another's. Choices follow the
cache of Zabbix settings; a choice still used by NetBox objects is kept and reported, never
forced out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.common.vocabulary import SYNC_STATUSES
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import OBJECT_TYPES

FIELD_GROUP = "Zabbix"


@dataclass(frozen=True)
class OwnedField:
    name: str
    type: str  # NetBox custom field type
    label: str
    source: str | None  # which cached names feed the choices (None: not a choice field)
    description: str


FIELDS = [
    OwnedField(
        "zabbix_server",
        "select",
        "Zabbix server",
        "servers",
        "The Zabbix server that monitors this host, overriding the server rules.",
    ),
    OwnedField(
        "zabbix_templates",
        "multiselect",
        "Zabbix templates",
        "templates",
        "Templates to link, overriding the mapping rules.",
    ),
    OwnedField(
        "zabbix_host_groups",
        "multiselect",
        "Zabbix host groups",
        "host_groups",
        "Host groups, overriding the mapping rules.",
    ),
    OwnedField(
        "zabbix_proxy",
        "select",
        "Zabbix proxy",
        "proxies",
        "Proxy that monitors this host, overriding the mapping rules.",
    ),
    OwnedField(
        "zabbix_proxy_group",
        "select",
        "Zabbix proxy group",
        "proxy_groups",
        "Proxy group that monitors this host (Zabbix 7.0+), overriding the mapping rules.",
    ),
    OwnedField(
        "zabbix_macros",
        "json",
        "Zabbix macros",
        None,
        'User macros for this host with sync_macros, e.g. {"{$SNMP_COMMUNITY}": "public"}; '
        'a secret as {"secret_env": "NBZBX_MACRO_…"}.',
    ),
    OwnedField(
        "zabbix_sync_status",
        "select",
        "Zabbix sync status",
        "sync_status",
        "Whether Zabbix matches NetBox, written by nbzbx.",
    ),
    OwnedField(
        "zabbix_hostid",
        "integer",
        "Zabbix host id",
        None,
        "The linked Zabbix host, written by nbzbx.",
    ),
]


def _values_in_use(client: NetBoxClient, field: str) -> set[str]:
    """The values of ``field`` set on any device or VM: one listing per object type (not one
    count per value: a changed Zabbix can drop thousands of choices at once)."""
    used: set[str] = set()
    only_set = {f"cf_{field}__empty": "false"}
    for rows in (
        client.devices(only_set, ["id", "custom_fields"]),
        client.virtual_machines(only_set, ["id", "custom_fields"]),
    ):
        for row in rows:
            value = (row.get("custom_fields") or {}).get(field)
            for one in value if isinstance(value, list) else [value]:
                # NetBox 4.7 answers choices as {value, label}; older ones as the bare value
                one = one.get("value") if isinstance(one, dict) else one
                if one not in (None, ""):
                    used.add(str(one))
    return used


def _current_choices(client: NetBoxClient, name: str) -> list[str] | None:
    """The values of the choice set ``name``; None when NetBox has no such set."""
    found = client.objects("extras.custom_field_choice_sets", {"name": name})
    return [c[0] for c in (found[0].get("extra_choices") or [])] if found else None


def _remove_field_and_set(client: NetBoxClient, name: str) -> bool:
    """Delete the owned field (it protects its set), then the set; True if a field went."""
    field = client.api.extras.custom_fields.get(name=name)
    if field is not None:
        field.delete()
    choice_set = client.api.extras.custom_field_choice_sets.get(name=name)
    if choice_set is not None:
        choice_set.delete()
    return field is not None


def _sync_choice_set(client: NetBoxClient, field: OwnedField, names: list[str]) -> dict[str, Any]:
    """Make the choice set hold ``names`` (plus values still in use); report what changed."""
    current = _current_choices(client, field.name)
    have = current or []
    wanted = list(dict.fromkeys(names))
    stale = [v for v in have if v not in wanted]
    used = _values_in_use(client, field.name) if stale else set()
    kept = [v for v in stale if v in used]
    final = wanted + kept
    report = {
        "added": [v for v in wanted if v not in have],
        "removed": [v for v in have if v not in final],
        "kept_in_use": kept,
        "choices": len(final),
    }
    if not final:
        # NetBox refuses a choice set without choices: leave the field out until there is one.
        # An existing set would keep offering gone objects, and none of its values is in use.
        if current is not None:
            report["field_removed"] = _remove_field_and_set(client, field.name)
        report["skipped"] = "no choices (NetBox needs at least one)"
        return report
    ensured = client.ensure_choice_set(
        field.name,
        final,
        description=f"Managed by nbzbx: {field.label}",
        # in the cache's order: a set NetBox sorts would differ from it and be rewritten each run
        order_alphabetically=False,
    )
    report["choice_set_id"] = ensured.id
    return report


def _ensure_field(client: NetBoxClient, field: OwnedField, choice_set_id: int | None) -> str:
    """Create or correct the custom field; NetBox's answer: created, updated or unchanged."""
    return client.ensure_custom_field(
        field.name,
        object_types=list(OBJECT_TYPES.values()),
        type=field.type,
        label=field.label,
        description=field.description,
        choice_set=choice_set_id,
        group_name=FIELD_GROUP,
        required=False,
        filter_logic="exact",
    ).action


def publish_choices(
    client: NetBoxClient, names: dict[str, list[str]], sources: set[str] | None = None
) -> dict[str, Any]:
    """Bring the owned fields and their choices in line with ``names`` (cache names by kind);
    with ``sources``, only the fields fed by those kinds (the fields without choices too)."""
    names = {**names, "sync_status": list(SYNC_STATUSES)}
    report: dict[str, Any] = {}
    for field in FIELDS:
        if sources is not None and field.source is not None and field.source not in sources:
            continue
        entry: dict[str, Any] = {}
        choice_set_id = None
        if field.source is not None:
            entry = _sync_choice_set(client, field, names.get(field.source, []))
            choice_set_id = entry.pop("choice_set_id", None)
            if choice_set_id is None:
                report[field.name] = entry
                continue
        entry["field_created"] = _ensure_field(client, field, choice_set_id) == "created"
        report[field.name] = entry
    return report
