"""Failing the system job runs whose process died, so that the sensor launches them again.

Dagster's run monitoring cannot see these: the default run launcher has no run worker health
check, and a run ``nbzbx run`` executes in process has no run worker at all, so a killed run
stays STARTED and holds its job's one-at-a-time slot for ever. Every tick of
``system_jobs_sensor`` checks each system job run in progress (``processes.dead_run_cause``),
and fails a dead one: first its event-log row (the killed transaction never committed, so the
state store is otherwise as it was), then the run itself, through the public instance API.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import dagster as dg

from nbzbx_dagster.processes import dead_run_cause
from nbzbx_dagster.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore

IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


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
        instance.report_run_failed(current, f"{cause}; failed by system_jobs_sensor")
        log.warning(f"{job}: run {run.run_id} failed: {cause}")
        failed.append(run.run_id)
    return failed


def _has_row(store: StateStore, run_id: str, cause: str) -> bool:
    """A tick that failed after writing the row (instance unreachable) writes no second one."""
    return any(row["error"] == cause for row in store.list_events(run_id=run_id))
