"""``nbzbx changes``: what NetBox changed and what ``host_config_changes_sensor`` makes of it,
without launching anything."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from nbzbx_dagster.cli.commands.common import (
    client_factories,
    dagster_instance,
    emit,
    fail,
    open_store,
    resolve_dagster_home,
)

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


@click.command("changes")
@click.option(
    "--since",
    help="How far back: 10m, 2h, 1d or an ISO time. Default: after the sensor's cursor (what "
    "its next tick reads), or the last 10 minutes before its first tick.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def changes_command(since: str | None, as_json: bool) -> None:
    """What NetBox changed, and which host configs a change run would check; launches nothing."""
    from nbzbx_dagster.defs.host_sync.sensors import stored_cursor
    from nbzbx_dagster.netbox.errors import NetBoxError
    from nbzbx_dagster.settings import SettingsError, load_settings
    from nbzbx_dagster.sync.changes import in_words, read_changes

    resolve_dagster_home()
    has_instance = bool(os.environ.get("DAGSTER_HOME"))
    seen = stored_cursor(dagster_instance()).seen if has_instance and not since else None
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

    emit(data, as_json, human)
