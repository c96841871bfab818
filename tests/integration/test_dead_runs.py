"""A system job run killed with SIGKILL, under a real daemon: it is failed with its event-log row
("run worker died"), and the sensor launches the job again. Once for a daemon-launched run, once for
`nbzbx run`. Zabbix is slowed by a relay so that the run is killed while it reads Zabbix."""

import os
import signal
import subprocess
import time
from collections.abc import Iterator

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from dagster_process import VENV_BIN, wait_for
from soak import IN_PROGRESS, Deployment, deployment

from nbzbx_dagster.defs.system_jobs.processes import PID_TAG, WORKER_DIED

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]
JOB = "host_config_sync_refresh"


@pytest.fixture(scope="module")
def d() -> Iterator[Deployment]:
    with deployment(intervals=1) as dep:
        dep.zabbix.slow_seconds = 4
        dep.store.set_override("change_sync", False, by="test")  # the schedule's runs only
        yield dep


def refreshes(d: Deployment, statuses=None) -> list[dg.RunRecord]:
    return list(d.instance.get_run_records(dg.RunsFilter(job_name=JOB, statuses=statuses)))


def killed_and_failed(d: Deployment, run_id: str, pid: int, by_sensor: bool) -> float:
    """SIGKILL `pid`, wait until the run is failed and has its event-log row; the seconds that
    took. A daemon-launched run is failed by whichever sees it first, Dagster's code server or the
    sensor (the sensor checks the run's recorded process on every tick); `nbzbx run`'s by the
    sensor."""
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()

    def failed_with_row() -> list[dict]:
        if d.instance.get_run_by_id(run_id).status != dg.DagsterRunStatus.FAILURE:
            return []
        return d.store.list_events(run_id=run_id)

    rows = wait_for("the killed run failed with its row", failed_with_row, 120, 1, d.dev)
    took = time.monotonic() - killed
    assert [(r["status"], r["error"]) for r in rows] == [("failure", WORKER_DIED)], rows
    failure = d.instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
    assert failure
    failed_by = "the sensor" if WORKER_DIED in failure[-1].message else "Dagster"
    if by_sensor:  # nothing else watches a run `nbzbx run` started
        assert failed_by == "the sensor", failure[-1].message
    print(f"run {run_id}: failed by {failed_by} with its row {took:.0f} s after SIGKILL")
    return took


def launched_again(d: Deployment, after: float) -> None:
    d.zabbix.set_mode("healthy")
    wait_for(
        "the job launched again, succeeding",
        lambda: any(
            r.create_timestamp.timestamp() > after
            for r in refreshes(d, [dg.DagsterRunStatus.SUCCESS])
        ),
        150,
        2,
        d.dev,
    )


def test_a_killed_daemon_run_is_failed_and_launched_again(d: Deployment) -> None:
    wait_for(
        "a successful import (the refresh comes after it)",
        lambda: d.instance.get_run_records(
            dg.RunsFilter(job_name="import_zabbix_settings", statuses=[dg.DagsterRunStatus.SUCCESS])
        ),
        240,
        2,
        d.dev,
    )
    d.store.set_override("zabbix_import_interval", 0, by="test")  # no slow import in the way
    d.zabbix.set_mode("slow")
    record = wait_for(
        "a daemon-launched refresh reading Zabbix",
        lambda: next((r for r in refreshes(d, IN_PROGRESS) if PID_TAG in r.dagster_run.tags), None),
        240,
        1,
        d.dev,
    )
    run = wait_for(
        "the refresh's run STARTED",
        lambda: started(d, record.dagster_run.run_id),
        30,
        0.5,
    )
    assert killed_and_failed(d, run.run_id, int(run.tags[PID_TAG]), by_sensor=False) <= 60
    launched_again(d, time.time() - 5)


def started(d: Deployment, run_id: str) -> dg.DagsterRun | None:
    """The run, once its worker has started it (its step reads Zabbix, slowly)."""
    run = d.instance.get_run_by_id(run_id)
    return run if run is not None and run.status == dg.DagsterRunStatus.STARTED else None


def test_a_killed_nbzbx_run_is_failed_and_launched_again(d: Deployment) -> None:
    d.store.set_override("host_config_sync_interval", 0, by="test")  # the daemon leaves it be
    wait_for("no refresh in progress", lambda: not refreshes(d, IN_PROGRESS), 120, 2, d.dev)
    d.zabbix.set_mode("slow")
    proc = subprocess.Popen(
        [str(VENV_BIN / "nbzbx"), "run", JOB, "--cutoff", "0"],
        env=d.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        record = wait_for(
            "the nbzbx run started",
            lambda: next(
                (
                    r
                    for r in refreshes(d, IN_PROGRESS)
                    if r.dagster_run.tags.get(PID_TAG) == str(proc.pid)
                ),
                None,
            ),
            60,
            0.5,
        )
        wait_for("the nbzbx run STARTED", lambda: started(d, record.dagster_run.run_id), 30, 0.5)
        assert killed_and_failed(d, record.dagster_run.run_id, proc.pid, by_sensor=True) <= 60
    finally:
        proc.kill()
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    d.store.set_override("host_config_sync_interval", 1, by="test")
    launched_again(d, time.time() - 5)


def test_a_cli_run_beside_the_daemons_run_of_the_job_is_refused_naming_it(d: Deployment) -> None:
    """The run queue does not see `nbzbx run`; the job's turn does."""
    d.store.set_override("cutoff_host_config_sync", 0, by="test")  # every refresh reads Zabbix
    d.zabbix.set_mode("slow")
    record = wait_for(
        "a daemon-launched refresh reading Zabbix",
        lambda: next(
            (
                r
                for r in refreshes(d, IN_PROGRESS)
                if r.dagster_run.tags.get("dagster/sensor_name") and PID_TAG in r.dagster_run.tags
            ),
            None,
        ),
        240,
        1,
        d.dev,
    )
    done = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "run", JOB, "--cutoff", "0"],
        env=d.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    d.zabbix.set_mode("healthy")
    run_id = record.dagster_run.run_id
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{JOB}: run {run_id} (sensor system_jobs_sensor, pid " in done.stderr, done.stderr
    assert "holds its turn since" in done.stderr
    finished = wait_for(
        "the daemon's run finishing",
        lambda: (r := d.instance.get_run_by_id(run_id)) is not None and r.is_finished and r,
        240,
        2,
        d.dev,
    )
    assert finished.status == dg.DagsterRunStatus.SUCCESS
