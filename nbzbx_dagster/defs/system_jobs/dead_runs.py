"""Failing the system job runs whose process died, so that the sensor launches them again.

Dagster's run monitoring cannot see these: the default run launcher has no run worker health
check, and a run ``nbzbx run`` executes in process has no run worker at all, so a killed run
stays STARTED and holds its job's one-at-a-time slot for ever. Every tick of
``system_jobs_sensor`` checks each system job run in progress (``processes.dead_run_cause``),
and fails a dead one: first its event-log row (the killed transaction never committed, so the
state store is otherwise as it was), then the run itself, through the public instance API.

A daemon-launched run whose worker is killed is failed by Dagster itself (the code server sees
its subprocess exit), without the event-log row the run never got to write: the tick writes it.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import dagster as dg

from nbzbx_dagster.defs.dagster_internals import report_run_failed, step_failure_errors
from nbzbx_dagster.defs.system_jobs.processes import WORKER_DIED, dead_run_cause
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore

FAILED_BY_SENSOR = "failed by system_jobs_sensor"
"""The end of a dead run's failure message: how the notifications tell it from another failure."""
IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
# failed runs this recent are checked for a missing event-log row (ticks are 30 s apart)
RECENT = timedelta(minutes=10)


def fail_dead_runs(
    instance: dg.DagsterInstance, store: StateStore, settings: Settings, log: dg.DagsterLogManager
) -> list[str]:
    """Fail every dead system job run in progress; their run ids."""
    host, now = socket.gethostname(), time.time()
    failed = []
    for record in instance.get_run_records(dg.RunsFilter(statuses=IN_PROGRESS)):
        run = record.dagster_run
        job = run.tags.get(SYSTEM_JOB_TAG)
        if job is None:
            continue
        since = record.start_time or record.create_timestamp.timestamp()
        cause = dead_run_cause(run.tags, since, now, host, settings.dead_run_after)
        if cause is None:
            continue
        current = instance.get_run_by_id(run.run_id)
        if current is None or current.is_finished:  # it finished meanwhile
            continue
        if settings.event_log_enabled and not _has_row(store, run.run_id, cause):
            store.write_event(
                job=job,
                run_id=run.run_id,
                started_at=datetime.fromtimestamp(since, UTC),
                status="failure",
                error=cause,
            )
        if not report_run_failed(instance, current, f"{cause}; {FAILED_BY_SENSOR}"):
            log.warning(f"{job}: run {run.run_id}: {cause}; left to Dagster's run monitoring")
            continue
        log.warning(f"{job}: run {run.run_id} failed: {cause}")
        failed.append(run.run_id)
    return failed


def record_unrecorded_failures(
    instance: dg.DagsterInstance, store: StateStore, settings: Settings, log: dg.DagsterLogManager
) -> list[str]:
    """Write the event-log row of each recently failed system job run that has none (its
    process died before it could); their run ids."""
    if not settings.event_log_enabled:
        return []
    since = datetime.now(UTC) - RECENT
    filters = dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE], updated_after=since)
    recorded = []
    for record in instance.get_run_records(filters):
        run = record.dagster_run
        job = run.tags.get(SYSTEM_JOB_TAG)
        if job is None or store.list_events(run_id=run.run_id, limit=1):
            continue
        cause = _step_failure(instance, run.run_id) or WORKER_DIED
        start = record.start_time or record.create_timestamp.timestamp()
        store.write_event(
            job=job,
            run_id=run.run_id,
            started_at=datetime.fromtimestamp(start, UTC),
            finished_at=datetime.fromtimestamp(record.end_time or time.time(), UTC),
            status="failure",
            error=cause,
        )
        log.warning(f"{job}: run {run.run_id} failed without its event-log row: {cause}")
        recorded.append(run.run_id)
    return recorded


def _step_failure(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """The first line of the run's step failure; None when no step failed (the process died)."""
    for error in step_failure_errors(instance, run_id):
        while error is not None and error.cause is not None:  # Dagster's wrappers first
            error = error.cause
        if error is not None:
            lines = error.message.strip().splitlines()
            return lines[0] if lines else error.cls_name
    return None


def _has_row(store: StateStore, run_id: str, cause: str) -> bool:
    """A tick that failed after writing the row (instance unreachable) writes no second one."""
    return any(row["error"] == cause for row in store.list_events(run_id=run_id))
