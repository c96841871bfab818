"""Which Zabbix server the store's rows came from, so that two servers are never mixed.

Every run that reads a server records its URL on first use; a later run for the same server
name at another URL is refused, as is an import whose server answers with objects other than
the ones its cache holds (the URL now points at another Zabbix).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from nbzbx_dagster.store import tables
from nbzbx_dagster.store.state import StoreError, upsert

# below this share of cached ids whose name is still the same, the objects are another server's
SAME_SERVER_SHARE = 0.5
# with fewer cached objects the share says nothing
SAME_SERVER_MIN_ROWS = 5


class ServerMismatch(StoreError):
    """The store's rows of a server came from another Zabbix; one line naming both."""


def _canonical(url: str) -> str:
    url = url.rstrip("/")
    return url.removesuffix("/api_jsonrpc.php").rstrip("/")


def known_servers(conn: Connection) -> dict[str, dict[str, Any]]:
    return {r["name"]: dict(r) for r in conn.execute(select(tables.zabbix_server)).mappings()}


def check_server(conn: Connection, name: str, url: str) -> None:
    """Refuse a server whose rows in the store were read from another URL."""
    row = known_servers(conn).get(name)
    if row is not None and _canonical(row["url"]) != _canonical(url):
        raise ServerMismatch(
            f"the state store's Zabbix server {name!r} was filled from {_canonical(row['url'])}, "
            f"not from {_canonical(url)}: give that Zabbix its own name in zabbix_servers (or its "
            f"own NBZBX_DATABASE_URL), or run `nbzbx servers forget {name}` to start {name!r} "
            "afresh"
        )


def record_server(
    conn: Connection, name: str, url: str, version: str | None, now: datetime
) -> None:
    first = known_servers(conn).get(name, {}).get("first_seen", now)
    upsert(
        conn,
        tables.zabbix_server,
        [
            {
                "name": name,
                "url": _canonical(url),
                "version": version,
                "first_seen": first,
                "last_seen": now,
            }
        ],
    )


def check_same_objects(
    name: str,
    url: str,
    cached: Mapping[str, Mapping[str, Any]],
    fetched: Mapping[str, Mapping[str, Any]],
) -> None:
    """Refuse an import whose server answers with other objects than the cache holds: most
    cached ids (over every type) must still be there with the same name.

    ``cached`` and ``fetched`` map a type to {id: name}."""
    total = sum(len(ids) for ids in cached.values())
    if total < SAME_SERVER_MIN_ROWS:
        return
    same = sum(
        1
        for kind, ids in cached.items()
        for oid, oname in ids.items()
        if fetched.get(kind, {}).get(oid) == oname
    )
    if same < SAME_SERVER_SHARE * total:
        raise ServerMismatch(
            f"Zabbix at {_canonical(url)} answers with other objects than the cache of server "
            f"{name!r} holds ({same} of {total} cached ids with the same name): it looks like "
            f"another Zabbix; give it its own name in zabbix_servers, or run `nbzbx servers "
            f"forget {name}` if {name!r} really moved"
        )


def forget_server(conn: Connection, name: str) -> dict[str, int]:
    """Delete everything the store holds of server ``name``; rows deleted per table."""
    counts = {}
    for table in (*CACHE_TABLES, tables.host_config_status, tables.zabbix_server):
        column = table.c.name if table is tables.zabbix_server else table.c.server
        counts[table.name] = conn.execute(delete(table).where(column == name)).rowcount
    return counts


CACHE_TABLES = (
    tables.zabbix_template,
    tables.zabbix_template_group,
    tables.zabbix_host_group,
    tables.zabbix_proxy,
    tables.zabbix_proxy_group,
)
