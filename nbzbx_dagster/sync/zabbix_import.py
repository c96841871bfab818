"""Importing one Zabbix server's settings into its cache, and the names NetBox users pick from.

Knows nothing of Dagster: the ``import_zabbix_settings`` job and the Zabbix settings assets call
``import_server`` once per server, each inside that server's own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from nbzbx_dagster.store.cache import KINDS, apply_plan, cache_frame, read_cache, to_row
from nbzbx_dagster.store.cache_plan import CachePlan, plan_cache
from nbzbx_dagster.store.servers import check_same_objects, check_server, record_server
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient


@dataclass
class ServerImport:
    """One server's import: the plan per type and the cache as it now is."""

    server: str
    plans: dict[str, CachePlan]
    frames: dict[str, pd.DataFrame]

    @property
    def summary(self) -> dict[str, Any]:
        data = {key: plan.summary() for key, plan in self.plans.items()}
        changed = sum(p["added"] + p["updated"] + p["deleted"] for p in data.values())
        return {
            "message": f"imported zabbix configuration of {self.server}: {changed} changes",
            "server": self.server,
            "data": data,
        }


def _templates(client: ZabbixClient) -> list[dict[str, Any]]:
    """Templates with what linking them needs: interface type, trigger dependencies, shared
    item keys; a constant number of calls, whatever the number of templates."""
    templates = zapi.templates(client)
    types = zapi.template_interface_types(client, templates)
    dependencies = zapi.template_dependencies(client)
    shared_keys = zapi.template_shared_item_keys(client)
    for template in templates:
        templateid = template["templateid"]
        template["interface_type"], template["extra_interfaces"] = types.get(
            templateid, ("any", [])
        )
        template["dependencies"] = dependencies.get(templateid, [])
        template["shared_item_keys"] = shared_keys.get(templateid, [])
    return templates


# in the order Zabbix is asked: templates (and their items, triggers) first, as before subsetting
READERS = {
    "templates": _templates,
    "template_groups": zapi.template_groups,
    "host_groups": zapi.host_groups,
    "proxy_groups": zapi.proxy_groups,
    "proxies": zapi.proxies,
}


def fetch_zabbix_settings(
    client: ZabbixClient, kinds: Sequence[str] = tuple(KINDS)
) -> dict[str, list[dict[str, Any]]]:
    """Each of ``kinds`` read once; what templates need from batched item and trigger
    queries, never one per template."""
    return {key: read(client) for key, read in READERS.items() if key in kinds}


def import_server(
    conn: Connection,
    client: ZabbixClient,
    server: str,
    *,
    max_deletions: int,
    now: datetime,
    kinds: Sequence[str] = tuple(KINDS),
) -> ServerImport:
    """Read ``server``'s settings (of ``kinds``: an asset materialized alone reads only its
    type) and bring its cache up to date through ``conn``.

    Refused before anything is written when the store's rows of ``server`` came from another
    URL or the server answers with another server's objects; pruning is refused for the whole
    import when more than ``max_deletions`` objects of one type would go."""
    check_server(conn, server, client.url)
    remote = fetch_zabbix_settings(client, kinds)
    rows = {key: [to_row(KINDS[key], obj) for obj in remote[key]] for key in kinds}
    cached = {key: read_cache(conn, KINDS[key], server) for key in kinds}
    check_same_objects(
        server,
        client.url,
        {k: {i: r[KINDS[k].name_column] for i, r in c.items()} for k, c in cached.items()},
        {k: {r["id"]: r[KINDS[k].name_column] for r in rs} for k, rs in rows.items()},
    )
    plans = {
        key: plan_cache(
            key,
            cached[key],
            rows[key],
            max_deletions=max_deletions,
            name_key=KINDS[key].name_column,
        )
        for key in kinds
    }
    frames = {}
    for key in kinds:
        apply_plan(conn, KINDS[key], plans[key], now, server)
        frames[key] = cache_frame(conn, KINDS[key], server)
    record_server(conn, server, client.url, client.version_str, now)
    return ServerImport(server, plans, frames)


def choice_names(conn: Connection, servers: list[str]) -> dict[str, list[str]]:
    """The names NetBox users pick from, per choice source: every server's, so that an import
    for one server never removes another's choices."""
    names: dict[str, list[str]] = {"templates": [], "host_groups": [], "proxies": []}
    names["proxy_groups"] = []
    column = {"templates": "host"}
    for server in servers:
        for key in names:
            frame = cache_frame(conn, KINDS[key], server)
            names[key].extend(frame[column.get(key, "name")].tolist())
    return {key: list(dict.fromkeys(values)) for key, values in names.items()}
