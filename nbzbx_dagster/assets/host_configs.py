"""Host configs and their sync status: does each monitored NetBox device or VM match Zabbix?

``netbox_host_configs`` is the desired state; ``host_config_sync_status`` is partitioned by host
config, and a run over many partitions checks them together (batched Zabbix reads). The check
``host_configs_in_sync`` shows at a glance which host configs are out of sync, missing or in
error.
"""

from collections import Counter
from collections.abc import Sequence
from typing import Any

import dagster as dg

from nbzbx_dagster.partitions import HOST_CONFIGS
from nbzbx_dagster.resources.netbox import NetBoxResource
from nbzbx_dagster.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import HostConfigs, load_host_configs, refresh

GROUP = "host_configs"
STATUS_ASSET = dg.AssetKey("host_config_sync_status")
CONFIGS_ASSET = dg.AssetKey("netbox_host_configs")
IN_SYNC_CHECK = "host_configs_in_sync"
LISTED = 50  # host configs named per status in metadata


def host_configs_metadata(host_configs: HostConfigs) -> dict[str, Any]:
    errors = {k: str(v) for k, v in host_configs.desired.items() if isinstance(v, Exception)}
    kinds = Counter(c.object_type for c in host_configs.configs)
    return {
        "host_configs": len(host_configs.configs),
        "devices": kinds["device"],
        "virtual_machines": kinds["vm"],
        "partitions_added": dg.MetadataValue.json(host_configs.added[:LISTED]),
        "partitions_removed": dg.MetadataValue.json(host_configs.removed[:LISTED]),
        "configuration_errors": dg.MetadataValue.json(dict(list(errors.items())[:LISTED])),
    }


def check_metadata(check: HostCheck) -> dict[str, Any]:
    """One partition's materialization metadata: the NetBox name is here, not in the key."""
    meta: dict[str, Any] = {
        "name": check.config.name,
        "status": check.status,
        "zabbix_hostid": check.zabbix_hostid or "",
        "diff": dg.MetadataValue.json(check.diff),
    }
    if check.error:
        meta["error"] = check.error
    return meta


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


@dg.asset(
    key=CONFIGS_ASSET,
    group_name=GROUP,
    kinds={"netbox"},
    deps=[dg.AssetKey("netbox_zabbix_choices")],
)
def netbox_host_configs(
    context: dg.AssetExecutionContext,
    netbox: NetBoxResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> dg.MaterializeResult:
    """The host configs: selected NetBox devices and VMs with their desired Zabbix host.

    Keeps the ``host_configs`` partitions equal to them: new objects are added, deleted or
    deselected ones removed; a renamed object keeps its partition.
    """
    host_configs = load_host_configs(
        context.instance, netbox.client(), state_store.open(), settings.effective()
    )
    return dg.MaterializeResult(metadata=host_configs_metadata(host_configs))


@dg.asset(
    key=STATUS_ASSET,
    group_name=GROUP,
    kinds={"zabbix", "netbox"},
    partitions_def=HOST_CONFIGS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[CONFIGS_ASSET],
    check_specs=[
        dg.AssetCheckSpec(
            IN_SYNC_CHECK,
            asset=STATUS_ASSET,
            description="Every host config is in sync with Zabbix.",
        )
    ],
)
def host_config_sync_status(
    context: dg.AssetExecutionContext,
    netbox: NetBoxResource,
    zabbix: ZabbixResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
):
    """Whether Zabbix matches NetBox for each host config: in_sync, out_of_sync, missing or
    error, with a field-by-field diff, stored in the state store. The partitions of a run are
    checked together."""
    store = state_store.open()
    checks, summary, _ = refresh(
        context,
        netbox.client,
        zabbix.client,
        store,
        settings.effective(),
        only_keys=context.partition_keys,
    )
    yield dg.MaterializeResult(
        asset_key=STATUS_ASSET,
        metadata={**summary, **_listing(checks)},
    )
    evaluation = in_sync_evaluation(store)
    yield dg.AssetCheckResult(
        check_name=IN_SYNC_CHECK,
        passed=evaluation.passed,
        severity=evaluation.severity,
        metadata=evaluation.metadata,
    )


def _listing(checks: Sequence[HostCheck]) -> dict[str, Any]:
    out: dict[str, list[str]] = {}
    for check in checks:
        if check.status != "in_sync":
            out.setdefault(f"{check.status}_hosts", []).append(check.config.name)
    return {k: dg.MetadataValue.json(v[:LISTED]) for k, v in out.items()}
