"""The stored repair plan, per Zabbix server: what a person reviews before anything is applied.

Rows are plain mappings; ``sync.repair_plan`` makes them. Saving a server's plan replaces it
whole, or, for a keyed plan (a change run's few host configs), only the rows of its keys."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from nbzbx_dagster.store.host_status import TOUCH_BATCH
from nbzbx_dagster.store.tables import host_plan


def save_plan(
    conn: Connection,
    server: str,
    rows: Sequence[dict[str, Any]],
    keys: Collection[str] | None = None,
) -> None:
    """Replace ``server``'s plan with ``rows``; with ``keys``, only its rows of those keys and
    of ``rows``' own (a plan of a few keys keeps the other keys' reviewed actions)."""
    if keys is None:
        conn.execute(delete(host_plan).where(host_plan.c.server == server))
    else:
        replaced = sorted(set(keys) | {r["partition_key"] for r in rows})
        for start in range(0, len(replaced), TOUCH_BATCH):
            part = replaced[start : start + TOUCH_BATCH]
            conn.execute(
                delete(host_plan).where(
                    host_plan.c.server == server, host_plan.c.partition_key.in_(part)
                )
            )
    if rows:
        conn.execute(insert(host_plan), [{**r, "server": server} for r in rows])


def read_plan(conn: Connection, server: str | None = None) -> list[dict[str, Any]]:
    """The stored plan (of one server, or all), by server, action and name."""
    query = select(host_plan).order_by(host_plan.c.server, host_plan.c.action, host_plan.c.name)
    if server is not None:
        query = query.where(host_plan.c.server == server)
    return [dict(r) for r in conn.execute(query).mappings()]


def read_blocked(conn: Connection) -> list[dict[str, Any]]:
    """The blocked actions of every server's plan (server, partition_key, name, reason, digest):
    what the notifications compare, without the larger columns."""
    columns = ("server", "partition_key", "name", "reason", "digest")
    query = (
        select(*(host_plan.c[c] for c in columns))
        .where(host_plan.c.action == "blocked")
        .order_by(host_plan.c.server, host_plan.c.name)
    )
    return [dict(r) for r in conn.execute(query).mappings()]
