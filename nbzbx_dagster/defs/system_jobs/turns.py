"""One run of each system job at a time, on every path: the job's turn, taken in the run.

Dagster's run queue limits the runs it launches (sensor, launchpad); runs executed in their own
process (``nbzbx run``, ``nbzbx apply``, ``nbzbx plan``, ``dagster job execute``, ``dagster
asset materialize``) pass it by. So every system job run takes its job's turn in the state store
(``store.turns``) before it reads or writes anything, and gives it back when it ends, failed or
not. A run that finds the turn taken either waits for it, up to ``dead_run_after`` minutes, with
a progress line naming the run in its way, or is refused at once with that line: runs the daemon
launched wait (a run is never dropped), ``nbzbx`` commands refuse unless given ``--wait``
(the run tag ``nbzbx/wait``).

A holder whose process is gone (same host), whose run is finished (failed by the sensor or by
Dagster's run monitoring, which covers run pods on other hosts), or, for a run this instance does
not know, of which nothing was heard for ``dead_run_after`` minutes, gives up its turn to the
first run that notices.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

import dagster as dg

from nbzbx_dagster.common.progress import RateLimited, report
from nbzbx_dagster.defs.system_jobs.processes import (
    HOST_TAG,
    PID_TAG,
    PROCESS_START_TAG,
    dead_run_cause,
    process_tags,
)
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_TAG
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore, turns
from nbzbx_dagster.store.turns import Holder

STARTED_BY_TAG = "nbzbx/started_by"
"""Who started the run, in words, where the run's own tags cannot tell (``nbzbx run``)."""
WAIT_TAG = "nbzbx/wait"
"""``false``: refuse at once when the turn is taken; otherwise wait for it."""
POLL_SECONDS = 1.0


class TurnRefused(RuntimeError):
    """Another run of the job holds its turn: this one did not start its work."""


def started_by(tags: Mapping[str, str]) -> str:
    """Who started a run, from its tags."""
    if tags.get(STARTED_BY_TAG):
        return tags[STARTED_BY_TAG]
    if tags.get(SENSOR_TAG):
        return f"sensor {tags[SENSOR_TAG]}"
    if tags.get("dagster/backfill"):
        return f"backfill {tags['dagster/backfill']}"
    return "the launchpad or the dagster CLI"


def holder_text(holder: Holder) -> str:
    """``run 5b0c… (nbzbx run on host lab, pid 4242), since 17:55:02 UTC``."""
    since = holder.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"run {holder.run_id} ({holder.started_by}, pid {holder.pid} on host {holder.host}) "
        f"holds its turn since {since}"
    )


def holder_gone(
    instance: dg.DagsterInstance, holder: Holder, settings: Settings, host: str
) -> str | None:
    """Why ``holder`` no longer holds the turn in fact, or None while it may."""
    run = instance.get_run_by_id(holder.run_id)
    if run is not None and run.is_finished:
        return f"its run is {run.status.value}"
    since = holder.since.timestamp()
    if run is None and holder.host != host:  # another instance's run: only time can tell
        return dead_run_cause({}, since, time.time(), host, settings.dead_run_after)
    tags = {
        PID_TAG: str(holder.pid),
        HOST_TAG: holder.host,
        PROCESS_START_TAG: holder.process_start,
    }
    return dead_run_cause(tags, since, time.time(), host, settings.dead_run_after)


@contextmanager
def job_turn(
    context: dg.OpExecutionContext | dg.AssetExecutionContext,
    store: StateStore,
    settings: Settings,
    job: str,
) -> Iterator[None]:
    """Hold ``job``'s turn while the block runs; raises TurnRefused when another run holds it
    and this one may not wait, or waited ``dead_run_after`` minutes for it."""
    run = context.run
    process = process_tags()
    me = Holder(
        job=job,
        run_id=run.run_id,
        started_by=started_by(run.tags),
        host=process[HOST_TAG],
        pid=int(process[PID_TAG]),
        process_start=process[PROCESS_START_TAG],
        since=datetime.now(UTC),
    )
    wait = run.tags.get(WAIT_TAG, "true") != "false"
    deadline = time.monotonic() + settings.dead_run_after * 60
    say = RateLimited(context.log.info)
    while (holder := turns.take(store, me)) is not None:
        gone = holder_gone(context.instance, holder, settings, socket.gethostname())
        if gone is not None:
            turns.release(store, job, holder.run_id)
            context.log.warning(f"{job}: took the turn of run {holder.run_id}: {gone}")
            continue
        line = f"{job}: {holder_text(holder)}"
        if not wait:
            raise TurnRefused(f"{line}; not started (--wait waits for its turn)")
        if time.monotonic() > deadline:
            raise TurnRefused(f"{line}; not started after {settings.dead_run_after} minutes")
        say(f"waiting for its turn: {line}")
        report(f"waiting for its turn: {line}")
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        turns.release(store, job, me.run_id)
