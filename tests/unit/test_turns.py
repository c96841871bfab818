"""The system jobs' turns: one holder per job in the state store, taken over from a dead one,
refused or waited for, and given back whatever happens."""

import logging
import os
import subprocess
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import dagster as dg
import pytest

from nbzbx_dagster.defs.system_jobs.processes import process_tags
from nbzbx_dagster.defs.system_jobs.turns import (
    STARTED_BY_TAG,
    WAIT_TAG,
    TurnRefused,
    job_turn,
    started_by,
)
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore, turns
from nbzbx_dagster.store.turns import Holder

JOB = "host_config_sync_refresh"


@dg.op
def noop() -> None:
    """The runs here only need ids, tags and a status."""


@dg.job(name=JOB)
def probe() -> None:
    noop()


def run_of(instance: dg.DagsterInstance, **tags: str) -> dg.DagsterRun:
    return instance.create_run_for_job(probe, status=dg.DagsterRunStatus.STARTED, tags=tags)


def context_of(instance: dg.DagsterInstance, run: dg.DagsterRun) -> SimpleNamespace:
    """What job_turn uses of an op's context: the run, the instance, the log."""
    return SimpleNamespace(run=run, instance=instance, log=logging.getLogger("test_turns"))


def holder_of(run: dg.DagsterRun, pid: int | None = None, by: str = "nbzbx run") -> Holder:
    tags = process_tags(pid)
    return Holder(
        job=JOB,
        run_id=run.run_id,
        started_by=by,
        host=tags["nbzbx/host"],
        pid=int(tags["nbzbx/pid"]),
        process_start=tags["nbzbx/process_start"],
        since=datetime.now(UTC),
    )


def test_one_holder_at_a_time_and_given_back_by_its_run_only(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    first, second = holder_of(run_of(instance)), holder_of(run_of(instance))
    assert turns.take(store, first) is None
    assert turns.take(store, first) is None  # its own turn: taken already
    assert turns.take(store, second) == first
    assert not turns.release(store, JOB, second.run_id)  # not its turn to give back
    assert turns.holding(store, JOB) == first
    assert turns.release(store, JOB, first.run_id)
    assert turns.take(store, second) is None
    other_job = replace(first, job="maintenance_cleanup")
    assert turns.take(store, other_job) is None  # one turn per job


def test_a_run_not_allowed_to_wait_is_refused_naming_the_holder(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    holder = holder_of(run_of(instance), by="nbzbx apply")  # this process: alive
    turns.take(store, holder)
    run = run_of(instance, **{WAIT_TAG: "false"})
    with (
        pytest.raises(TurnRefused) as refused,
        job_turn(context_of(instance, run), store, Settings(), JOB),
    ):
        pytest.fail("the body ran without the turn")
    text = str(refused.value)
    assert text.startswith(f"{JOB}: run {holder.run_id} (nbzbx apply, pid {os.getpid()} on host")
    assert "holds its turn since" in text and "--wait" in text
    assert turns.holding(store, JOB) == holder  # the holder keeps it


def test_a_waiting_run_goes_on_when_the_holder_gives_the_turn_back(
    store: StateStore, instance: dg.DagsterInstance, caplog: pytest.LogCaptureFixture
) -> None:
    holder = holder_of(run_of(instance))
    turns.take(store, holder)
    threading.Timer(1.5, turns.release, (store, JOB, holder.run_id)).start()
    run = run_of(instance)  # launched by the daemon: no wait tag, it waits
    started = time.monotonic()
    with caplog.at_level(logging.INFO), job_turn(context_of(instance, run), store, Settings(), JOB):
        assert time.monotonic() - started >= 1.4
        assert turns.holding(store, JOB).run_id == run.run_id
    assert turns.holding(store, JOB) is None  # given back at the end
    assert f"waiting for its turn: {JOB}: run {holder.run_id}" in caplog.text


def test_a_killed_holder_gives_its_turn_to_the_next_run(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    child = subprocess.Popen(["sleep", "60"])
    holder = holder_of(run_of(instance), pid=child.pid)
    turns.take(store, holder)
    child.kill()
    child.wait()
    run = run_of(instance, **{WAIT_TAG: "false"})
    with job_turn(context_of(instance, run), store, Settings(), JOB):
        assert turns.holding(store, JOB).run_id == run.run_id


def test_a_holder_whose_run_finished_gives_its_turn_up(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    """A run of another host that run monitoring failed: its process cannot be checked here."""
    failed = instance.create_run_for_job(probe, status=dg.DagsterRunStatus.FAILURE)
    turns.take(store, replace(holder_of(failed), host="another-pod"))
    run = run_of(instance, **{WAIT_TAG: "false"})
    with job_turn(context_of(instance, run), store, Settings(), JOB):
        assert turns.holding(store, JOB).run_id == run.run_id


def test_a_holder_of_another_host_waits_for_run_monitoring_or_dead_run_after(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    """A run pod's run, known to this instance and in progress, keeps its turn however old it
    is, until Dagster's run monitoring fails it; a run this instance does not know (another
    instance sharing the store) keeps it for ``dead_run_after`` minutes after its last sign."""
    old = datetime(2020, 1, 1, tzinfo=UTC)
    holder = replace(holder_of(run_of(instance)), host="run-pod-7f9c", since=old)
    turns.take(store, holder)
    run = run_of(instance, **{WAIT_TAG: "false"})
    with pytest.raises(TurnRefused), job_turn(context_of(instance, run), store, Settings(), JOB):
        pytest.fail("the body ran without the turn")
    turns.release(store, JOB, holder.run_id)
    unknown = replace(holder, run_id="0" * 36, since=datetime.now(UTC))
    turns.take(store, unknown)
    with pytest.raises(TurnRefused), job_turn(context_of(instance, run), store, Settings(), JOB):
        pytest.fail("the body ran without the turn")
    turns.release(store, JOB, unknown.run_id)
    turns.take(store, replace(unknown, since=old))
    with job_turn(context_of(instance, run), store, Settings(), JOB):  # nothing heard for years
        assert turns.holding(store, JOB).run_id == run.run_id


def test_the_turn_is_given_back_when_the_body_fails(
    store: StateStore, instance: dg.DagsterInstance
) -> None:
    run = run_of(instance)
    with (
        pytest.raises(RuntimeError, match="boom"),
        job_turn(context_of(instance, run), store, Settings(), JOB),
    ):
        raise RuntimeError("boom")
    assert turns.holding(store, JOB) is None


def test_who_started_a_run_in_words() -> None:
    assert started_by({STARTED_BY_TAG: "nbzbx run"}) == "nbzbx run"
    assert started_by({"dagster/sensor_name": "system_jobs_sensor"}) == "sensor system_jobs_sensor"
    assert started_by({"dagster/backfill": "abc"}) == "backfill abc"
    assert started_by({}) == "the launchpad or the dagster CLI"
