"""Creating a maintenance window: validate, resolve per server, create in Zabbix, then record.

A window whose targets span several Zabbix servers is one window in the registry and one Zabbix
maintenance (all with the window's name) on each server that has something to cover. Refusals
(no targets, an end not after the start or already past, an unknown target, a name already used
in the registry or on one of the servers) happen before anything is created, so nothing is
stored. If creating on one server fails after another succeeded, or recording fails, what was
created is deleted again, so Zabbix and the registry never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nbzbx_dagster.maintenance import windows
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import (
    MaintenanceError,
    MaintenanceTargets,
    Resolution,
    merged,
    resolve_targets,
    where,
)
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import utc_now
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

MAX_NAME = 128  # Zabbix's limit for maintenance names (the registry allows 255)
MAX_DURATION = timedelta(days=366 * 5)
log = logging.getLogger(__name__)


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
    zabbix: Callable[[str], ZabbixClient],
    netbox: Callable[[], NetBoxClient],
    settings: Settings,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Create the window in Zabbix (one maintenance per server it spans) and in the registry;
    the stored window, its resolution and the journal outcome. Raises MaintenanceError on
    refusal, ZabbixError/NetBoxError/StoreError when a service fails (nothing stored then).
    ``zabbix`` gives a server's client and ``netbox`` the NetBox client, connected on use: a
    service is reached only when it is needed."""
    now = now or utc_now()
    validate_request(request, now)
    with store.connect() as conn:
        if windows.get_window(conn, request.name) is not None:
            raise MaintenanceError(f"a window named {request.name!r} is already in the registry")
    resolutions = resolve_targets(
        request.targets, zabbix, netbox, settings, map_objects=settings.journal_enabled
    )
    for server in resolutions:
        if zapi.maintenances(zabbix(server), names=[request.name]):
            raise MaintenanceError(
                f"Zabbix{where(server)} already has a maintenance named {request.name!r}"
            )
    parts = create_parts(request, resolutions, zabbix, named=bool(settings.zabbix_servers))
    resolved = merged(resolutions)
    try:
        with store.transaction() as conn:
            window = windows.add_window(
                conn,
                name=request.name,
                start=request.start,
                end=request.end,
                description=request.description,
                with_data_collection=request.with_data_collection,
                targets={**request.targets.as_dict(), "resolved": resolved},
                parts=parts,
                created_by=request.created_by,
                now=now,
            )
    except Exception:
        undo(parts, zabbix)
        raise
    journal = Journal(netbox)
    if settings.journal_enabled:
        with store.transaction() as conn:
            journal.retry_kept(conn)
            journal.write(resolved["objects"], creation_note(window))
            journal.keep(conn)
    return {
        "window": windows.public_row(window, now),
        "resolved": resolved,
        "journal": journal.summary() if settings.journal_enabled else None,
    }


def create_parts(
    request: WindowRequest,
    resolutions: Mapping[str, Resolution],
    zabbix: Callable[[str], ZabbixClient],
    *,
    named: bool,
) -> dict[str, str]:
    """Server -> id of the Zabbix maintenance created there. When one server fails, those
    created before are deleted again and the refusal names the server (with ``named``
    servers; the single-server environment's error stays Zabbix's own)."""
    created: dict[str, str] = {}
    for server, resolution in resolutions.items():
        try:
            created[server] = zapi.create_maintenance(
                zabbix(server),
                request.name,
                request.start,
                request.end,
                hostids=resolution.hostids,
                groupids=resolution.groupids,
                with_data_collection=request.with_data_collection,
                description=request.description,
            )
        except Exception as error:
            left = undo(created, zabbix)
            if not named:
                raise
            cause = " ".join(str(error).split()) or type(error).__name__
            undone = f"; deleted again on {', '.join(created)}" if created and not left else ""
            kept = f"; could not delete it again on {', '.join(left)}" if left else ""
            raise MaintenanceError(
                f"creating the maintenance on server {server} failed ({cause}){undone}{kept}"
            ) from error
    return created


def undo(parts: Mapping[str, str | None], zabbix: Callable[[str], ZabbixClient]) -> list[str]:
    """Delete the maintenances just created; the servers where that failed (logged)."""
    left: list[str] = []
    for server, maintenanceid in parts.items():
        if not maintenanceid:
            continue
        try:
            outcome = zapi.delete_maintenances(zabbix(server), [maintenanceid])
            failed = outcome.failed.get(maintenanceid)
        except Exception as error:
            failed = " ".join(str(error).split()) or type(error).__name__
        if failed:
            log.warning(
                "maintenance %s on server %s was created but could not be deleted again: %s",
                maintenanceid,
                server,
                failed,
            )
            left.append(server)
    return left


def parts_text(parts: Mapping[str, str | None]) -> str:
    """``maintenance 12`` for one part; ``maintenances zbx60 12, zbx70 34`` for several."""
    if len(parts) == 1:
        return f"maintenance {next(iter(parts.values()))}"
    return "maintenances " + ", ".join(f"{s} {i}" for s, i in parts.items())


def created_text(result: dict[str, Any]) -> str:
    """``Zabbix maintenance 12, 3 hosts, 1 host groups``, per server for several servers."""
    servers = result["resolved"]["servers"]
    parts = result["window"]["parts"]
    return "; ".join(
        (f"{server}: " if len(servers) > 1 else "")
        + f"Zabbix {parts_text({server: parts[server]})}, {len(r['hostids'])} hosts, "
        f"{len(r['groupids'])} host groups"
        for server, r in servers.items()
    )


def creation_note(window: dict[str, Any]) -> str:
    collection = "with" if window["with_data_collection"] else "without"
    return (
        f"Maintenance window **{window['name']}** scheduled from {window['start'].isoformat()} "
        f"to {window['end'].isoformat()} ({collection} data collection; Zabbix "
        f"{parts_text(window['parts'])}), created by {window['created_by']}."
    )
