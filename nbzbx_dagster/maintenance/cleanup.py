"""The maintenance cleanup: expired windows leave Zabbix first, then the registry.

The cleanup runs once per Zabbix server, each in its own transaction: the parts of the expired
windows on that server are deleted there (a maintenance already gone counts as deleted) and
their rows forgotten; a window is removed once no part remains on any server. When a server
cannot delete a part (or cannot be reached) the part stays, the window is marked ``failed``, and
the next run retries it; the other servers' deletions are kept. Windows not yet ended are never
read for deletion. Optionally, expired Zabbix maintenances that the registry does not know are
deleted too, per server, when their name matches a pattern. Journal entries kept by earlier
runs are retried first; entries NetBox refuses now are kept for the next run (see ``journal``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from nbzbx_dagster.maintenance import windows
from nbzbx_dagster.maintenance.create import parts_text
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError


@dataclass
class Outcome:
    """What happened to the expired windows (registry) and maintenances (unmanaged)."""

    deleted: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    checked: int = 0


def deletion_outcomes(
    ids_by_name: Mapping[str, str | None],
    delete: Callable[[list[str]], zapi.MaintenanceDeletion],
) -> Outcome:
    """Delete the maintenances of the named windows in one batch; sort them into deleted (gone
    counts too) and failed. A window without a Zabbix id has nothing to delete there."""
    outcome = Outcome(checked=len(ids_by_name))
    ids = sorted({i for i in ids_by_name.values() if i})
    done: set[str] = set()
    errors: dict[str, str] = {}
    if ids:
        try:
            result = delete(ids)
            done = {*result.deleted, *result.already_gone}
            errors = dict(result.failed)
        except ZabbixError as error:
            errors = dict.fromkeys(ids, str(error))
    for name, maintenanceid in ids_by_name.items():
        if not maintenanceid or maintenanceid in done:
            outcome.deleted.append(name)
        else:
            outcome.failed[name] = errors.get(maintenanceid, "Zabbix did not confirm the deletion")
    return outcome


def unmanaged_candidates(
    maintenances: Iterable[Mapping[str, Any]],
    registered: set[str],
    pattern: str,
    now: datetime,
) -> dict[str, str]:
    """Name -> id of the expired Zabbix maintenances the registry does not know whose name
    matches ``pattern`` (``re.search``)."""
    regex = re.compile(pattern)
    return {
        m["name"]: m["maintenanceid"]
        for m in maintenances
        if m["till"] <= now.timestamp()
        and m["maintenanceid"] not in registered
        and regex.search(m["name"])
    }


def summarise(registered: Outcome, unmanaged: Outcome | None, now: datetime) -> dict[str, Any]:
    """The contract summary {deleted, checked, failed, timestamp} plus the names and errors."""
    parts = [registered, *([unmanaged] if unmanaged else [])]
    deleted = sum(len(p.deleted) for p in parts)
    failed = sum(len(p.failed) for p in parts)
    summary: dict[str, Any] = {
        "message": f"maintenance cleanup: {deleted} deleted, {failed} failed",
        "deleted": deleted,
        "checked": sum(p.checked for p in parts),
        "failed": failed,
        "timestamp": now.isoformat(timespec="seconds"),
        "deleted_names": registered.deleted,
        "failed_names": sorted(registered.failed),
        "errors": dict(sorted(registered.failed.items())),
    }
    if unmanaged is not None:
        summary["unmanaged"] = {
            "deleted": len(unmanaged.deleted),
            "checked": unmanaged.checked,
            "failed": len(unmanaged.failed),
            "deleted_names": unmanaged.deleted,
            "errors": dict(sorted(unmanaged.failed.items())),
        }
    return summary


class _LazyZabbix:
    """Connect only when there is something to delete; a failed connection is kept as error.

    The error is raised again instead of connecting again: a second login with refused
    credentials counts towards Zabbix's lockout of the account.
    """

    def __init__(self, factory: Callable[[], ZabbixClient]) -> None:
        self._factory = factory
        self._client: ZabbixClient | None = None
        self._error: ZabbixError | None = None

    def client(self) -> ZabbixClient:
        if self._error is not None:
            raise self._error
        if self._client is None:
            try:
                self._client = self._factory()
            except ZabbixError as error:
                self._error = error
                raise
        return self._client

    def delete(self, ids: list[str]) -> zapi.MaintenanceDeletion:
        return zapi.delete_maintenances(self.client(), ids)


def cleanup_maintenances(
    conn: Connection,
    *,
    server: str,
    expired: list[dict[str, Any]],
    zabbix: Callable[[], ZabbixClient],
    settings: Settings,
    now: datetime,
    journal: Journal | None = None,
    run_label: str = "maintenance_cleanup",
) -> dict[str, Any]:
    """Clean ``server``'s parts of the ``expired`` windows (as read when the run began; writes
    through ``conn``) and remove the windows left without parts; the server's summary, whose
    ``removed_names`` are the windows that left the registry. ``zabbix`` is called only when
    the server has something to do."""
    lazy = _LazyZabbix(zabbix)
    mine = {w["name"]: w for w in expired if server in w["parts"]}
    outcome = deletion_outcomes({name: w["parts"][server] for name, w in mine.items()}, lazy.delete)
    for name in outcome.deleted:
        windows.delete_part(conn, mine[name]["id"], server)
    for name in outcome.failed:
        windows.mark_failed(conn, mine[name]["id"])
    gone = windows.without_parts(conn, [w["id"] for w in expired])
    removed = [w for w in expired if w["id"] in gone]
    for window in removed:
        windows.delete_window(conn, window["id"])

    unmanaged: Outcome | None = None
    if settings.cleanup_unmanaged_maintenances:
        unmanaged = _cleanup_unmanaged(
            conn, server, lazy, settings.unmanaged_maintenance_pattern, now
        )

    if journal is not None:
        journal.retry_kept(conn)
        for window in removed:
            objects = window["targets"].get("resolved", {}).get("objects", [])
            journal.write(objects, cleanup_note(window, run_label))
        journal.keep(conn)
    summary = summarise(outcome, unmanaged, now)
    summary["removed_names"] = [w["name"] for w in removed]
    if journal is not None:
        summary["journal"] = journal.summary()
    return summary


def _cleanup_unmanaged(
    conn: Connection, server: str, lazy: _LazyZabbix, pattern: str, now: datetime
) -> Outcome:
    try:
        existing = zapi.maintenances(lazy.client())
    except ZabbixError as error:
        # the run must show that this part was not done
        return Outcome(failed={"(listing Zabbix maintenances)": str(error)}, checked=0)
    candidates = unmanaged_candidates(
        existing, windows.registered_maintenance_ids(conn, server), pattern, now
    )
    return deletion_outcomes(candidates, lazy.delete)


def failure_message(summary: Mapping[str, Any]) -> str | None:
    """Why a server's cleanup must fail the run (its deletions are kept): None when nothing
    failed."""
    if not summary["failed"]:
        return None
    errors = {**summary["errors"], **summary.get("unmanaged", {}).get("errors", {})}
    first = next(iter(errors.items()))
    return (
        f"{summary['failed']} maintenance(s) could not be deleted and are kept for the "
        f"next run; first: {first[0]}: {first[1]}"
    )


def combine(
    summaries: Mapping[str, Mapping[str, Any]],
    errors: Mapping[str, str],
    now: datetime,
) -> dict[str, Any]:
    """The run's summary over its servers: the contract totals (deleted, checked, failed count
    Zabbix maintenances, one per window and server), the windows that left the registry, and
    each server's detail; ``errors`` are the servers whose part of the run failed outright
    (their summary, if any, says what they did)."""
    done = summaries.values()
    failed_servers = sorted({*errors, *(s for s, d in summaries.items() if d["failed"])})
    deleted = sum(d["deleted"] for d in done)
    failed = sum(d["failed"] for d in done)
    return {
        "message": f"maintenance cleanup: {deleted} deleted, {failed} failed"
        + (f" (failed on {', '.join(failed_servers)})" if failed_servers else ""),
        "deleted": deleted,
        "checked": sum(d["checked"] for d in done),
        "failed": failed,
        "timestamp": now.isoformat(timespec="seconds"),
        "removed_names": sorted({n for d in done for n in d["removed_names"]}),
        "failed_names": sorted({n for d in done for n in d["failed_names"]}),
        "failed_servers": failed_servers,
        "servers": {
            server: {
                key: value
                for key, value in {**summaries.get(server, {}), "error": errors.get(server)}.items()
                if key not in ("message", "timestamp") and value is not None
            }
            for server in sorted({*summaries, *errors})
        },
    }


def cleanup_note(window: Mapping[str, Any], run_label: str) -> str:
    return (
        f"Maintenance window **{window['name']}** ended {window['end'].isoformat()}; removed "
        f"from Zabbix ({parts_text(window['parts'])}) by {run_label}."
    )
