"""Batched host writes for the repair, each object's outcome reported on its own.

Zabbix runs an array call (``host.create`` with 100 hosts) as one transaction: one bad host
fails the whole call. :func:`each_outcome` sends the whole batch first and, only when Zabbix
refuses it, splits it in halves until the refused objects stand alone: a batch with one bad
host costs about 2·log2(batch) extra calls, not one call per host. Only API refusals are split;
a server that is down fails every object with the same cause, at once.

Nothing here uses the ``*.massupdate`` methods or ``hostinterface.replacehostinterfaces``,
which Zabbix 8.0 removed: a main interface is updated in place (``hostinterface.update``), so
the items bound to it keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from nbzbx_dagster.zabbix.catalog import created_ids, require_keys
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.hosts_api import (
    chunks,
    create_params,
    interface_params,
    macro_params,
    write_params,
)

T = TypeVar("T")
# Batches in flight at once: Zabbix's frontend serves requests in parallel (PHP workers) and
# spends most of a host.create in its database, so two about double the rate on two cores.
WORKERS = 2
Outcome = tuple[str | None, ZabbixError | None]
"""Per object: the id Zabbix answered with, or the error that refused it."""


def each_outcome(
    objects: Sequence[T],
    send: Callable[[Sequence[T]], list[str]],
    batch: int,
    workers: int = WORKERS,
) -> list[Outcome]:
    """``send`` the objects ``batch`` at a time, ``workers`` batches at once; a refused batch
    is split until every refused object has its own error. Results are in the order of
    ``objects``."""
    parts = [list(objects[start : start + batch]) for start in range(0, len(objects), batch)]
    if workers <= 1 or len(parts) <= 1:
        done = [_split(part, send) for part in parts]
    else:
        with ThreadPoolExecutor(min(workers, len(parts))) as pool:
            done = list(pool.map(lambda part: _split(part, send), parts))
    return [outcome for part in done for outcome in part]


def _split(objects: list[T], send: Callable[[Sequence[T]], list[str]]) -> list[Outcome]:
    try:
        return [(i, None) for i in send(objects)]
    except ZabbixError as error:
        if error.kind != "api":
            return [(None, error)] * len(objects)
        if len(objects) == 1:
            return [(None, error)]
    half = len(objects) // 2
    return _split(objects[:half], send) + _split(objects[half:], send)


def create_each(
    client: ZabbixClient, specs: Sequence[Mapping[str, Any]], batch: int = 100
) -> list[Outcome]:
    """``host.create`` in arrays of ``batch`` (Zabbix's memory grows with hosts x template
    items: keep templated batches at 100 or so)."""

    def send(part: Sequence[Mapping[str, Any]]) -> list[str]:
        params = [create_params(client, spec) for spec in part]
        result = client.call("host.create", params)
        return created_ids(client, "host.create", result, "hostids", len(params))

    return each_outcome(specs, send, batch)


def update_each(
    client: ZabbixClient, changes: Sequence[Mapping[str, Any]], batch: int = 100
) -> list[Outcome]:
    """``host.update`` in arrays: each change has ``hostid``, the normalised fields to set and
    optionally ``templates_clear`` (template ids to unlink and clear). ``templates`` replaces
    the linked templates; ``tags`` replaces the tags (so the caller passes the ones to keep);
    macros (written one by one, :func:`write_macros`) and TLS settings are never sent."""

    def send(part: Sequence[Mapping[str, Any]]) -> list[str]:
        params = []
        for change in part:
            one = write_params(client, {k: v for k, v in change.items() if k != "interfaces"})
            one["hostid"] = str(change["hostid"])
            if change.get("templates_clear"):
                one["templates_clear"] = [{"templateid": str(t)} for t in change["templates_clear"]]
            params.append(one)
        result = client.call("host.update", params)
        return created_ids(client, "host.update", result, "hostids", len(params))

    return each_outcome(changes, send, batch)


def update_interfaces(
    client: ZabbixClient, interfaces: Sequence[Mapping[str, Any]], batch: int = 500
) -> list[Outcome]:
    """``hostinterface.update`` in arrays, each interface by its ``interfaceid``, in place."""

    def send(part: Sequence[Mapping[str, Any]]) -> list[str]:
        params = [interface_params(client, i) for i in part]
        result = client.call("hostinterface.update", params)
        return created_ids(client, "hostinterface.update", result, "interfaceids", len(params))

    return each_outcome(interfaces, send, batch)


def create_interfaces(
    client: ZabbixClient, interfaces: Sequence[Mapping[str, Any]], batch: int = 500
) -> list[Outcome]:
    """``hostinterface.create`` in arrays, each interface with its ``hostid``."""

    def send(part: Sequence[Mapping[str, Any]]) -> list[str]:
        params = [{**interface_params(client, i), "hostid": str(i["hostid"])} for i in part]
        result = client.call("hostinterface.create", params)
        return created_ids(client, "hostinterface.create", result, "interfaceids", len(params))

    return each_outcome(interfaces, send, batch)


def write_macros(
    client: ZabbixClient, method: str, macros: Sequence[Mapping[str, Any]], batch: int = 500
) -> list[Outcome]:
    """``usermacro.create`` (each macro with its ``hostid``) or ``usermacro.update`` (by its
    ``hostmacroid``) in arrays: a host's macros one by one, so the ones the project does not
    manage are never sent (``host.update``'s ``macros`` would replace them all)."""

    def send(part: Sequence[Mapping[str, Any]]) -> list[str]:
        result = client.call(method, [macro_params(client, m) for m in part])
        return created_ids(client, method, result, "hostmacroids", len(part))

    return each_outcome(macros, send, batch)


def delete_macros(
    client: ZabbixClient, hostmacroids: Sequence[str], batch: int = 500
) -> list[Outcome]:
    """``usermacro.delete`` in arrays of ids."""

    def send(part: Sequence[str]) -> list[str]:
        result = client.call("usermacro.delete", list(part))
        return created_ids(client, "usermacro.delete", result, "hostmacroids", len(part))

    return each_outcome(hostmacroids, send, batch)


def delete_each(client: ZabbixClient, hostids: Sequence[str], batch: int = 500) -> list[Outcome]:
    """``host.delete`` in arrays of ids."""

    def send(part: Sequence[str]) -> list[str]:
        result = client.call("host.delete", list(part))
        return created_ids(client, "host.delete", result, "hostids", len(part))

    return each_outcome(hostids, send, batch)


def marked_hosts(
    client: ZabbixClient, tag: str, keys: Collection[str] | None = None
) -> list[dict[str, str]]:
    """``{hostid, host, name, status, marker}`` of every host carrying the ``tag`` (any value):
    the hosts the project manages; the tag's value names the host config. Their ids first (one
    light ``host.get``), then their fields 500 hosts at a time, ``WORKERS`` in flight: one
    answer for 100,000 hosts and their tags would not fit the frontend's PHP memory.

    With ``keys``, only the hosts whose ``tag`` equals one of them (a keyed plan's few), in one
    ``host.get`` per 500 keys: Zabbix ORs the conditions on one tag name (``evaltype`` 0, the
    default), and an "exists" condition beside them would match every managed host again. A
    host whose first marker names another key is left out: it is that key's."""
    fields = {"output": ["hostid", "host", "name", "status"], "selectTags": ["tag", "value"]}
    if keys is None:
        marked = {"tags": [{"tag": tag, "operator": 4}]}  # 4: the tag exists
        answer = client.call("host.get", {"output": ["hostid"], **marked})
        ids = require_keys(client, "host.get", answer, ["hostid"])
        requests = [
            {**fields, "hostids": part, **marked}
            for part in chunks(sorted(str(r["hostid"]) for r in ids))
        ]
    else:
        requests = [  # 1: the tag's value equals the key
            {**fields, "tags": [{"tag": tag, "value": key, "operator": 1} for key in part]}
            for part in chunks(sorted(set(keys)))
        ]

    def read(params: dict[str, Any]) -> list[dict[str, Any]]:
        return require_keys(
            client, "host.get", client.call("host.get", params), ["hostid", "host", "tags"]
        )

    with ThreadPoolExecutor(max(1, min(WORKERS, len(requests)))) as pool:
        # by id: a host with two of the keys as markers answers in each of their batches
        rows = {str(row["hostid"]): row for part in pool.map(read, requests) for row in part}
    out = []
    for row in rows.values():
        values = [t["value"] for t in row["tags"] if t["tag"] == tag]
        out.append(
            {
                "hostid": str(row["hostid"]),
                "host": row["host"],
                "name": row.get("name", row["host"]),
                "status": "enabled" if str(row.get("status", "0")) == "0" else "disabled",
                "marker": values[0] if values else "",
            }
        )
    return out if keys is None else [h for h in out if h["marker"] in keys]
