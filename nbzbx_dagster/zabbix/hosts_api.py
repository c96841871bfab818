"""Zabbix hosts in one shape for every version, read in batches.

A normalised host::

    {hostid, host, name, status: "enabled"|"disabled", description,
     groups: [{groupid, name}], templates: [{templateid, name}],
     interfaces: [{interfaceid, type: "agent"|"snmp"|"ipmi"|"jmx", main, useip, ip, dns, port,
                   details}],
     tags: [{tag, value}],
     macros: [{hostmacroid, macro, type: "text"|"secret"|"vault", value, description}],
     inventory_mode: "disabled"|"manual"|"automatic"|None, inventory: {field: value},
     monitored_by: "server"|"proxy"|"proxy_group", proxyid, proxy_groupid}

Write-only secrets (PSK, SNMPv3 passphrases, a secret macro's value) are never read back, so
they are not in the shape. Macros are read only when asked for (``[]`` otherwise), and so are
the inventory mode and the inventory fields named (``None`` and ``{}`` otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict

from nbzbx_dagster.common.progress import report
from nbzbx_dagster.zabbix.catalog import require_keys
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.inventory_fields import FIELD_LENGTHS, MODE_CODES, MODES

BATCH = 500

MonitoredBy = Literal["server", "proxy", "proxy_group"]
INTERFACE_TYPES = {"1": "agent", "2": "snmp", "3": "ipmi", "4": "jmx"}
INTERFACE_CODES = {name: int(code) for code, name in INTERFACE_TYPES.items()}
MONITORED_BY = {"0": "server", "1": "proxy", "2": "proxy_group"}
MONITORED_BY_CODES = {name: int(code) for code, name in MONITORED_BY.items()}
MACRO_TYPES = {"0": "text", "1": "secret", "2": "vault"}
MACRO_CODES = {name: int(code) for code, name in MACRO_TYPES.items()}
MACRO_FIELDS = ["hostmacroid", "macro", "value", "type", "description"]
# SNMP interface details that are secrets (write-only in spirit): never part of the shape.
SECRET_DETAILS = frozenset({"authpassphrase", "privpassphrase"})


class Interface(TypedDict):
    interfaceid: str
    type: str
    main: bool
    useip: bool
    ip: str
    dns: str
    port: str
    details: dict[str, str]


class Macro(TypedDict):
    hostmacroid: str
    macro: str
    type: str
    value: str  # "" for a secret: Zabbix never returns it
    description: str


class Host(TypedDict):
    hostid: str
    host: str
    name: str
    status: Literal["enabled", "disabled"]
    description: str
    groups: list[dict[str, str]]
    templates: list[dict[str, str]]
    interfaces: list[Interface]
    tags: list[dict[str, str]]
    macros: list[Macro]
    inventory_mode: str | None
    inventory: dict[str, str]
    monitored_by: MonitoredBy
    proxyid: str | None
    proxy_groupid: str | None
    maintenance: NotRequired[bool]
    """In the project's status maintenance window (set by ``sync.status_window`` where one
    exists), not read from the host."""


def chunks(values: Sequence[str], size: int = BATCH) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def hosts(
    client: ZabbixClient,
    hostids: Iterable[str] | None = None,
    names: Iterable[str] | None = None,
    with_macros: bool = False,
    inventory: Sequence[str] | None = None,
) -> list[Host]:
    """Hosts by id and/or by exact technical name (``host``), at most 500 per ``host.get``;
    their user macros too ``with_macros``; with ``inventory``, their inventory mode and those
    inventory fields (none: the mode only).

    With neither, all hosts: their ids first (one light call), then the same batches.
    """
    caps = client.zabbix_version
    groups_param, groups_key = caps.host_groups_select
    proxy_fields = (
        ["monitored_by", "proxyid", "proxy_groupid"]
        if caps.host_proxy_fields == "monitored_by"
        else ["proxy_hostid"]
    )
    base: dict[str, Any] = {
        "output": ["hostid", "host", "name", "status", "description", *proxy_fields],
        groups_param: ["groupid", "name"],
        "selectParentTemplates": ["templateid", "name"],
        "selectInterfaces": [
            "interfaceid",
            "type",
            "main",
            "useip",
            "ip",
            "dns",
            "port",
            "details",
        ],
        "selectTags": ["tag", "value"],
    }
    keys = ["hostid", "host", groups_key, "parentTemplates", "interfaces", "tags", *proxy_fields]
    if with_macros:
        base["selectMacros"] = MACRO_FIELDS
        keys.append("macros")
    if inventory is not None:
        base["output"] = [*base["output"], "inventory_mode"]
        keys.append("inventory_mode")
        if inventory:
            base["selectInventory"] = sorted(inventory)
            keys.append("inventory")

    if hostids is None and names is None:
        everything = client.call("host.get", {"output": ["hostid"]})
        hostids = [
            str(r["hostid"]) for r in require_keys(client, "host.get", everything, ["hostid"])
        ]
    found: dict[str, Host] = {}
    for field, values in (("hostids", hostids), ("host", names)):
        wanted = sorted({str(v) for v in values or ()})
        for n, chunk in enumerate(chunks(wanted)):
            params = dict(base)
            if field == "hostids":
                params["hostids"] = chunk
            else:
                params["filter"] = {"host": chunk}
            rows = require_keys(client, "host.get", client.call("host.get", params), keys)
            for row in rows:
                found[str(row["hostid"])] = _host(row, groups_key)
            done = min((n + 1) * BATCH, len(wanted))
            by = "id" if field == "hostids" else "name"
            report(f"Zabbix host.get: hosts by {by} {done} of {len(wanted)} read")
    return list(found.values())


def _host(row: Mapping[str, Any], groups_key: str) -> Host:
    if "monitored_by" in row:
        monitored_by = MONITORED_BY.get(str(row["monitored_by"]), "server")
        proxyid = str(row["proxyid"]) if monitored_by == "proxy" else None
        proxy_groupid = str(row["proxy_groupid"]) if monitored_by == "proxy_group" else None
    else:
        proxy = str(row.get("proxy_hostid") or "0")
        monitored_by = "server" if proxy == "0" else "proxy"
        proxyid = None if proxy == "0" else proxy
        proxy_groupid = None
    return Host(
        hostid=str(row["hostid"]),
        host=row["host"],
        name=row.get("name", row["host"]),
        status="enabled" if str(row.get("status", "0")) == "0" else "disabled",
        description=row.get("description", ""),
        groups=sorted(
            ({"groupid": str(g["groupid"]), "name": g["name"]} for g in row[groups_key]),
            key=lambda g: g["name"],
        ),
        templates=sorted(
            (
                {"templateid": str(t["templateid"]), "name": t["name"]}
                for t in row["parentTemplates"]
            ),
            key=lambda t: t["name"],
        ),
        interfaces=[_interface(i) for i in row["interfaces"]],
        tags=sorted(
            ({"tag": t["tag"], "value": t["value"]} for t in row["tags"]),
            key=lambda t: (t["tag"], t["value"]),
        ),
        macros=sorted((_macro(m) for m in row.get("macros") or ()), key=lambda m: m["macro"]),
        inventory_mode=MODES.get(str(row["inventory_mode"])) if "inventory_mode" in row else None,
        # a disabled inventory is answered as []
        inventory={k: str(v) for k, v in (row.get("inventory") or {}).items()},
        monitored_by=monitored_by,  # type: ignore[typeddict-item]
        proxyid=proxyid,
        proxy_groupid=proxy_groupid,
    )


def _macro(row: Mapping[str, Any]) -> Macro:
    kind = MACRO_TYPES.get(str(row.get("type", "0")), "text")
    return Macro(
        hostmacroid=str(row["hostmacroid"]),
        macro=row["macro"],
        type=kind,
        value=row.get("value", "") if kind == "text" else "",
        description=row.get("description", ""),
    )


def macro_params(client: ZabbixClient, spec: Mapping[str, Any]) -> dict[str, Any]:
    """A macro in Zabbix's words (its value already resolved): only the keys given, so the
    same function serves ``host.create``'s macros and ``usermacro.create``/``update``."""
    keys = ("hostid", "hostmacroid", "macro", "value", "description")
    params = {k: spec[k] for k in keys if k in spec}
    if "type" in spec:
        if spec["type"] not in MACRO_CODES:
            raise ZabbixError(client.url, f"unknown macro type {spec['type']!r}")
        params["type"] = MACRO_CODES[spec["type"]]
    return params


