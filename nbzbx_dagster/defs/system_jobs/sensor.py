"""`system_jobs_sensor`: launches each system job when it is due, one at a time.

Every tick (at most one per 30 s: `timing`) reads the effective settings afresh, so a changed
interval applies on the next tick without a restart. Per job:

- interval 0: disabled, nothing is launched;
- never launched: launched on the first tick (not a full interval later, as the reference did);
- otherwise due at last launch + interval; an interval change reschedules from the last launch
  and is logged; a job overdue by many intervals runs once, missed slots are not replayed;
- never while a run of it is queued, starting or in progress (the run queue's tag limit in
  dagster.yaml guards the same for runs launched elsewhere); a run whose process died is failed
  first (`dead_runs`), so its job is launched again as due;
- not while a job it comes `after` is launched in the same tick or running: on the first tick
  the import runs first, and the sync refresh follows once the cache is filled.

Every tick logs one line per job (interval, last launch, next due time); when nothing is launched
the same lines are the tick's skip reason, so the Automation page answers what
``nbzbx system-jobs status`` answers.

The cursor is ``{job: {"interval": minutes, "last_launch": ISO time}}``. A job without a last
launch in the cursor (new cursor, or one that could not be read and was replaced) is anchored on
its newest run in the instance, so losing the cursor does not launch everything at once.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import dagster as dg

from nbzbx_dagster.defs.resources.store import SettingsResource
from nbzbx_dagster.defs.system_jobs.dead_runs import fail_dead_runs, record_unrecorded_failures
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME, SystemJob
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.schedule import (
    CursorError,
    JobCursor,
    dump_cursor,
    newest_run_time,
    parse_cursor,
    schedule_text,
)
from nbzbx_dagster.defs.system_jobs.timing import sensor_interval_seconds

# a run in any of these holds its job's one-at-a-time slot
UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.SUSPENDED,
    dg.DagsterRunStatus.CANCELING,
]


def active_run(instance: dg.DagsterInstance, job_name: str) -> dg.DagsterRun | None:
    """A run of `job_name` that is queued, not yet started, starting or in progress."""
    filters = dg.RunsFilter(job_name=job_name, statuses=UNFINISHED)
    records = instance.get_run_records(filters, limit=1)
    return records[0].dagster_run if records else None


def _read_cursor(context: dg.SensorEvaluationContext) -> dict[str, JobCursor]:
    try:
        return parse_cursor(context.cursor)
    except CursorError as exc:
        context.log.warning(f"{SENSOR_NAME}: replacing an unreadable cursor: {exc}")
        return {}


def _evaluate(
    context: dg.SensorEvaluationContext,
    job: SystemJob,
    interval: int,
    entry: JobCursor,
    now: datetime,
    launching: set[str],
    yields_to: str | None = None,
) -> dg.RunRequest | None:
    """Update `entry` for this tick; the run request if the job is launched now (not when
    `yields_to`, a job that waits for it, has waited through its last run)."""
    name = job.name
    previous, entry.interval = entry.interval, interval
    if interval == 0:
        if previous:
            context.log.info(f"{name}: interval {previous} -> 0 minutes: disabled")
        return None
    if entry.last_launch is None:
        entry.last_launch = newest_run_time(context.instance, name)
    if previous is not None and previous != interval:
        due = entry.next_due()
        when = due.isoformat(timespec="seconds") if due else "now"
        context.log.info(
            f"{name}: interval {previous} -> {interval} minutes;"
            f" rescheduled from the last launch: due {when}"
        )
    due = entry.next_due()
    if due is not None and now < due:
        return None
    running = active_run(context.instance, name)
    if running is not None:
        context.log.info(
            f"{name}: due, but run {running.run_id} is {running.status.value}; waiting for it"
        )
        return None
    if yields_to is not None:
        context.log.info(
            f"{name}: due, but {yields_to} has waited for its last run; launching {yields_to} first"
        )
        return None
    busy = [j for j in job.after if j in launching or active_run(context.instance, j)]
    if busy:
        context.log.info(f"{name}: due, waiting for {', '.join(busy)} to finish")
        return None
    entry.last_launch = now
    return dg.RunRequest(
        run_key=f"{name}@{now.isoformat()}",
        job_name=name,
        tags={SYSTEM_JOB_TAG: name},
    )


def _waiting_for(
    name: str,
    jobs: Sequence[SystemJob],
    cursor: dict[str, JobCursor],
    intervals: dict[str, int],
    instance: dg.DagsterInstance,
) -> str | None:
    """A job that waits for `name`, was due when `name` last launched and has no run of its
    own: `name` is not launched again before it. Without this, a job whose interval is shorter
    than its runs (the import every minute, taking longer) would starve those that wait for it."""
    launched = cursor[name].last_launch
    if launched is None:
        return None
    for job in jobs:
        if name not in job.after or not intervals[job.name]:
            continue
        due = JobCursor(intervals[job.name], cursor[job.name].last_launch).next_due()
        if (due is None or due <= launched) and active_run(instance, job.name) is None:
            return job.name
    return None


def schedule_system_jobs(jobs: Sequence[SystemJob]) -> dg.SensorDefinition:
    """`system_jobs_sensor` over `jobs`: the declared ones (`declared.SYSTEM_JOBS`) in
    `definitions.py`; tests pass their own."""
    targets = [job.job for job in jobs]

    @dg.sensor(
        name=SENSOR_NAME,
        jobs=targets or None,
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Launches each system job when its interval (settings: "
        + ", ".join(job.setting or job.name for job in jobs)
        + ") has passed since its last launch; 0 disables a job; one run of a job at a time.",
    )
    def system_jobs_sensor(
        context: dg.SensorEvaluationContext, settings: SettingsResource
    ) -> dg.SensorResult:
        effective = settings.effective()
        store = settings.store.open()
        fail_dead_runs(context.instance, store, effective, context.log)
        record_unrecorded_failures(context.instance, store, effective, context.log)
        stored = _read_cursor(context)
        cursor = {job.name: stored.get(job.name, JobCursor()) for job in jobs}
        now = datetime.now(UTC)
        requests = []
        launching: set[str] = set()
        intervals = {job.name: job.interval(effective) for job in jobs}
        for job in sorted(jobs, key=lambda j: len(j.after)):  # the jobs others wait for first
            entry = cursor[job.name]
            yields_to = _waiting_for(job.name, jobs, cursor, intervals, context.instance)
            request = _evaluate(context, job, intervals[job.name], entry, now, launching, yields_to)
            if request is not None:
                context.log.info(f"{job.name}: launching (every {entry.interval} minutes)")
                requests.append(request)
                launching.add(job.name)
        lines = [schedule_text(job.name, cursor[job.name], now) for job in jobs]
        for line in lines:
            context.log.info(line)
        return dg.SensorResult(
            run_requests=requests,
            cursor=dump_cursor(cursor),
            skip_reason=None if requests else "no system job is due; " + "; ".join(lines),
        )

    return system_jobs_sensor
