"""The ``host_config_sync_refresh`` system job: re-check the host configs not checked lately.

It picks the host configs last checked before now minus the cutoff (or never), checks all of them
in this one run, records a materialization of ``host_config_sync_status`` per checked partition,
and then writes the changed ``zabbix_hostid`` / ``zabbix_sync_status`` values back to NetBox.

The per-partition materializations are stored in batches of 1,000 (one INSERT per batch), the way
Dagster stores a multi-partition asset output, instead of one ``log_event`` each: dagster-postgres
opens a connection and runs four statements per single event, which made Dagster's bookkeeping
most of a refresh (10,000 host configs, benchmarks/host_config_sync.py: 37 s through PgBouncer,
126 s direct; batched, 4 s either way). Materializing only the partitions whose status changed
would cut steady-state runs further, but the UI would lose each partition's last-checked time
and first runs would not get faster; a full refresh adds one event-log row per host config,
which the instance's retention has to allow for.
"""

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventBatchMetadata, generate_event_batch_id
from pydantic import Field

from nbzbx_dagster.assets.host_configs import (
    CONFIGS_ASSET,
    STATUS_ASSET,
    check_metadata,
    host_configs_metadata,
    in_sync_evaluation,
)
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.host_configs import HostConfig
from nbzbx_dagster.netbox.writeback import missing_fields, write_back
from nbzbx_dagster.registry import register_system_job
from nbzbx_dagster.resources.netbox import NetBoxResource
from nbzbx_dagster.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource
from nbzbx_dagster.runs import SYSTEM_JOB_TAG
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import refresh
from nbzbx_dagster.timings import Timings

JOB = "host_config_sync_refresh"
BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
EVENT_BATCH = 1000


class RefreshConfig(dg.Config):
    cutoff: int | None = Field(
        default=None,
        ge=0,
        description="Re-check host configs last checked more than this many minutes ago; 0 "
        "checks all. Default: the cutoff_host_config_sync setting.",
    )


@dg.op(tags={"kind": "zabbix"})
def refresh_host_config_sync_status(
    context: dg.OpExecutionContext,
    config: RefreshConfig,
    netbox: NetBoxResource,
    zabbix: ZabbixResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> None:
    """Check the stale host configs in one batch and store their statuses in one transaction.

    The output metadata has ``timings_s`` (seconds per section: NetBox, Zabbix, state store,
    Dagster bookkeeping, write-back) and ``api_calls`` (requests per NetBox path and Zabbix
    method), so a slow run shows where its time went."""
    effective = settings.effective()
    store = state_store.open()
    timings = Timings()
    checks, summary, host_configs = refresh(
        context,
        netbox.client,
        zabbix.client,
        store,
        effective,
        cutoff_minutes=config.cutoff,
        timings=timings,
    )
    with timings.section("store_read"):
        evaluation = in_sync_evaluation(store)
    with timings.section("dagster_events"):
        context.log_event(
            dg.AssetMaterialization(CONFIGS_ASSET, metadata=host_configs_metadata(host_configs))
        )
        report_statuses(context, checks)
        context.log_event(evaluation)
    context.log.info(f"{JOB}: {summary}")
    if effective.netbox_writeback and checks:
        with timings.section("netbox_writeback"):
            _write_back(context, netbox.client(), host_configs.configs, checks)
    context.add_output_metadata(
        {
            **{k: v for k, v in summary.items() if v is not None},
            "timings_s": dg.MetadataValue.json(timings.as_dict()),
            "api_calls": dg.MetadataValue.json(
                {
                    "netbox": dict(netbox.client().calls),
                    "zabbix": dict(zabbix.client().calls),
                }
            ),
        }
    )


@contextmanager
def _batched_event_writes() -> Iterator[None]:
    """Dagster stores events carrying batch metadata in one call per batch only while
    DAGSTER_EVENT_BATCH_SIZE is positive (read at every event); set it for the duration unless
    the deployment set it."""
    previous = os.environ.get(BATCH_SIZE_ENV)
    if previous and previous.strip().isdigit() and int(previous) > 0:
        yield
        return
    os.environ[BATCH_SIZE_ENV] = str(EVENT_BATCH)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(BATCH_SIZE_ENV, None)
        else:
            os.environ[BATCH_SIZE_ENV] = previous


def report_statuses(context: dg.OpExecutionContext, checks: Sequence[HostCheck]) -> None:
    """One ``host_config_sync_status`` materialization per partition, stored in batches.

    ``context.log_event`` has no batch form, so the events are made as Dagster makes those of a
    multi-partition asset output (``DagsterEvent.asset_materialization`` with batch metadata).
    They do not appear in an in-process result's event list; the event log has them."""
    step = context.get_step_execution_context()
    batch_id = generate_event_batch_id()
    with _batched_event_writes():
        for n, check in enumerate(checks, start=1):
            materialization = dg.AssetMaterialization(
                STATUS_ASSET, partition=check.config.key, metadata=check_metadata(check)
            )
            DagsterEvent.asset_materialization(
                step, materialization, DagsterEventBatchMetadata(batch_id, n == len(checks))
            )


def _write_back(
    context: dg.OpExecutionContext,
    client: NetBoxClient,
    configs: Sequence[HostConfig],
    checks: Sequence[HostCheck],
) -> None:
    absent = missing_fields(client)
    if absent:
        context.log.warning(
            f"NetBox has no custom field {', '.join(absent)}: run import_zabbix_settings first; "
            "nothing written back"
        )
        return
    outcome = {c.config.key: (c.zabbix_hostid, c.status) for c in checks}
    written = write_back(client, configs, outcome)
    context.log.info(f"written back to NetBox (changed values only): {written}")


@dg.job(
    name=JOB,
    description="Re-check the host configs not checked within the cutoff against Zabbix, in one "
    "run; store their sync status and write changed values back to NetBox.",
    tags={SYSTEM_JOB_TAG: JOB},
)
def host_config_sync_refresh() -> None:
    refresh_host_config_sync_status()


register_system_job("host_config_sync_interval", after=("import_zabbix_settings",))(
    host_config_sync_refresh
)
