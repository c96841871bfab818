"""``nbzbx system-jobs status|list|schedule``: what the sensor does with each system
job, and changing a job's interval.

The status reads the Dagster instance of ``DAGSTER_HOME`` (runs, the sensor's cursor and ticks)
and the effective settings, so it answers the same from any machine that shares them.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

from nbzbx_dagster.cli.commands.common import dagster_instance, fail, open_store
from nbzbx_dagster.settings import Settings, SettingsError

if TYPE_CHECKING:  # dagster is imported by the commands that need it, not by `nbzbx lab env`
    import dagster as dg


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _run_row(record: Any) -> dict[str, Any]:
    from nbzbx_dagster.defs.system_jobs.schedule import utc_from_timestamp

    return {
        "run_id": record.dagster_run.run_id,
        "status": record.dagster_run.status.value,
        "created": _iso(record.create_timestamp.astimezone(UTC)),
        "started": _iso(utc_from_timestamp(record.start_time)),
        "finished": _iso(utc_from_timestamp(record.end_time)),
    }


def collect_status(instance: dg.DagsterInstance, settings: Settings) -> dict[str, Any]:
    """Per system job: intervals, last run, next due time, running or not; and overall."""
    import dagster as dg

    from nbzbx_dagster.defs.system_jobs.declared import SYSTEM_JOBS
    from nbzbx_dagster.defs.system_jobs.schedule import (
        sensor_cursor,
        sensor_running,
        sensor_state,
        system_jobs_scheduled,
        utc_from_timestamp,
    )
    from nbzbx_dagster.defs.system_jobs.sensor import active_run

    state = sensor_state(instance)
    data = state.sensor_instigator_data if state else None
    ticking = sensor_running(instance)
    cursor = sensor_cursor(instance)
    jobs = []
    for job in SYSTEM_JOBS:
        interval = job.interval(settings)
        entry = cursor.get(job.name)
        records = instance.get_run_records(dg.RunsFilter(job_name=job.name), limit=1)
        running = active_run(instance, job.name)
        jobs.append(
            {
                "job": job.name,
                "setting": job.setting,
                "interval": interval,
                "enabled": interval > 0,
                "sensor_interval": entry.interval if entry else None,
                "last_launch": _iso(entry.last_launch) if entry else None,
                "next_due": _iso(entry.next_due()) if entry and interval > 0 else None,
                "last_run": _run_row(records[0]) if records else None,
                "running": running is not None,
                "running_run_id": running.run_id if running else None,
            }
        )
    return {
        "sensor": {
            "state": _sensor_state_text(state, ticking),
            "last_tick": _iso(utc_from_timestamp(data.last_tick_timestamp if data else None)),
        },
        "scheduled": system_jobs_scheduled(instance, settings),
        "jobs": jobs,
    }


def _or_dash(value: Any) -> str:
    return "-" if value is None else str(value)


def _sensor_state_text(state: Any, ticking: bool) -> str:
    if state is None:
        return "not evaluated yet"
    if not state.is_running:
        return "stopped"
    return "running" if ticking else "not ticking (is the daemon running?)"


@click.group("system-jobs")
def system_jobs_group() -> None:
    """The recurring system jobs and their schedule."""


@system_jobs_group.command("list")
def list_jobs() -> None:
    """The system jobs, one name per line."""
    from nbzbx_dagster.defs.system_jobs.declared import SYSTEM_JOBS

    for job in SYSTEM_JOBS:
        click.echo(job.name)


@system_jobs_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Per job: interval, last run and its outcome, next due time, running or not."""
    from nbzbx_dagster.settings import load_settings
    from nbzbx_dagster.store import StoreError

    instance = dagster_instance()
    try:
        settings = load_settings(overrides=open_store().get_overrides())
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    report = collect_status(instance, settings)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    sensor = report["sensor"]
    click.echo(
        f"sensor system_jobs_sensor: {sensor['state']} (last tick {sensor['last_tick'] or '-'});"
        f" all system jobs scheduled: {'yes' if report['scheduled'] else 'NO'}"
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for job in report["jobs"]:
        if not job["enabled"]:
            due = "disabled"
        elif job["next_due"] is None:
            due = "next tick" if report["sensor"]["state"] == "running" else "-"
        else:
            due = job["next_due"] + (" (overdue)" if job["next_due"] < now else "")
        last = job["last_run"]
        last_text = (
            f"{last['status']} {last['finished'] or last['created']} ({last['run_id']})"
            if last
            else "never"
        )
        click.echo(
            f"{job['job']}: every {job['interval']} min"
            f" (sensor applies {_or_dash(job['sensor_interval'])}); "
            f"last run {last_text}; next due {due}"
            + (f"; RUNNING {job['running_run_id']}" if job["running"] else "")
        )


@system_jobs_group.command("schedule")
@click.argument("job")
@click.option(
    "--interval",
    type=click.IntRange(min=0),
    help="Minutes between launches (0 disables the job); stored as its setting's override.",
)
@click.option("--default", "use_default", is_flag=True, help="Follow the job's setting again.")
@click.option("--json", "as_json", is_flag=True, help="Print what the sensor will do as JSON.")
def schedule_command(job: str, interval: int | None, use_default: bool, as_json: bool) -> None:
    """Set JOB's interval; the sensor applies it from its next tick, rescheduled from the last
    launch."""
    from nbzbx_dagster.defs.system_jobs.schedule import schedule
    from nbzbx_dagster.store import StoreError

    if (interval is None) == (not use_default):
        fail("give either --interval N or --default")
    instance = dagster_instance()
    try:
        plan = schedule(
            job, interval, store=open_store(), instance=instance, by=f"cli {getpass.getuser()}"
        )
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    data = plan.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    source = "override" if plan.overridden else "the setting's own value"
    if plan.interval == 0:
        click.echo(f"{job}: disabled ({plan.setting} = 0, {source})")
        return
    due = data["next_due"] or "the next tick"
    if plan.next_due is not None and plan.next_due <= datetime.now(UTC):
        due = f"the next tick (was due {data['next_due']})"
    click.echo(
        f"{job}: every {plan.interval} min ({plan.setting}, {source});"
        f" last launch {data['last_launch'] or 'never'}; next due {due}"
    )
