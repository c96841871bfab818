"""The system jobs' schedule: the sensor's cursor, what it applies, and changing an interval.

`system_jobs_sensor` keeps per job its interval and last launch in its cursor; the functions
here read that cursor back from the Dagster instance, so their answers hold across processes
(CLI, webserver, daemon): `get_current_job_interval`, `system_jobs_scheduled`. `schedule(job,
interval)` (and `nbzbx system-jobs schedule`) changes a job's interval. They apply to the
declared system jobs (`declared.SYSTEM_JOBS`) unless given others.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from nbzbx_dagster.defs.dagster_internals import sensor_states
from nbzbx_dagster.defs.system_jobs.declared import SYSTEM_JOBS
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME, SystemJob
from nbzbx_dagster.defs.system_jobs.timing import interval_length, sensor_stale_seconds
from nbzbx_dagster.settings import Settings, SettingsError, load_settings
from nbzbx_dagster.settings.overrides import apply_overrides
from nbzbx_dagster.store import StateStore

# --- the sensor's cursor: {job: {"interval": minutes, "last_launch": ISO time}} ---------------


@dataclass
class JobCursor:
    """What the sensor remembers of one job."""

    interval: int | None = None
    last_launch: datetime | None = None

    def next_due(self) -> datetime | None:
        """When the job is next due; None when disabled or never launched (due on the next tick)."""
        if not self.interval or self.last_launch is None:
            return None
        return self.last_launch + interval_length(self.interval)

    def as_json(self) -> dict[str, Any]:
        return {
            "interval": self.interval,
            "last_launch": self.last_launch.isoformat() if self.last_launch else None,
        }


class CursorError(ValueError):
    """The sensor's cursor is not what this version writes."""


def parse_cursor(raw: str | None) -> dict[str, JobCursor]:
    """The cursor as written by `dump_cursor`; raises CursorError on anything else."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CursorError(f"not JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(data, dict):
        raise CursorError(f"a JSON {type(data).__name__}, not an object")
    jobs: dict[str, JobCursor] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise CursorError(f"{name}: not an object")
        interval, launch = entry.get("interval"), entry.get("last_launch")
        if interval is not None and (type(interval) is not int or interval < 0):
            raise CursorError(f"{name}: interval {interval!r} is not a number of minutes")
        try:
            last = datetime.fromisoformat(launch) if launch is not None else None
        except (TypeError, ValueError):
            raise CursorError(f"{name}: last_launch {launch!r} is not an ISO time") from None
        if last is not None and last.tzinfo is None:
            raise CursorError(f"{name}: last_launch {launch!r} has no time zone")
        jobs[name] = JobCursor(interval, last)
    return jobs


def dump_cursor(jobs: dict[str, JobCursor]) -> str:
    return json.dumps({name: entry.as_json() for name, entry in jobs.items()}, sort_keys=True)


# --- reading the sensor back from the instance -----------------------------------------------


def sensor_state(instance: dg.DagsterInstance) -> Any | None:
    """The stored state of `system_jobs_sensor` (the most recently ticked one if several
    code locations define it); None before the daemon has evaluated it once."""
    states = sensor_states(instance, SENSOR_NAME)
    if not states:
        return None
    return max(states, key=lambda s: _last_tick(s) or 0.0)


def _last_tick(state: Any) -> float | None:
    data = state.sensor_instigator_data
    return data.last_tick_timestamp if data else None


def sensor_cursor(instance: dg.DagsterInstance) -> dict[str, JobCursor]:
    """The sensor's cursor as stored; empty when absent or unreadable (the sensor replaces it)."""
    state = sensor_state(instance)
    data = state.sensor_instigator_data if state else None
    try:
        return parse_cursor(data.cursor if data else None)
    except CursorError:
        return {}


def sensor_running(instance: dg.DagsterInstance, now: float | None = None) -> bool:
    """Whether the sensor is switched on and has ticked recently (a daemon is evaluating it)."""
    state = sensor_state(instance)
    if state is None or not state.is_running:
        return False
    last = _last_tick(state)
    return last is not None and (now or time.time()) - last <= sensor_stale_seconds()


