"""Partitions shared by assets, jobs and sensors."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

# One partition per host config: "device-<netbox id>" or "vm-<netbox id>" (stable across renames).
HOST_CONFIGS = dg.DynamicPartitionsDefinition(name="host_configs")
# One partition per Zabbix server of the settings (`default` for the single-server environment).
ZABBIX_SERVERS = dg.DynamicPartitionsDefinition(name="zabbix_servers")


def sync_partitions(
    instance: dg.DagsterInstance,
    keys: Sequence[str],
    partitions: dg.DynamicPartitionsDefinition = HOST_CONFIGS,
) -> tuple[list[str], list[str]]:
    """Make the dynamic ``partitions`` equal to ``keys``; returns (added, removed)."""
    name = partitions.name or ""
    existing = instance.get_dynamic_partitions(name)
    present = set(existing)
    added = [k for k in keys if k not in present]
    wanted = set(keys)
    removed = [k for k in existing if k not in wanted]
    if added:
        instance.add_dynamic_partitions(name, added)
    for key in removed:
        instance.delete_dynamic_partition(name, key)
    return added, removed
