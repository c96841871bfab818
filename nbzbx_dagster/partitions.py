"""Partitions shared by assets, jobs and sensors."""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

# One partition per host config: "device-<netbox id>" or "vm-<netbox id>" (stable across renames).
HOST_CONFIGS = dg.DynamicPartitionsDefinition(name="host_configs")


def sync_partitions(
    instance: dg.DagsterInstance, keys: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Make the ``host_configs`` partitions equal to ``keys``; returns (added, removed)."""
    existing = instance.get_dynamic_partitions(HOST_CONFIGS.name)
    present = set(existing)
    added = [k for k in keys if k not in present]
    wanted = set(keys)
    removed = [k for k in existing if k not in wanted]
    if added:
        instance.add_dynamic_partitions(HOST_CONFIGS.name, added)
    for key in removed:
        instance.delete_dynamic_partition(HOST_CONFIGS.name, key)
    return added, removed
