"""The messages, in names: what each event says, and what is new since the source was last read.

Each reader takes where its source was read to and gives the messages of what is new and where
it reads from next, so a steady state is silent. ``None`` (never read) starts at the present:
a first tick sets the baseline and tells nothing of what happened before notifications existed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from nbzbx_dagster.settings.notify import NotifyEvent
from nbzbx_dagster.store.host_status import changes_after, last_change_id, statuses_upto
from nbzbx_dagster.store.notifications import events_after, last_event_id
from nbzbx_dagster.store.repair_plan import read_blocked
from nbzbx_dagster.sync.repair_apply import RESULTS

DRIFTED = ("out_of_sync", "missing")
RECONCILE_JOB = "reconcile_zabbix_hosts"
NAMED = 10
"""At most this many names per message; the rest is a count."""
ITEM_CHARS = 160
CAUSE_CHARS = 300
LaunchedBy = Callable[[str], bool]
"""Whether the run of this id was launched by a sensor (Dagster knows; the caller asks it)."""


@dataclass(frozen=True)
class Message:
    """One event's message: ``key`` is its identity, sent once per target."""

    event: NotifyEvent
    key: str
    text: str


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(items: Sequence[str], total: int | None = None) -> str:
    """The first ``NAMED`` items, and how many more."""
    total = len(items) if total is None else total
    shown = ", ".join(items[:NAMED])
    rest = total - min(len(items), NAMED)
    return shown + (f", and {rest} more" if rest > 0 else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def run_link(ui_url: str | None, run_id: str) -> str:
    """The run's page in the UI (``NBZBX_UI_URL``); empty without one."""
    return f" {ui_url.rstrip('/')}/runs/{run_id}" if ui_url else ""


def run_failed(
    job: str,
    run_id: str,
    failures: Sequence[tuple[str | None, str]],
    ui_url: str | None,
    dead: bool = False,
) -> Message:
    """A system job run failed (``dead``: its process died and the sensor failed it), with each
    server's one-line cause (server None: the run as a whole)."""
    parts = [
        f"{server}: {_cut(cause, CAUSE_CHARS)}" if server else _cut(cause, CAUSE_CHARS)
        for server, cause in failures
    ] or ["no cause recorded"]
    if dead:
        text = f"nbzbx: {job} run died and was failed by system_jobs_sensor: {'; '.join(parts)}"
        event: NotifyEvent = "dead_run"
    else:
        text = f"nbzbx: {job} failed: {'; '.join(parts)}"
        event = "run_failed"
    return Message(event, f"{event}:{run_id}", text + run_link(ui_url, run_id))


def _drift_item(row: dict[str, Any]) -> str:
    if row["status"] == "missing":
        return f"{row['name']} (missing in Zabbix)"
    words = "; ".join(row["difference"]) or "out of sync"
    return f"{row['name']} ({_cut(words, ITEM_CHARS)})"


def drift(conn: Connection, after: int | None) -> tuple[list[Message], int]:
    """One message per refresh of a server (its rows share the check time) naming the host
    configs that became out_of_sync or missing: not those that were already, nor a changed
    difference of one that was."""
    if after is None:
        return [], last_change_id(conn)
    rows = changes_after(conn, after)
    if not rows:
        return [], after
    last = statuses_upto(conn, after, {r["partition_key"] for r in rows})
    runs: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for row in rows:
        if row["status"] in DRIFTED and last.get(row["partition_key"]) not in DRIFTED:
            runs.setdefault((row["server"], row["changed_at"]), []).append(row)
        last[row["partition_key"]] = row["status"]
    messages = []
    for (server, _), drifted in runs.items():
        n = len(drifted)
        items = [_drift_item(r) for r in drifted]
        text = f"nbzbx: {_plural(n, 'host config')} drifted on {server}: {_names(items)}"
        key = f"drift:{server}:{drifted[0]['id']}-{drifted[-1]['id']}"
        messages.append(Message("drift", key, text))
    return messages, rows[-1]["id"]


def _blocked_id(row: dict[str, Any]) -> str:
    return f"{row['server']}|{row['partition_key']}|{row['digest']}"


def blocked(conn: Connection, before: Iterable[str] | None) -> tuple[list[Message], list[str]]:
    """One message per server whose plan has blocked actions it had not before (another
    reason counts as new), with their reasons; and the blocked actions now, to compare next."""
    rows = read_blocked(conn)
    now = sorted(_blocked_id(r) for r in rows)
    if before is None:
        return [], now
    seen = set(before)
    per_server: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if _blocked_id(row) not in seen:
            per_server.setdefault(row["server"], []).append(row)
    messages = []
    for server, new in per_server.items():
        items = [f"{r['name']} ({_cut(r['reason'] or 'blocked', ITEM_CHARS)})" for r in new]
        text = (
            f"nbzbx: the plan of {server} has {_plural(len(new), 'blocked action')} "
            f"not blocked before: {_names(items)}"
        )
        digest = hashlib.sha256("\n".join(_blocked_id(r) for r in new).encode()).hexdigest()
        messages.append(Message("blocked", f"blocked:{server}:{digest[:24]}", text))
    return messages, now


def applied(
    conn: Connection, after: int | None, launched_by_sensor: LaunchedBy
) -> tuple[list[Message], int]:
    """One message per server part of a reconcile run a sensor launched that applied changes
    (its event-log row): the counts and the first names. A person's ``nbzbx apply`` is not
    told back to them."""
    if after is None:
        return [], last_event_id(conn)
    rows = events_after(conn, after, RECONCILE_JOB)
    messages = []
    for row in rows:
        summary = row["summary"] or {}
        count = int(summary.get("applied") or 0)
        if not count or not row["run_id"] or not launched_by_sensor(row["run_id"]):
            continue
        counts = ", ".join(
            f"{word} {summary[word]}" for word in RESULTS.values() if summary.get(word)
        )
        done = [
            f"{r['name']} ({r['result']})"
            for r in summary.get("results", [])
            if r.get("result") != "failed"
        ]
        server = row["server"] or summary.get("server") or "every server"
        text = (
            f"nbzbx: {RECONCILE_JOB} applied {_plural(count, 'change')} on {server}"
            f" ({counts}): {_names(done, count)}"
        )
        messages.append(Message("applied", f"applied:{row['id']}", text))
    return messages, rows[-1]["id"] if rows else after
