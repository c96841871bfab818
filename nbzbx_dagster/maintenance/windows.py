"""The maintenance registry: the windows this project created, in the state store.

A window is one row, whatever the number of Zabbix servers its targets span; its Zabbix
maintenance on each server is a part (``maintenance_part``: server, maintenance id). A window
leaves the registry only once no part remains, so a server that failed to delete its part keeps
the window for the next cleanup. Windows read here carry ``parts``: {server: maintenance id}.

Every function takes the caller's connection, so a run's writes stay in its one transaction.
The stored status is ``pending``/``active`` as of creation, or ``failed`` once a cleanup could
not delete a part in Zabbix; what readers see is :func:`window_status`, computed from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, select, update

from nbzbx_dagster.store.tables import maintenance_part, maintenance_window


def window_status(window: Mapping[str, Any], now: datetime) -> str:
    """``failed`` if a cleanup failed on it, else pending, active or expired (end <= now)."""
    if window["status"] == "failed":
        return "failed"
    if window["end"] <= now:
        return "expired"
    return "active" if window["start"] <= now else "pending"


def is_expired(window: Mapping[str, Any], now: datetime) -> bool:
    """A window ending exactly now is expired."""
    return window["end"] <= now


def add_window(
    conn: Connection,
    *,
    name: str,
    start: datetime,
    end: datetime,
    description: str,
    with_data_collection: bool,
    targets: Mapping[str, Any],
    parts: Mapping[str, str | None],
    created_by: str,
    now: datetime,
) -> dict[str, Any]:
    """Record a window created in Zabbix with its maintenance id on each server; the stored
    window."""
    row = {
        "name": name,
        "start": start,
        "end": end,
        "description": description,
        "with_data_collection": with_data_collection,
        "targets": dict(targets),
        "status": "active" if start <= now else "pending",
        "created_by": created_by,
        "created_at": now,
    }
    result = conn.execute(maintenance_window.insert().values(row))
    window_id = int(result.inserted_primary_key[0])
    if parts:
        conn.execute(
            maintenance_part.insert(),
            [
                {"window_id": window_id, "server": server, "zabbix_maintenance_id": maintenanceid}
                for server, maintenanceid in parts.items()
            ],
        )
    return {"id": window_id, **row, "parts": dict(sorted(parts.items()))}


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    """The windows of ``query``, each with its parts (one more query for all of them)."""
    rows = [dict(row) for row in conn.execute(query).mappings()]
    parts = parts_of(conn, [r["id"] for r in rows])
    return [{**row, "parts": parts.get(row["id"], {})} for row in rows]


def parts_of(conn: Connection, window_ids: list[int]) -> dict[int, dict[str, str | None]]:
    """Window id -> {server: Zabbix maintenance id} of the remaining parts."""
    if not window_ids:
        return {}
    query = (
        select(maintenance_part)
        .where(maintenance_part.c.window_id.in_(window_ids))
        .order_by(maintenance_part.c.server)
    )
    found: dict[int, dict[str, str | None]] = {}
    for row in conn.execute(query).mappings():
        found.setdefault(row["window_id"], {})[row["server"]] = row["zabbix_maintenance_id"]
    return found


def get_window(conn: Connection, name_or_id: str) -> dict[str, Any] | None:
    """A window by exact name, else by registry id."""
    rows = _rows(conn, select(maintenance_window).where(maintenance_window.c.name == name_or_id))
    if not rows and name_or_id.isdigit():
        query = select(maintenance_window).where(maintenance_window.c.id == int(name_or_id))
        rows = _rows(conn, query)
    return rows[0] if rows else None


def list_windows(conn: Connection) -> list[dict[str, Any]]:
    """Every window, by start time."""
    query = select(maintenance_window).order_by(maintenance_window.c.start, maintenance_window.c.id)
    return _rows(conn, query)


def expired_windows(conn: Connection, now: datetime) -> list[dict[str, Any]]:
    """Windows whose end is at or before ``now`` (whatever their stored status)."""
    query = (
        select(maintenance_window)
        .where(maintenance_window.c.end <= now)
        .order_by(maintenance_window.c.end, maintenance_window.c.id)
    )
    return _rows(conn, query)


def registered_maintenance_ids(conn: Connection, server: str) -> set[str]:
    """The Zabbix maintenance ids on ``server`` of every window in the registry."""
    query = select(maintenance_part.c.zabbix_maintenance_id).where(
        maintenance_part.c.server == server,
        maintenance_part.c.zabbix_maintenance_id.is_not(None),
    )
    return {str(v) for v in conn.execute(query).scalars()}


def delete_part(conn: Connection, window_id: int, server: str) -> None:
    """Forget a window's part once its server confirmed the maintenance is gone."""
    conn.execute(
        delete(maintenance_part).where(
            maintenance_part.c.window_id == window_id, maintenance_part.c.server == server
        )
    )


def without_parts(conn: Connection, window_ids: list[int]) -> set[int]:
    """Those of ``window_ids`` still in the registry that have no part left on any server."""
    if not window_ids:
        return set()
    has_part = exists().where(maintenance_part.c.window_id == maintenance_window.c.id)
    query = select(maintenance_window.c.id).where(
        maintenance_window.c.id.in_(window_ids), ~has_part
    )
    return set(conn.execute(query).scalars())


def delete_window(conn: Connection, window_id: int) -> bool:
    """Delete a window and its parts (explicitly: SQLite does not enforce the cascade)."""
    conn.execute(delete(maintenance_part).where(maintenance_part.c.window_id == window_id))
    result = conn.execute(delete(maintenance_window).where(maintenance_window.c.id == window_id))
    return result.rowcount > 0


def mark_failed(conn: Connection, window_id: int) -> None:
    conn.execute(
        update(maintenance_window)
        .where(maintenance_window.c.id == window_id)
        .values(status="failed")
    )


def public_row(window: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A window for output (CLI, metadata): ISO times, the status as of ``now``, and ``parts``
    ({server: maintenance id}); a window of one part also keeps its ``zabbix_maintenance_id``,
    as single-server readers know it."""
    parts = dict(window["parts"])
    row = {
        "id": window["id"],
        "name": window["name"],
        "start": window["start"].isoformat(),
        "end": window["end"].isoformat(),
        "status": window_status(window, now),
        "with_data_collection": window["with_data_collection"],
        "description": window["description"],
        "targets": {k: v for k, v in window["targets"].items() if k != "resolved"},
        "parts": parts,
        "created_by": window["created_by"],
        "created_at": window["created_at"].isoformat(),
    }
    if len(parts) == 1:
        row["zabbix_maintenance_id"] = next(iter(parts.values()))
    return row
