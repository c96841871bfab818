"""``nbzbx changes``: what NetBox changed and what ``host_config_changes_sensor`` makes of it,
without launching anything."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from nbzbx_dagster.cli.commands.common import (
    client_factories,
    dagster_instance,
    emit,
    fail,
    open_store,
    resolve_dagster_home,
)

if TYPE_CHECKING:
    from nbzbx_dagster.settings import Settings
    from nbzbx_dagster.store import StateStore
    from nbzbx_dagster.zabbix.auditlog import AuditCursor

_AGO = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def since_time(text: str) -> str:
    """``10m``, ``2h``, ``1d`` or an ISO 8601 time, as an ISO time in UTC."""
    ago = _AGO.match(text.strip())
    if ago:
        delta = timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
        return (datetime.now(UTC) - delta).isoformat(timespec="seconds")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r}: give 10m, 2h, 1d or an ISO time") from None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def _audit_report(
    store: StateStore, settings: Settings, server: str, cursor: AuditCursor | None, since: str
) -> dict[str, Any]:
    """One server's audit log entries after the sensor's cursor for it (else since ``since``),
    and what a change run would make of them; a server that cannot be read says why."""
    from nbzbx_dagster.common.connections import ZabbixConnection
    from nbzbx_dagster.sync.zabbix_changes import in_words, read_audit
    from nbzbx_dagster.zabbix.auditlog import AuditCursor
    from nbzbx_dagster.zabbix.errors import ZabbixError

    if cursor is None:
        cursor = AuditCursor(int(datetime.fromisoformat(since_time(since)).timestamp()))
    named = settings.server(server)
    try:
        connection = ZabbixConnection.for_server(named) if named else ZabbixConnection.from_env()
        client = connection.open()
        try:
            batch, found = read_audit(client, store, server, cursor)
        finally:
            client.close()
    except (ZabbixError, ValueError) as exc:
        return {"line": f"{server}: {exc}", "keys": [], "import": None, "entries": []}
    return {
        "line": in_words(server, batch, found),
        "keys": sorted(found.keys),
        "import": found.import_needed,
        "entries": [
            {
                "time": datetime.fromtimestamp(e.clock, UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "user": e.user,
                "action": e.action,
                "resource": e.resource,
                "name": e.name,
            }
            for e in batch.entries
        ],
    }


@click.command("changes")
@click.option(
    "--since",
    help="How far back: 10m, 2h, 1d or an ISO time. Default: after the sensor's cursor (what "
    "its next tick reads), or the last 10 minutes before its first tick.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def changes_command(since: str | None, as_json: bool) -> None:
    """What NetBox and each Zabbix server changed, and what a change run would check; launches
    nothing."""
    from nbzbx_dagster.defs.host_sync.change_cursor import ChangeCursor
    from nbzbx_dagster.defs.host_sync.sensors import stored_cursor
    from nbzbx_dagster.netbox.errors import NetBoxError
    from nbzbx_dagster.settings import SettingsError, load_settings
    from nbzbx_dagster.sync.changes import in_words, read_changes

    resolve_dagster_home()
    has_instance = bool(os.environ.get("DAGSTER_HOME"))
    cursor = stored_cursor(dagster_instance()) if has_instance and not since else ChangeCursor()
    seen = cursor.seen
    when = since_time(since or "10m") if seen is None else None
    try:
        store = open_store()
        settings = load_settings(overrides=store.get_overrides())
        _, netbox = client_factories()
        batch, found = read_changes(netbox(), store, settings, seen=seen, since=when)
    except (SettingsError, NetBoxError) as exc:
        fail(str(exc))
    data: dict[str, Any] = {
        "after_entry": seen,
        "since": when,
        "line": in_words(batch, found),
        "full_refresh": found.full,
        "keys": sorted(found.keys),
        "lost_edits": found.lost,
        "more": batch.more,
        "changes": [
            {
                "id": c.id,
                "time": c.time,
                "user": c.user,
                "action": c.action,
                "object_type": c.object_type,
                "name": c.name,
            }
            for c in batch.changes
        ],
    }

    data["zabbix"] = {
        server: _audit_report(store, settings, server, cursor.audit(server), since or "10m")
        for server in settings.server_names
    }

    def human(report: dict[str, Any]) -> None:
        start = f"after entry {seen}" if seen is not None else f"since {when}"
        click.echo(f"{report['line']} ({start})")
        for change in report["changes"]:
            click.echo(
                f"  #{change['id']} {change['time'][:19]} {change['user']}: {change['action']} "
                f"{change['object_type']} {change['name']}"
            )
        if report["more"]:
            click.echo("  … more follow: the sensor reads them on its next tick")
        for audit in report["zabbix"].values():
            click.echo(audit["line"])
            for entry in audit["entries"]:
                click.echo(
                    f"  {entry['time']} {entry['user']}: {entry['action']} {entry['resource']} "
                    f"{entry['name']}"
                )

    emit(data, as_json, human)
