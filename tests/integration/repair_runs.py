"""Running the repair's jobs against the lab and reading what they left: the refresh, the plan
as the UI makes it, the apply, the stored statuses, a Zabbix host as Zabbix holds it."""

import json
from typing import Any

import dagster as dg
from sqlalchemy import select

from nbzbx_dagster.cli.run_in_process import RunOutcome, run_job
from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.store.repair_plan import read_plan
from nbzbx_dagster.store.tables import metadata
from nbzbx_dagster.store.url import state_store_url
from nbzbx_dagster.zabbix import ZabbixClient


def refresh(instance: dg.DagsterInstance) -> RunOutcome:
    config = {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": 0}}}}
    return run_job("host_config_sync_refresh", config, instance=instance)


def plan(instance: dg.DagsterInstance) -> dict[str, dict[str, Any]]:
    """Materialize the plan as the UI does; the stored plan by host name."""
    result = dg.materialize([zabbix_host_plan], instance=instance, resources=build_resources())
    assert result.success
    with StateStore(state_store_url()).connect() as conn:
        return {r["name"]: r for r in read_plan(conn)}


def apply(instance: dg.DagsterInstance, **config: Any) -> RunOutcome:
    return run_job(
        "reconcile_zabbix_hosts",
        {"ops": {"reconcile_hosts": {"config": config}}},
        instance=instance,
    )


def statuses() -> dict[str, str]:
    with StateStore(state_store_url()).connect() as conn:
        return {r["name"]: r["status"] for r in read_statuses(conn).values()}


def host(zabbix: ZabbixClient, name: str) -> dict[str, Any]:
    groups, key = zabbix.zabbix_version.host_groups_select
    rows = zabbix.call(
        "host.get",
        {
            "filter": {"host": [name]},
            "output": ["hostid", "host", "status"],
            "selectTags": ["tag", "value"],
            "selectMacros": ["macro", "value"],
            groups: ["name"],
        },
    )
    assert len(rows) == 1, f"{name}: {len(rows)} Zabbix hosts"
    row = rows[0]
    row["group_names"] = {g["name"] for g in row[key]}
    row["tag_pairs"] = {(t["tag"], t["value"]) for t in row["tags"]}
    return row


def status_row(name: str) -> dict[str, Any]:
    """The stored status row of the host config of this name."""
    with StateStore(state_store_url()).connect() as conn:
        return next(r for r in read_statuses(conn).values() if r["name"] == name)


def stored_text() -> str:
    """Every row of every table of the state store, as text."""
    with StateStore(state_store_url()).connect() as conn:
        return json.dumps(
            [list(r) for t in metadata.sorted_tables for r in conn.execute(select(t))], default=str
        )
