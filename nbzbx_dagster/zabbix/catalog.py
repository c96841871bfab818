"""The Zabbix settings catalog: templates, template groups, host groups, proxies, proxy groups.

Reads return normalised plain dicts with string ids, the same on every Zabbix version; writes take
the normalised vocabulary and send the version's own fields. Zabbix 6.0 ignores unknown keys
silently, so answers are checked for the keys we asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypedDict

from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError

InterfaceKind = Literal["agent", "snmp", "any"]
ProxyMode = Literal["active", "passive"]

ITEM_TYPE_AGENT = 0
ITEM_TYPE_SNMP = 20
ITEM_TYPE_IPMI = 12
ITEM_TYPE_JMX = 16
EXTRA_ITEM_TYPES = {ITEM_TYPE_IPMI: "ipmi", ITEM_TYPE_JMX: "jmx"}  # each needs its interface


class Template(TypedDict):
    templateid: str
    host: str
    name: str
    parents: list[str]
    template_groups: list[str]


class Group(TypedDict):
    groupid: str
    name: str


class Proxy(TypedDict):
    proxyid: str
    name: str
    mode: ProxyMode
    address: str | None
    port: str | None
    allowed_addresses: str
    description: str
    proxy_groupid: str | None


class ProxyGroup(TypedDict):
    proxy_groupid: str
    name: str
    description: str
    failover_delay: str
    min_online: str


def require_keys(client: ZabbixClient, method: str, rows: Any, keys: Iterable[str]) -> list[dict]:
    """Fail loudly when an answer lacks keys we asked for (6.0 ignores unknown selects)."""
    if not isinstance(rows, list):
        raise ZabbixError(client.url, f"unexpected answer to {method}: not a list", kind="protocol")
    keys = tuple(keys)
    for row in rows:
        missing = list(keys) if not isinstance(row, dict) else [k for k in keys if k not in row]
        if missing:
            raise ZabbixError(
                client.url,
                f"unexpected answer to {method}: no {', '.join(missing)}",
                kind="protocol",
            )
    return rows


def created_ids(client: ZabbixClient, method: str, result: Any, key: str, count: int) -> list[str]:
    """The ids a create answered with, checked: one per object sent."""
    ids = result.get(key) if isinstance(result, dict) else None
    if not isinstance(ids, list) or len(ids) != count:
        raise ZabbixError(client.url, f"unexpected answer to {method}: no {key}", kind="protocol")
    return [str(i) for i in ids]


def _none_if_zero(value: Any) -> str | None:
    return None if value in (None, "", "0", 0) else str(value)


# -- reads -----------------------------------------------------------------------------------


def templates(client: ZabbixClient) -> list[Template]:
    """All templates with their parent template ids and template group names."""
    params: dict[str, Any] = {
        "output": ["templateid", "host", "name"],
        "selectParentTemplates": ["templateid"],
    }
    keys = ["templateid", "host", "name", "parentTemplates"]
    groups_select = client.zabbix_version.template_groups_select
    if groups_select:
        params[groups_select[0]] = ["name"]
        keys.append(groups_select[1])
    rows = require_keys(client, "template.get", client.call("template.get", params), keys)
    return [
        Template(
            templateid=str(row["templateid"]),
            host=row["host"],
            name=row["name"],
            parents=sorted(str(p["templateid"]) for p in row["parentTemplates"]),
            template_groups=sorted(g["name"] for g in row[groups_select[1]])
            if groups_select
            else [],
        )
        for row in rows
    ]


def template_interface_types(
    client: ZabbixClient,
    templates: Iterable[str | Mapping[str, Any]],
    parents: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, tuple[InterfaceKind, list[str]]]:
    """Which main interface each template needs: agent, snmp, or any (both or neither); and
    which others its IPMI and JMX items need (``["ipmi", "jmx"]``, or fewer).

    ``templates`` are template ids, or normalised templates from :func:`templates` (whose
    ``parents`` then give the inheritance). One ``item.get`` covers the templates and all their
    ancestors; a template counts the item types of its ancestors too. Without ``parents`` (and
    given only ids), one ``template.get`` reads the inheritance graph first.
    """
    wanted: list[str] = []
    known: dict[str, Sequence[str]] = dict(parents or {})
    for template in templates:
        if isinstance(template, Mapping):
            wanted.append(str(template["templateid"]))
            known.setdefault(str(template["templateid"]), template.get("parents", []))
        else:
            wanted.append(str(template))
    if not wanted:
        return {}
    if parents is None and not all(t in known for t in wanted):
        rows = client.call(
            "template.get", {"output": ["templateid"], "selectParentTemplates": ["templateid"]}
        )
        rows = require_keys(client, "template.get", rows, ["templateid", "parentTemplates"])
        known = {
            str(r["templateid"]): [str(p["templateid"]) for p in r["parentTemplates"]] for r in rows
        }
    parents = known

    def lineage(templateid: str) -> set[str]:
        seen: set[str] = set()
        todo = [templateid]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(parents.get(current, ()))
        return seen

    lineages = {t: lineage(t) for t in wanted}
    all_ids = sorted(set().union(*lineages.values()))
    items = client.call(
        "item.get",
        {
            "output": ["itemid", "type", "hostid"],
            "hostids": all_ids,
            "templated": True,
            "filter": {"type": [ITEM_TYPE_AGENT, ITEM_TYPE_SNMP, *EXTRA_ITEM_TYPES]},
        },
    )
    items = require_keys(client, "item.get", items, ["type", "hostid"])
    kinds: dict[str, set[int]] = {}
    for item in items:
        kinds.setdefault(str(item["hostid"]), set()).add(int(item["type"]))

    result: dict[str, tuple[InterfaceKind, list[str]]] = {}
    for templateid, ids in lineages.items():
        types = set().union(*(kinds.get(i, set()) for i in ids))
        extra = sorted(EXTRA_ITEM_TYPES[t] for t in types & set(EXTRA_ITEM_TYPES))
        main = types - set(EXTRA_ITEM_TYPES)
        kind: InterfaceKind = (
            "agent" if main == {ITEM_TYPE_AGENT} else "snmp" if main == {ITEM_TYPE_SNMP} else "any"
        )
        result[templateid] = (kind, extra)
    return result


def template_dependencies(client: ZabbixClient) -> dict[str, list[str]]:
    """Per template, the other templates its triggers depend on; templates without any are left
    out. Two ``trigger.get`` whatever the number of templates (one when no template trigger has a
    dependency): the template triggers that have dependencies, then the hosts of the triggers
    they depend on.

    Inherited trigger copies count, as Zabbix checks them: a template that nests both ends of a
    dependency owns both copies and needs nothing else. Dependencies on triggers of no template
    are dropped.
    """
    rows = client.call(
        "trigger.get",
        {
            "output": ["triggerid"],
            "templated": True,
            "dependent": True,
            "selectHosts": ["hostid"],
            "selectDependencies": ["triggerid"],
        },
    )
    rows = require_keys(client, "trigger.get", rows, ["triggerid", "hosts", "dependencies"])
    wanted = sorted({str(d["triggerid"]) for row in rows for d in row["dependencies"]})
    if not wanted:
        return {}
    targets = client.call(
        "trigger.get", {"output": ["triggerid"], "triggerids": wanted, "selectHosts": ["hostid"]}
    )
    targets = require_keys(client, "trigger.get", targets, ["triggerid", "hosts"])
    owners = {str(t["triggerid"]): {str(h["hostid"]) for h in t["hosts"]} for t in targets}
    needs: dict[str, set[str]] = {}
    for row in rows:
        needed = set().union(*(owners.get(str(d["triggerid"]), set()) for d in row["dependencies"]))
        for host in row["hosts"]:
            templateid = str(host["hostid"])
            needs.setdefault(templateid, set()).update(needed - {templateid})
    return {t: sorted(n, key=_id_order) for t, n in needs.items() if n}


def template_shared_item_keys(client: ZabbixClient) -> dict[str, list[str]]:
    """Per template, its own keys (not inherited) that another template has too; templates
    without any are left out. Items, discovery rules and item prototypes share one key space per
    host: Zabbix refuses a host two templates bring the same key to, and a key only one template
    has never can, so keeping only the shared ones keeps the cache small. Three calls, one per
    kind, whatever the number of templates."""
    owners: dict[str, set[str]] = {}
    for method in ("item.get", "discoveryrule.get", "itemprototype.get"):
        params = {"output": ["hostid", "key_"], "templated": True, "inherited": False}
        rows = require_keys(client, method, client.call(method, params), ["hostid", "key_"])
        for row in rows:
            owners.setdefault(row["key_"], set()).add(str(row["hostid"]))
    shared: dict[str, list[str]] = {}
    for key, templateids in owners.items():
        if len(templateids) > 1:
            for templateid in templateids:
                shared.setdefault(templateid, []).append(key)
    return {t: sorted(keys) for t, keys in shared.items()}


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


def template_groups(client: ZabbixClient) -> list[Group]:
    """Template groups (6.2+). On 6.0 they do not exist: ``[]`` without asking the API."""
    if not client.zabbix_version.has_template_groups:
        return []
    rows = client.call("templategroup.get", {"output": ["groupid", "name"]})
    rows = require_keys(client, "templategroup.get", rows, ["groupid", "name"])
    return [Group(groupid=str(r["groupid"]), name=r["name"]) for r in rows]


def host_groups(client: ZabbixClient) -> list[Group]:
    """Host groups for hosts. On 6.0 the groups that hold templates and no hosts (the
    ``Templates/...`` ones, or any an operator made) are left out: they are template groups
    there, and offering them for hosts was wrong. Empty groups stay."""
    params: dict[str, Any] = {"output": ["groupid", "name"]}
    keys = ["groupid", "name"]
    if client.zabbix_version.host_groups_hold_templates:
        params |= {"selectHosts": "count", "selectTemplates": "count"}
        keys += ["hosts", "templates"]
    rows = require_keys(client, "hostgroup.get", client.call("hostgroup.get", params), keys)
    return [
        Group(groupid=str(r["groupid"]), name=r["name"])
        for r in rows
        if not (int(r.get("templates", 0)) and not int(r.get("hosts", 0)))
    ]


def ensure_host_groups(client: ZabbixClient, names: Iterable[str]) -> dict[str, str]:
    """The ids of the host groups ``names``: those Zabbix has (one ``hostgroup.get``), the
    others made in one ``hostgroup.create``. A nested name (``Lab A/Server``) needs no parent."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    found = client.call(
        "hostgroup.get", {"output": ["groupid", "name"], "filter": {"name": wanted}}
    )
    ids = {
        r["name"]: str(r["groupid"])
        for r in require_keys(client, "hostgroup.get", found, ["groupid", "name"])
    }
    missing = [n for n in wanted if n not in ids]
    if missing:
        result = client.call("hostgroup.create", [{"name": n} for n in missing])
        ids |= dict(
            zip(
                missing,
                created_ids(client, "hostgroup.create", result, "groupids", len(missing)),
                strict=True,
            )
        )
    return ids


