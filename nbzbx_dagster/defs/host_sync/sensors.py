"""``host_config_changes_sensor``: NetBox's change log and each Zabbix server's audit log,
turned into runs for exactly what changed, within a tick or two of the edit.

Each tick (every 30 s: ``timing``) reads the change-log entries after its cursor, and each
server's audit log after that server's cursor, one request each when nothing changed. It asks
for one ``host_config_sync_refresh`` run with the ``keys`` those entries touch (``sync.changes``,
``sync.zabbix_changes``), or one full refresh when a NetBox change cannot be mapped to keys or
a setting the statuses depend on changed (``sync.compared_settings``), and
one ``import_zabbix_settings`` run when a template, group or proxy changed in Zabbix. A run's key
is the range it covers and its attempt, so a repeated tick never launches it twice; the run
queue and the job's turn keep it behind a run in progress.

The cursor (``change_cursor``) moves only once every run asked for succeeded: a failed run's
changes are read again by the next tick, and a daemon restart loses nothing. When a log cannot
serve (NetBox or a server down, a token without ``core.view_objectchange``, an API user who is
not a Super admin, entries pruned past the cursor) the tick says so in one line; the refresh at
its interval stays the safety net.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from nbzbx_dagster.defs.dagster_internals import sensor_states
from nbzbx_dagster.defs.host_sync.change_cursor import ChangeCursor, Pending
from nbzbx_dagster.defs.host_sync.jobs import JOB, host_config_sync_refresh
from nbzbx_dagster.defs.host_sync.zabbix_sessions import with_session
from nbzbx_dagster.defs.repair.jobs import JOB as RECONCILE_JOB
from nbzbx_dagster.defs.repair.jobs import reconcile_zabbix_hosts
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.defs.system_jobs.registry import CHANGES_SENSOR, SENSOR_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.timing import sensor_interval_seconds
from nbzbx_dagster.defs.zabbix_settings.jobs import import_zabbix_settings
from nbzbx_dagster.netbox.changelog import ChangeBatch, ChangeLogUnreadable, latest_change
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.sync import compared_settings, zabbix_changes
from nbzbx_dagster.sync.changes import ChangeSet, in_words, read_changes
from nbzbx_dagster.zabbix.auditlog import AuditCursor, latest_audit
from nbzbx_dagster.zabbix.errors import ZabbixError

SENSOR = CHANGES_SENSOR
CHANGES_TAG = "nbzbx/changes"
"""The log entries a change run covers, e.g. ``netbox 1001-1009, zbx70 1796276266-1796276270/2``."""
RUN_KEY_TAG = "dagster/run_key"
OP = "refresh_host_config_sync_status"
IMPORT_JOB = "import_zabbix_settings"


def _run_of(instance: dg.DagsterInstance, run_key: str) -> dg.DagsterRun | None:
    filters = dg.RunsFilter(tags={RUN_KEY_TAG: run_key, SENSOR_TAG: SENSOR})
    records = instance.get_run_records(filters, limit=1)
    return records[0].dagster_run if records else None


def _refresh(run_key: str, covered: str, changes: ChangeSet) -> dg.RunRequest:
    config: dict[str, Any] = {"cutoff": 0} if changes.full else {"keys": sorted(changes.keys)}
    return dg.RunRequest(
        run_key=run_key,
        job_name=JOB,
        run_config={"ops": {OP: {"config": config}}},
        tags={SYSTEM_JOB_TAG: JOB, CHANGES_TAG: covered},
    )


def _reconcile(run_key: str, covered: str, keys: set[str]) -> dg.RunRequest:
    """``reconcile_changes``: the changed host configs repaired at once (the run applies
    ``reconcile_auto_actions``, the sensor's tag says nobody reviewed it)."""
    return dg.RunRequest(
        run_key=f"{run_key} reconcile",
        job_name=RECONCILE_JOB,
        run_config={"ops": {"reconcile_hosts": {"config": {"only": sorted(keys)}}}},
        tags={SYSTEM_JOB_TAG: RECONCILE_JOB, CHANGES_TAG: covered},
    )


def _import(run_key: str, covered: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=f"{run_key} import",
        job_name=IMPORT_JOB,
        tags={SYSTEM_JOB_TAG: IMPORT_JOB, CHANGES_TAG: covered},
    )


@dataclass
class _Settled:
    """What the pending runs leave: a reason to wait, or how to read this tick."""

    wait: str | None = None
    attempt: int = 1
    until: int | None = None
    """Read NetBox up to this entry (the pending runs were asked for and not made yet)."""
    till: dict[str, int] = field(default_factory=dict)
    """Per server, read up to this clock (as ``until``)."""


def _settle(context: dg.SensorEvaluationContext, cursor: ChangeCursor) -> _Settled:
    """Move the cursor where the pending runs succeeded, or say how to read again."""
    pending = cursor.pending
    if pending is None:
        return _Settled()
    runs = [_run_of(context.instance, key) for key in pending.run_keys]
    going = [r for r in runs if r is not None and not r.is_finished]
    if going:
        what = ", ".join(f"{r.run_id} ({r.job_name}, {r.status.value})" for r in going)
        return _Settled(wait=f"waiting for run {what} ({going[0].tags.get(CHANGES_TAG, '')})")
    cursor.pending = None
    if all(r is not None and r.status == dg.DagsterRunStatus.SUCCESS for r in runs):
        cursor.seen = pending.upto
        cursor.zabbix.update(pending.zabbix)
        cursor.settings = pending.settings or cursor.settings
        return _Settled()
    failed = [r for r in runs if r is not None and r.status != dg.DagsterRunStatus.SUCCESS]
    if failed:  # its changes are read and asked for again
        attempt = pending.attempt + 1
        for run in failed:
            context.log.warning(
                f"run {run.run_id} ({run.job_name}, {run.tags.get(CHANGES_TAG, '')}) "
                f"{run.status.value}: its changes are asked for again (attempt {attempt})"
            )
        return _Settled(attempt=attempt)
    # asked for, not made yet: the same entries again, under the same keys
    till = {server: raw["clock"] for server, raw in pending.zabbix.items()}
    return _Settled(attempt=pending.attempt, until=pending.upto, till=till)


@dataclass
class _ZabbixRead:
    keys: set[str] = field(default_factory=set)
    import_needed: bool = False
    """A server's settings changed (its line says which)."""
    lines: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    cursors: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per server read, where its audit log was read to."""


def _covered(server: str, before: AuditCursor, after: AuditCursor) -> str:
    """``zbx70 1796276266-1796276270/2``: the clocks read and how many ids at the last, which
    tells two reads ending in the same second apart."""
    return f"{server} {before.clock}-{after.clock}/{len(after.ids)}"


def _read_zabbix(
    settings: Settings,
    store: StateStore,
    zabbix: ZabbixResource,
    cursor: ChangeCursor,
    till: dict[str, int],
) -> _ZabbixRead:
    """Each server's audit log after its cursor; a server that cannot be read says why in one
    line and keeps its cursor, the others go on."""
    out = _ZabbixRead()
    for server in settings.server_names:
        start = cursor.audit(server)
        try:
            connection = zabbix.connection(server, settings)
            if start is None:
                cursor.zabbix[server] = with_session(server, connection, latest_audit).to_dict()
                out.lines.append(f"{server}: starting after its newest audit log entry")
                continue
            batch, changes = with_session(
                server,
                connection,
                lambda c, s=server, at=start: zabbix_changes.read_audit(
                    c, store, s, at, till.get(s)
                ),
            )
        except (ZabbixError, ValueError) as exc:
            out.lines.append(f"{server}: {exc}; its changes are read once it may")
            continue
        if not batch.entries:
            continue
        line = zabbix_changes.in_words(server, batch, changes)
        if not changes.keys and not changes.import_needed:
            cursor.zabbix[server] = batch.cursor.to_dict()  # nothing to run for
            out.lines.append(line)
            continue
        out.keys |= changes.keys
        out.import_needed |= changes.import_needed is not None
        out.lines.append(line)
        out.covered.append(_covered(server, start, batch.cursor))
        out.cursors[server] = batch.cursor.to_dict()
    return out


def _read_netbox(
    netbox: NetBoxResource,
    settings: Settings,
    store: StateStore,
    cursor: ChangeCursor,
    until: int | None,
) -> tuple[ChangeSet, int | None, str, str | None]:
    """The NetBox side: what it asks for, the entry read to, the tick's line and the covered
    range (None when nothing is to be run for it). Raises NetBoxError."""
    client = netbox.client()
    if cursor.seen is None:
        cursor.seen = latest_change(client)
        return ChangeSet(), cursor.seen, f"NetBox: starting after entry {cursor.seen}", None
    seen = cursor.seen
    batch, changes = read_changes(client, store, settings, seen, until=until)
    if batch.pruned:
        upto = latest_change(client)
        changes = ChangeSet(
            full=f"change-log entry {seen} was pruned (NetBox's CHANGELOG_RETENTION): "
            "what changed since is not known"
        )
        batch = ChangeBatch([], True, False)
    elif not batch.changes:
        return changes, seen, f"NetBox: no change after entry {seen}", None
    else:
        upto = batch.changes[-1].id
    line = in_words(batch, changes)
    if not changes.full and not changes.keys:
        cursor.seen = upto  # nothing to run for
        return changes, upto, line, None
    # a NetBox whose change log was reset has entries below the cursor
    return (
        changes,
        upto,
        line,
        f"netbox {seen + 1}-{upto}" if upto > seen else f"netbox up to {upto}",
    )


def settings_change(cursor: ChangeCursor, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """The compared settings now, as the cursor's next ``settings``, and the names of those
    that changed since the statuses were last refreshed. The first tick only takes note."""
    now = compared_settings.digests(settings)
    if not cursor.settings:
        cursor.settings = {"digests": now, "turn": 0}
    names = compared_settings.changed(cursor.settings["digests"], now)
    return {"digests": now, "turn": cursor.settings["turn"] + 1}, names


def evaluate(
    context: dg.SensorEvaluationContext,
    settings: Settings,
    store: StateStore,
    netbox: NetBoxResource,
    zabbix: ZabbixResource | None = None,
) -> dg.SensorResult | dg.SkipReason:
    cursor = ChangeCursor.parse(context.cursor)
    settled = _settle(context, cursor)
    if settled.wait:
        return dg.SkipReason(settled.wait)
    lines: list[str] = []
    try:
        changes, upto, line, netbox_covered = _read_netbox(
            netbox, settings, store, cursor, settled.until
        )
    except NetBoxError as exc:
        if isinstance(exc, ChangeLogUnreadable):
            then = "change sync waits until it may"
        elif cursor.seen is None:
            then = "change sync starts once NetBox answers"
        else:
            then = f"the changes after entry {cursor.seen} are read once NetBox answers"
        changes, upto, netbox_covered = ChangeSet(), cursor.seen, None
        line = f"{exc}; {then}, and the refresh at its interval runs meanwhile"
        if zabbix is None:
            return dg.SensorResult(skip_reason=line, cursor=cursor.dump())
    lines.append(line)
    if changes.lost:
        context.log.warning(line)
    read = (
        _read_zabbix(settings, store, zabbix, cursor, settled.till)
        if zabbix is not None
        else _ZabbixRead()
    )
    lines += read.lines
    settings_now, names = settings_change(cursor, settings)
    settings_covered = None
    if names:  # every status was compared against what is no longer asked for
        reason = f"setting{'s' if len(names) > 1 else ''} {', '.join(names)} changed"
        changes.full = changes.full or reason
        lines.append(f"{reason} → full refresh")
        settings_covered = f"settings change {settings_now['turn']} ({', '.join(names)})"
    parts = [netbox_covered] if netbox_covered else []
    covered = ", ".join(parts + read.covered + ([settings_covered] if settings_covered else []))
    keys = changes.keys | read.keys
    if not covered or not (changes.full or keys or read.import_needed):
        return dg.SensorResult(skip_reason="; ".join(lines), cursor=cursor.dump())
    run_key = f"{covered}#{settled.attempt}"
    requests = []
    if changes.full or keys:
        requests.append(_refresh(run_key, covered, ChangeSet(keys=keys, full=changes.full)))
    if read.import_needed:
        requests.append(_import(run_key, covered))
    cursor.pending = Pending(
        upto if netbox_covered else cursor.seen,
        [r.run_key for r in requests if r.run_key],
        settled.attempt,
        read.cursors,
        settings_now if settings_covered else None,
    )
    if settings.reconcile_changes and keys and not changes.full:
        # not waited for: a plan with a blocked action fails its run until a person acts, and
        # must not hold the cursor meanwhile
        requests.append(_reconcile(run_key, covered, keys))
        lines.append(f"reconcile of {len(keys):,} host config{'' if len(keys) == 1 else 's'}")
    context.log.info(f"{'; '.join(lines)} ({covered})")
    return dg.SensorResult(run_requests=requests, cursor=cursor.dump())


@dg.sensor(
    name=SENSOR,
    jobs=[host_config_sync_refresh, import_zabbix_settings, reconcile_zabbix_hosts],
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads NetBox's change log and each Zabbix server's audit log; runs "
    "host_config_sync_refresh for exactly the host configs that changed (all of them when a "
    "setting they are compared with changed), and "
    "import_zabbix_settings when a template, group or proxy did (setting change_sync), and with "
    "reconcile_changes reconcile_zabbix_hosts for those host configs. Its cursor moves once the "
    "refresh and the import succeeded.",
)
def host_config_changes_sensor(
    context: dg.SensorEvaluationContext,
    settings: SettingsResource,
    netbox: NetBoxResource,
    zabbix: ZabbixResource,
) -> dg.SensorResult | dg.SkipReason:
    effective = settings.effective()
    if not effective.change_sync:
        return dg.SkipReason(
            "change_sync is off: host configs are checked at the refresh's interval"
        )
    return evaluate(context, effective, settings.store.open(), netbox, zabbix)


def stored_cursor(instance: dg.DagsterInstance) -> ChangeCursor:
    """The sensor's cursor as the instance has it (empty before its first tick)."""
    states = sensor_states(instance, SENSOR)
    data = states[0].sensor_instigator_data if states else None
    return ChangeCursor.parse(data.cursor if data else None)
