"""Dead system job runs: the decision (`processes`) and the sensor failing them (`dead_runs`)."""

import os
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from dagster._core.remote_origin import (
    InProcessCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from test_system_jobs_sensor import SENSOR, cursor_of, intervals, job_a, names, tick

from nbzbx_dagster.defs.system_jobs.processes import (
    HOST_TAG,
    PID_TAG,
    PROCESS_START_TAG,
    WORKER_DIED,
    dead_run_cause,
    process_alive,
    process_tags,
)
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG

HOST = socket.gethostname()
NOW = 1_000_000.0


def gone_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def tags(pid: int, host: str = HOST, start: str = "") -> dict[str, str]:
    return {PID_TAG: str(pid), HOST_TAG: host, PROCESS_START_TAG: start}


def test_this_process_is_alive_and_an_exited_one_is_not() -> None:
    mine = process_tags()
    assert mine[PID_TAG] == str(os.getpid()) and mine[HOST_TAG] == HOST
    assert process_alive(os.getpid(), mine[PROCESS_START_TAG])
    assert not process_alive(gone_pid(), "")


def zombie_state(pid: int) -> str:
    """The process state letter in /proc (``Z``: exited, not yet reaped)."""
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def test_a_killed_process_not_reaped_yet_is_gone() -> None:
    child = subprocess.Popen(["sleep", "60"])
    try:
        child.kill()
        deadline = time.monotonic() + 10
        while zombie_state(child.pid) != "Z":  # a zombie until waited for
            assert time.monotonic() < deadline, "the killed child never became a zombie"
            time.sleep(0.05)
        assert not process_alive(child.pid, "")
    finally:
        child.wait()


def test_a_reused_pid_is_another_process() -> None:
    start = process_tags()[PROCESS_START_TAG]
    assert start.isdigit()  # Linux: /proc gives the start time
    assert not process_alive(os.getpid(), str(int(start) + 1))


def test_a_run_whose_process_is_gone_on_this_host_is_dead_at_once() -> None:
    assert dead_run_cause(tags(gone_pid()), NOW - 1, NOW, HOST, 120) == WORKER_DIED


def test_a_live_process_on_this_host_is_never_dead_by_the_bound() -> None:
    alive = tags(os.getpid(), start=process_tags()[PROCESS_START_TAG])
    assert dead_run_cause(alive, NOW - 86400, NOW, HOST, 120) is None


def test_a_run_of_another_host_is_left_to_dagsters_run_monitoring() -> None:
    """A run pod of the K8sRunLauncher: its pid means nothing here, however old the run."""
    other = tags(gone_pid(), host="run-pod-7f9c")
    assert dead_run_cause(other, NOW - 1, NOW, HOST, 120) is None
    assert dead_run_cause(other, NOW - 86400 * 30, NOW, HOST, 120) is None


@pytest.mark.parametrize(
    "run_tags",
    [{}, {PID_TAG: "x", HOST_TAG: HOST}],
    ids=["untagged", "bad-pid"],
)
def test_an_uncheckable_run_is_dead_after_the_bound_only(run_tags: dict[str, str]) -> None:
    assert dead_run_cause(run_tags, NOW - 120 * 60 + 5, NOW, HOST, 120) is None
    cause = dead_run_cause(run_tags, NOW - 120 * 60 - 5, NOW, HOST, 120)
    assert cause is not None and cause.startswith(WORKER_DIED) and "120 minutes" in cause


def started_run(
    instance: dg.DagsterInstance,
    run_tags: dict[str, str],
    status: dg.DagsterRunStatus = dg.DagsterRunStatus.STARTED,
) -> dg.DagsterRun:
    origin = RemoteJobOrigin(
        RemoteRepositoryOrigin(
            InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name=__name__)),
            "__repository__",
        ),
        "job_a",
    )
    return instance.create_run_for_job(
        job_a,
        status=status,
        tags={SYSTEM_JOB_TAG: "job_a", **run_tags},
        remote_job_origin=origin,
    )


def test_the_sensor_fails_a_dead_run_records_it_and_launches_the_job(instance, store) -> None:
    dead = started_run(instance, tags(gone_pid()))
    alive = started_run(instance, tags(os.getpid(), start=process_tags()[PROCESS_START_TAG]))
    intervals(store, 60, 60)
    due = cursor_of(job_a=(60, timedelta(hours=2)), job_b=(60, timedelta(hours=2)))
    requests, _ = tick(SENSOR, instance, store, due)

    assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
    [row] = store.list_events(run_id=dead.run_id)
    assert (row["job"], row["status"], row["error"]) == ("job_a", "failure", WORKER_DIED)
    assert store.list_events(run_id=alive.run_id) == []
    assert "job_a" not in names(requests)  # the live run still holds the job's slot

    instance.delete_run(alive.run_id)
    requests, _ = tick(SENSOR, instance, store, due)
    assert "job_a" in names(requests)  # the dead run no longer does
    assert len(store.list_events(run_id=dead.run_id)) == 1  # and is not recorded twice


def test_a_run_dagster_failed_without_its_row_gets_one_once(instance, store) -> None:
    """A daemon run whose worker is killed is failed by the code server, with no row."""
    failed = dg.DagsterRunStatus.FAILURE
    bare = started_run(instance, tags(gone_pid()), failed)
    recorded = started_run(instance, tags(gone_pid()), failed)
    store.write_event("job_a", "failure", datetime.now(UTC), run_id=recorded.run_id, error="x")
    for _ in range(2):
        tick(SENSOR, instance, store, None)
    [row] = store.list_events(run_id=bare.run_id)
    assert (row["job"], row["status"], row["error"]) == ("job_a", "failure", WORKER_DIED)
    assert [r["error"] for r in store.list_events(run_id=recorded.run_id)] == ["x"]
