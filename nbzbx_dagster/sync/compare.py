"""Comparing a desired host with the Zabbix host: a structured diff, field by field.

Only fields the project manages are compared; write-only Zabbix fields (PSK secrets, secret
macros, SNMPv3 passphrases) never are. Host groups, templates and tags are compared as sets: in
``strict`` mode extra Zabbix-side members are drift, in ``relaxed`` mode they are only reported.
"""

from __future__ import annotations

from typing import Any

SCALARS = ("host", "name", "status", "monitored_by", "proxyid", "proxy_groupid")
INTERFACE_KEYS = ("type", "useip", "ip", "dns", "port")


def _ids(items: list[Any], key: str) -> set[str]:
    return {str(i[key]) if isinstance(i, dict) else str(i) for i in items}


def _tags(items: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(t["tag"], t.get("value", "")) for t in items}


def _interface(items: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    """The main interface of a type, reduced to the compared keys."""
    of_kind = [i for i in items if i["type"] == kind]
    main = next((i for i in of_kind if i.get("main")), of_kind[0] if of_kind else None)
    return None if main is None else {k: main.get(k) for k in INTERFACE_KEYS}


def _sorted(values: set[Any]) -> list[Any]:
    return sorted(values, key=str)


def compare_hosts(desired: dict[str, Any], actual: dict[str, Any], mode: str) -> dict[str, Any]:
    """``{"differences": {field: {"netbox": ..., "zabbix": ...}}, "extra": {...}}``.

    ``differences`` decides the status (empty: in sync); ``extra`` lists Zabbix-side extras that
    relaxed mode tolerates.
    """
    differences: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key in SCALARS:
        if (desired.get(key) or None) != (actual.get(key) or None):
            differences[key] = {"netbox": desired.get(key), "zabbix": actual.get(key)}
    sets = {
        "groups": (_ids(desired["groups"], "groupid"), _ids(actual["groups"], "groupid")),
        "templates": (
            _ids(desired["templates"], "templateid"),
            _ids(actual["templates"], "templateid"),
        ),
        "tags": (_tags(desired["tags"]), _tags(actual["tags"])),
    }
    for key, (want, have) in sets.items():
        missing, surplus = want - have, have - want
        if missing or (surplus and mode == "strict"):
            differences[key] = {"netbox": _sorted(want), "zabbix": _sorted(have)}
        elif surplus:
            extra[key] = _sorted(surplus)
    want_if = desired["interfaces"][0] if desired["interfaces"] else None
    have_if = _interface(actual["interfaces"], want_if["type"]) if want_if else None
    if want_if is not None:
        want_if = {k: want_if.get(k) for k in INTERFACE_KEYS}
    if want_if != have_if:
        differences["interface"] = {"netbox": want_if, "zabbix": have_if}
    return {"differences": differences, "extra": extra}
