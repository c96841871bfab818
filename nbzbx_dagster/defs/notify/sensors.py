"""The notification sensors: Dagster's side of ``nbzbx_dagster.notify``.

- ``notify_run_failure_sensor`` (Dagster's ``run_failure_sensor``) writes the message of each
  failed system job run: ``dead_run`` when ``system_jobs_sensor`` failed it because its process
  died, ``run_failed`` otherwise, with each server's one-line cause from the event log.
- ``notify_sensor`` reads what is new in the state store (drift, blocked actions, reconcile runs
  a sensor launched that applied changes) and sends every pending message, its own and the
  failure sensor's: a target that is down is retried on the next tick, at most 5 times, and its
  failure is one line of the tick, never a failed run.

Only ``notify_sensor`` sends, so two sensors never send one message at once.
"""

from __future__ import annotations

import os

import dagster as dg

from nbzbx_dagster.defs.resources.store import SettingsResource
from nbzbx_dagster.defs.system_jobs.dead_runs import FAILED_BY_SENSOR
from nbzbx_dagster.defs.system_jobs.registry import CHANGES_SENSOR, SENSOR_NAME, SENSOR_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.timing import sensor_interval_seconds
from nbzbx_dagster.notify import events
from nbzbx_dagster.notify.sent import collect, deliver, remember
from nbzbx_dagster.notify.targets import send

UI_URL_ENV = "NBZBX_UI_URL"
NOTIFY_SENSOR = "notify_sensor"
FAILURE_SENSOR = "notify_run_failure_sensor"
LAUNCHING_SENSORS = frozenset({SENSOR_NAME, CHANGES_SENSOR})


def _cause(context: dg.RunFailureSensorContext) -> str:
    """The first line of the first failed step's own error (under Dagster's wrappers), else of
    the run's failure: for a run that wrote no event-log row (event log off, died early)."""
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None and error.message.strip():
            return error.message.strip().splitlines()[0]
    lines = (context.failure_event.message or "").strip().splitlines()
    return lines[0] if lines else "no cause recorded"


@dg.run_failure_sensor(
    name=FAILURE_SENSOR,
    monitor_all_code_locations=True,
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Writes the run_failed or dead_run message of each failed system job run for "
    "the notify targets that hear of it; notify_sensor sends it.",
)
def notify_run_failure_sensor(
    context: dg.RunFailureSensorContext, settings: SettingsResource
) -> dg.SkipReason:
    run = context.dagster_run
    job = run.tags.get(SYSTEM_JOB_TAG)
    if job is None:
        return dg.SkipReason(f"{run.job_name}: not a system job")
    effective = settings.effective()
    if not effective.notify:
        return dg.SkipReason(f"{job}: no notify targets (setting notify)")
    store = settings.store.open()
    rows = [r for r in store.list_events(run_id=run.run_id) if r["status"] == "failure"]
    failure = context.failure_event.message or ""
    failures = [(r["server"], r["error"] or "no cause recorded") for r in reversed(rows)]
    message = events.run_failed(
        job,
        run.run_id,
        failures or [(None, _cause(context))],
        os.environ.get(UI_URL_ENV),
        dead=FAILED_BY_SENSOR in failure,
    )
    with store.transaction() as conn:
        written = remember(conn, effective.notify, [message])
    what = f"{job}: {message.event}"
    if not written:
        return dg.SkipReason(f"{what}: no notify target hears of it")
    return dg.SkipReason(f"{what} for {', '.join(written)}; notify_sensor sends it")


def _launched_by_sensor(instance: dg.DagsterInstance) -> events.LaunchedBy:
    def launched(run_id: str) -> bool:
        run = instance.get_run_by_id(run_id)
        return run is not None and run.tags.get(SENSOR_TAG) in LAUNCHING_SENSORS

    return launched


@dg.sensor(
    name=NOTIFY_SENSOR,
    minimum_interval_seconds=sensor_interval_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Tells the notify targets what is new (drift, blocked actions, changes a "
    "reconcile run applied, failed runs) once each; retries a target that is down.",
)
def notify_sensor(context: dg.SensorEvaluationContext, settings: SettingsResource) -> dg.SkipReason:
    effective = settings.effective()
    if not effective.notify:  # a steady tick costs nothing; the first with targets is a baseline
        return dg.SkipReason("no notify targets (setting notify)")
    store = settings.store.open()
    with store.transaction() as conn:  # short: reads by index, writes only what moved
        found = collect(conn, _launched_by_sensor(context.instance))
        remember(conn, effective.notify, found)
    outcome = deliver(store, effective.notify, send)
    for line in outcome.sent:
        context.log.info(line)
    for line in outcome.failed:
        context.log.warning(line)
    return dg.SkipReason("; ".join(outcome.lines) or "nothing new to tell")