def get_current_job_interval(job_name: str, instance: dg.DagsterInstance) -> int | None:
    """The interval (minutes) the sensor currently applies to `job_name`; None if it has none."""
    entry = sensor_cursor(instance).get(job_name)
    return entry.interval if entry else None


def system_jobs_scheduled(
    instance: dg.DagsterInstance, settings: Settings, jobs: Sequence[SystemJob] = SYSTEM_JOBS
) -> bool:
    """True when the sensor is running and every enabled system job has a next due time."""
    if not sensor_running(instance):
        return False
    cursor = sensor_cursor(instance)
    return all(
        job.name in cursor and cursor[job.name].next_due() is not None
        for job in jobs
        if job.interval(settings) > 0
    )


def utc_from_timestamp(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp is not None else None


def newest_run_time(instance: dg.DagsterInstance, job_name: str) -> datetime | None:
    """When the newest run of `job_name` was created, whoever launched it."""
    records = instance.get_run_records(dg.RunsFilter(job_name=job_name), limit=1)
    return records[0].create_timestamp.astimezone(UTC) if records else None


# --- what the sensor does with a job, in words ------------------------------------------------


def clock(when: datetime, now: datetime) -> str:
    """``14:05 UTC`` today, ``2025-06-02 14:05 UTC`` on another day."""
    when = when.astimezone(UTC)
    return when.strftime("%H:%M UTC" if when.date() == now.date() else "%Y-%m-%d %H:%M UTC")


def schedule_text(name: str, entry: JobCursor, now: datetime) -> str:
    """One job's line in the sensor's tick, e.g. ``import_zabbix_settings: every 60 min, last
    launch 13:05 UTC, next due 14:05 UTC``: the Automation page then answers what
    ``nbzbx system-jobs status`` answers."""
    if not entry.interval:
        return f"{name}: disabled (interval 0)"
    last = clock(entry.last_launch, now) if entry.last_launch else "never"
    due = entry.next_due()
    when = "now" if due is None or due <= now else clock(due, now)
    return f"{name}: every {entry.interval} min, last launch {last}, next due {when}"


@dataclass(frozen=True)
class Schedule:
    """What the sensor does with a job from its next tick on."""

    job: str
    setting: str
    interval: int
    """Minutes; 0: disabled."""
    overridden: bool
    """Whether the interval is a stored override (`schedule`, `nbzbx settings set`); without
    one the setting's file, environment or default value applies."""
    last_launch: datetime | None
    next_due: datetime | None
    """None: disabled, or never launched (launched on the next tick)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "setting": self.setting,
            "interval": self.interval,
            "overridden": self.overridden,
            "last_launch": self.last_launch.isoformat(timespec="seconds")
            if self.last_launch
            else None,
            "next_due": self.next_due.isoformat(timespec="seconds") if self.next_due else None,
        }


def schedule(
    job: str,
    interval: int | None = None,
    *,
    store: StateStore,
    instance: dg.DagsterInstance,
    by: str = "schedule",
    jobs: Sequence[SystemJob] = SYSTEM_JOBS,
) -> Schedule:
    """Set `job`'s interval in minutes (0 disables it), or with None follow its setting again.

    The interval is stored as the override of the job's interval setting in `store`, the layer
    the sensor reads afresh on every tick: it applies from the next tick, rescheduled from the
    last launch, and the job keeps its one run at a time. Returns what the sensor will do.
    Raises SettingsError for an unknown job, a job declared with a getter, or an interval out
    of the setting's range (nothing is stored then).
    """
    registered = next((j for j in jobs if j.name == job), None)
    if registered is None:
        known = ", ".join(sorted(j.name for j in jobs)) or "none"
        raise SettingsError(f"no system job named {job!r} (system jobs: {known})")
    if registered.setting is None:
        raise SettingsError(f"{job}: its interval is computed, not a setting; it cannot be set")
    setting = registered.setting
    if interval is None:
        apply_overrides(store, {}, [setting], by=by)
    else:
        apply_overrides(store, {setting: interval}, [], by=by)
    overrides = store.get_overrides()
    effective = registered.interval(load_settings(overrides=overrides))
    entry = sensor_cursor(instance).get(job) or JobCursor()
    last = entry.last_launch or newest_run_time(instance, job)
    planned = JobCursor(effective, last)
    return Schedule(job, setting, effective, setting in overrides, last, planned.next_due())
