"""The desired Zabbix host of a host config: NetBox data, mapping rules, per-object overrides.

Each part comes from the ``zabbix_*`` custom fields, else the config context
(``config_context_key``), else the first matching mapping rule, else the default mapping.
Names from the rules and the ``zabbix_*`` custom fields are resolved to Zabbix ids through the
cache of Zabbix settings; an unknown name is a :class:`ConfigError` for that host only. The
result uses the Zabbix layer's normalised host vocabulary, so it can be compared with a host read
from Zabbix, or created there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.settings.model import SnmpSettings
from nbzbx_dagster.sync.config_context import NONE, ContextError, ContextMapping, context_mapping
from nbzbx_dagster.sync.macros import MacroError, desired_macros
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.zabbix.inventory_fields import too_long

PORTS = {"agent": "10050", "snmp": "161", "ipmi": "623", "jmx": "12345"}


class ConfigError(ValueError):
    """A host config cannot be turned into a Zabbix host (unknown name, impossible choice)."""


@dataclass(frozen=True)
class ZabbixIndex:
    """Zabbix names to ids, built from the cache (or, in the lab seed, from Zabbix itself)."""

    templates: Mapping[str, str]  # technical or visible name -> templateid
    template_types: Mapping[str, str]  # templateid -> "agent" | "snmp" | "any"
    template_extras: Mapping[str, tuple[str, ...]]  # templateid -> ("ipmi", "jmx") or fewer
    host_groups: Mapping[str, str]
    proxies: Mapping[str, str]
    proxy_groups: Mapping[str, str]

    @classmethod
    def from_rows(
        cls,
        templates: Iterable[Mapping[str, Any]],
        host_groups: Iterable[Mapping[str, Any]],
        proxies: Iterable[Mapping[str, Any]],
        proxy_groups: Iterable[Mapping[str, Any]],
    ) -> ZabbixIndex:
        templates = list(templates)
        by_name = {t["name"]: str(t["templateid"]) for t in templates}
        by_name.update({t["host"]: str(t["templateid"]) for t in templates})
        return cls(
            templates=by_name,
            template_types={
                str(t["templateid"]): t.get("interface_type") or "any" for t in templates
            },
            template_extras={
                str(t["templateid"]): tuple(t["extra_interfaces"])
                for t in templates
                if t.get("extra_interfaces")
            },
            host_groups={g["name"]: str(g["groupid"]) for g in host_groups},
            proxies={p["name"]: str(p["proxyid"]) for p in proxies},
            proxy_groups={g["name"]: str(g["proxy_groupid"]) for g in proxy_groups},
        )


def _resolve(kind: str, names: Iterable[str], table: Mapping[str, str]) -> list[str]:
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ConfigError(f"unknown Zabbix {kind}: {', '.join(repr(n) for n in unknown)}")
    return sorted({table[n] for n in names}, key=lambda i: (len(i), i))


NEW_GROUP = "new:"
"""Prefix of a wanted host group Zabbix does not have yet (``create_host_groups``): its name
stands for its id until the apply makes it."""
GROUP_FORMAT = re.compile(r"\{(site|role|platform|cluster|tenant|region)\}")


def group_names(names: Iterable[str], hc: HostConfig) -> list[str]:
    """Host group names with ``{site}``, ``{role}``, ``{platform}``, ``{cluster}``, ``{tenant}``
    and ``{region}`` filled in from the host config (names where NetBox has them, else slugs)."""
    values = {
        "site": hc.site_name or hc.site,
        "role": hc.role_name or hc.role,
        "platform": hc.platform_name or hc.platform,
        "cluster": hc.cluster,
        "tenant": hc.tenant_name or hc.tenant,
        "region": hc.region,
    }

    def filled(name: str) -> str:
        wanted = GROUP_FORMAT.findall(name)
        if absent := [f for f in wanted if not values[f]]:
            raise ConfigError(f"host group {name!r}: this {hc.object_type} has no {absent[0]}")
        return GROUP_FORMAT.sub(lambda match: str(values[match.group(1)]), name)

    return [filled(name) for name in names]


def _groups(names: Iterable[str], table: Mapping[str, str], create: bool) -> list[str]:
    """Host group ids; with ``create``, a group Zabbix lacks as ``new:<name>``."""
    names = list(names)
    if not create:
        return _resolve("host group", names, table)
    known = _resolve("host group", [n for n in names if n in table], table)
    return [*known, *sorted({f"{NEW_GROUP}{n}" for n in names if n not in table})]


def _names(value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def desired_tags(
    hc: HostConfig, settings: Settings, context: ContextMapping = NONE
) -> list[dict[str, str]]:
    """Managed tags: ``<prefix>.<field>`` per managed NetBox field, ``<prefix>.tag`` per tag,
    ``<prefix>.<name>`` per tag of the config context."""
    values = {
        "site": hc.site_name,
        "role": hc.role_name,
        "platform": hc.platform_name,
        "cluster": hc.cluster,
    }
    tags = [
        {"tag": f"{settings.tag_prefix}.{f}", "value": str(values[f])}
        for f in settings.managed_tags
        if values.get(f)
    ]
    if settings.netbox_tags:
        tags += [{"tag": f"{settings.tag_prefix}.tag", "value": name} for name in hc.tag_names]
    tags += [{"tag": f"{settings.tag_prefix}.{k}", "value": v} for k, v in context.tags.items()]
    return sorted(tags, key=lambda t: (t["tag"], t["value"]))


def inventory_value(hc: HostConfig, source: str) -> str:
    """The NetBox value an ``inventory`` source names, as text ("" where NetBox has none)."""
    if source.startswith("custom_fields."):
        value = hc.custom_fields.get(source.removeprefix("custom_fields."))
        if isinstance(value, list):  # a multiple selection
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)
    named = {
        "site": hc.site_name,
        "platform": hc.platform_name,
        "tenant": hc.tenant_name,
        "description": hc.description,
    }
    return (named[source] if source in named else hc.inventory_values.get(source)) or ""


def desired_inventory(
    hc: HostConfig, settings: Settings, context: ContextMapping = NONE
) -> dict[str, Any]:
    """The inventory part of a desired host: the mapped fields, then the config context's
    values (a value Zabbix would refuse as too long is a ConfigError), and the mode where one
    is set."""
    out: dict[str, Any] = {}
    if settings.inventory_mode:
        out["inventory_mode"] = settings.inventory_mode
    if settings.inventory or context.inventory:
        mapped = {f: inventory_value(hc, s) for f, s in settings.inventory.items()}
        out["inventory"] = {**mapped, **context.inventory}
        if problems := [p for f, v in out["inventory"].items() if (p := too_long(f, v))]:
            raise ConfigError("; ".join(problems))
    return out


def snmp_details(snmp: SnmpSettings) -> dict[str, str]:
    """An SNMP interface's details in the Zabbix layer's words, without secrets: the SNMPv3
    passphrases are added from the environment only when the interface is written."""
    details = {"version": str(snmp.version), "bulk": "1" if snmp.bulk else "0"}
    if snmp.version < 3:
        return {**details, "community": snmp.community}
    return {
        **details,
        "securityname": snmp.securityname,
        "securitylevel": snmp.securitylevel,
        "authprotocol": snmp.authprotocol,
        "privprotocol": snmp.privprotocol,
    }


def desired_interfaces(
    primary_ip: str | None,
    dns: str,
    kind: str,
    no_primary_ip: str,
    snmp: SnmpSettings | None = None,
    port: str | None = None,
) -> list[dict[str, Any]]:
    """The main interface on the primary IP; without one, what ``no_primary_ip`` says: the DNS
    name, no interface (``skip``), or a ConfigError (``error``). An SNMP one carries its details;
    ``port`` replaces the type's usual one."""
    if primary_ip is None and no_primary_ip == "error":
        raise ConfigError("no primary IP (setting no_primary_ip: error)")
    if primary_ip is None and no_primary_ip == "skip":
        return []
    interface: dict[str, Any] = {
        "type": kind,
        "main": True,
        "useip": primary_ip is not None,
        "ip": primary_ip or "",
        "dns": "" if primary_ip else dns,
        "port": port or PORTS[kind],
    }
    if kind == "snmp":
        interface["details"] = snmp_details(snmp or SnmpSettings())
    return [interface]


