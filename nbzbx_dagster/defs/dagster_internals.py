"""The one module that uses Dagster internals, each worth it, each with a public fallback.

1. **Batched materializations.** ``context.log_event`` stores each event on its own
   (dagster-postgres opens a connection and runs four statements per event: 37 s of a 10,000-host
   refresh through PgBouncer, 126 s direct). Dagster stores the events of a multi-partition output
   in batches; the refresh makes its per-partition materializations the same way
   (``DagsterEvent.asset_materialization`` with ``DagsterEventBatchMetadata``: 4 s). Dagster
   batches only while ``DAGSTER_EVENT_BATCH_SIZE`` is positive in the process running the step,
   so the deployment sets it where Dagster starts (``nbzbx lab env``, ``scripts/demo``,
   ``nbzbx run``, the deploy recipe); this module never changes the environment. Without the
   variable, or when an upgrade moved the internals, events go through ``context.log_event``:
   slower, never wrong.
2. **The sensor's stored state** (cursor, last tick), read by ``nbzbx system-jobs status`` from
   outside any sensor: Dagster has no public reader for it. Without it the status says the
   sensor was not evaluated yet.
3. **The instance's run members** that Dagster does not mark public: adding tags to a run (its
   process and summary), failing a run whose process died, reading a run's step failures and
   naming the run storage. Without them a run keeps its tags as launched, a dead run is left to
   Dagster's run monitoring (``dagster/max_runtime``), a failure's cause is "run worker died",
   and the doctor names no storage class.

``tests/unit/test_dagster_internals.py`` fails loudly when an upgrade changes any of these.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import dagster as dg

try:
    from dagster._core.events import (
        DagsterEvent,
        DagsterEventBatchMetadata,
        generate_event_batch_id,
    )
except ImportError:  # pragma: no cover - exercised by the fallback test
    DagsterEvent = None  # type: ignore[assignment,misc]

BATCH_SIZE_ENV = "DAGSTER_EVENT_BATCH_SIZE"
BATCH_SIZE = 1000
"""The batch size the deployment recipes set."""


def batching_available() -> bool:
    """Whether this Dagster still has the internals that batch materialization events."""
    return DagsterEvent is not None and hasattr(DagsterEvent, "asset_materialization")


def batch_size(env: dict[str, str] | os._Environ[str] = os.environ) -> int:
    """The batch size Dagster applies in this process (0: every event stored on its own)."""
    raw = env.get(BATCH_SIZE_ENV, "").strip()
    return int(raw) if raw.isdigit() else 0


def log_materializations(
    context: dg.OpExecutionContext, materializations: Sequence[dg.AssetMaterialization]
) -> bool:
    """Record ``materializations`` in the run's event log; True when they went in batches."""
    if not materializations:
        return False
    if not (batching_available() and batch_size() > 0):
        for materialization in materializations:
            context.log_event(materialization)
        return False
    step = context.get_step_execution_context()
    batch_id = generate_event_batch_id()
    last = len(materializations) - 1
    for n, materialization in enumerate(materializations):
        DagsterEvent.asset_materialization(
            step, materialization, DagsterEventBatchMetadata(batch_id, n == last)
        )
    return True


def sensor_states(instance: dg.DagsterInstance, name: str) -> list[Any]:
    """The stored states of the sensors named ``name`` (one per code location that defines it);
    empty when Dagster cannot tell."""
    reader = getattr(instance, "all_instigator_state", None)
    if reader is None:
        return []
    return [
        state
        for state in reader()
        if state.name == name and getattr(state.instigator_type, "value", None) == "SENSOR"
    ]


def add_run_tags(instance: dg.DagsterInstance, run_id: str, tags: dict[str, str]) -> bool:
    """Add ``tags`` to the run; False when this Dagster cannot."""
    adder = getattr(instance, "add_run_tags", None)
    if adder is None:
        return False
    adder(run_id, tags)
    return True


def report_run_failed(instance: dg.DagsterInstance, run: dg.DagsterRun, message: str) -> bool:
    """Mark ``run`` failed with ``message`` in its event log; False when this Dagster cannot."""
    reporter = getattr(instance, "report_run_failed", None)
    if reporter is None:
        return False
    reporter(run, message)
    return True


def step_failure_errors(instance: dg.DagsterInstance, run_id: str) -> list[Any]:
    """The errors (``SerializableErrorInfo``) of the run's failed steps, in order; empty when
    this Dagster cannot tell."""
    reader = getattr(instance, "all_logs", None)
    if reader is None:
        return []
    entries = reader(run_id, of_type=dg.DagsterEventType.STEP_FAILURE)
    return [
        e.dagster_event.step_failure_data.error
        for e in entries
        if e.dagster_event is not None and e.dagster_event.step_failure_data is not None
    ]


def run_storage_name(instance: dg.DagsterInstance) -> str:
    """The class of the instance's run storage (``PostgresRunStorage``), or ``unknown``."""
    storage = getattr(instance, "run_storage", None)
    return type(storage).__name__ if storage is not None else "unknown"
