"""NetBox's change log read as a cursor: what changed after the last entry seen.

``/api/core/object-changes/`` lists every create, update and delete with the object's type and
id and its data before and after. Reading after a cursor costs one request when nothing changed:
the request asks for the cursor's own entry too, so that an entry gone (pruned by NetBox's
``CHANGELOG_RETENTION``, 90 days by default) says that what happened between is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.errors import NetBoxError

ENDPOINT = "core.object_changes"
BATCH = 500  # entries per read; more are read by the next one
FIELDS = (
    "id",
    "time",
    "user_name",
    "action",
    "changed_object_type",
    "changed_object_id",
    "object_repr",
    "prechange_data",
    "postchange_data",
)
PERMISSION = "core.view_objectchange"
# a host config's object type, as the change log names it
CONTENT_TYPES = {"device": "dcim.device", "vm": "virtualization.virtualmachine"}
UNCOMPARED = ("last_updated",)  # NetBox sets it on every save


@dataclass(frozen=True)
class ObjectChange:
    """One change-log entry."""

    id: int
    time: str
    user: str
    action: str  # create | update | delete
    object_type: str  # "dcim.device"
    object_id: int
    name: str
    before: dict[str, Any]
    after: dict[str, Any]

    def changed_fields(self) -> list[str]:
        """The fields an update changed, custom fields as ``custom_fields.<name>``."""
        before, after = self.before, self.after
        names = [
            f
            for f in sorted(set(before) | set(after))
            if f not in (*UNCOMPARED, "custom_fields") and before.get(f) != after.get(f)
        ]
        was, now = before.get("custom_fields") or {}, after.get("custom_fields") or {}
        return names + [
            f"custom_fields.{f}" for f in sorted(set(was) | set(now)) if was.get(f) != now.get(f)
        ]


@dataclass(frozen=True)
class ChangeBatch:
    """The entries after a cursor, oldest first."""

    changes: list[ObjectChange]
    pruned: bool
    """The cursor's own entry is gone: changes between it and the oldest kept may be lost."""
    more: bool
    """More entries than one batch follow the last one."""


class ChangeLogUnreadable(NetBoxError):
    """The token may not read the change log."""


def _change(raw: dict[str, Any]) -> ObjectChange:
    action = raw.get("action")
    return ObjectChange(
        id=int(raw["id"]),
        time=str(raw.get("time") or ""),
        user=str(raw.get("user_name") or ""),
        action=str(action.get("value") if isinstance(action, dict) else action),
        object_type=str(raw.get("changed_object_type") or ""),
        object_id=int(raw.get("changed_object_id") or 0),
        name=str(raw.get("object_repr") or ""),
        before=raw.get("prechange_data") or {},
        after=raw.get("postchange_data") or {},
    )


def _read(client: NetBoxClient, params: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    try:
        rows, _ = client.page(ENDPOINT, {"fields": ",".join(FIELDS), **params}, limit)
    except NetBoxError as exc:
        if exc.status == 403:
            raise ChangeLogUnreadable(
                client.url, f"the token may not read the change log (needs {PERMISSION})"
            ) from None
        raise
    return rows


def latest_change(client: NetBoxClient) -> int:
    """The newest entry's id; 0 when the change log is empty. Where a new cursor starts."""
    rows = _read(client, {"ordering": "-id"}, 1)
    return int(rows[0]["id"]) if rows else 0


def changes_after(
    client: NetBoxClient, cursor: int, batch: int = BATCH, until: int | None = None
) -> ChangeBatch:
    """The entries after ``cursor`` (an entry id), up to ``until`` when given, at most ``batch``
    of them, in one request."""
    bound = {"id__lte": until} if until is not None else {}
    rows = _read(client, {"id__gte": cursor, "ordering": "id", **bound}, batch + 2)
    pruned = cursor > 0 and (not rows or int(rows[0]["id"]) != cursor)
    after = [_change(row) for row in rows if int(row["id"]) > cursor]
    return ChangeBatch(after[:batch], pruned, len(after) > batch)


def changes_from(client: NetBoxClient, since: str, batch: int = BATCH) -> ChangeBatch:
    """The entries at or after the time ``since`` (ISO 8601), at most ``batch``, oldest first."""
    rows = _read(client, {"time_after": since, "ordering": "id"}, batch + 1)
    return ChangeBatch([_change(row) for row in rows[:batch]], False, len(rows) > batch)


def last_change(client: NetBoxClient, object_type: str, object_id: int) -> ObjectChange | None:
    """The newest entry of one device (``object_type`` "device") or VM ("vm"), in one request;
    None when the change log has none (pruned, or made before change logging)."""
    params = {"changed_object_type": CONTENT_TYPES[object_type], "changed_object_id": object_id}
    rows = _read(client, {**params, "ordering": "-id"}, 1)
    return _change(rows[0]) if rows else None