def _interface(row: Mapping[str, Any]) -> Interface:
    details = row.get("details") if isinstance(row.get("details"), dict) else {}
    return Interface(
        interfaceid=str(row.get("interfaceid", "")),
        type=INTERFACE_TYPES.get(str(row["type"]), str(row["type"])),
        main=str(row.get("main", "1")) == "1",
        useip=str(row.get("useip", "1")) == "1",
        ip=row.get("ip", ""),
        dns=row.get("dns", ""),
        port=str(row.get("port", "")),
        details=snmp_detail_names(details),
    )


# -- writes ----------------------------------------------------------------------------------


def write_params(client: ZabbixClient, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Translate the normalised vocabulary in ``spec`` to this version's host fields.

    Only keys present in ``spec`` are sent, so the same function serves create and update.
    """
    params: dict[str, Any] = {}
    for key in ("host", "name", "description"):
        if key in spec:
            params[key] = spec[key]
    if "status" in spec:
        if spec["status"] not in ("enabled", "disabled"):
            raise ZabbixError(
                client.url, f"host status must be enabled or disabled: {spec['status']!r}"
            )
        params["status"] = 0 if spec["status"] == "enabled" else 1
    if "groups" in spec:
        params["groups"] = [{"groupid": str(_id(g, "groupid"))} for g in spec["groups"]]
    if "templates" in spec:
        # Template links carry only the id: 7.0 rejects extra keys.
        params["templates"] = [{"templateid": str(_id(t, "templateid"))} for t in spec["templates"]]
    if "interfaces" in spec:
        params["interfaces"] = [interface_params(client, i) for i in spec["interfaces"]]
    if "tags" in spec:
        params["tags"] = [{"tag": t["tag"], "value": t.get("value", "")} for t in spec["tags"]]
    if "macros" in spec:
        params["macros"] = [macro_params(client, m) for m in spec["macros"]]
    if spec.get("inventory_mode"):
        if spec["inventory_mode"] not in MODE_CODES:
            raise ZabbixError(client.url, f"unknown inventory mode {spec['inventory_mode']!r}")
        params["inventory_mode"] = MODE_CODES[spec["inventory_mode"]]
    if spec.get("inventory"):
        if unknown := sorted(set(spec["inventory"]) - set(FIELD_LENGTHS)):
            raise ZabbixError(client.url, f"unknown inventory field {unknown[0]!r}")
        params["inventory"] = dict(spec["inventory"])
    if "monitored_by" in spec:
        params.update(_proxy_params(client, spec))
    return params


def _id(value: Any, key: str) -> str:
    return value[key] if isinstance(value, Mapping) else value


def interface_params(client: ZabbixClient, spec: Mapping[str, Any]) -> dict[str, Any]:
    kind = spec.get("type", "agent")
    if kind not in INTERFACE_CODES:
        raise ZabbixError(client.url, f"unknown interface type {kind!r}")
    params: dict[str, Any] = {
        "type": INTERFACE_CODES[kind],
        "main": 1 if spec.get("main", True) else 0,
        "useip": 1 if spec.get("useip", True) else 0,
        "ip": spec.get("ip", ""),
        "dns": spec.get("dns", ""),
        "port": str(
            spec.get("port") or {"agent": 10050, "snmp": 161, "ipmi": 623, "jmx": 12345}[kind]
        ),
    }
    if spec.get("interfaceid"):
        params["interfaceid"] = str(spec["interfaceid"])
    if kind == "snmp":
        params["details"] = snmp_detail_codes(
            spec.get("details") or {"version": "2", "community": "{$SNMP_COMMUNITY}"}
        )
    return params


SNMP_CODES = {
    "securitylevel": {"noAuthNoPriv": 0, "authNoPriv": 1, "authPriv": 2},
    "authprotocol": {"MD5": 0, "SHA1": 1, "SHA224": 2, "SHA256": 3, "SHA384": 4, "SHA512": 5},
    "privprotocol": {"DES": 0, "AES128": 1, "AES192": 2, "AES256": 3, "AES192C": 4, "AES256C": 5},
}


def snmp_detail_codes(details: Mapping[str, Any]) -> dict[str, str]:
    """SNMP interface details with the SNMPv3 names (``authPriv``, ``SHA256``) as Zabbix's
    codes; codes and other keys pass as they are."""
    out = {}
    for key, value in details.items():
        codes = SNMP_CODES.get(key, {})
        out[key] = str(codes.get(value, value))
    return out


SNMP_NAMES = {
    key: {str(code): name for name, code in codes.items()} for key, codes in SNMP_CODES.items()
}


def snmp_detail_names(details: Mapping[str, Any]) -> dict[str, str]:
    """SNMP interface details as read, with Zabbix's SNMPv3 codes as the names the settings use
    (``2`` -> ``authPriv``), so that they compare with the desired ones; secrets left out."""
    return {
        k: SNMP_NAMES.get(k, {}).get(str(v), str(v))
        for k, v in details.items()
        if k not in SECRET_DETAILS
    }


def _proxy_params(client: ZabbixClient, spec: Mapping[str, Any]) -> dict[str, Any]:
    monitored_by = spec["monitored_by"]
    if monitored_by not in MONITORED_BY_CODES:
        raise ZabbixError(
            client.url, f"monitored_by must be server, proxy or proxy_group: {monitored_by!r}"
        )
    proxyid = spec.get("proxyid")
    proxy_groupid = spec.get("proxy_groupid")
    if monitored_by == "proxy" and not proxyid:
        raise ZabbixError(client.url, "a host monitored by a proxy needs a proxyid")
    if monitored_by == "proxy_group" and not proxy_groupid:
        raise ZabbixError(client.url, "a host monitored by a proxy group needs a proxy_groupid")
    if client.zabbix_version.host_proxy_fields == "monitored_by":
        params: dict[str, Any] = {"monitored_by": MONITORED_BY_CODES[monitored_by]}
        if monitored_by == "proxy":
            params["proxyid"] = str(proxyid)
        elif monitored_by == "proxy_group":
            params["proxy_groupid"] = str(proxy_groupid)
        return params
    if monitored_by == "proxy_group":
        raise ZabbixError(
            client.url, f"proxy groups need Zabbix 7.0 or later (this is {client.version_str})"
        )
    return {"proxy_hostid": str(proxyid) if monitored_by == "proxy" else "0"}


def create_params(client: ZabbixClient, spec: Mapping[str, Any]) -> dict[str, Any]:
    if not spec.get("groups"):
        raise ZabbixError(client.url, f"host {spec.get('host')!r} needs at least one host group")
    clean = {k: v for k, v in spec.items() if k != "hostid"}
    if "interfaces" in clean:
        clean["interfaces"] = [
            {k: v for k, v in i.items() if k != "interfaceid"} for i in clean["interfaces"]
        ]
    return write_params(client, clean)


def host_refs(
    client: ZabbixClient,
    *,
    hostids: Iterable[str] = (),
    names: Iterable[str] = (),
    groupids: Iterable[str] = (),
    proxyids: Iterable[str] = (),
    proxy_groupids: Iterable[str] = (),
) -> list[dict[str, str]]:
    """``{hostid, host, name}`` of the hosts selected by any selector: ids, exact technical
    names, host groups, monitoring proxies or proxy groups (7.0+). Light ``host.get`` calls, one
    per selector and 500 values."""
    selectors = {
        "hostids": hostids,
        "host": names,
        "groupids": groupids,
        "proxyids": proxyids,
        "proxy_groupids": proxy_groupids,
    }
    values = {key: sorted({str(v) for v in ids}) for key, ids in selectors.items()}
    # 6.0 ignores an unknown parameter and would answer with every host
    if values["proxy_groupids"] and not client.zabbix_version.has_proxy_groups:
        raise ZabbixError(
            client.url, f"proxy groups need Zabbix 7.0 or later (this is {client.version_str})"
        )
    found: dict[str, dict[str, str]] = {}
    for key, ids in values.items():
        for chunk in chunks(ids):
            params: dict[str, Any] = {"output": ["hostid", "host", "name"]}
            if key == "host":
                params["filter"] = {"host": chunk}
            else:
                params[key] = chunk
            rows = client.call("host.get", params)
            for row in require_keys(client, "host.get", rows, ["hostid", "host", "name"]):
                found[str(row["hostid"])] = {
                    "hostid": str(row["hostid"]),
                    "host": row["host"],
                    "name": row["name"],
                }
    return sorted(found.values(), key=lambda h: h["host"])
