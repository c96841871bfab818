"""Zabbix maintenance windows: one-time windows over hosts and host groups.

Targets are sent as ``hosts``/``groups`` objects (the only form from 7.2 on). Zabbix stores the
times rounded down to the minute. A normalised maintenance::

    {maintenanceid, name, description, since: int, till: int, with_data_collection: bool,
     hosts: [{hostid, host}], groups: [{groupid, name}],
     timeperiods: [{timeperiod_type, start_date, period, ...}]}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from nbzbx_dagster.zabbix.catalog import created_ids, require_keys
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError

ONE_TIME = 0
WITH_DATA = 0
WITHOUT_DATA = 1
LONGEST_PERIOD = 86_399_940
"""The longest one-time period Zabbix takes (7.0 refuses more: 999 days and 23:59 hours)."""


class Maintenance(TypedDict):
    maintenanceid: str
    name: str
    description: str
    since: int
    till: int
    with_data_collection: bool
    hosts: list[dict[str, str]]
    groups: list[dict[str, str]]
    timeperiods: list[dict[str, str]]


@dataclass
class MaintenanceDeletion:
    """Outcome of :func:`delete_maintenances`: gone ones count as deleted by the caller."""

    deleted: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _epoch(value: datetime | int | float) -> int:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("maintenance times must be timezone-aware datetimes")
        return int(value.timestamp())
    return int(value)


def create_maintenance(
    client: ZabbixClient,
    name: str,
    since: datetime | int,
    till: datetime | int,
    hostids: Iterable[str] = (),
    groupids: Iterable[str] = (),
    with_data_collection: bool = True,
    description: str = "",
) -> str:
    """Create a one-time maintenance from ``since`` to ``till`` over hosts and/or host groups.

    An empty target list is refused: it would not mean "all hosts".
    """
    hosts = [{"hostid": str(h)} for h in hostids]
    groups = [{"groupid": str(g)} for g in groupids]
    if not hosts and not groups:
        raise ZabbixError(client.url, f"maintenance {name!r} has no hosts and no host groups")
    start, end = _epoch(since), _epoch(till)
    if end <= start:
        raise ZabbixError(client.url, f"maintenance {name!r} must end after it starts")
    params: dict[str, Any] = {
        "name": name,
        "description": description,
        "active_since": start,
        "active_till": end,
        "maintenance_type": WITH_DATA if with_data_collection else WITHOUT_DATA,
        "timeperiods": [{"timeperiod_type": ONE_TIME, "start_date": start, "period": end - start}],
    }
    if hosts:
        params["hosts"] = hosts
    if groups:
        params["groups"] = groups
    result = client.call("maintenance.create", params)
    return created_ids(client, "maintenance.create", result, "maintenanceids", 1)[0]


def maintenances(
    client: ZabbixClient,
    maintenanceids: Iterable[str] | None = None,
    names: Iterable[str] | None = None,
    hostids: Iterable[str] | None = None,
) -> list[Maintenance]:
    """Maintenances (all, or by id, by exact name, or those over any of these hosts) with their
    hosts, groups and periods."""
    groups_param, groups_key = client.zabbix_version.host_groups_select
    params: dict[str, Any] = {
        "output": [
            "maintenanceid",
            "name",
            "description",
            "active_since",
            "active_till",
            "maintenance_type",
        ],
        "selectHosts": ["hostid", "host"],
        groups_param: ["groupid", "name"],
        "selectTimeperiods": ["timeperiod_type", "start_date", "period"],
    }
    if maintenanceids is not None:
        params["maintenanceids"] = [str(i) for i in maintenanceids]
    if names is not None:
        params["filter"] = {"name": list(names)}
    if hostids is not None:
        params["hostids"] = [str(i) for i in hostids]
    rows = client.call("maintenance.get", params)
    keys = [
        "maintenanceid",
        "name",
        "active_since",
        "active_till",
        "hosts",
        groups_key,
        "timeperiods",
    ]
    return [
        _maintenance(row, groups_key) for row in require_keys(client, "maintenance.get", rows, keys)
    ]


def _maintenance(row: Mapping[str, Any], groups_key: str) -> Maintenance:
    return Maintenance(
        maintenanceid=str(row["maintenanceid"]),
        name=row["name"],
        description=row.get("description", ""),
        since=int(row["active_since"]),
        till=int(row["active_till"]),
        with_data_collection=str(row.get("maintenance_type", "0")) == "0",
        hosts=[{"hostid": str(h["hostid"]), "host": h["host"]} for h in row["hosts"]],
        groups=[{"groupid": str(g["groupid"]), "name": g["name"]} for g in row[groups_key]],
        timeperiods=[{k: str(v) for k, v in p.items()} for p in row["timeperiods"]],
    )


def delete_maintenances(client: ZabbixClient, maintenanceids: Iterable[str]) -> MaintenanceDeletion:
    """Delete maintenances; ones Zabbix no longer has (or hides) count as already gone.

    One ``maintenance.get`` finds which still exist, one ``maintenance.delete`` removes them. If
    that delete fails, each is retried alone so one bad id cannot block the others.
    """
    ids = sorted({str(i) for i in maintenanceids})
    outcome = MaintenanceDeletion()
    if not ids:
        return outcome
    existing_rows = client.call(
        "maintenance.get", {"output": ["maintenanceid"], "maintenanceids": ids}
    )
    existing = {
        str(r["maintenanceid"])
        for r in require_keys(client, "maintenance.get", existing_rows, ["maintenanceid"])
    }
    outcome.already_gone = [i for i in ids if i not in existing]
    todo = [i for i in ids if i in existing]
    if not todo:
        return outcome
    try:
        result = client.call("maintenance.delete", todo)
        outcome.deleted = created_ids(
            client, "maintenance.delete", result, "maintenanceids", len(todo)
        )
        return outcome
    except ZabbixError as error:
        if error.kind != "api":
            raise
        if len(todo) == 1:
            _record(outcome, todo[0], error)
            return outcome
    for maintenanceid in todo:
        try:
            result = client.call("maintenance.delete", [maintenanceid])
            outcome.deleted += created_ids(
                client, "maintenance.delete", result, "maintenanceids", 1
            )
        except ZabbixError as error:
            if error.kind != "api":
                raise
            _record(outcome, maintenanceid, error)
    return outcome


def set_maintenance_hosts(
    client: ZabbixClient,
    maintenanceid: str,
    hostids: Iterable[str],
    renew_from: datetime | int | None = None,
) -> None:
    """Replace a maintenance's hosts (at least one: Zabbix refuses a maintenance with neither
    hosts nor groups); with ``renew_from``, also make it one period of ``LONGEST_PERIOD``
    from then."""
    params: dict[str, Any] = {
        "maintenanceid": str(maintenanceid),
        "hosts": [{"hostid": str(h)} for h in sorted(set(hostids))],
    }
    if not params["hosts"]:
        raise ZabbixError(client.url, f"maintenance {maintenanceid} would have no hosts left")
    if renew_from is not None:
        start = _epoch(renew_from)
        params |= {
            "active_since": start,
            "active_till": start + LONGEST_PERIOD,
            "timeperiods": [
                {"timeperiod_type": ONE_TIME, "start_date": start, "period": LONGEST_PERIOD}
            ],
        }
    result = client.call("maintenance.update", params)
    created_ids(client, "maintenance.update", result, "maintenanceids", 1)


def _record(outcome: MaintenanceDeletion, maintenanceid: str, error: ZabbixError) -> None:
    if error.is_not_found:
        outcome.already_gone.append(maintenanceid)
    else:
        outcome.failed[maintenanceid] = str(error)
