"""Maintenance op jobs: ``create_maintenance`` (launchpad), ``maintenance_cleanup`` (system job).

The cleanup runs per Zabbix server, each server's registry writes in its own transaction and
event-log row. Parts whose Zabbix delete failed stay in the registry (their window marked
failed); the deletions that succeeded, on that server and on the others, are committed, and then
the run fails naming the server, so the failure is seen and the next run retries what is left.
"""

from datetime import UTC, datetime
from typing import Any

import dagster as dg
from pydantic import Field

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
from nbzbx_dagster.maintenance import windows
from nbzbx_dagster.maintenance.cleanup import cleanup_maintenances, combine, failure_message
from nbzbx_dagster.maintenance.create import (
    WindowRequest,
    create_window,
    created_text,
    window_times,
)
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import MaintenanceTargets

CREATE_JOB = "create_maintenance"
CLEANUP_JOB = "maintenance_cleanup"


class CreateMaintenanceConfig(dg.Config):
    """A one-time maintenance window over NetBox and Zabbix targets (at least one target)."""

    name: str = Field(description="Unique name, in the registry and in Zabbix (<= 128 chars).")
    start: str | None = Field(
        default=None,
        description="ISO 8601 start, e.g. 2025-06-01T22:00+02:00 (no zone: UTC). Default: now.",
    )
    end: str | None = Field(
        default=None, description="ISO 8601 end (no zone: UTC). Give this or duration_minutes."
    )
    duration_minutes: int | None = Field(
        default=None, description="Length in minutes from the start, instead of end."
    )
    description: str = Field(default="", description="Shown in Zabbix and in the registry.")
    with_data_collection: bool = Field(
        default=True, description="false: Zabbix collects no data during the window."
    )
    host_configs: list[str] = Field(
        default_factory=list, description="Host config keys: device-<netbox id>, vm-<netbox id>."
    )
    sites: list[str] = Field(
        default_factory=list, description="NetBox site slugs: their devices and VMs."
    )
    host_groups: list[str] = Field(default_factory=list, description="Zabbix host group names.")
    proxies: list[str] = Field(
        default_factory=list, description="Zabbix proxy names: the hosts they monitor."
    )
    proxy_groups: list[str] = Field(
        default_factory=list,
        description="Zabbix proxy group names (7.0+): the hosts they monitor.",
    )
    clusters: list[str] = Field(
        default_factory=list, description="NetBox cluster names: their VMs."
    )


@dg.op(
    name="create_maintenance_window",
    description="Resolve the targets, create the Zabbix maintenance, record it in the registry.",
    out=dg.Out(dg.Nothing),
)
def create_maintenance_window(
    context: dg.OpExecutionContext,
    config: CreateMaintenanceConfig,
    zabbix: ZabbixResource,
    netbox: NetBoxResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> dg.Output:
    now = datetime.now(UTC)
    effective = settings.effective()
    start, end = window_times(config.start, config.end, config.duration_minutes, now)
    targets = MaintenanceTargets.from_mapping(
        {
            "host_configs": config.host_configs,
            "sites": config.sites,
            "host_groups": config.host_groups,
            "proxies": config.proxies,
            "proxy_groups": config.proxy_groups,
            "clusters": config.clusters,
        }
    )
    request = WindowRequest(
        name=config.name,
        start=start,
        end=end,
        targets=targets,
        description=config.description,
        with_data_collection=config.with_data_collection,
        created_by=f"{CREATE_JOB} run {context.run_id}",
    )
    result = create_window(
        request,
        store=state_store.open(),
        zabbix=lambda server: zabbix.client(server, effective),
        netbox=netbox.client,
        settings=effective,
        now=now,
    )
    window = result["window"]
    context.log.info(f"maintenance {window['name']!r} created: {created_text(result)}")
    if result["journal"] and result["journal"]["failed"]:
        context.log.warning(f"journal entries not written: {result['journal']['errors']}")
    return dg.Output(
        None, metadata={key: dg.MetadataValue.json(value) for key, value in result.items() if value}
    )


@dg.job(
    name=CREATE_JOB,
    description="Create a one-time maintenance window in Zabbix over host configs, sites, "
    "clusters, host groups, proxies or proxy groups, and record it in the registry.",
)
def create_maintenance() -> None:
    create_maintenance_window()


@dg.op(
    name="cleanup_expired_maintenances",
    description="Delete expired windows in Zabbix (on each server), then from the registry.",
    out=dg.Out(dg.Nothing),
)
def cleanup_expired_maintenances(
    context: dg.OpExecutionContext,
    zabbix: ZabbixResource,
    netbox: NetBoxResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> dg.Output:
    effective = settings.effective()
    store = state_store.open()
    now = datetime.now(UTC)
    with job_turn(context, store, effective, CLEANUP_JOB):
        servers = effective.server_names
        expired: list[list[dict[str, Any]]] = []  # read once, inside the first server's part
        summaries: dict[str, dict[str, Any]] = {}
        journals: list[Journal] = []

        def one(server: str, run: RunScope) -> None:
            if not expired:
                expired.append(windows.expired_windows(run.conn, now))
            journal = Journal(netbox.client) if effective.journal_enabled else None
            if journal is not None:
                journals.append(journal)
            run.summary = cleanup_maintenances(
                run.conn,
                server=server,
                expired=expired[0],
                zabbix=zabbix.factory(server, effective),
                settings=effective,
                now=now,
                journal=journal,
                run_label=f"{CLEANUP_JOB} run {context.run_id}",
            )
            summaries[server] = run.summary
            run.failure = failure_message(run.summary)
            context.log.info((f"{server}: " if len(servers) > 1 else "") + run.summary["message"])

        outcomes = for_each_server(context, store, effective, CLEANUP_JOB, servers, one)
        if len(servers) > 1:  # each server's row has its own; the run gets the whole
            errors = {s: " ".join(str(o.error).split()) for s, o in outcomes.items() if o.error}
            summary = combine(summaries, errors, now)
            set_summary(context, summary)
        else:
            summary = summaries.get(servers[0], {})
        for journal in journals:
            if journal.errors or journal.dropped:
                shown = journal.summary()
                context.log.warning(
                    f"journal: {shown['kept']} entries kept for the next run, {shown['dropped']} "
                    f"dropped (NetBox object gone); errors: {shown['errors']}; dropped: "
                    f"{shown['dropped_entries']}"
                )
        raise_server_failures(outcomes)
        return dg.Output(None, metadata={"summary": dg.MetadataValue.json(summary)})


@dg.job(
    name=CLEANUP_JOB,
    description="Delete maintenance windows whose end is past, in Zabbix and then in the "
    "registry; failures are kept for the next run and fail the run.",
    tags={SYSTEM_JOB_TAG: CLEANUP_JOB},
)
def maintenance_cleanup() -> None:
    cleanup_expired_maintenances()
