"""Host configs and their sync status: does each monitored NetBox device or VM match Zabbix?

``netbox_host_configs`` is the desired state; ``host_config_sync_status`` is partitioned by host
config, and a run over many partitions checks them together (batched Zabbix reads). The check
``host_configs_in_sync`` shows at a glance which host configs are out of sync, missing or in
error. Materializing the status here stores it in one transaction but is not a system job run:
it writes no event-log row (the ``host_config_sync_refresh`` job does).
"""

from collections.abc import Iterator, Sequence
from typing import Any

import dagster as dg

from nbzbx_dagster.defs.host_sync.events import (
    CONFIGS_ASSET,
    GROUP,
    IN_SYNC_CHECK,
    LISTED,
    STATUS_ASSET,
    in_sync_evaluation,
    record_host_configs,
)
from nbzbx_dagster.defs.host_sync.jobs import JOB
from nbzbx_dagster.defs.partitions import HOST_CONFIGS
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.turns import job_turn
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import (
    combined_summary,
    load_host_configs,
    refresh_server,
    save_refresh,
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
    host_configs = load_host_configs(netbox.client(), state_store.open(), settings.effective())
    metadata, _ = record_host_configs(context.instance, host_configs)
    return dg.MaterializeResult(metadata=metadata)


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
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Whether Zabbix matches NetBox for each host config: in_sync, out_of_sync, missing or
    error, with a field-by-field diff, stored in the state store. The partitions of a run are
    checked together."""
    store = state_store.open()
    effective = settings.effective()
    with job_turn(context, store, effective, JOB):
        host_configs = load_host_configs(netbox.client(), store, effective)
        keys = set(context.partition_keys)
        servers = sorted({s for k, s in host_configs.servers.items() if k in keys})
        summaries, checks = [], []
        for server in servers:
            result = refresh_server(
                server,
                host_configs,
                zabbix.factory(server, effective),
                store,
                effective,
                only_keys=context.partition_keys,
            )
            with store.transaction() as conn:
                save_refresh(conn, result)
            summaries.append(result.summary)
            checks.extend(result.checks)
        record_host_configs(context.instance, host_configs)
        yield dg.MaterializeResult(
            asset_key=STATUS_ASSET,
            metadata={**combined_summary(summaries, servers), **_listing(checks)},
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
