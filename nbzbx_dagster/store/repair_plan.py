"""The stored repair plan, per Zabbix server: what a person reviews before anything is applied.

Rows are plain mappings; ``sync.repair_plan`` makes them. Saving a server's plan replaces it
whole."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from nbzbx_dagster.store.tables import host_plan


def save_plan(conn: Connection, server: str, rows: Sequence[dict[str, Any]]) -> None:
    """Replace ``server``'s plan with ``rows``."""
    conn.execute(delete(host_plan).where(host_plan.c.server == server))
    if rows:
        conn.execute(insert(host_plan), [{**r, "server": server} for r in rows])


def read_plan(conn: Connection, server: str | None = None) -> list[dict[str, Any]]:
    """The stored plan (of one server, or all), by server, action and name."""
    query = select(host_plan).order_by(host_plan.c.server, host_plan.c.action, host_plan.c.name)
    if server is not None:
        query = query.where(host_plan.c.server == server)
    return [dict(r) for r in conn.execute(query).mappings()]


def drop_planned(conn: Connection, server: str, keys: Iterable[str]) -> None:
    """Forget the actions of ``keys``: they were applied."""
    keys = list(keys)
    if keys:
        conn.execute(
            delete(host_plan).where(
                host_plan.c.server == server, host_plan.c.partition_key.in_(keys)
            )
        )
