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
