"""A host's difference in the words an operator uses: names, not Zabbix ids.

``compare_hosts`` compares ids (what Zabbix stores); this turns its structured diff into lines
such as ``host groups: + Servers, \u2212 Lab A`` or ``proxy: proxy-lab-a → (server)``, through the
names of the host's own Zabbix server. An id the cache does not know stays visible as ``#id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.sync.desired import NEW_GROUP, ZabbixIndex, reverse
from nbzbx_dagster.sync.macros import shown

MINUS = "\u2212"  # a typographic minus: reads as "less" beside "+", never as a hyphen in a name
LABELS = {
    "host": "technical name",
    "name": "visible name",
    "status": "status",
    "monitored_by": "monitored by",
    "proxyid": "proxy",
    "proxy_groupid": "proxy group",
    "groups": "host groups",
    "templates": "templates",
    "tags": "tags",
    "interface": "interface",
    "interface.ipmi": "IPMI interface",
    "interface.jmx": "JMX interface",
    "interfaces": "interfaces",
    "description": "description",
    "inventory_mode": "inventory mode",
    "maintenance": "maintenance",
}
WINDOW = "the NetBox status window"
SHOWN_TEXT = 40  # characters of a description shown in a line
INTERFACE_TYPES = {"1": "agent", "2": "SNMP", "3": "IPMI", "4": "JMX"}


@dataclass(frozen=True)
class ZabbixNames:
    """Zabbix ids to names, per kind, of one server."""

    host_groups: Mapping[str, str]
    templates: Mapping[str, str]
    proxies: Mapping[str, str]
    proxy_groups: Mapping[str, str]

    @classmethod
    def from_index(cls, index: ZabbixIndex) -> ZabbixNames:
        return cls(
            reverse(index.host_groups),
            reverse(index.templates),
            reverse(index.proxies),
            reverse(index.proxy_groups),
        )

    def of(self, kind: str, oid: Any) -> str:
        table = {
            "groups": self.host_groups,
            "templates": self.templates,
            "proxyid": self.proxies,
            "proxy_groupid": self.proxy_groups,
        }[kind]
        if kind == "groups" and str(oid).startswith(NEW_GROUP):
            return f"{str(oid).removeprefix(NEW_GROUP)} (new: made by the apply)"
        return table.get(str(oid), f"#{oid}")


def _member(kind: str, value: Any, names: ZabbixNames) -> str:
    """One member of a set field: a tag as ``tag=value``, a group or template by name, an
    interface as ``SNMP 192.0.2.2:161``."""
    if isinstance(value, dict):
        kind_name = INTERFACE_TYPES.get(str(value.get("type")), str(value.get("type")))
        return f"{kind_name} {value.get('ip') or value.get('dns')}:{value.get('port')}"
    if kind == "tags" and isinstance(value, list | tuple):
        tag, val = value
        return f"{tag}={val}" if val else str(tag)
    if kind in ("groups", "templates"):
        return names.of(kind, value)
    return str(value)


def _set_change(kind: str, want: list[Any], have: list[Any], names: ZabbixNames) -> str:
    wanted = {_member(kind, v, names) for v in want}
    present = {_member(kind, v, names) for v in have}
    parts = [f"+ {v}" for v in sorted(wanted - present)]
    parts += [f"{MINUS} {v}" for v in sorted(present - wanted)]
    return ", ".join(parts)


def _scalar(kind: str, value: Any, names: ZabbixNames) -> str:
    if value in (None, "", "0"):
        return "(server)" if kind in ("proxyid", "proxy_groupid") else "(none)"
    return names.of(kind, value) if kind in ("proxyid", "proxy_groupid") else str(value)


def _text(value: str) -> str:
    """A description in a line: quoted, on one line, cut after ``SHOWN_TEXT`` characters."""
    if not value:
        return "(none)"
    flat = " ".join(value.split())
    return repr(flat if len(flat) <= SHOWN_TEXT else f"{flat[:SHOWN_TEXT]}…")


def _macros(change: Mapping[str, Any]) -> list[str]:
    """One line per macro that differs: ``+`` wanted, ``a → b`` changed, a minus sign gone."""
    want, have = change.get("netbox") or {}, change.get("zabbix") or {}
    by_hand = set(change.get("by_hand") or ())
    lines = []
    for name in sorted(set(want) | set(have)):
        if name not in have:
            lines.append(f"macro {name}: + {want[name]}")
        elif name not in want:
            lines.append(f"macro {name}: {MINUS} {have[name]} (no longer in NetBox)")
        elif name in by_hand:
            lines.append(f"macro {name}: {have[name]} → {want[name]} (made by hand: taken over)")
        elif want[name] != have[name]:
            lines.append(f"macro {name}: {have[name]} → {want[name]}")
    return lines


def _interface(want: Mapping[str, Any] | None, have: Mapping[str, Any] | None) -> str:
    if have is None:
        return f"{(want or {}).get('type', '?')} interface missing in Zabbix"
    if want is None:
        return f"{have.get('type', '?')} interface only in Zabbix"
    changed = [
        f"{key} {have.get(key) or '(none)'} → {want.get(key) or '(none)'}"
        for key in want
        if key != "details" and want.get(key) != have.get(key)
    ]
    want_details, have_details = want.get("details") or {}, have.get("details") or {}
    changed += [
        f"SNMP {key} {have_details.get(key) or '(none)'} → {value or '(none)'}"
        for key, value in want_details.items()
        if value != have_details.get(key)
    ]
    return ", ".join(changed)


def describe(diff: Mapping[str, Any], names: ZabbixNames) -> list[str]:
    """One line per differing field, then the extras relaxed mode tolerates. ``+`` is what
    NetBox wants and Zabbix lacks, a minus sign what Zabbix has beyond it, ``a → b`` Zabbix's value,
    then NetBox's."""
    lines = []
    for key, change in (diff.get("differences") or {}).items():
        label = LABELS.get(key, key)
        want, have = change.get("netbox"), change.get("zabbix")
        if key == "macros":
            lines += _macros(change)
            continue
        if key == "inventory":
            lines += [
                f"inventory {field}: {_text(have.get(field, ''))} → {_text(value)}"
                for field, value in want.items()
            ]
            continue
        if key == "maintenance":
            text = f"{'in' if have else 'not in'} → {'in' if want else 'not in'} {WINDOW}"
        elif key in ("groups", "templates", "tags", "interfaces"):
            text = _set_change(key, want or [], have or [], names)
        elif key == "interface" or isinstance(want, dict) or isinstance(have, dict):
            text = _interface(want, have)
        elif key == "description":
            text = f"{_text(have or '')} → {_text(want or '')}"
        else:
            text = f"{_scalar(key, have, names)} → {_scalar(key, want, names)}"
        lines.append(f"{label}: {text}")
    for key, surplus in (diff.get("extra") or {}).items():
        members = surplus if isinstance(surplus, list) else [surplus]
        if key == "macros":  # made by hand: never the project's, in strict mode too
            lines.append(f"macros kept, not managed: {', '.join(members)}")
            continue
        shown = ", ".join(_member(key, v, names) for v in members)
        lines.append(f"{LABELS.get(key, key)}: only in Zabbix (tolerated): {shown}")
    return lines


