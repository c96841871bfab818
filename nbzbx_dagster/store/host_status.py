"""Stored host config sync statuses: what was found, when, and the last good status on error.

Rows are plain mappings; ``sync.refresh`` makes them from its checks."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from nbzbx_dagster.store.state import upsert
from nbzbx_dagster.store.tables import host_config_status, host_status_change

STREAM_ROWS = 2000  # rows fetched at a time where a reader streams
TOUCH_BATCH = 10_000  # keys per statement: SQLite allows 32,766 parameters per statement


def read_statuses(conn: Connection) -> dict[str, dict[str, Any]]:
    rows = conn.execute(select(host_config_status)).mappings()
    return {r["partition_key"]: dict(r) for r in rows}


def read_statuses_against(
    conn: Connection, desired: Mapping[str, Any], keys: Collection[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Every status (or those of ``keys``) as ``read_statuses`` has it, but its ``desired`` host
    replaced by ``desired_same``: whether it equals ``desired[key]``. The largest column is
    compared as the rows stream by, never held: a refresh of 100,000 host configs would hold it
    beside the new one."""
    queries = [select(host_config_status)]
    if keys is not None:
        wanted = sorted(keys)
        queries = [
            select(host_config_status).where(
                host_config_status.c.partition_key.in_(wanted[start : start + TOUCH_BATCH])
            )
            for start in range(0, len(wanted), TOUCH_BATCH)
        ]
    statuses = {}
    for query in queries:
        for found in conn.execute(query.execution_options(yield_per=STREAM_ROWS)).mappings():
            row = dict(found)
            row["desired_same"] = row.pop("desired") == desired.get(row["partition_key"])
            statuses[row["partition_key"]] = row
    return statuses


def keys_of_addresses(conn: Connection, address_ids: Collection[int]) -> dict[int, list[str]]:
    """The host configs whose primary IP address is one of ``address_ids``, per address id."""
    found: dict[int, list[str]] = {}
    ids = sorted(address_ids)
    column = host_config_status.c.primary_ip_id
    for start in range(0, len(ids), TOUCH_BATCH):
        query = select(column, host_config_status.c.partition_key).where(
            column.in_(ids[start : start + TOUCH_BATCH])
        )
        for address, key in conn.execute(query):
            found.setdefault(address, []).append(key)
    return found


def keys_of_hosts(conn: Connection, server: str, hostids: Collection[str]) -> dict[str, list[str]]:
    """The host configs whose stored status has one of ``hostids`` on ``server``, per host id."""
    found: dict[str, list[str]] = {}
    ids = sorted(hostids)
    column = host_config_status.c.zabbix_hostid
    for start in range(0, len(ids), TOUCH_BATCH):
        query = select(column, host_config_status.c.partition_key).where(
            host_config_status.c.server == server, column.in_(ids[start : start + TOUCH_BATCH])
        )
        for hostid, key in conn.execute(query):
            found.setdefault(hostid, []).append(key)
    return found


REPORT_COLUMNS = ("partition_key", "name", "server", "status", "diff", "error", "checked_at")


def read_report_rows(
    conn: Connection, columns: Sequence[str] = REPORT_COLUMNS, keys: Collection[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Every status (or those of ``keys``: a keyed plan reads only its own) without its desired
    host (the largest column): what reports need, or only ``columns`` (with ``partition_key``)."""
    names = dict.fromkeys(("partition_key", *columns))
    picked = [host_config_status.c[name] for name in names]
    queries = [select(*picked)]
    if keys is not None:
        wanted = sorted(keys)
        column = host_config_status.c.partition_key
        queries = [
            select(*picked).where(column.in_(wanted[start : start + TOUCH_BATCH]))
            for start in range(0, len(wanted), TOUCH_BATCH)
        ]
    return {
        r["partition_key"]: dict(r)
        for query in queries
        for r in conn.execute(query.execution_options(yield_per=STREAM_ROWS)).mappings()
    }


def stale_keys(
    keys: Iterable[str], stored: dict[str, dict[str, Any]], cutoff: datetime
) -> list[str]:
    """Keys never checked, or last checked before ``cutoff`` (in the given order)."""
    return [k for k in keys if k not in stored or stored[k]["checked_at"] < cutoff]


def save_statuses(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert one row per host config, keyed by partition key."""
    upsert(conn, host_config_status, list(rows))


def touch_statuses(conn: Connection, keys: Sequence[str], checked_at: datetime) -> None:
    """Set only ``checked_at`` of statuses found unchanged: one UPDATE per 10,000 keys instead
    of rewriting every column of every row."""
    for start in range(0, len(keys), TOUCH_BATCH):
        part = list(keys[start : start + TOUCH_BATCH])
        conn.execute(
            update(host_config_status)
            .where(host_config_status.c.partition_key.in_(part))
            .values(checked_at=checked_at)
        )


def delete_statuses(conn: Connection, keys: Iterable[str]) -> None:
    keys = list(keys)
    if keys:
        conn.execute(delete(host_config_status).where(host_config_status.c.partition_key.in_(keys)))


def record_changes(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append history rows (partition_key, server, name, status, difference, error,
    changed_at) for statuses that changed."""
    if rows:
        conn.execute(insert(host_status_change), list(rows))


def history(conn: Connection, partition_key: str, limit: int = 100) -> list[dict[str, Any]]:
    """One host config's status changes, newest first."""
    query = (
        select(host_status_change)
        .where(host_status_change.c.partition_key == partition_key)
        .order_by(host_status_change.c.changed_at.desc(), host_status_change.c.id.desc())
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def changes_after(conn: Connection, after: int) -> list[dict[str, Any]]:
    """The history rows after id ``after`` that are not errors, oldest first (an error keeps the
    last good status: it neither starts nor ends a drift)."""
    query = (
        select(host_status_change)
        .where(host_status_change.c.id > after, host_status_change.c.status != "error")
        .order_by(host_status_change.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def statuses_upto(conn: Connection, upto: int, keys: Collection[str]) -> dict[str, str]:
    """Each of ``keys``' last status in the history up to id ``upto`` (errors left out)."""
    found: dict[str, str] = {}
    table = host_status_change
    wanted = sorted(keys)
    for start in range(0, len(wanted), TOUCH_BATCH):
        newest = (
            select(func.max(table.c.id))
            .where(
                table.c.id <= upto,
                table.c.status != "error",
                table.c.partition_key.in_(wanted[start : start + TOUCH_BATCH]),
            )
            .group_by(table.c.partition_key)
        )
        query = select(table.c.partition_key, table.c.status).where(table.c.id.in_(newest))
        found.update(dict(conn.execute(query).tuples().all()))
    return found


def last_change_id(conn: Connection) -> int:
    """The newest history row's id; 0 without any."""
    return conn.execute(select(func.max(host_status_change.c.id))).scalar_one() or 0
