"""A Zabbix server's audit log read as a cursor: what was added, edited or deleted after the
last entry seen.

``auditlog.get`` lists every API and frontend write with its object's type, id and name. Its ids
are CUIDs, not ordered numbers, so the cursor is the newest clock (whole seconds) and the ids
already seen at it: a read asks ``time_from`` that clock and drops those ids, which costs one
request when nothing changed. Only the objects the project reads (``ZabbixVersion``'s
``audit_resource_types``) and only adds, updates and deletes are asked for: logins, which every
client writes, never move the cursor. ``auditlog.get`` needs a Super admin.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.zabbix.catalog import require_keys
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError

BATCH = 500  # entries per read; more are read by the next one
ACTIONS = {0: "add", 1: "update", 2: "delete"}
OUTPUT = ("auditid", "clock", "action", "resourcetype", "resourceid", "resourcename", "username")
REFUSED = 'No permissions to call "auditlog.get"'


@dataclass(frozen=True)
class AuditEntry:
    """One audit log entry."""

    id: str  # a CUID on 6.0+
    clock: int
    action: str  # add | update | delete
    resource: str  # "host", "template", "host group", ...
    resourceid: str
    name: str  # an update's is the name before it (what was renamed is not said)
    user: str


@dataclass(frozen=True)
class AuditCursor:
    """Where reading goes on: entries at ``clock`` or later, but for ``ids`` (those seen at it)."""

    clock: int = 0
    ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A plain dict for a sensor cursor."""
        return {"clock": self.clock, "ids": list(self.ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditCursor:
        """The cursor ``to_dict`` gave; ValueError when ``data`` is not one."""
        try:
            clock, ids = data["clock"], tuple(data["ids"])
        except (KeyError, TypeError):
            raise ValueError(f"not an audit log cursor: {data!r}") from None
        if not isinstance(clock, int) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"not an audit log cursor: {data!r}")
        return cls(clock, ids)


@dataclass(frozen=True)
class AuditBatch:
    """The entries after a cursor, oldest first, and where the next read starts."""

    entries: list[AuditEntry]
    more: bool
    """More entries than one batch follow the last one."""
    cursor: AuditCursor


class AuditLogUnreadable(ZabbixError):
    """The API user may not read the audit log."""


def _entry(row: dict[str, Any], resources: Mapping[int, str]) -> AuditEntry:
    return AuditEntry(
        id=str(row["auditid"]),
        clock=int(row["clock"]),
        action=ACTIONS.get(int(row["action"]), str(row["action"])),
        resource=resources.get(int(row["resourcetype"]), str(row["resourcetype"])),
        resourceid=str(row["resourceid"]),
        name=str(row.get("resourcename") or ""),
        user=str(row.get("username") or ""),
    )


def _read(client: ZabbixClient, params: dict[str, Any]) -> list[AuditEntry]:
    resources = client.zabbix_version.audit_resource_types
    wanted = {
        "output": list(OUTPUT),
        "filter": {"resourcetype": sorted(resources), "action": sorted(ACTIONS)},
        **params,
    }
    try:
        rows = client.call("auditlog.get", wanted)
    except ZabbixError as exc:
        if exc.kind == "api" and REFUSED in (exc.data or ""):
            raise AuditLogUnreadable(
                client.url,
                "the API user may not read the audit log (auditlog.get needs a Super admin)",
                kind="api",
                code=exc.code,
                data=exc.data,
            ) from None
        raise
    return [_entry(row, resources) for row in require_keys(client, "auditlog.get", rows, OUTPUT)]


def latest_audit(client: ZabbixClient) -> AuditCursor:
    """Where a new cursor starts: the newest entry's clock and every id at it, usually in one
    request. An empty log gives clock 0: nothing to skip, and no need for this machine's clock
    to agree with the server's."""
    newest = _read(client, {"sortfield": ["clock"], "sortorder": "DESC", "limit": BATCH})
    if not newest:
        return AuditCursor()
    clock = newest[0].clock
    at = [e for e in newest if e.clock == clock]
    if len(at) == len(newest) == BATCH:  # the newest second has more: read it in full
        at = _read(client, {"time_from": clock, "time_till": clock})
    return AuditCursor(clock, tuple(sorted(e.id for e in at)))


def audit_after(
    client: ZabbixClient, cursor: AuditCursor, batch: int = BATCH, till: int | None = None
) -> AuditBatch:
    """The entries after ``cursor`` (up to the clock ``till`` when given), oldest first, about
    ``batch`` of them: one request, and one more when the batch would end inside a second. That
    second is read in full, so a batch ends on a clock and the next cursor knows every id at it
    (a mass update of N hosts in one second makes a batch of at least N, and each read returns
    those N again until a newer entry)."""
    seen = set(cursor.ids)
    bound = {"time_till": till} if till is not None else {}

    def unseen(entries: list[AuditEntry]) -> list[AuditEntry]:
        return [e for e in entries if not (e.clock == cursor.clock and e.id in seen)]

    limit = len(seen) + batch + 1
    sort = {"sortfield": ["clock", "auditid"], "sortorder": "ASC"}
    rows = _read(client, {"time_from": cursor.clock, "limit": limit, **sort, **bound})
    new = unseen(rows)
    more = len(new) > batch
    if more and new[batch].clock == new[batch - 1].clock:
        last = new[batch - 1].clock
        whole = _read(client, {"time_from": last, "time_till": last, **sort})
        more = any(e.clock > last for e in new) or len(rows) == limit
        new = [e for e in new if e.clock < last] + unseen(whole)
    else:
        new = new[:batch]
    if not new:
        return AuditBatch([], False, cursor)
    last = new[-1].clock
    ids = {e.id for e in new if e.clock == last} | (seen if last == cursor.clock else set())
    return AuditBatch(new, more, AuditCursor(last, tuple(sorted(ids))))


def audit_details(client: ZabbixClient, ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """The field-by-field details of these entries, read only for those whose type and id do
    not say enough (a host group's entry names the hosts added to it only here); an entry
    whose details are not a JSON object has none."""
    if not ids:
        return {}
    rows = client.call("auditlog.get", {"output": ["auditid", "details"], "auditids": sorted(ids)})
    out = {}
    for row in require_keys(client, "auditlog.get", rows, ("auditid", "details")):
        try:
            details = json.loads(row["details"] or "{}")
        except ValueError:
            details = None
        out[str(row["auditid"])] = details if isinstance(details, dict) else {}
    return out


def audit_log_enabled(client: ZabbixClient) -> bool | None:
    """Whether the server writes its audit log (``settings.get``'s ``auditlog_enabled``); None
    where it does not say."""
    settings = client.call("settings.get", {"output": ["auditlog_enabled"]})
    value = settings.get("auditlog_enabled") if isinstance(settings, dict) else None
    return None if value is None else str(value) == "1"
