"""The ``reconcile_zabbix_hosts`` system job: apply the repair plan, or part of it.

A run makes the plan again first and, when launched by a person (launchpad, ``nbzbx apply``),
applies only the actions that are as the stored plan had them, the plan that person reviewed:
an action that changed since is reported (``changed_since_plan``) and waits for the next run.
A run launched by the sensor (``reconcile_interval``) applies the plan it makes, for the actions
of ``reconcile_auto_actions`` only. Each server's part is one transaction with its own event-log
row; a host Zabbix refuses fails alone, what succeeded is committed, then the run fails.
"""

from collections.abc import Mapping, Sequence

import dagster as dg
from pydantic import Field

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.common.vocabulary import APPLICABLE, REMOVALS
from nbzbx_dagster.defs.host_sync.events import record_statuses, worth_recording
from nbzbx_dagster.defs.repair.events import PLAN_ASSET, plan_metadata
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.registry import CHANGES_SENSOR, SENSOR_NAME, SENSOR_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import (
    SYSTEM_JOB_TAG,
    RunScope,
    for_each_server,
    raise_server_failures,
    set_summary,
)
from nbzbx_dagster.defs.system_jobs.turns import job_turn
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import HOST_CONFIG_KEY
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store.repair_plan import read_plan
from nbzbx_dagster.sync.refresh import NetBoxRead, load_host_configs, write_back_checks
from nbzbx_dagster.sync.repair import (
    Reconciled,
    Selection,
    failure,
    reconcile_server,
    save_reconciled,
)
from nbzbx_dagster.sync.repair_apply import HostResult

JOB = "reconcile_zabbix_hosts"
LOGGED = 50  # hosts named in the run's log, per outcome
COUNTED = (
    "planned",
    "applied",
    "failed",
    "created",
    "updated",
    "adopted",
    "disabled",
    "deleted",
    "blocked",
    "changed_since_plan",
    "zabbix_writes",
)


class ReconcileConfig(dg.Config):
    only: list[str] = Field(
        default_factory=list,
        description="Apply the plan's actions of these host configs only (keys such as "
        "device-12, or names); empty: all.",
    )
    actions: list[str] = Field(
        default_factory=list,
        description="Apply these actions only (create, update, adopt, disable, delete); empty: "
        "all of them, or reconcile_auto_actions in a run the sensor launched.",
    )


def selection_for(
    config: ReconcileConfig, tags: Mapping[str, str], settings: Settings
) -> Selection:
    """What a run applies: what its configuration names; by default every action, or, in a run
    the sensor launched (nobody reviewed its plan), ``reconcile_auto_actions``."""
    wrong = sorted(set(config.actions) - set(APPLICABLE))
    if wrong:
        raise dg.Failure(f"unknown actions {', '.join(wrong)}: choose from {', '.join(APPLICABLE)}")
    by_sensor = tags.get(SENSOR_TAG) in (SENSOR_NAME, CHANGES_SENSOR)
    actions = config.actions or (settings.reconcile_auto_actions if by_sensor else APPLICABLE)
    return Selection(actions, config.only, reviewed=not by_sensor)


def keys_to_read(only: Sequence[str]) -> list[str] | None:
    """The host configs a run reads from NetBox and plans: with ``only`` all partition keys
    (the change sensor's run), those alone, by id, so its cost follows the change; else (empty,
    or a name among them) every one, as a name resolves only against the whole inventory."""
    if only and all(HOST_CONFIG_KEY.fullmatch(k) for k in only):
        return list(only)
    return None


