"""The system jobs' turns in the state store: one holder per job at a time, on every path.

Dagster's run queue keeps one run of a job at a time only for the runs it launches; ``nbzbx run``,
``nbzbx apply`` and ``dagster job execute`` execute in their own process and pass it by. Every
run therefore takes its job's turn here first: an INSERT that only one run can make, since the
job is the key. A holder whose process died leaves its row, and the next run that finds it dead
removes it (``release`` with its run id) and takes the turn: a SIGKILL never blocks the job for
longer than it takes to notice the process is gone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from nbzbx_dagster.store.state import StateStore
from nbzbx_dagster.store.tables import system_job_turn


@dataclass(frozen=True)
class Holder:
    """A run holding its job's turn, and the process that executes it."""

    job: str
    run_id: str
    started_by: str
    host: str
    pid: int
    process_start: str
    since: datetime


def take(store: StateStore, holder: Holder) -> Holder | None:
    """Take ``holder.job``'s turn for ``holder``: None when taken (or already held by this run),
    else the run that holds it."""
    try:
        with store.transaction() as conn:
            conn.execute(insert(system_job_turn).values(**asdict(holder)))
        return None
    except IntegrityError:
        current = holding(store, holder.job)
        return None if current is not None and current.run_id == holder.run_id else current


def holding(store: StateStore, job: str) -> Holder | None:
    """The run holding ``job``'s turn, if any."""
    with store.connect() as conn:
        row = conn.execute(select(system_job_turn).where(system_job_turn.c.job == job)).first()
    return Holder(**row._mapping) if row is not None else None


def release(store: StateStore, job: str, run_id: str) -> bool:
    """Give back ``job``'s turn if ``run_id`` holds it (its own at the end of a run, or a dead
    holder's); False when another run holds it by now."""
    with store.transaction() as conn:
        done = conn.execute(
            delete(system_job_turn).where(
                system_job_turn.c.job == job, system_job_turn.c.run_id == run_id
            )
        )
    return done.rowcount > 0
