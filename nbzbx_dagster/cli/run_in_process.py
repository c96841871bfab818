"""Run a job of the project once, in this process, on the configured Dagster instance.

``nbzbx run <job>`` and the tests use this: the run is recorded in the instance like any other
(visible in the UI), its summary comes back from the event log (or, with the event log off, the
run's compact ``nbzbx/summary`` tag), and a failure comes back as the first line of its cause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy.exc import SQLAlchemyError

from nbzbx_dagster.defs.system_jobs.processes import process_tags
from nbzbx_dagster.defs.system_jobs.run_scope import SUMMARY_TAG, SYSTEM_JOB_TAG
from nbzbx_dagster.defs.system_jobs.turns import STARTED_BY_TAG, WAIT_TAG
from nbzbx_dagster.store import StateStore, StoreError
from nbzbx_dagster.store.url import state_store_url


@dataclass
class RunOutcome:
    job: str
    run_id: str
    success: bool
    summary: dict[str, Any]
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "run_id": self.run_id,
            "success": self.success,
            "summary": self.summary,
            "error": self.error,
        }


# Dagster's wrapper around the op's own exception, whose message only names the op
DAGSTER_WRAPPERS = frozenset({"DagsterExecutionStepExecutionError"})


def failure_cause(result: dg.ExecuteInProcessResult) -> str | None:
    """The first failed step's error, reduced to its own message (the last ``raise`` wins)."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while (
            error is not None
            and error.cause is not None
            and (not error.message.strip() or error.cls_name in DAGSTER_WRAPPERS)
        ):
            error = error.cause
        if error is not None:
            text = error.message.strip().splitlines()[0] if error.message.strip() else ""
            return _own_message(text, error.cls_name) or error.cls_name
    return None


def _own_message(text: str, cls_name: str) -> str:
    """The project's errors say what failed where ("Zabbix at <url>: ..."): drop the class path
    Dagster puts in front of them; keep the class of anything else (``KeyError: 'x'``)."""
    head, sep, rest = text.partition(": ")
    if sep and head.startswith("nbzbx_dagster.") and head.endswith(f".{cls_name}"):
        return rest
    return text


def command_tags(command: str, wait: bool) -> dict[str, str]:
    """The run tags of a run a ``nbzbx`` command starts: who started it, and whether it waits
    for its job's turn (``--wait``) or is refused at once when another run holds it."""
    return {STARTED_BY_TAG: command, WAIT_TAG: "true" if wait else "false"}


def run_job(
    job: str,
    run_config: dict[str, Any] | None = None,
    *,
    instance: dg.DagsterInstance,
    log_level: str = "CRITICAL",
    tags: dict[str, str] | None = None,
) -> RunOutcome:
    """Execute ``job`` now on ``instance``; raises DagsterInvariantViolationError for an unknown
    job name. ``tags`` are added to the run's (``command_tags``)."""
    from nbzbx_dagster.definitions import defs
    from nbzbx_dagster.defs.resources import build_resources

    job_def = defs.resolve_job_def(job)
    config = {"loggers": {"console": {"config": {"log_level": log_level}}}, **(run_config or {})}
    result = job_def.execute_in_process(
        run_config=config,
        instance=instance,
        raise_on_error=False,
        # the process, from the start: if it is killed, the sensor fails the run
        tags={SYSTEM_JOB_TAG: job, **process_tags(), **(tags or {})},
        # bound now: which optional variables are set is this process's, not the import's
        resources=build_resources(),
    )
    return RunOutcome(
        job, result.run_id, result.success, _summary(result.run_id, instance), failure_cause(result)
    )


def _summary(run_id: str, instance: dg.DagsterInstance) -> dict[str, Any]:
    """A run's summary: its event-log row's; for a run over several servers (a row each) or with
    the event log off, the run's ``nbzbx/summary`` tag, which the run gives the whole."""
    store = StateStore(state_store_url())
    try:
        events = store.list_events(run_id=run_id, limit=2)
    except (StoreError, SQLAlchemyError):  # a run that failed before it opened the store
        events = []
    finally:
        store.dispose()
    if len(events) == 1 and events[0]["summary"]:
        return events[0]["summary"]
    run = instance.get_run_by_id(run_id)
    return json.loads(run.tags.get(SUMMARY_TAG, "{}")) if run else {}