def proxies(client: ZabbixClient, proxyids: Iterable[str] | None = None) -> list[Proxy]:
    """All proxies (or the given ones), in one shape for every version.

    ``address``/``port`` say where the server connects to a passive proxy (None for active ones);
    ``allowed_addresses`` are the sources an active proxy may connect from ("" for passive ones).
    """
    ids = None if proxyids is None else [str(i) for i in proxyids]
    if client.zabbix_version.proxy_fields == "7.0":
        params: dict[str, Any] = {
            "output": [
                "proxyid",
                "name",
                "operating_mode",
                "address",
                "port",
                "allowed_addresses",
                "description",
                "proxy_groupid",
            ],
        }
        if ids is not None:
            params["proxyids"] = ids
        rows = require_keys(
            client,
            "proxy.get",
            client.call("proxy.get", params),
            ["proxyid", "name", "operating_mode", "address", "port", "allowed_addresses"],
        )
        return [_proxy_from_7(row) for row in rows]
    params = {
        "output": ["proxyid", "host", "status", "proxy_address", "description"],
        "selectInterface": ["useip", "ip", "dns", "port"],
    }
    if ids is not None:
        params["proxyids"] = ids
    rows = require_keys(
        client,
        "proxy.get",
        client.call("proxy.get", params),
        ["proxyid", "host", "status", "proxy_address", "interface"],
    )
    return [_proxy_from_6(row) for row in rows]


