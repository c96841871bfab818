"""``host_config_changes_sensor``: NetBox's change log, turned into runs of the refresh for
exactly the host configs that changed, within a tick or two of the edit.

Each tick (every 30 s: ``timing``) reads the change-log entries after its cursor, one request
when nothing changed, and requests one ``host_config_sync_refresh`` run with the ``keys`` those
entries touch (``sync.changes``), or one full refresh when a change cannot be mapped to keys.
The run's key is the entry range and its attempt, so a repeated tick never launches it twice;
the run queue and the job's turn keep it behind a full refresh in progress.

The cursor is ``{"seen": entry id, "pending": {"upto", "run_key", "attempt"} | null}`` and moves
to ``upto`` only once the run that covers it succeeded: a failed run's changes are read again
by the next tick, and a daemon restart loses nothing. When the log cannot serve (NetBox down,
a token without ``core.view_objectchange``, entries pruned past the cursor) the tick says so in
one line; the refresh at its interval stays the safety net.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import dagster as dg

from nbzbx_dagster.defs.dagster_internals import sensor_states
from nbzbx_dagster.defs.host_sync.jobs import JOB, host_config_sync_refresh
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.timing import sensor_interval_seconds
from nbzbx_dagster.netbox.changelog import ChangeBatch, ChangeLogUnreadable, latest_change
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.sync.changes import ChangeSet, in_words, read_changes

SENSOR = "host_config_changes_sensor"
CHANGES_TAG = "nbzbx/changes"
"""The change-log entries a change run covers, e.g. ``netbox 1001-1009``."""
RUN_KEY_TAG = "dagster/run_key"
OP = "refresh_host_config_sync_status"


@dataclass
class Pending:
    upto: int
    run_key: str
    attempt: int = 1


@dataclass
class ChangeCursor:
    seen: int | None = None
    pending: Pending | None = None

    @classmethod
    def parse(cls, raw: str | None) -> ChangeCursor:
        try:
            data = json.loads(raw) if raw else {}
            pending = data.get("pending")
            return cls(data.get("seen"), Pending(**pending) if pending else None)
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable: start again at the newest entry

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def _run_of(instance: dg.DagsterInstance, run_key: str) -> dg.DagsterRun | None:
    filters = dg.RunsFilter(tags={RUN_KEY_TAG: run_key, SENSOR_TAG: SENSOR})
    records = instance.get_run_records(filters, limit=1)
    return records[0].dagster_run if records else None


def _request(run_key: str, covered: str, changes: ChangeSet) -> dg.RunRequest:
    config: dict[str, Any] = {"cutoff": 0} if changes.full else {"keys": sorted(changes.keys)}
    return dg.RunRequest(
        run_key=run_key,
        job_name=JOB,
        run_config={"ops": {OP: {"config": config}}},
        tags={SYSTEM_JOB_TAG: JOB, CHANGES_TAG: covered},
    )


def evaluate(
    context: dg.SensorEvaluationContext,
    settings: Settings,
    store: StateStore,
    netbox: NetBoxResource,
) -> dg.SensorResult | dg.SkipReason:
    cursor = ChangeCursor.parse(context.cursor)
    attempt, until = 1, None
    if cursor.pending is not None:
        run = _run_of(context.instance, cursor.pending.run_key)
        if run is not None and not run.is_finished:
            covered = run.tags.get(CHANGES_TAG, "")
            return dg.SkipReason(f"waiting for run {run.run_id} ({covered}, {run.status.value})")
        if run is not None and run.status == dg.DagsterRunStatus.SUCCESS:
            cursor.seen, cursor.pending = cursor.pending.upto, None
        elif run is not None:  # failed or canceled: its changes are read and asked for again
            attempt = cursor.pending.attempt + 1
            context.log.warning(
                f"run {run.run_id} ({run.tags.get(CHANGES_TAG, '')}) {run.status.value}: "
                f"its changes are asked for again (attempt {attempt})"
            )
            cursor.pending = None
        else:  # requested, not made yet: the same entries again, under the same key
            until, attempt = cursor.pending.upto, cursor.pending.attempt
            cursor.pending = None
    try:
        client = netbox.client()
        if cursor.seen is None:
            cursor.seen = latest_change(client)
            return dg.SensorResult(
                skip_reason=f"NetBox: starting after change-log entry {cursor.seen}",
                cursor=cursor.dump(),
            )
        batch, changes = read_changes(client, store, settings, cursor.seen, until=until)
        upto = latest_change(client) if batch.pruned else None
    except NetBoxError as exc:
        if isinstance(exc, ChangeLogUnreadable):
            then = "change sync waits until it may"
        elif cursor.seen is None:
            then = "change sync starts once NetBox answers"
        else:
            then = f"the changes after entry {cursor.seen} are read once NetBox answers"
        return dg.SensorResult(
            skip_reason=f"{exc}; {then}, and the refresh at its interval runs meanwhile",
            cursor=cursor.dump(),
        )
    if upto is not None:  # pruned
        changes = ChangeSet(
            full=f"change-log entry {cursor.seen} was pruned (NetBox's CHANGELOG_RETENTION): "
            "what changed since is not known"
        )
        batch = ChangeBatch([], True, False)
    elif not batch.changes:
        return dg.SensorResult(
            skip_reason=f"NetBox: no change after entry {cursor.seen}", cursor=cursor.dump()
        )
    else:
        upto = batch.changes[-1].id
    line = in_words(batch, changes)
    if changes.lost:
        context.log.warning(line)
    if not changes.full and not changes.keys:
        cursor.seen = upto
        return dg.SensorResult(skip_reason=line, cursor=cursor.dump())
    # a NetBox whose change log was reset has entries below the cursor
    covered = f"netbox {cursor.seen + 1}-{upto}" if upto > cursor.seen else f"netbox up to {upto}"
    run_key = f"{covered}#{attempt}"
    context.log.info(f"{line} ({covered})")
    cursor.pending = Pending(upto, run_key, attempt)
    return dg.SensorResult(run_requests=[_request(run_key, covered, changes)], cursor=cursor.dump())


@dg.sensor(
    name=SENSOR,
    job=host_config_sync_refresh,
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Reads NetBox's change log and runs host_config_sync_refresh for exactly the "
    "host configs that changed (setting change_sync); its cursor moves once that run succeeded.",
)
def host_config_changes_sensor(
    context: dg.SensorEvaluationContext, settings: SettingsResource, netbox: NetBoxResource
) -> dg.SensorResult | dg.SkipReason:
    effective = settings.effective()
    if not effective.change_sync:
        return dg.SkipReason(
            "change_sync is off: host configs are checked at the refresh's interval"
        )
    return evaluate(context, effective, settings.store.open(), netbox)


def stored_cursor(instance: dg.DagsterInstance) -> ChangeCursor:
    """The sensor's cursor as the instance has it (empty before its first tick)."""
    states = sensor_states(instance, SENSOR)
    data = states[0].sensor_instigator_data if states else None
    return ChangeCursor.parse(data.cursor if data else None)
