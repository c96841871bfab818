"""Creating a maintenance window: validate, resolve, create in Zabbix, then record.

Refusals (no targets, an end not after the start or already past, an unknown target, a name
already used in the registry or in Zabbix) happen before anything is created, so nothing is
stored. If recording fails after Zabbix created the maintenance, the Zabbix maintenance is
deleted again, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nbzbx_dagster.maintenance import registry
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import MaintenanceError, MaintenanceTargets, resolve_targets
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import utc_now
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

MAX_NAME = 128  # Zabbix's limit for maintenance names (the registry allows 255)
MAX_DURATION = timedelta(days=366 * 5)


@dataclass(frozen=True)
class WindowRequest:
    name: str
    start: datetime
    end: datetime
    targets: MaintenanceTargets
    description: str = ""
    with_data_collection: bool = True
    created_by: str = "unknown"


def parse_time(text: str, what: str) -> datetime:
    """ISO 8601 (``2025-06-01T22:00``, ``...Z``, ``...+02:00``); a time without zone is UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise MaintenanceError(
            f"{what} {text!r} is not an ISO 8601 time (e.g. 2025-06-01T22:00+02:00)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def window_times(
    start: str | None,
    end: str | None,
    duration_minutes: int | None,
    now: datetime,
) -> tuple[datetime, datetime]:
    """Start (default: now, to the second) and end, from an end time or a duration."""
    begin = parse_time(start, "start") if start else now.replace(microsecond=0)
    if (end is None) == (duration_minutes is None):
        raise MaintenanceError("give either an end time or a duration in minutes (one of them)")
    if duration_minutes is not None:
        if duration_minutes <= 0:
            raise MaintenanceError(f"duration {duration_minutes}: not a positive number of minutes")
        return begin, begin + timedelta(minutes=duration_minutes)
    return begin, parse_time(end or "", "end")


def validate_request(request: WindowRequest, now: datetime) -> None:
    """The checks that need no service."""
    name = request.name
    if not name.strip() or name != name.strip():
        raise MaintenanceError("the name must be non-empty, without leading or trailing spaces")
    if len(name) > MAX_NAME:
        raise MaintenanceError(f"the name has {len(name)} characters (at most {MAX_NAME})")
    if request.targets.is_empty():
        raise MaintenanceError("no targets: a maintenance window needs at least one target")
    if request.end <= request.start:
        raise MaintenanceError(
            f"the end {request.end.isoformat()} is not after the start {request.start.isoformat()}"
        )
    if request.end <= now:
        raise MaintenanceError(f"the end {request.end.isoformat()} is already past")
    if request.end - request.start > MAX_DURATION:
        raise MaintenanceError("the window is longer than five years")


def create_window(
    request: WindowRequest,
    *,
    store: StateStore,
    zabbix: ZabbixClient,
    netbox: Callable[[], NetBoxClient],
    journal_enabled: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Create the window in Zabbix and in the registry; the stored window, its resolution and
    the journal outcome. Raises MaintenanceError on refusal, ZabbixError/NetBoxError/StoreError
    when a service fails (nothing stored then)."""
    now = now or utc_now()
    validate_request(request, now)
    with store.connect() as conn:
        if registry.get_window(conn, request.name) is not None:
            raise MaintenanceError(f"a window named {request.name!r} is already in the registry")
    if zapi.maintenances(zabbix, names=[request.name]):
        raise MaintenanceError(f"Zabbix already has a maintenance named {request.name!r}")
    resolution = resolve_targets(request.targets, zabbix, netbox, map_objects=journal_enabled)
    maintenanceid = zapi.create_maintenance(
        zabbix,
        request.name,
        request.start,
        request.end,
        hostids=resolution.hostids,
        groupids=resolution.groupids,
        with_data_collection=request.with_data_collection,
        description=request.description,
    )
    try:
        with store.transaction() as conn:
            window = registry.add_window(
                conn,
                name=request.name,
                start=request.start,
                end=request.end,
                description=request.description,
                with_data_collection=request.with_data_collection,
                targets={**request.targets.as_dict(), "resolved": resolution.as_dict()},
                zabbix_maintenance_id=maintenanceid,
                created_by=request.created_by,
                now=now,
            )
    except Exception:
        zapi.delete_maintenances(zabbix, [maintenanceid])
        raise
    journal = Journal(netbox)
    if journal_enabled:
        with store.transaction() as conn:
            journal.retry_kept(conn)
            journal.write(resolution.objects, creation_note(window))
            journal.keep(conn)
    return {
        "window": registry.public_row(window, now),
        "resolved": resolution.as_dict(),
        "journal": journal.summary() if journal_enabled else None,
    }


def creation_note(window: dict[str, Any]) -> str:
    collection = "with" if window["with_data_collection"] else "without"
    return (
        f"Maintenance window **{window['name']}** scheduled from {window['start'].isoformat()} "
        f"to {window['end'].isoformat()} ({collection} data collection; Zabbix maintenance "
        f"{window['zabbix_maintenance_id']}), created by {window['created_by']}."
    )
