"""Run semantics shared by the system jobs: one transaction, fail loudly, summary, event log.

The reference plugin's AtomicJobRunner, translated to Dagster: the state-store writes of a run
are one transaction, rolled back on any failure; the failure propagates, so the Dagster run (and
``dagster job execute`` / ``nbzbx run``) fails with the cause; the summary is attached to the run
as the ``nbzbx/summary`` tag (without long name lists); an event-log row is written once
the outcome is known, in its own transaction, also on failure.

A body whose writes are all valid but whose run must still fail (some items failed and are kept
for the next run) sets ``scope.failure``: the writes are committed, then the run fails with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from nbzbx_dagster.common.progress import RateLimited, listening
from nbzbx_dagster.defs.dagster_internals import add_run_tags
from nbzbx_dagster.defs.system_jobs.processes import PID_TAG, process_tags
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore

SUMMARY_TAG = "nbzbx/summary"
SYSTEM_JOB_TAG = "nbzbx/system_job"
MAX_RUNTIME_TAG = "dagster/max_runtime"


@dataclass
class RunScope:
    """What a system job's body sees: the run's transaction, and the summary it fills in."""

    begin: Callable[[], Connection]
    summary: dict[str, Any] = field(default_factory=dict)
    failure: str | None = None
    """Set to fail the run after committing its writes (a partial success)."""
    _conn: Connection | None = None

    @property
    def conn(self) -> Connection:
        """The run's one transaction, begun on first use: a body that reads NetBox or Zabbix
        first (inside the run, so that their failure is recorded) holds no lock meanwhile."""
        if self._conn is None:
            self._conn = self.begin()
        return self._conn


class SystemJobFailed(RuntimeError):
    """A system job run that committed its writes but reported failures (``scope.failure``)."""


def compact(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary without name lists, small enough for a run tag; the event log has it all."""
    if isinstance(summary, dict):
        return {
            k: compact(v) for k, v in summary.items() if not (k.endswith("_names") and len(v) > 5)
        }
    return summary


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def system_job_run(
    context: dg.OpExecutionContext | dg.AssetExecutionContext,
    store: StateStore,
    settings: Settings,
    job: str,
    server: str | None = None,
) -> Iterator[RunScope]:
    """Scope the run (or its part for one Zabbix ``server``): on exit commit or roll back its
    transaction, then record the outcome.

    Everything that can fail belongs inside, client logins included, so that every run of a
    system job leaves exactly one event-log row per server it worked on. The core's progress
    reports go to the run's log, at most one line per 10 s."""
    started = datetime.now(UTC)
    _tag_process(context, settings)
    scope: RunScope | None = None
    try:
        with ExitStack() as stack:
            stack.enter_context(listening(RateLimited(context.log.info)))
            scope = RunScope(lambda: stack.enter_context(store.transaction()))
            yield scope
    except BaseException as exc:  # also a run stopped (max runtime, Ctrl-C): it is recorded
        _record(context, store, settings, job, server, started, "failure", scope, one_line(exc))
        raise
    if scope is not None and scope.failure:
        _record(
            context, store, settings, job, server, started, "failure", scope, scope.failure, True
        )
        raise SystemJobFailed(scope.failure)
    _record(context, store, settings, job, server, started, "success", scope, None)


def _tag_process(
    context: dg.OpExecutionContext | dg.AssetExecutionContext, settings: Settings
) -> None:
    """Name the process executing the run (the sensor fails the run if it dies) and bound the
    run's time for Dagster's run monitoring; ``nbzbx run`` tagged its process already."""
    tags = {MAX_RUNTIME_TAG: str(settings.dead_run_after * 60)}
    if context.run.tags.get(PID_TAG) != str(os.getpid()):
        tags |= process_tags()
    if any(context.run.tags.get(k) != v for k, v in tags.items()):
        add_run_tags(context.instance, context.run.run_id, tags)


def _record(
    context: dg.OpExecutionContext | dg.AssetExecutionContext,
    store: StateStore,
    settings: Settings,
    job: str,
    server: str | None,
    started: datetime,
    status: str,
    scope: RunScope | None,
    error: str | None,
    committed: bool = False,
) -> None:
    summary = scope.summary if scope else {}
    if settings.event_log_enabled:
        store.write_event(
            job=job,
            run_id=context.run.run_id,
            started_at=started,
            finished_at=datetime.now(UTC),
            status=status,
            summary=summary,
            error=error,
            server=server,
        )
        store.prune_events(settings.event_log_retention_days)
    tag = json.dumps(compact(summary), default=str, ensure_ascii=False)
    add_run_tags(context.instance, context.run.run_id, {SUMMARY_TAG: tag})
    what = f"{job} ({server})" if server else job
    if error:
        outcome = "committed" if committed else "rolled back"
        context.log.error(f"{what} failed; state-store changes {outcome}: {error}")
    else:
        context.log.info(f"{what} summary: {tag}")


@dataclass
class ServerOutcome:
    """One server's part of a run: what its body returned, or the failure that rolled it back."""

    result: Any = None
    error: BaseException | None = None


def for_each_server(
    context: dg.OpExecutionContext | dg.AssetExecutionContext,
    store: StateStore,
    settings: Settings,
    job: str,
    servers: Sequence[str],
    body: Callable[[str, RunScope], Any],
) -> dict[str, ServerOutcome]:
    """Run ``body`` once per server, each in its own scope (transaction and event-log row), so
    that a server that fails rolls back only its own part and the others go on."""
    outcomes: dict[str, ServerOutcome] = {}
    for server in servers:
        try:
            with system_job_run(context, store, settings, job, server) as run:
                outcomes[server] = ServerOutcome(body(server, run))
        except Exception as exc:
            outcomes[server] = ServerOutcome(error=exc)
    return outcomes


def raise_server_failures(outcomes: dict[str, ServerOutcome]) -> None:
    """Fail the run when any server's part failed, after the others were stored: with one
    server, its own error; with several, one line naming each failed server."""
    failed = {s: o.error for s, o in outcomes.items() if o.error is not None}
    if not failed:
        return
    if len(outcomes) == 1:
        raise next(iter(failed.values()))  # type: ignore[misc]
    done = [s for s in outcomes if s not in failed]
    causes = "; ".join(f"server {s}: {' '.join(str(e).split())}" for s, e in failed.items())
    raise SystemJobFailed(causes + (f" (stored for {', '.join(done)})" if done else ""))


def set_summary(context: dg.OpExecutionContext | dg.AssetExecutionContext, summary: dict) -> None:
    """The run's summary tag, for a run whose servers each recorded their own."""
    tag = json.dumps(compact(summary), default=str, ensure_ascii=False)
    add_run_tags(context.instance, context.run.run_id, {SUMMARY_TAG: tag})
