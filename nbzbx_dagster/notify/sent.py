"""Remembering what was told: each event's message is written once per target that hears of it,
in the transaction that moves its source's cursor, and sent until it succeeds or has used its
attempts. A message is sent once whatever the sensors' ticks and restarts do (a process killed
between the send and its record sends it once more)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Connection

from nbzbx_dagster.notify import events
from nbzbx_dagster.notify.events import Message
from nbzbx_dagster.notify.targets import Delivery
from nbzbx_dagster.settings.notify import NotifyTarget
from nbzbx_dagster.store import StateStore, utc_now
from nbzbx_dagster.store.notifications import (
    add_notifications,
    given_up,
    pending,
    prune_notifications,
    read_cursor,
    record_attempt,
    write_cursor,
)

MAX_ATTEMPTS = 5
KEEP = timedelta(days=30)
"""Rows older than this are forgotten (their events are long past)."""

Sender = Callable[[NotifyTarget, str], Delivery]


def remember(
    conn: Connection, targets: Sequence[NotifyTarget], messages: Sequence[Message]
) -> list[str]:
    """Write each message for every target that hears of its event; the targets written for
    (a message already written for a target stays as it is)."""
    rows = [
        {"target": t.name, "event": m.event, "key": m.key, "text": m.text}
        for m in messages
        for t in targets
        if m.event in t.events
    ]
    add_notifications(conn, rows)
    return list(dict.fromkeys(r["target"] for r in rows))


def collect(conn: Connection, launched_by_sensor: events.LaunchedBy) -> list[Message]:
    """What is new in the state store since the last call (drift, blocked, applied), the
    cursors moved in ``conn``'s transaction; a cursor that did not move is not rewritten."""
    found: list[Message] = []
    readers = {
        "drift": events.drift,
        "blocked": events.blocked,
        "applied": lambda c, at: events.applied(c, at, launched_by_sensor),
    }
    for name, reader in readers.items():
        before = read_cursor(conn, name)
        messages, after = reader(conn, before)
        if after != before:
            write_cursor(conn, name, after)
        found += messages
    return found


@dataclass
class Outcome:
    """One delivery round: a line per message sent, failed or given up."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return self.sent + self.failed


def deliver(store: StateStore, targets: Sequence[NotifyTarget], send: Sender) -> Outcome:
    """Send every pending message of ``targets``, oldest first. A target that fails is not
    tried again in this round (its other messages wait, their attempts untouched): the next
    round retries it, at most ``MAX_ATTEMPTS`` times per message."""
    by_name = {t.name: t for t in targets}
    outcome = Outcome()
    with store.connect() as conn:
        rows = pending(conn, by_name, MAX_ATTEMPTS)
    down: set[str] = set()
    for row in rows:
        if row["target"] in down:
            continue
        delivery = send(by_name[row["target"]], row["text"])
        attempt = row["attempts"] + 1
        with store.transaction() as conn:
            record_attempt(conn, row["id"], delivery.ok, None if delivery.ok else delivery.line)
        what = f"{row['target']}: {row['event']}"
        if delivery.ok:
            outcome.sent.append(f"{what} sent ({delivery.line})")
            continue
        down.add(row["target"])
        after = "given up" if attempt >= MAX_ATTEMPTS else "retried next tick"
        outcome.failed.append(
            f"{what} not sent, attempt {attempt} of {MAX_ATTEMPTS} ({after}): {delivery.line}"
        )
    with store.transaction() as conn:
        prune_notifications(conn, utc_now() - KEEP)
    return outcome


def given_up_lines(store: StateStore) -> list[str]:
    """One line per target whose messages used their attempts unsent: how many, and the
    newest's time and error, e.g. ``ops: 2 messages given up after 5 attempts, the last made
    2026-12-07 06:10 UTC: webhook: Connection refused``."""
    with store.connect() as conn:
        rows = given_up(conn, MAX_ATTEMPTS)
    by_target: dict[str, list[dict]] = {}
    for row in rows:
        by_target.setdefault(row["target"], []).append(row)
    lines = []
    for target, unsent in by_target.items():
        last = unsent[-1]
        count = f"{len(unsent)} message{'s' if len(unsent) > 1 else ''}"
        made = f"{last['created_at']:%Y-%m-%d %H:%M} UTC"
        lines.append(
            f"{target}: {count} given up after {MAX_ATTEMPTS} attempts, the last made {made}: "
            f"{last['last_error']}"
        )
    return lines