def describe_new(want: Mapping[str, Any], names: ZabbixNames) -> list[str]:
    """A host to be created, in names: its groups, templates, interface, monitoring and tags."""
    lines = [
        f"host groups: {', '.join(names.of('groups', g) for g in want['groups'])}",
        f"templates: {', '.join(names.of('templates', t) for t in want['templates']) or '(none)'}",
    ]
    for interface in want["interfaces"]:
        where = f"IP {interface['ip']}" if interface["useip"] else f"DNS name {interface['dns']}"
        lines.append(f"interface: {interface['type']} on {where}:{interface['port']}")
    if want["monitored_by"] != "server":
        kind = "proxyid" if want["monitored_by"] == "proxy" else "proxy_groupid"
        lines.append(f"monitored by {LABELS[kind]} {names.of(kind, want[kind])}")
    tags = ", ".join(f"{t['tag']}={t['value']}" for t in want["tags"])
    if tags:
        lines.append(f"tags: {tags}")
    if want["status"] != "enabled":
        lines.append(f"status: {want['status']}")
    if want.get("maintenance"):
        lines.append(f"maintenance: in {WINDOW}")
    if want.get("description"):
        lines.append(f"description: {_text(want['description'])}")
    lines += [f"macro {m['macro']}: {shown(m)}" for m in want.get("macros") or ()]
    if want.get("inventory_mode"):
        lines.append(f"inventory mode: {want['inventory_mode']}")
    filled = ", ".join(f"{f} {_text(v)}" for f, v in (want.get("inventory") or {}).items() if v)
    if filled:
        lines.append(f"inventory: {filled}")
    return lines
