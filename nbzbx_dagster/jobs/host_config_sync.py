"""The ``host_config_sync_refresh`` system job: re-check the host configs not checked lately.

It picks the host configs last checked before now minus the cutoff (or never), checks all of them
in this one run, records a materialization of ``host_config_sync_status`` per checked partition,
and then writes the changed ``zabbix_hostid`` / ``zabbix_sync_status`` values back to NetBox.
"""


import dagster as dg
from pydantic import Field

from nbzbx_dagster.assets.host_configs import (
    CONFIGS_ASSET,
    STATUS_ASSET,
    check_metadata,
    host_configs_metadata,
    in_sync_evaluation,
)
from nbzbx_dagster.netbox.writeback import missing_fields, write_back
from nbzbx_dagster.registry import register_system_job
from nbzbx_dagster.resources.netbox import NetBoxResource
from nbzbx_dagster.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource
from nbzbx_dagster.runs import SYSTEM_JOB_TAG
from nbzbx_dagster.sync.refresh import refresh

JOB = "host_config_sync_refresh"


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
    """Check the stale host configs in one batch and store their statuses in one transaction."""
    effective = settings.effective()
    store = state_store.open()
    checks, summary, host_configs = refresh(
        context, netbox.client, zabbix.client, store, effective, cutoff_minutes=config.cutoff
    )
    context.log_event(
        dg.AssetMaterialization(CONFIGS_ASSET, metadata=host_configs_metadata(host_configs))
    )
    for check in checks:
        context.log_event(
            dg.AssetMaterialization(
                STATUS_ASSET, partition=check.config.key, metadata=check_metadata(check)
            )
        )
    context.log_event(in_sync_evaluation(store))
    context.add_output_metadata({k: v for k, v in summary.items() if v is not None})
    context.log.info(f"{JOB}: {summary}")
    if not effective.netbox_writeback or not checks:
        return
    client = netbox.client()
    absent = missing_fields(client)
    if absent:
        context.log.warning(
            f"NetBox has no custom field {', '.join(absent)}: run import_zabbix_settings first; "
            "nothing written back"
        )
        return
    outcome = {c.config.key: (c.zabbix_hostid, c.status) for c in checks}
    written = write_back(client, host_configs.configs, outcome)
    context.log.info(f"written back to NetBox (changed values only): {written}")


@dg.job(
    name=JOB,
    description="Re-check the host configs not checked within the cutoff against Zabbix, in one "
    "run; store their sync status and write changed values back to NetBox.",
    tags={SYSTEM_JOB_TAG: JOB},
)
def host_config_sync_refresh() -> None:
    refresh_host_config_sync_status()


register_system_job("host_config_sync_interval")(host_config_sync_refresh)
