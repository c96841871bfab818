"""Partitions shared by assets, jobs and sensors."""

from __future__ import annotations

import dagster as dg

# One partition per host config: "device-<netbox id>" or "vm-<netbox id>" (stable across renames).
HOST_CONFIGS = dg.DynamicPartitionsDefinition(name="host_configs")
