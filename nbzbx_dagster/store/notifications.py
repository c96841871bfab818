"""Stored notifications: the messages per target, sent once, and where each event source was read
to. Rows are plain mappings; ``nbzbx_dagster.notify`` decides what is written."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from nbzbx_dagster.store.state import upsert
from nbzbx_dagster.store.tables import event_log, notification, notify_cursor, utc_now


def read_cursor(conn: Connection, name: str) -> Any | None:
    """Where source ``name`` was read to; None before its first read."""
    query = select(notify_cursor.c.value).where(notify_cursor.c.name == name)
    return conn.execute(query).scalar_one_or_none()


def write_cursor(conn: Connection, name: str, value: Any) -> None:
    upsert(conn, notify_cursor, [{"name": name, "value": value, "updated_at": utc_now()}])


def add_notifications(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (target, event, key, text); one whose target and key exist is left as it is."""
    if not rows:
        return
    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stamped = [{**r, "created_at": utc_now(), "attempts": 0} for r in rows]
    conn.execute(
        insert(notification).on_conflict_do_nothing(index_elements=["target", "key"]), stamped
    )


def pending(conn: Connection, targets: Collection[str], max_attempts: int) -> list[dict[str, Any]]:
    """The unsent rows of ``targets`` with attempts left, oldest first."""
    query = (
        select(notification)
        .where(
            notification.c.sent_at.is_(None),
            notification.c.attempts < max_attempts,
            notification.c.target.in_(sorted(targets)),
        )
        .order_by(notification.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def record_attempt(conn: Connection, row_id: int, sent: bool, error: str | None) -> None:
    """Count one attempt: sent now, or its error (one line without secrets)."""
    values: dict[str, Any] = {"attempts": notification.c.attempts + 1, "last_error": error}
    if sent:
        values["sent_at"] = utc_now()
    conn.execute(update(notification).where(notification.c.id == row_id).values(**values))


def given_up(conn: Connection, max_attempts: int) -> list[dict[str, Any]]:
    """The rows never sent that used their ``max_attempts``, oldest first."""
    query = (
        select(notification)
        .where(notification.c.sent_at.is_(None), notification.c.attempts >= max_attempts)
        .order_by(notification.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def prune_notifications(conn: Connection, before: datetime) -> int:
    """Forget rows made before ``before``; how many."""
    result = conn.execute(delete(notification).where(notification.c.created_at < before))
    return result.rowcount


def read_notifications(conn: Connection) -> list[dict[str, Any]]:
    """Every row, oldest first (tests, inspection)."""
    query = select(notification).order_by(notification.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def events_after(conn: Connection, after: int, job: str) -> list[dict[str, Any]]:
    """The event-log rows of ``job`` after id ``after``, oldest first."""
    query = (
        select(event_log)
        .where(event_log.c.id > after, event_log.c.job == job)
        .order_by(event_log.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def last_event_id(conn: Connection) -> int:
    """The newest event-log row's id; 0 without any."""
    return conn.execute(select(func.max(event_log.c.id))).scalar_one() or 0
