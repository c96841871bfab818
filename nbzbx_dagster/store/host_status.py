"""Stored host config sync statuses: what was found, when, and the last good status on error."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from nbzbx_dagster.store.state import upsert
from nbzbx_dagster.store.tables import host_config_status
from nbzbx_dagster.sync.check import HostCheck


def read_statuses(conn: Connection) -> dict[str, dict[str, Any]]:
    rows = conn.execute(select(host_config_status)).mappings()
    return {r["partition_key"]: dict(r) for r in rows}


def stale_keys(
    keys: Iterable[str], stored: dict[str, dict[str, Any]], cutoff: datetime
) -> list[str]:
    """Keys never checked, or last checked before ``cutoff`` (in the given order)."""
    return [k for k in keys if k not in stored or stored[k]["checked_at"] < cutoff]


def save_checks(
    conn: Connection,
    checks: Sequence[HostCheck],
    stored: dict[str, dict[str, Any]],
    now: datetime,
) -> None:
    """Upsert one row per check; an error keeps the last good status it replaces."""
    rows = []
    for check in checks:
        before = stored.get(check.config.key) or {}
        last_good = None
        if check.status == "error":
            previous = before.get("status")
            last_good = (
                previous if previous and previous != "error" else before.get("last_good_status")
            )
        rows.append(
            {
                "partition_key": check.config.key,
                "object_type": check.config.object_type,
                "object_id": check.config.object_id,
                "name": check.config.name,
                "zabbix_hostid": check.zabbix_hostid,
                "status": check.status,
                "last_good_status": last_good,
                "diff": check.diff,
                "error": check.error,
                "checked_at": now,
                "desired": check.desired,
            }
        )
    upsert(conn, host_config_status, rows)


def delete_statuses(conn: Connection, keys: Iterable[str]) -> None:
    keys = list(keys)
    if keys:
        conn.execute(delete(host_config_status).where(host_config_status.c.partition_key.in_(keys)))
