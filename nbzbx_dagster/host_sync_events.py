"""What Dagster records of a sync refresh, shared by the ``host_config_sync_status`` asset and
the ``host_config_sync_refresh`` job: the asset keys, the partitions, the metadata and the
``host_configs_in_sync`` check.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import dagster as dg

from nbzbx_dagster.dagster_internals import log_materializations
from nbzbx_dagster.partitions import sync_partitions
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import HostConfigs
from nbzbx_dagster.timings import Timings

GROUP = "host_configs"
STATUS_ASSET = dg.AssetKey("host_config_sync_status")
CONFIGS_ASSET = dg.AssetKey("netbox_host_configs")
IN_SYNC_CHECK = "host_configs_in_sync"
LISTED = 50  # host configs named per status in metadata


def host_configs_metadata(
    host_configs: HostConfigs, added: Sequence[str], removed: Sequence[str]
) -> dict[str, Any]:
    errors = {k: str(v) for k, v in host_configs.desired.items() if isinstance(v, Exception)}
    kinds = Counter(c.object_type for c in host_configs.configs)
    return {
        "host_configs": len(host_configs.configs),
        "devices": kinds["device"],
        "virtual_machines": kinds["vm"],
        "partitions_added": dg.MetadataValue.json(list(added[:LISTED])),
        "partitions_removed": dg.MetadataValue.json(list(removed[:LISTED])),
        "configuration_errors": dg.MetadataValue.json(dict(list(errors.items())[:LISTED])),
    }


def record_host_configs(
    instance: dg.DagsterInstance, host_configs: HostConfigs, timings: Timings | None = None
) -> dict[str, Any]:
    """Keep the ``host_configs`` partitions equal to the host configs; their metadata."""
    with (timings or Timings()).section("dagster_partitions"):
        added, removed = sync_partitions(instance, host_configs.keys)
    return host_configs_metadata(host_configs, added, removed)


def check_metadata(check: HostCheck, server: str) -> dict[str, Any]:
    """One partition's materialization metadata: the NetBox name is here, not in the key."""
    meta: dict[str, Any] = {
        "name": check.config.name,
        "server": server,
        "status": check.status,
        "zabbix_hostid": check.zabbix_hostid or "",
        "diff": dg.MetadataValue.json(check.diff),
    }
    if check.error:
        meta["error"] = check.error
    return meta


def record_statuses(
    context: dg.OpExecutionContext, checks: Sequence[HostCheck], servers: dict[str, str]
) -> None:
    """One ``host_config_sync_status`` materialization per checked partition."""
    materializations = [
        dg.AssetMaterialization(
            STATUS_ASSET,
            partition=c.config.key,
            metadata=check_metadata(c, servers[c.config.key]),
        )
        for c in checks
    ]
    batched = log_materializations(context, materializations)
    if checks and not batched:
        context.log.info(
            f"{len(checks)} materializations stored one by one: set DAGSTER_EVENT_BATCH_SIZE "
            "where Dagster starts to store them in batches"
        )


def in_sync_evaluation(store: StateStore) -> dg.AssetCheckEvaluation:
    """Over every stored status: passes when all host configs are in sync, warns otherwise."""
    with store.connect() as conn:
        stored = read_statuses(conn)
    by_status: dict[str, list[str]] = {}
    for row in stored.values():
        by_status.setdefault(row["status"], []).append(f"{row['name']} ({row['partition_key']})")
    bad = {s: sorted(v) for s, v in by_status.items() if s != "in_sync"}
    return dg.AssetCheckEvaluation(
        asset_key=STATUS_ASSET,
        check_name=IN_SYNC_CHECK,
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            **{s: len(v) for s, v in by_status.items()},
            **{f"{s}_hosts": dg.MetadataValue.json(v[:LISTED]) for s, v in bad.items()},
        },
    )