def _proxy_from_7(row: Mapping[str, Any]) -> Proxy:
    active = str(row["operating_mode"]) == "0"
    return Proxy(
        proxyid=str(row["proxyid"]),
        name=row["name"],
        mode="active" if active else "passive",
        address=None if active else row["address"],
        port=None if active else str(row["port"]),
        allowed_addresses=row["allowed_addresses"] if active else "",
        description=row.get("description", ""),
        proxy_groupid=_none_if_zero(row.get("proxy_groupid")),
    )


def _proxy_from_6(row: Mapping[str, Any]) -> Proxy:
    active = str(row["status"]) == "5"
    interface = row["interface"] if isinstance(row["interface"], dict) else {}
    address = port = None
    if not active and interface:
        address = interface["ip"] if str(interface.get("useip", "1")) == "1" else interface["dns"]
        port = str(interface["port"])
    return Proxy(
        proxyid=str(row["proxyid"]),
        name=row["host"],
        mode="active" if active else "passive",
        address=address,
        port=port,
        allowed_addresses=row["proxy_address"] if active else "",
        description=row.get("description", ""),
        proxy_groupid=None,
    )


def proxy_groups(client: ZabbixClient) -> list[ProxyGroup]:
    """Proxy groups (7.0+). Older versions have none: ``[]`` without asking the API."""
    if not client.zabbix_version.has_proxy_groups:
        return []
    fields = ["proxy_groupid", "name", "description", "failover_delay", "min_online"]
    rows = client.call("proxygroup.get", {"output": fields})
    rows = require_keys(client, "proxygroup.get", rows, ["proxy_groupid", "name"])
    return [
        ProxyGroup(
            proxy_groupid=str(r["proxy_groupid"]),
            name=r["name"],
            description=r.get("description", ""),
            failover_delay=str(r.get("failover_delay", "")),
            min_online=str(r.get("min_online", "")),
        )
        for r in rows
    ]
