"""What a batch of NetBox changes means for the host configs: the keys to check again, or why
only a full refresh will do.

- a device or VM created, updated or deleted: its own key, unless all that changed is what the
  refresh writes back (``zabbix_hostid``, ``zabbix_sync_status``). NetBox saves the whole object
  a PATCH read, without a lock (netbox#12531): a write-back that read a device just before a
  person's edit of it undoes that edit. Its entry then starts from the data before the edit,
  and the edit is named as lost, so that the person makes it again;
- an IP address updated or deleted: the host configs whose primary IP it is, from the state
  store (a new address is nobody's primary yet: making it one updates the device);
- a site, region, role, platform, tenant, cluster or tag renamed or re-slugged (a site also
  moved to another region): every device and VM that uses it, asked of NetBox by that filter;
  so is a location, rack, device type or manufacturer renamed, when ``inventory`` reads it.
  A site or role NetBox lets be deleted has no users (it protects them); any other such object
  deleted leaves no trace on its users, so it asks for a full refresh;
- a config context, when ``config_context_key`` reads them: a full refresh, since the objects
  it applies to are NetBox's to work out (by site, role, tag, ... and weight);
- a custom field definition: a full refresh, since NetBox may have changed every object's value
  with it (a default filled in, a renamed or deleted field), except the fields the project's
  own import keeps (``netbox.choices``); a choice set: nothing (NetBox refuses to remove a
  choice in use, so no value changes);
- anything else (interfaces, cables, journal entries): nothing, the desired state reads none.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from nbzbx_dagster.netbox.changelog import (
    CONTENT_TYPES,
    UNCOMPARED,
    ChangeBatch,
    ObjectChange,
    changes_after,
    changes_from,
)
from nbzbx_dagster.netbox.choices import FIELDS as OWNED_FIELDS
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.writeback import FIELDS as WRITTEN_BACK
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import keys_of_addresses

HOST_TYPES = {content_type: kind for kind, content_type in CONTENT_TYPES.items()}
ADDRESS_TYPE = "ipam.ipaddress"
# object type -> (what it is called, the device and VM filter naming it)
SHARED_TYPES = {
    "dcim.site": ("site", "site_id"),
    "dcim.region": ("region", "region_id"),
    "dcim.devicerole": ("role", "role_id"),
    "dcim.platform": ("platform", "platform_id"),
    "tenancy.tenant": ("tenant", "tenant_id"),
    "virtualization.cluster": ("cluster", "cluster_id"),
    "extras.tag": ("tag", "tag_id"),
}
# shared objects whose names only the ``inventory`` setting reads: their inventory source, the
# device filter naming them (VMs have none of them), what of them it reads
INVENTORY_TYPES = {
    "dcim.location": ("location", "location_id", ("name",)),
    "dcim.rack": ("rack", "rack_id", ("name",)),
    "dcim.devicetype": ("device_type", "device_type_id", ("model", "manufacturer")),
    "dcim.manufacturer": ("manufacturer", "manufacturer_id", ("name",)),
}
# NetBox refuses to delete these while a device or VM uses them
PROTECTED_TYPES = ("dcim.site", "dcim.devicerole", *INVENTORY_TYPES)
# what of a shared object goes into host groups, tags, server and mapping rules
SHARED_FIELDS = ("name", "slug", "region")
FIELD_TYPE = "extras.customfield"
CONTEXT_TYPE = "extras.configcontext"
OWN_FIELDS = {f.name for f in OWNED_FIELDS} | set(WRITTEN_BACK)
SHOWN = 5  # changes named in a line

AddressOwners = Callable[[Collection[int]], dict[int, list[str]]]
"""Address ids -> the host config keys whose primary IP each is (the state store knows)."""
UsersOf = Callable[[str, int], list[str]]
"""(filter name, object id) -> the keys of the devices and VMs NetBox finds with it."""


@dataclass
class ChangeSet:
    """What a batch of changes asks for."""

    keys: set[str] = field(default_factory=set)
    full: str | None = None
    """Why only a full refresh will do; None when the keys cover every change."""
    seen: list[str] = field(default_factory=list)
    """Each change that named host configs, in words: "sw-zürich-01 (device updated)"."""
    ignored: int = 0
    """Changes that name no host config (the refresh's own write-back among them)."""
    lost: list[str] = field(default_factory=list)
    """Edits a concurrent write-back undid, in words: "sw-zürich-01 platform (entry 90)"."""


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k not in UNCOMPARED}
    fields = {k: v for k, v in (out.get("custom_fields") or {}).items() if k not in WRITTEN_BACK}
    return {**out, "custom_fields": fields}


def _written_back_only(change: ObjectChange) -> bool:
    return change.action == "update" and _comparable(change.before) == _comparable(change.after)


def _undone(change: ObjectChange, last: ObjectChange | None) -> list[str]:
    """The fields of ``last`` (the object's previous entry) that ``change`` saved back to what
    they were before it: empty unless ``change`` started from older data than ``last`` left."""
    if last is None:
        return []
    was, now = _comparable(last.after), _comparable(change.after)
    fields = [f for f in was if f != "custom_fields" and was[f] != now.get(f)]
    custom_was, custom_now = was["custom_fields"], now["custom_fields"]
    fields += [f"custom field {f}" for f in custom_was if custom_was[f] != custom_now.get(f)]
    return sorted(fields)


def _field_name(change: ObjectChange) -> str:
    """A custom field's name (its change-log entry is named by its label)."""
    return str(change.after.get("name") or change.before.get("name") or change.name)


def _renamed(change: ObjectChange, fields: Sequence[str]) -> list[str]:
    return [f for f in fields if change.before.get(f) != change.after.get(f)]


