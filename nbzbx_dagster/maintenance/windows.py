"""The maintenance registry: the windows this project created, in the state store.

Every function takes the caller's connection, so a run's writes stay in its one transaction.
The stored status is ``pending``/``active`` as of creation, or ``failed`` once a cleanup could
not delete the window in Zabbix; what readers see is :func:`window_status`, computed from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from nbzbx_dagster.store.tables import maintenance_window


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
    zabbix_maintenance_id: str | None,
    created_by: str,
    now: datetime,
) -> dict[str, Any]:
    """Record a window created in Zabbix; the stored row."""
    row = {
        "name": name,
        "start": start,
        "end": end,
        "description": description,
        "with_data_collection": with_data_collection,
        "targets": dict(targets),
        "zabbix_maintenance_id": zabbix_maintenance_id,
        "status": "active" if start <= now else "pending",
        "created_by": created_by,
        "created_at": now,
    }
    result = conn.execute(maintenance_window.insert().values(row))
    return {"id": int(result.inserted_primary_key[0]), **row}


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(query).mappings()]


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


def registered_maintenance_ids(conn: Connection) -> set[str]:
    """The Zabbix maintenance ids of every window in the registry."""
    query = select(maintenance_window.c.zabbix_maintenance_id).where(
        maintenance_window.c.zabbix_maintenance_id.is_not(None)
    )
    return {str(v) for v in conn.execute(query).scalars()}


def delete_window(conn: Connection, window_id: int) -> bool:
    result = conn.execute(delete(maintenance_window).where(maintenance_window.c.id == window_id))
    return result.rowcount > 0


def mark_failed(conn: Connection, window_id: int) -> None:
    conn.execute(
        update(maintenance_window)
        .where(maintenance_window.c.id == window_id)
        .values(status="failed")
    )


def public_row(window: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """A window for output (CLI, metadata): ISO times and the status as of ``now``."""
    return {
        "id": window["id"],
        "name": window["name"],
        "start": window["start"].isoformat(),
        "end": window["end"].isoformat(),
        "status": window_status(window, now),
        "with_data_collection": window["with_data_collection"],
        "description": window["description"],
        "targets": {k: v for k, v in window["targets"].items() if k != "resolved"},
        "zabbix_maintenance_id": window["zabbix_maintenance_id"],
        "created_by": window["created_by"],
        "created_at": window["created_at"].isoformat(),
    }
