"""The Dagster internals the project uses, in dagster_internals.py: still there in the pinned
Dagster (these tests fail loudly when an upgrade moves them), and runs stay correct without them.
"""

from collections.abc import Iterator

import dagster as dg
import pytest

from nbzbx_dagster.defs import dagster_internals
from nbzbx_dagster.defs.dagster_internals import BATCH_SIZE_ENV, log_materializations, sensor_states

ASSET = dg.AssetKey("probe")
PARTITIONS = [f"p{n}" for n in range(5)]


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("probe_partitions", PARTITIONS)
        yield instance


@dg.op
def record(context: dg.OpExecutionContext) -> bool:
    materializations = [
        dg.AssetMaterialization(ASSET, partition=key, metadata={"n": n})
        for n, key in enumerate(PARTITIONS)
    ]
    return log_materializations(context, materializations)


@dg.job
def probe_job() -> None:
    record()


def stored_partitions(instance: dg.DagsterInstance) -> list[str]:
    records = instance.fetch_materializations(ASSET, limit=100).records
    return sorted(r.asset_materialization.partition for r in records)


def test_the_pinned_dagster_has_the_batching_internals() -> None:
    assert dagster_internals.batching_available(), (
        "DagsterEvent.asset_materialization or DagsterEventBatchMetadata moved: the refresh "
        "now stores its events one by one; adapt dagster_internals.py"
    )


def test_batched_materializations_are_all_stored(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BATCH_SIZE_ENV, "2")  # batches of 2, 2 and 1: the last is flushed too
    result = probe_job.execute_in_process(instance=instance)
    assert result.output_for_node("record") is True
    assert stored_partitions(instance) == PARTITIONS


def test_without_the_batch_size_the_public_api_stores_them(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(BATCH_SIZE_ENV, raising=False)
    result = probe_job.execute_in_process(instance=instance)
    assert result.output_for_node("record") is False
    assert stored_partitions(instance) == PARTITIONS


def test_without_the_internals_the_public_api_stores_them(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an upgrade that removed the internals costs: speed, not materializations."""
    monkeypatch.setenv(BATCH_SIZE_ENV, "1000")
    monkeypatch.setattr(dagster_internals, "DagsterEvent", None)
    result = probe_job.execute_in_process(instance=instance)
    assert result.output_for_node("record") is False
    assert stored_partitions(instance) == PARTITIONS


def test_sensor_states_reader(instance: dg.DagsterInstance) -> None:
    """The reader is there (a running daemon's state is read in test_scheduling_e2e); where an
    upgrade removed it, the status says "not evaluated yet" instead of failing."""
    assert hasattr(instance, "all_instigator_state"), "Dagster renamed all_instigator_state"
    assert sensor_states(instance, "system_jobs_sensor") == []

    class OlderInstance:
        pass

    assert sensor_states(OlderInstance(), "system_jobs_sensor") == []  # type: ignore[arg-type]


def test_run_members_are_there_and_work(instance: dg.DagsterInstance) -> None:
    result = probe_job.execute_in_process(instance=instance, raise_on_error=False)
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    assert dagster_internals.add_run_tags(instance, run.run_id, {"nbzbx/probe": "1"})
    assert instance.get_run_by_id(run.run_id).tags["nbzbx/probe"] == "1"
    assert dagster_internals.step_failure_errors(instance, run.run_id) == []
    assert dagster_internals.run_storage_name(instance) == "SqliteRunStorage"
    started = instance.create_run_for_job(probe_job, status=dg.DagsterRunStatus.STARTED)
    assert dagster_internals.report_run_failed(instance, started, "probe: worker died")
    assert instance.get_run_by_id(started.run_id).status == dg.DagsterRunStatus.FAILURE


@dg.op
def refuse() -> None:
    raise dg.Failure("probe refused")


@dg.job
def failing_job() -> None:
    refuse()


def test_step_failures_are_read_with_their_cause(instance: dg.DagsterInstance) -> None:
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    (error,) = dagster_internals.step_failure_errors(instance, result.run_id)
    assert "probe refused" in error.message


def test_without_the_run_members_each_says_it_could_not(instance: dg.DagsterInstance) -> None:
    """What an upgrade that removed them costs: no tags added, dead runs left to Dagster's run
    monitoring, no step failure cause, no storage name; never an AttributeError."""

    class OlderInstance:
        pass

    older = OlderInstance()
    run = instance.create_run_for_job(probe_job, status=dg.DagsterRunStatus.STARTED)
    assert not dagster_internals.add_run_tags(older, run.run_id, {"a": "b"})  # type: ignore[arg-type]
    assert not dagster_internals.report_run_failed(older, run, "x")  # type: ignore[arg-type]
    assert dagster_internals.step_failure_errors(older, run.run_id) == []  # type: ignore[arg-type]
    assert dagster_internals.run_storage_name(older) == "unknown"  # type: ignore[arg-type]