def _count(keys: Collection[str]) -> str:
    return f"{len(keys):,} host config" + ("" if len(keys) == 1 else "s")


def affected(
    changes: Sequence[ObjectChange],
    address_owners: AddressOwners,
    users_of: UsersOf,
    inventory_sources: Collection[str] = (),
    config_contexts: bool = False,
) -> ChangeSet:
    """The host config keys the changes touch, or the reason a full refresh is needed; a
    location, rack, device type or manufacturer renamed touches its devices only when the
    ``inventory`` setting reads it (``inventory_sources``), and a config context changed asks
    for a full refresh only when the desired state reads config contexts."""
    out = ChangeSet()
    renames = {kind: (*named, SHARED_FIELDS) for kind, named in SHARED_TYPES.items()}
    renames |= {
        kind: (source.replace("_", " "), filter_name, fields)
        for kind, (source, filter_name, fields) in INVENTORY_TYPES.items()
        if source in inventory_sources
    }
    addresses: dict[int, ObjectChange] = {}
    last: dict[tuple[str, int], ObjectChange] = {}
    for change in changes:
        kind = change.object_type
        if kind in HOST_TYPES:
            previous, last[kind, change.object_id] = last.get((kind, change.object_id)), change
            if _written_back_only(change):
                undone = _undone(change, previous)
                if undone and previous is not None:
                    out.lost.append(f"{change.name} {', '.join(undone)} (entry {previous.id})")
                out.ignored += 1
                continue
            out.keys.add(f"{HOST_TYPES[kind]}-{change.object_id}")
            out.seen.append(f"{change.name} ({HOST_TYPES[kind]} {change.action}d)")
        elif kind == ADDRESS_TYPE and change.action != "create":
            addresses[change.object_id] = change
        elif kind in PROTECTED_TYPES and change.action == "delete":
            out.ignored += 1
        elif kind in SHARED_TYPES and change.action == "delete":
            word = SHARED_TYPES[kind][0]
            out.full = out.full or f"{word} {change.name} deleted: its host configs are not known"
        elif (
            kind in renames
            and change.action == "update"
            and (what := ", ".join(_renamed(change, renames[kind][2])))
        ):
            word, filter_name, _ = renames[kind]
            users = users_of(filter_name, change.object_id)
            out.keys.update(users)
            out.seen.append(f"{word} {change.name} {what} changed: {_count(users)}")
        elif kind == FIELD_TYPE and _field_name(change) not in OWN_FIELDS:
            out.full = out.full or f"custom field {_field_name(change)} {change.action}d"
        elif kind == CONTEXT_TYPE and config_contexts:  # NetBox says not whose it is
            out.full = out.full or f"config context {change.name} {change.action}d"
        else:
            out.ignored += 1
    owners = address_owners(addresses) if addresses else {}
    for address, change in addresses.items():
        keys = owners.get(address, [])
        if not keys:
            out.ignored += 1
            continue
        out.keys.update(keys)
        out.seen.append(f"IP address {change.name} {change.action}d: {_count(keys)}")
    return out


def users_of(client: NetBoxClient, settings: Settings) -> UsersOf:
    """The keys of the devices (and VMs) NetBox finds with one filter, ids only."""

    vm_filters = {filter_name for _, filter_name in SHARED_TYPES.values()}

    def find(filter_name: str, object_id: int) -> list[str]:
        keys = [
            f"device-{d['id']}"
            for d in client.devices(known={filter_name: object_id}, fields=["id"])
        ]
        if settings.sync_vms and filter_name in vm_filters:  # a VM has no rack, type, ...
            vms = client.virtual_machines(known={filter_name: object_id}, fields=["id"])
            keys += [f"vm-{v['id']}" for v in vms]
        return keys

    return find


def read_changes(
    client: NetBoxClient,
    store: StateStore,
    settings: Settings,
    seen: int | None = None,
    since: str | None = None,
    until: int | None = None,
) -> tuple[ChangeBatch, ChangeSet]:
    """The entries after the entry ``seen`` (up to ``until``), or from the time ``since``, and
    what they ask for: what the sensor asks for, and what ``nbzbx changes`` shows."""
    batch = changes_from(client, since) if since else changes_after(client, seen or 0, until=until)

    def owners(ids: Collection[int]) -> dict[int, list[str]]:
        with store.connect() as conn:
            return keys_of_addresses(conn, ids)

    found = affected(
        batch.changes,
        owners,
        users_of(client, settings),
        set(settings.inventory.values()),
        bool(settings.config_context_key),
    )
    return batch, found


def in_words(batch: ChangeBatch, changes: ChangeSet) -> str:
    """One line, in names: NetBox: 2 changes (sw-zürich-01 (device updated), site Lab A name
    changed: 1,204 host configs) → refresh of 1,205 host configs."""
    shown = ", ".join(changes.seen[:SHOWN]) + (
        f", … {len(changes.seen) - SHOWN} more" if len(changes.seen) > SHOWN else ""
    )
    count = len(batch.changes)
    line = f"NetBox: {count} change{'' if count == 1 else 's'}"
    line += f" ({shown})" if shown else ""
    if changes.full:
        line = f"{line} → full refresh: {changes.full}"
    elif not changes.keys:
        line = f"{line} → nothing to check (none touches a host config)"
    else:
        line += f" → refresh of {_count(changes.keys)}"
    if changes.lost:
        line += (
            f"; NetBox undid {len(changes.lost)} edit{'' if len(changes.lost) == 1 else 's'} "
            f"saving the refresh's write-back at the same time: {', '.join(changes.lost)}; "
            "make it again"
        )
    return line
