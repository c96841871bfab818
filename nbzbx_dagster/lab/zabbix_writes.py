"""Zabbix writers the lab seed, the tests and the benchmarks use: groups, templates, items,
proxies and hosts made and removed on purpose.

Production writes hosts one way only, through the repair (``zabbix.host_writes``); these are
not part of it. They take the normalised vocabulary of ``nbzbx_dagster.zabbix`` and ask its
capabilities (``client.zabbix_version``) for the version's own fields.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from nbzbx_dagster.zabbix.catalog import (
    ITEM_TYPE_AGENT,
    ITEM_TYPE_IPMI,
    ITEM_TYPE_JMX,
    ITEM_TYPE_SNMP,
    ProxyMode,
    created_ids,
    require_keys,
)
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.hosts_api import chunks, create_params, write_params


def create_host_group(client: ZabbixClient, name: str) -> str:
    result = client.call("hostgroup.create", {"name": name})
    return created_ids(client, "hostgroup.create", result, "groupids", 1)[0]


def create_template_group(client: ZabbixClient, name: str) -> str:
    """A group for templates: a template group on 6.2+, a host group on 6.0 (where they are)."""
    if not client.zabbix_version.has_template_groups:
        return create_host_group(client, name)
    result = client.call("templategroup.create", {"name": name})
    return created_ids(client, "templategroup.create", result, "groupids", 1)[0]


def ensure_template_group(client: ZabbixClient, name: str) -> str:
    """The id of the group for templates called ``name``, created when missing (a template
    group on 6.2+, a host group on 6.0)."""
    method = "templategroup" if client.zabbix_version.has_template_groups else "hostgroup"
    rows = client.call(f"{method}.get", {"output": ["groupid"], "filter": {"name": [name]}})
    rows = require_keys(client, f"{method}.get", rows, ["groupid"])
    return str(rows[0]["groupid"]) if rows else create_template_group(client, name)


def create_template(
    client: ZabbixClient,
    host: str,
    groups: Sequence[str],
    name: str | None = None,
    templates: Sequence[str] | None = None,
) -> str:
    """Create a template in ``groups`` and linked to the parent ``templates`` (ids).

    A group is an id (digits) or a name; names are resolved, and created when missing, with
    :func:`ensure_template_group`.
    """
    if not groups:
        raise ZabbixError(client.url, f"template {host!r} needs at least one group")
    groupids = [g if str(g).isdigit() else ensure_template_group(client, g) for g in groups]
    params: dict[str, Any] = {"host": host, "groups": [{"groupid": str(g)} for g in groupids]}
    if name:
        params["name"] = name
    if templates:
        params["templates"] = [{"templateid": str(t)} for t in templates]
    result = client.call("template.create", params)
    return created_ids(client, "template.create", result, "templateids", 1)[0]


def create_template_item(
    client: ZabbixClient, templateid: str, item_type: int | str, key: str, name: str | None = None
) -> str:
    """Add a numeric item of ``item_type`` (0/"agent", 20/"snmp", 12/"ipmi" or 16/"jmx") to a
    template; the lab uses it to give templates the interfaces they need."""
    codes = {
        "agent": ITEM_TYPE_AGENT,
        "snmp": ITEM_TYPE_SNMP,
        "ipmi": ITEM_TYPE_IPMI,
        "jmx": ITEM_TYPE_JMX,
    }
    code = codes.get(item_type, item_type) if isinstance(item_type, str) else item_type
    if code not in codes.values():
        raise ZabbixError(client.url, f"item type must be agent, snmp, ipmi or jmx: {item_type!r}")
    params: dict[str, Any] = {
        "hostid": str(templateid),
        "name": name or key,
        "key_": key,
        "type": code,
        "value_type": 3,
        "delay": "1m",
    }
    if code == ITEM_TYPE_SNMP:
        params["snmp_oid"] = "1.3.6.1.2.1.1.3.0"
    if code == ITEM_TYPE_IPMI:
        params["ipmi_sensor"] = name or key
    if code == ITEM_TYPE_JMX:
        params["jmx_endpoint"] = "service:jmx:rmi:///jndi/rmi://{HOST.CONN}:{HOST.PORT}/jmxrmi"
    result = client.call("item.create", params)
    return created_ids(client, "item.create", result, "itemids", 1)[0]


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def create_proxy(
    client: ZabbixClient,
    name: str,
    mode: ProxyMode,
    address: str | None = None,
    port: str | int | None = None,
    proxy_groupid: str | None = None,
    *,
    allowed_addresses: str = "",
    local_address: str | None = None,
    local_port: str | int = "10051",
    description: str = "",
) -> str:
    """Create a proxy. Passive proxies need ``address`` (IP or DNS name) and take ``port``.

    ``allowed_addresses`` (active proxies) lists the sources they may connect from.
    ``proxy_groupid`` (7.0+) also sets ``local_address`` (defaults to ``address``, or
    ``127.0.0.1`` for an active proxy) and ``local_port``.
    """
    if mode not in ("active", "passive"):
        raise ZabbixError(client.url, f"proxy mode must be active or passive, not {mode!r}")
    if mode == "passive" and not address:
        raise ZabbixError(client.url, f"passive proxy {name!r} needs an address")
    port = str(port or "10051")
    if client.zabbix_version.proxy_fields == "7.0":
        params: dict[str, Any] = {
            "name": name,
            "operating_mode": 0 if mode == "active" else 1,
            "description": description,
        }
        if mode == "active":
            params["allowed_addresses"] = allowed_addresses
        else:
            params.update(address=address, port=port)
        if proxy_groupid:
            params.update(
                proxy_groupid=str(proxy_groupid),
                local_address=local_address or address or "127.0.0.1",
                local_port=str(local_port),
            )
    else:
        if proxy_groupid:
            raise ZabbixError(
                client.url, f"proxy groups need Zabbix 7.0 or later (this is {client.version_str})"
            )
        params = {"host": name, "status": 5 if mode == "active" else 6, "description": description}
        if mode == "active":
            params["proxy_address"] = allowed_addresses
        else:
            use_ip = _is_ip(address or "")
            params["interface"] = {
                "useip": 1 if use_ip else 0,
                "ip": address if use_ip else "",
                "dns": "" if use_ip else address,
                "port": port,
            }
    result = client.call("proxy.create", params)
    return created_ids(client, "proxy.create", result, "proxyids", 1)[0]


def create_proxy_group(
    client: ZabbixClient,
    name: str,
    *,
    failover_delay: str = "1m",
    min_online: str | int = "1",
    description: str = "",
) -> str:
    """Create a proxy group (7.0+; a ZabbixError on older versions)."""
    if not client.zabbix_version.has_proxy_groups:
        raise ZabbixError(
            client.url, f"proxy groups need Zabbix 7.0 or later (this is {client.version_str})"
        )
    params = {
        "name": name,
        "failover_delay": failover_delay,
        "min_online": str(min_online),
        "description": description,
    }
    result = client.call("proxygroup.create", params)
    return created_ids(client, "proxygroup.create", result, "proxy_groupids", 1)[0]


def delete_objects(client: ZabbixClient, kind: str, ids: Iterable[str]) -> list[str]:
    """Delete objects by id (``kind``: host, template, hostgroup, templategroup, proxy,
    proxygroup, ...); returns the ids Zabbix reports deleted."""
    ids = [str(i) for i in ids]
    if not ids:
        return []
    key = {
        "proxygroup": "proxy_groupids",
        "hostgroup": "groupids",
        "templategroup": "groupids",
    }.get(kind, f"{kind}ids")
    result = client.call(f"{kind}.delete", ids)
    return created_ids(client, f"{kind}.delete", result, key, len(ids))


def create_host(client: ZabbixClient, spec: Mapping[str, Any]) -> str:
    """Create a host from the normalised shape (``hostid`` and ``interfaceid`` are ignored)."""
    return create_hosts(client, [spec])[0]


def create_hosts(
    client: ZabbixClient, specs: Sequence[Mapping[str, Any]], batch: int = 100
) -> list[str]:
    """Create hosts, ``batch`` per call: Zabbix's PHP memory grows with hosts x template items,
    so keep batches of templated hosts at 100 or less."""
    ids: list[str] = []
    for start in range(0, len(specs), batch):
        params = [create_params(client, spec) for spec in specs[start : start + batch]]
        result = client.call("host.create", params if len(params) > 1 else params[0])
        ids.extend(created_ids(client, "host.create", result, "hostids", len(params)))
    return ids


def update_host(client: ZabbixClient, hostid: str, changes: Mapping[str, Any]) -> None:
    """Change the given normalised fields of one host (``templates`` replaces the links)."""
    params = write_params(client, changes)
    params["hostid"] = str(hostid)
    result = client.call("host.update", params)
    if created_ids(client, "host.update", result, "hostids", 1) != [str(hostid)]:
        raise ZabbixError(client.url, f"unexpected answer to host.update for host {hostid}")


def delete_hosts(client: ZabbixClient, hostids: Iterable[str]) -> list[str]:
    """Delete hosts, 500 per call; returns the deleted ids."""
    deleted: list[str] = []
    for chunk in chunks(sorted({str(h) for h in hostids})):
        result = client.call("host.delete", chunk)
        deleted.extend(created_ids(client, "host.delete", result, "hostids", len(chunk)))
    return deleted
