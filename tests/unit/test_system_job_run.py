"""`system_job_run`: one event-log row per run wherever the body fails; one transaction."""

import dagster as dg

from nbzbx_dagster.defs.system_jobs.run_scope import system_job_run
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore


def run_body(store: StateStore, body) -> dg.ExecuteInProcessResult:
    @dg.op
    def step(context: dg.OpExecutionContext) -> None:
        with system_job_run(context, store, Settings(), "probe_job") as run:
            body(run)

    @dg.job(name="probe_job")
    def probe_job() -> None:
        step()

    with dg.instance_for_test() as instance:
        return probe_job.execute_in_process(instance=instance, raise_on_error=False)


def test_failure_before_any_write_is_recorded_once(store) -> None:
    def body(run) -> None:
        raise ConnectionError("Zabbix at http://127.0.0.1:9: unreachable: connection refused")

    result = run_body(store, body)
    assert not result.success
    rows = store.list_events(job="probe_job")
    assert len(rows) == 1
    assert rows[0]["run_id"] == result.run_id
    assert rows[0]["status"] == "failure"
    assert "connection refused" in rows[0]["error"]


def test_writes_roll_back_on_failure_and_commit_on_success(store) -> None:
    def failing(run) -> None:
        store.set_override("max_deletions", 9, by="test", connection=run.conn)
        raise RuntimeError("late failure")

    assert not run_body(store, failing).success
    assert store.get_overrides() == {}

    def working(run) -> None:
        store.set_override("max_deletions", 9, by="test", connection=run.conn)
        run.summary = {"message": "done"}

    result = run_body(store, working)
    assert result.success
    assert store.get_overrides() == {"max_deletions": 9}
    rows = store.list_events(job="probe_job")
    assert [(r["status"], r["summary"]) for r in rows] == [
        ("success", {"message": "done"}),
        ("failure", {}),
    ]


def test_no_transaction_is_held_before_the_first_write(store) -> None:
    def body(run) -> None:
        # another writer (e.g. `nbzbx settings set`) is not blocked while the body reads remotes
        store.set_override("max_deletions", 4, by="other writer")
        store.set_override("max_deletions", 5, by="test", connection=run.conn)

    assert run_body(store, body).success
    assert store.get_overrides() == {"max_deletions": 5}
