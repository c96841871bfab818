"""Comparing a desired host with the Zabbix host: a structured diff, field by field.

Only fields the project manages are compared (the description only with ``sync_description``,
when the desired host has one; macros only with ``sync_macros``, those it wrote and those of a
wanted name; the inventory only in the fields ``inventory`` maps, and its mode where set; the
membership of the status maintenance window where it is wanted or the server has one);
write-only Zabbix fields (PSK secrets, a secret macro's value, SNMPv3 passphrases) never are.
Host groups, templates and tags are compared as sets: in ``strict`` mode extra Zabbix-side
members are drift, in ``relaxed`` mode they are only reported; the same goes for Zabbix
interfaces beyond the desired main one. An SNMP interface's details (version, bulk, community,
SNMPv3 names) are compared where the project sets them. Tags are the project's only within its
prefix (``netbox.``): other tags are someone else's, reported and never drift, and the marker
tag that links a host to its host config is not compared at all.
"""

from __future__ import annotations

from typing import Any

from nbzbx_dagster.sync.macros import compare_macros, macro_mark
from nbzbx_dagster.sync.names import marker_tag

SCALARS = ("host", "name", "status", "monitored_by", "proxyid", "proxy_groupid")
INTERFACE_KEYS = ("type", "useip", "ip", "dns", "port")


def _ids(items: list[Any], key: str) -> set[str]:
    return {str(i[key]) if isinstance(i, dict) else str(i) for i in items}


def _tags(items: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(t["tag"], t.get("value", "")) for t in items}


def _main(items: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    """The main interface of a type (else the first of that type)."""
    of_kind = [i for i in items if i["type"] == kind]
    return next((i for i in of_kind if i.get("main")), of_kind[0] if of_kind else None)


def _reduced(
    interface: dict[str, Any] | None, details: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The compared fields of an interface; with ``details`` (the desired SNMP ones), those of
    its details: Zabbix's other details (``max_repetitions``, ...) are not the project's."""
    if interface is None:
        return None
    reduced = {k: interface.get(k) for k in INTERFACE_KEYS}
    if details:
        have = interface.get("details") or {}
        reduced["details"] = {k: have.get(k) for k in details}
    return reduced


def _interface_list(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    reduced = [{k: i.get(k) for k in INTERFACE_KEYS} for i in items]
    return sorted(reduced, key=lambda i: [str(v) for v in i.values()])


def _sorted(values: set[Any]) -> list[Any]:
    return sorted(values, key=str)


def managed_tag(tag: str, tag_prefix: str) -> bool:
    """A tag in the project's namespace, other than the marker."""
    return tag.startswith(f"{tag_prefix}.") and tag != marker_tag(tag_prefix)


def interface_key(position: int, interface: dict[str, Any]) -> str:
    """The difference key of a desired interface: ``interface`` for the main one (first),
    ``interface.ipmi`` or ``interface.jmx`` for those beside it."""
    return "interface" if position == 0 else f"interface.{interface['type']}"


def compare_inventory(desired: dict[str, Any], actual: dict[str, Any]) -> dict[str, Any]:
    """The inventory mode where one is wanted (or where the mapped fields need one: a disabled
    inventory holds none), and the mapped fields that differ; the other fields are not the
    project's."""
    out: dict[str, Any] = {}
    mode = desired.get("inventory_mode")
    if mode is None and "inventory" in desired and actual.get("inventory_mode") == "disabled":
        mode = "manual"
    if mode is not None and mode != actual.get("inventory_mode"):
        out["inventory_mode"] = {"netbox": mode, "zabbix": actual.get("inventory_mode")}
    have = actual.get("inventory") or {}
    fields = {f: v for f, v in (desired.get("inventory") or {}).items() if have.get(f, "") != v}
    if fields:
        out["inventory"] = {"netbox": fields, "zabbix": {f: have.get(f, "") for f in fields}}
    return out


def compare_hosts(
    desired: dict[str, Any], actual: dict[str, Any], mode: str, tag_prefix: str = "netbox"
) -> dict[str, Any]:
    """``{"differences": {field: {"netbox": ..., "zabbix": ...}}, "extra": {...}}``.

    ``differences`` decides the status (empty: in sync); ``extra`` lists Zabbix-side extras that
    relaxed mode tolerates.
    """
    differences: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key in SCALARS:
        if (desired.get(key) or None) != (actual.get(key) or None):
            differences[key] = {"netbox": desired.get(key), "zabbix": actual.get(key)}
    # the project's only with sync_description, when the desired host has one (empty included)
    if "description" in desired and desired["description"] != (actual.get("description") or ""):
        differences["description"] = {
            "netbox": desired["description"],
            "zabbix": actual.get("description") or "",
        }
    differences |= compare_inventory(desired, actual)
    # wanted by status_mapping, or known where the server has a status window
    if "maintenance" in desired or "maintenance" in actual:
        want_in, have_in = bool(desired.get("maintenance")), bool(actual.get("maintenance"))
        if want_in != have_in:
            differences["maintenance"] = {"netbox": want_in, "zabbix": have_in}
    if "macros" in desired:  # with sync_macros: the project's macros, and wanted names
        change, kept = compare_macros(
            desired["macros"], actual.get("macros") or [], macro_mark(tag_prefix)
        )
        if change:
            differences["macros"] = change
        if kept:
            extra["macros"] = kept
    sets = {
        "groups": (_ids(desired["groups"], "groupid"), _ids(actual["groups"], "groupid")),
        "templates": (
            _ids(desired["templates"], "templateid"),
            _ids(actual["templates"], "templateid"),
        ),
        "tags": (
            _tags(desired["tags"]),
            _tags([t for t in actual["tags"] if managed_tag(t["tag"], tag_prefix)]),
        ),
    }
    for key, (want, have) in sets.items():
        missing, surplus = want - have, have - want
        if missing or (surplus and mode == "strict"):
            differences[key] = {"netbox": _sorted(want), "zabbix": _sorted(have)}
        elif surplus:
            extra[key] = _sorted(surplus)
    others = _tags([t for t in actual["tags"] if not t["tag"].startswith(f"{tag_prefix}.")])
    if others:
        extra["tags"] = _sorted(set(extra.get("tags", [])) | others)
    matched = []
    for n, want_if in enumerate(desired["interfaces"]):
        have_if = _main(actual["interfaces"], want_if["type"])
        matched.append(have_if)
        details = want_if.get("details")
        want_one, have_one = _reduced(want_if, details), _reduced(have_if, details)
        if want_one != have_one:
            differences[interface_key(n, want_if)] = {"netbox": want_one, "zabbix": have_one}
    # Any other Zabbix interface (SNMP beside agent, a second agent) is not NetBox's.
    surplus = [i for i in actual["interfaces"] if not any(i is m for m in matched)]
    if surplus and mode == "strict":
        differences["interfaces"] = {
            "netbox": _interface_list(desired["interfaces"]),
            "zabbix": _interface_list(actual["interfaces"]),
        }
    elif surplus:
        extra["interfaces"] = _interface_list(surplus)
    return {"differences": differences, "extra": extra}
