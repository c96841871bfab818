"""The ``import_zabbix_settings`` system job: every Zabbix server's settings, and the choices.

One run imports every server of the settings, each in its own transaction with its own
event-log row, and records each server's partition of the Zabbix settings assets. A server that
is down fails only its own part: the others are stored, then the run fails naming it. One run
for all servers keeps the job's one-at-a-time limit and its interval as they were.
"""

import dagster as dg

from nbzbx_dagster.defs.partitions import ZABBIX_SERVERS, sync_partitions
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
from nbzbx_dagster.defs.zabbix_settings.events import IMPORT_JOB, import_in_scope, materializations


@dg.op(name="import_every_zabbix_server", out=dg.Out(dg.Nothing))
def import_every_zabbix_server(
    context: dg.OpExecutionContext,
    zabbix: ZabbixResource,
    netbox: NetBoxResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> dg.Output:
    """Import each server's settings into its cache and publish every server's names to
    NetBox; the deletion guard and the server identity check apply per server."""
    effective = settings.effective()
    store = state_store.open()
    servers = effective.server_names
    with job_turn(context, store, effective, IMPORT_JOB):
        sync_partitions(context.instance, servers, ZABBIX_SERVERS)

        def one(server: str, run: RunScope) -> dict:
            result, report = import_in_scope(
                run, server, zabbix.factory(server, effective), netbox.client, effective
            )
            for event in materializations(result, report):
                context.log_event(event)
            context.log.info(run.summary["message"])
            return run.summary

        outcomes = for_each_server(context, store, effective, IMPORT_JOB, servers, one)
        summaries = {s: o.result for s, o in outcomes.items() if o.error is None}
        if len(servers) > 1:
            set_summary(context, {"servers": summaries})
        raise_server_failures(outcomes)
        return dg.Output(None, metadata={"summary": dg.MetadataValue.json(summaries)})


@dg.job(
    name=IMPORT_JOB,
    description="Import templates, template groups, host groups, proxies and proxy groups from "
    "every Zabbix server into its cache, and publish them to NetBox as custom-field choices.",
    tags={SYSTEM_JOB_TAG: IMPORT_JOB},
)
def import_zabbix_settings() -> None:
    import_every_zabbix_server()