def extra_interfaces(
    hc: HostConfig, templates: list[str], index: ZabbixIndex, main: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The IPMI and JMX interfaces the templates' items need: IPMI on the device's out-of-band
    IP (NetBox's ``oob_ip``; none is a ConfigError naming the templates), JMX where the main
    interface is."""
    needs: dict[str, list[str]] = {}
    for templateid in templates:
        for kind in index.template_extras.get(templateid, ()):
            needs.setdefault(kind, []).append(templateid)
    out = []
    for kind in sorted(needs):
        if kind == "ipmi" and not hc.oob_ip:
            names = reverse(index.templates)
            named = ", ".join(sorted({names.get(i, f"#{i}") for i in needs[kind]}))
            raise ConfigError(f"{named} needs an IPMI interface: no out-of-band IP (oob_ip)")
        if kind == "ipmi":
            where = {"useip": True, "ip": hc.oob_ip, "dns": ""}
        elif main:
            where = {k: main[0][k] for k in ("useip", "ip", "dns")}
        else:
            continue  # no main interface (no_primary_ip: skip): nowhere to put it
        out.append({"type": kind, "main": True, **where, "port": PORTS[kind]})
    return out


def reverse(names: Mapping[str, str]) -> dict[str, str]:
    """An index table's ids to names: the first name of each id (a template's visible one)."""
    out: dict[str, str] = {}
    for name, oid in names.items():
        out.setdefault(oid, name)
    return out


def interface_note(desired: Mapping[str, Any]) -> str:
    """Which interface a desired host has and why, for the stored status: the choice made for
    a host config without a primary IP is visible there, not silent."""
    if not desired["interfaces"]:
        return "interface: none (no primary IP; no_primary_ip: skip)"
    main = desired["interfaces"][0]
    if main["useip"]:
        return f"interface: {main['type']} on primary IP {main['ip']}"
    return f"interface: {main['type']} on DNS name {main['dns']} (no primary IP)"


def _context(hc: HostConfig, settings: Settings) -> ContextMapping:
    if not settings.config_context_key:
        return NONE
    try:
        return context_mapping(hc, settings.config_context_key)
    except ContextError as error:
        raise ConfigError(str(error)) from None


def desired_host(hc: HostConfig, settings: Settings, index: ZabbixIndex) -> dict[str, Any]:
    """The Zabbix host this host config should be; raises ConfigError for this host only."""
    rule = settings.mapping_for(hc.site, hc.role, hc.platform, hc.tags)
    cf = hc.custom_fields
    context = _context(hc, settings)
    groups = _names(cf.get("zabbix_host_groups")) or context.host_groups or rule.host_groups
    template_names = _names(cf.get("zabbix_templates")) or context.templates or rule.templates
    proxy, proxy_group = cf.get("zabbix_proxy") or None, cf.get("zabbix_proxy_group") or None
    if proxy is None and proxy_group is None:
        proxy, proxy_group = context.proxy, context.proxy_group
    if proxy is None and proxy_group is None:
        proxy, proxy_group = rule.proxy, rule.proxy_group
    if proxy and proxy_group:
        raise ConfigError("both zabbix_proxy and zabbix_proxy_group are set; choose one")
    templates = _resolve("template", template_names, index.templates)
    types = {index.template_types.get(t, "any") for t in templates}
    iface_type = context.interface_type or ("snmp" if "snmp" in types else "agent")
    snmp = settings.snmp
    if context.snmp:
        snmp = SnmpSettings.model_validate({**settings.snmp.model_dump(), **context.snmp})
    technical = technical_name(hc.name)
    interfaces = desired_interfaces(
        hc.primary_ip, technical, iface_type, settings.no_primary_ip, snmp, context.port
    )
    interfaces += extra_interfaces(hc, templates, index, interfaces)
    monitored_by, proxyid, proxy_groupid = "server", None, None
    if proxy:
        monitored_by, proxyid = "proxy", _resolve("proxy", [proxy], index.proxies)[0]
    elif proxy_group:
        monitored_by = "proxy_group"
        proxy_groupid = _resolve("proxy group", [proxy_group], index.proxy_groups)[0]
    described = {"description": hc.description} if settings.sync_description else {}
    status = settings.status_action(hc.object_type, hc.status)
    if status == "maintenance":  # enabled, in the status window (sync.status_window)
        status, described["maintenance"] = "enabled", True
    if settings.sync_macros:
        own = cf.get("zabbix_macros")
        macros = {**context.macros, **own} if isinstance(own, dict) else own or context.macros
        try:
            described["macros"] = desired_macros(macros)
        except MacroError as error:
            raise ConfigError(str(error)) from None
    return {
        **described,
        **desired_inventory(hc, settings, context),
        "host": technical,
        "name": hc.name,
        "status": status,
        "groups": _groups(group_names(groups, hc), index.host_groups, settings.create_host_groups),
        "templates": templates,
        "interfaces": interfaces,
        "tags": desired_tags(hc, settings, context),
        "monitored_by": monitored_by,
        "proxyid": proxyid,
        "proxy_groupid": proxy_groupid,
    }
