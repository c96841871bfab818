"""The cache of Zabbix settings in the state store: read it, apply an import's plan, frame it.

One ``CacheKind`` per Zabbix object type names its table, id column and the columns compared
on import; everything else (assets, IO manager, NetBox choices) goes through these functions.
Every function works on one server's rows: Zabbix ids mean nothing across servers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from nbzbx_dagster.store import tables
from nbzbx_dagster.store.cache_plan import CachePlan, Row


@dataclass(frozen=True)
class CacheKind:
    key: str  # the summary key: "templates", "host_groups", ...
    asset: str  # the asset name: "zabbix_templates", ...
    table: Table
    id_column: str
    name_column: str

    @property
    def columns(self) -> list[str]:
        """Compared columns: all but the id and the bookkeeping."""
        skip = (self.id_column, "server", "last_synced")
        return [c.name for c in self.table.columns if c.name not in skip]


KINDS: dict[str, CacheKind] = {
    k.key: k
    for k in (
        CacheKind(
            "template_groups",
            "zabbix_template_groups",
            tables.zabbix_template_group,
            "groupid",
            "name",
        ),
        CacheKind("host_groups", "zabbix_host_groups", tables.zabbix_host_group, "groupid", "name"),
        CacheKind(
            "proxy_groups",
            "zabbix_proxy_groups",
            tables.zabbix_proxy_group,
            "proxy_groupid",
            "name",
        ),
        CacheKind("proxies", "zabbix_proxies", tables.zabbix_proxy, "proxyid", "name"),
        CacheKind("templates", "zabbix_templates", tables.zabbix_template, "templateid", "host"),
    )
}
KIND_OF_ASSET = {k.asset: k for k in KINDS.values()}


def to_row(kind: CacheKind, obj: dict) -> Row:
    """A normalised Zabbix object as a cache row: ``id`` plus the compared columns."""
    return {"id": str(obj[kind.id_column]), **{c: obj.get(c) for c in kind.columns}}


def read_cache(conn: Connection, kind: CacheKind, server: str) -> dict[str, Row]:
    rows = conn.execute(select(kind.table).where(kind.table.c.server == server)).mappings()
    return {
        str(r[kind.id_column]): {"id": str(r[kind.id_column]), **{c: r[c] for c in kind.columns}}
        for r in rows
    }


def apply_plan(
    conn: Connection, kind: CacheKind, plan: CachePlan, now: datetime, server: str
) -> None:
    """Write one type's plan for ``server``: bulk insert, per-id update, delete;
    ``last_synced`` for all seen."""
    table, idc = kind.table, kind.id_column
    mine = table.c.server == server

    def values(row: Row) -> dict:
        return {idc: row["id"], **{c: row[c] for c in kind.columns}, "last_synced": now}

    if plan.added:
        conn.execute(insert(table), [{"server": server, **values(r)} for r in plan.added])
    if plan.updated:
        stmt = (
            update(table)
            .where(mine, table.c[idc] == bindparam("_id"))
            .values({c: bindparam(c) for c in [*kind.columns, "last_synced"]})
        )
        conn.execute(
            stmt,
            [
                {"_id": r["id"], **{k: v for k, v in values(r).items() if k != idc}}
                for r in plan.updated
            ],
        )
    if plan.deleted:
        conn.execute(delete(table).where(mine, table.c[idc].in_([r["id"] for r in plan.deleted])))
    if plan.unchanged:
        conn.execute(
            update(table)
            .where(mine, table.c[idc].in_([r["id"] for r in plan.unchanged]))
            .values(last_synced=now)
        )


def add_host_groups(conn: Connection, server: str, groups: dict[str, str], now: datetime) -> None:
    """Cache host groups the repair made (name to id), so the statuses and plans that follow
    resolve them before the next import, which then finds them unchanged."""
    table = tables.zabbix_host_group
    have = set(
        conn.execute(
            select(table.c.groupid).where(
                table.c.server == server, table.c.groupid.in_(list(groups.values()))
            )
        ).scalars()
    )
    rows = [
        {"server": server, "groupid": gid, "name": name, "last_synced": now}
        for name, gid in groups.items()
        if gid not in have
    ]
    if rows:
        conn.execute(insert(table), rows)


def cache_frame(conn: Connection, kind: CacheKind, server: str) -> pd.DataFrame:
    """One server's cached objects of one type as a DataFrame, in Zabbix id order."""
    query = select(kind.table).where(kind.table.c.server == server)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    frame = pd.DataFrame(rows, columns=[c.name for c in kind.table.columns])
    if not frame.empty:
        frame = frame.sort_values(kind.id_column, key=lambda s: s.astype(int)).reset_index(
            drop=True
        )
    return frame
