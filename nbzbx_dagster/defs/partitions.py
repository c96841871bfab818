"""Partitions shared by assets, jobs and sensors."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import dagster as dg

# One partition per host config: "device-<netbox id>" or "vm-<netbox id>" (stable across renames).
HOST_CONFIGS = dg.DynamicPartitionsDefinition(name="host_configs")
# One partition per Zabbix server of the settings (`default` for the single-server environment).
ZABBIX_SERVERS = dg.DynamicPartitionsDefinition(name="zabbix_servers")


def sync_partitions(
    instance: dg.DagsterInstance,
    keys: Sequence[str],
    partitions: dg.DynamicPartitionsDefinition = HOST_CONFIGS,
    within: Collection[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Make the dynamic ``partitions`` equal to ``keys``, or among ``within`` only (a change
    run's keys: asked one by one, not by listing every partition); returns (added, removed)."""
    name = partitions.name or ""
    if within is None:
        existing = instance.get_dynamic_partitions(name)
    else:
        existing = [k for k in sorted(within) if instance.has_dynamic_partition(name, k)]
    present = set(existing)
    added = [k for k in keys if k not in present]
    wanted = set(keys)
    removed = [k for k in existing if k not in wanted]
    if added:
        instance.add_dynamic_partitions(name, added)
    for key in removed:
        instance.delete_dynamic_partition(name, key)
    return added, removed
