"""The ``host_config_sync_refresh`` system job: re-check the host configs not checked lately,
or (a change run, ``keys``) exactly the host configs NetBox's change log says changed.

It picks the host configs last checked before now minus the cutoff (or never), checks all of them
in this one run, records a materialization of ``host_config_sync_status`` for each partition that
is new or whose status or difference changed, and then writes the changed ``zabbix_hostid`` /
``zabbix_sync_status`` values back to NetBox.

The per-partition materializations are stored in batches where the deployment allows it
(``dagster_internals``). A first refresh adds one event-log row per host config; later ones one
per changed host config plus a constant number (the README says what retention that needs).
"""

from typing import Annotated

import dagster as dg
from pydantic import Field

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.defs.host_sync.events import (
    CONFIGS_ASSET,
    in_sync_evaluation,
    record_host_configs,
    record_statuses,
    worth_recording,
)
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.run_scope import (
    SYSTEM_JOB_TAG,
    RunScope,
    for_each_server,
    raise_server_failures,
    set_summary,
)
from nbzbx_dagster.defs.system_jobs.turns import job_turn
from nbzbx_dagster.sync.refresh import (
    NetBoxRead,
    Refresh,
    combined_summary,
    load_host_configs,
    refresh_server,
    save_refresh,
    write_back_checks,
)

JOB = "host_config_sync_refresh"
KEY_PATTERN = r"^(device|vm)-[0-9]+$"


class RefreshConfig(dg.Config):
    cutoff: int | None = Field(
        default=None,
        ge=0,
        description="Re-check host configs last checked more than this many minutes ago; 0 "
        "checks all. Default: the cutoff_host_config_sync setting.",
    )
    keys: list[Annotated[str, Field(pattern=KEY_PATTERN)]] | None = Field(
        default=None,
        description="Check only these host configs (device-<id>, vm-<id>), read from NetBox by "
        "id, whatever the cutoff: what host_config_changes_sensor asks for.",
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
    """Check the stale host configs in one batch and store their statuses in one transaction;
    materialize the partitions that are new or changed.

    The output metadata has ``timings_s`` (seconds per section: NetBox, Zabbix, state store,
    Dagster bookkeeping, write-back) and ``api_calls`` (requests per NetBox path and Zabbix
    method), so a slow run shows where its time went."""
    effective = settings.effective()
    store = state_store.open()
    with job_turn(context, store, effective, JOB):
        timings = Timings()
        keys = config.keys
        read = NetBoxRead(
            lambda: load_host_configs(netbox.client(), store, effective, timings, keys)
        )

        def one(server: str, scope: RunScope) -> Refresh:
            result = refresh_server(
                server,
                read(),
                zabbix.factory(server, effective),
                store,
                effective,
                cutoff_minutes=config.cutoff,
                timings=timings,
            )
            save_refresh(scope.conn, result, timings)
            scope.summary = result.summary
            return result

        servers = effective.server_names
        outcomes = for_each_server(context, store, effective, JOB, servers, one)
        results = [o.result for o in outcomes.values() if o.error is None]
        checks = [c for r in results for c in r.checks]
        summary = combined_summary([r.summary for r in results], servers)
        if len(servers) > 1:
            set_summary(context, summary)
        if read.result is None:  # NetBox failed for every server: the first one's cause
            raise_server_failures(outcomes)
        host_configs = read.result
        configs_metadata, added = record_host_configs(context.instance, host_configs, timings)
        recorded = worth_recording(results, added)
        with timings.section("dagster_events"):
            if keys is None:  # a change run's few host configs are not the asset's value
                context.log_event(dg.AssetMaterialization(CONFIGS_ASSET, metadata=configs_metadata))
            record_statuses(context, recorded, host_configs.servers)
        if keys is None or recorded:  # over every status: a change run only when one changed
            with timings.section("store_read"):
                evaluation = in_sync_evaluation(
                    store, {"checked": len(checks), "recorded": len(recorded)}
                )
            context.log_event(evaluation)
        context.log.info(f"{JOB}: {summary}")
        if effective.netbox_writeback and checks:
            with timings.section("netbox_writeback"):
                write_back_checks(netbox.client(), host_configs.configs, checks, context.log)
        context.add_output_metadata(
            {
                **{k: v for k, v in summary.items() if v is not None},
                "timings_s": dg.MetadataValue.json(timings.as_dict()),
                "api_calls": dg.MetadataValue.json(
                    {
                        "netbox": dict(netbox.client().calls),
                        "zabbix": zabbix.api_calls(),
                    }
                ),
            }
        )
        raise_server_failures(outcomes)


@dg.job(
    name=JOB,
    description="Re-check the host configs not checked within the cutoff against Zabbix, in one "
    "run; store their sync status and write changed values back to NetBox.",
    tags={SYSTEM_JOB_TAG: JOB},
)
def host_config_sync_refresh() -> None:
    refresh_host_config_sync_status()