@dg.op(tags={"kind": "zabbix"})
def reconcile_hosts(
    context: dg.OpExecutionContext,
    config: ReconcileConfig,
    netbox: NetBoxResource,
    zabbix: ZabbixResource,
    state_store: StateStoreResource,
    settings: SettingsResource,
) -> None:
    """Plan again, apply the selected actions in batches, check the touched hosts again, store
    their statuses and the remaining plan, write their host ids back to NetBox."""
    effective = settings.effective()
    selection = selection_for(config, context.run.tags, effective)
    store = state_store.open()
    with job_turn(context, store, effective, JOB):
        timings = Timings()
        keys = keys_to_read(config.only)
        read = NetBoxRead(
            lambda: load_host_configs(netbox.client(), store, effective, timings, keys)
        )
        journal = Journal(netbox.client) if effective.journal_enabled else None
        reconciled: dict[str, Reconciled] = {}  # also a part whose run fails after committing

        def one(server: str, scope: RunScope) -> Reconciled:
            result = reconcile_server(
                server,
                read(),
                zabbix.factory(server, effective),
                store,
                effective,
                selection,
                timings,
            )
            reconciled[server] = result
            with timings.section("store_write"):
                save_reconciled(scope.conn, result)
            if journal is not None:
                with timings.section("netbox_journal"):
                    _journal(journal, result.results, server)
                    journal.keep(scope.conn)
            scope.summary = result.summary
            scope.failure = failure(result.results, result.refused)
            return result

        servers = effective.server_names
        outcomes = for_each_server(context, store, effective, JOB, servers, one)
        done = list(reconciled.values())
        summary = {k: sum(r.summary[k] for r in done) for k in COUNTED}
        if len(servers) > 1:
            set_summary(context, {**summary, "servers": {r.server: r.summary for r in done}})
        rechecks = [r.recheck for r in done if r.recheck is not None]
        checks = [c for r in rechecks for c in r.checks]
        if read.result is not None:
            with timings.section("dagster_events"):
                record_statuses(context, worth_recording(rechecks, ()), read.result.servers)
                with store.connect() as conn:
                    remaining = read_plan(conn)
                context.log_event(
                    dg.AssetMaterialization(PLAN_ASSET, metadata=plan_metadata(remaining, servers))
                )
            if effective.netbox_writeback and checks:
                with timings.section("netbox_writeback"):
                    write_back_checks(netbox.client(), read.result.configs, checks, context.log)
        for result in done:
            _log_results(context, result)
            if result.changed_since_plan:
                context.log.warning(
                    f"server {result.server}: {len(result.changed_since_plan)} actions changed "
                    "since the plan was reviewed and were not applied: review them "
                    "(zabbix_host_plan, nbzbx plan) and apply again"
                )
        context.add_output_metadata(
            {
                **summary,
                "timings_s": dg.MetadataValue.json(timings.as_dict()),
                "api_calls": dg.MetadataValue.json(
                    {"netbox": dict(netbox.client().calls), "zabbix": zabbix.api_calls()}
                ),
            }
        )
        raise_server_failures(outcomes)


def _log_results(context: dg.OpExecutionContext, result: Reconciled) -> None:
    """A line per failed host and per host up to ``LOGGED``; each line is an event-log record,
    so a run over 10,000 hosts names the first ones and counts the rest."""
    failed = [r for r in result.results if r.error]
    for r in failed[:LOGGED]:
        context.log.error(f"{r.action} {r.name} ({r.key}, {result.server}): failed: {r.error}")
    done = [r for r in result.results if not r.error]
    for r in done[:LOGGED]:
        context.log.info(f"{r.action} {r.name} ({r.key}, {result.server}): {r.result}")
    unnamed = max(len(failed) - LOGGED, 0) + max(len(done) - LOGGED, 0)
    if unnamed:
        context.log.info(f"server {result.server}: {unnamed} more hosts (see the summary)")


def _journal(journal: Journal, results: Sequence[HostResult], server: str) -> None:
    """One entry per host config the run changed in Zabbix (removed ones are gone from NetBox)."""
    journal.write_many(
        [
            (r.key, f"nbzbx: Zabbix host {r.result} on server {server} (host id {r.hostid})")
            for r in results
            if r.result != "failed" and r.action not in REMOVALS
        ]
    )


@dg.job(
    name=JOB,
    description="Apply the repair plan (zabbix_host_plan) to Zabbix: create, update, adopt, "
    "disable or delete the hosts it names, in batches; made again first, never applied stale.",
    tags={SYSTEM_JOB_TAG: JOB},
)
def reconcile_zabbix_hosts() -> None:
    reconcile_hosts()
