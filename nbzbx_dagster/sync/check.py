"""Checking host configs against Zabbix: batched reads, one status per host config.

Zabbix hosts are read in batches (by host id where one is known, else by technical name), never
one call per host. A host config that cannot be evaluated gets ``error`` with its cause; a Zabbix
failure as a whole raises, so the caller stores nothing. The diff of every evaluated host says
which interface was chosen and why (``interface_used``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import interface_note
from nbzbx_dagster.sync.status_window import mark_members, read_window
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.hosts_api import BATCH

READ_WORKERS = 2
"""``host.get`` batches in flight at a time: the client decodes one answer while Zabbix builds
the next."""


@dataclass
class HostCheck:
    """The outcome for one host config, as stored and reported."""

    config: HostConfig
    status: str
    zabbix_hostid: str | None = None
    diff: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    desired: dict[str, Any] | None = None


def check_hosts(
    client: ZabbixClient,
    configs: Sequence[HostConfig],
    desired: Mapping[str, dict[str, Any] | Exception],
    known_hostids: Mapping[str, str | None],
    mode: str,
    timings: Timings | None = None,
    tag_prefix: str = "netbox",
) -> list[HostCheck]:
    """Compare every config with its Zabbix host; ``desired`` holds a ConfigError on failure."""
    timings = timings or Timings()
    with timings.section("zabbix_read"):
        by_id, by_name = read_hosts(client, configs, desired, known_hostids, tag_prefix)
    with timings.section("compare"):
        return _compare(configs, desired, known_hostids, mode, by_id, by_name, tag_prefix)


def read_hosts(
    client: ZabbixClient,
    configs: Sequence[HostConfig],
    desired: Mapping[str, dict[str, Any] | Exception],
    known_hostids: Mapping[str, str | None],
    tag_prefix: str,
) -> tuple[dict[str, zapi.Host], dict[str, zapi.Host]]:
    """The Zabbix hosts by known hostid, then the rest by technical name; their macros only
    when a desired host has macros (``sync_macros``), their inventory mode and mapped fields
    only when one has them (``inventory``, ``inventory_mode``); and whether each is in the
    status maintenance window, where the server has one."""
    wants = [d for d in desired.values() if isinstance(d, dict)]
    extras: dict[str, Any] = {"with_macros": any("macros" in d for d in wants)}
    if any("inventory" in d or "inventory_mode" in d for d in wants):
        extras["inventory"] = sorted({f for d in wants for f in d.get("inventory") or ()})
    wanted_ids = sorted({h for c in configs if (h := known_hostids.get(c.key))})
    by_id = {h["hostid"]: h for h in _hosts(client, "hostids", wanted_ids, extras)}
    unresolved = [
        d["host"]
        for c in configs
        if isinstance(d := desired[c.key], dict) and known_hostids.get(c.key) not in by_id
    ]
    by_name = {h["host"]: h for h in _hosts(client, "names", sorted(set(unresolved)), extras)}
    if by_id or by_name:
        now = int(time.time())
        mark_members([*by_id.values(), *by_name.values()], read_window(client, tag_prefix), now)
    return by_id, by_name


def _hosts(
    client: ZabbixClient, by: str, values: Sequence[str], extras: Mapping[str, Any]
) -> list[zapi.Host]:
    """``zapi.hosts`` over ``values`` (by ``hostids`` or ``names``, with the ``extras`` it
    takes), split into READ_WORKERS runs of whole batches read at the same time."""
    if not values:
        return []
    per_worker = -(-len(values) // (READ_WORKERS * BATCH)) * BATCH
    parts = [values[i : i + per_worker] for i in range(0, len(values), per_worker)]
    if len(parts) == 1:
        return zapi.hosts(client, **{by: values}, **extras)
    with ThreadPoolExecutor(len(parts)) as pool:
        found = list(pool.map(lambda part: zapi.hosts(client, **{by: part}, **extras), parts))
    return [host for hosts in found for host in hosts]


def _compare(
    configs: Sequence[HostConfig],
    desired: Mapping[str, dict[str, Any] | Exception],
    known_hostids: Mapping[str, str | None],
    mode: str,
    by_id: Mapping[str, zapi.Host],
    by_name: Mapping[str, zapi.Host],
    tag_prefix: str,
) -> list[HostCheck]:
    results = []
    for config in configs:
        want = desired[config.key]
        if isinstance(want, Exception):
            results.append(
                HostCheck(config, "error", known_hostids.get(config.key), error=str(want))
            )
            continue
        actual = by_id.get(known_hostids.get(config.key) or "") or by_name.get(want["host"])
        note = {"interface_used": interface_note(want)}
        if actual is None:
            results.append(HostCheck(config, "missing", None, note, desired=want))
            continue
        diff = {**compare_hosts(want, actual, mode, tag_prefix), **note}
        status = "out_of_sync" if diff["differences"] else "in_sync"
        results.append(HostCheck(config, status, actual["hostid"], diff, desired=want))
    return results
