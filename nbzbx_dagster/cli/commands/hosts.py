"""``nbzbx hosts [show]``: the host configs' sync status, from the state store, in names.

``hosts`` lists each host config with its server, status, last check and what differs;
``hosts show NAME|KEY`` one host config with the history of its status and the last change
NetBox's change log has of it.
"""

from __future__ import annotations

from typing import Any

import click

from nbzbx_dagster.cli.commands.common import client_factories, emit, fail, open_store
from nbzbx_dagster.common.vocabulary import SYNC_STATUSES


def _difference(row: dict[str, Any]) -> str:
    if row.get("error"):
        return row["error"]
    words = row.get("diff") or row.get("difference") or {}
    words = words.get("in_words", []) if isinstance(words, dict) else words
    if words:
        return "; ".join(words)
    return "no Zabbix host" if row["status"] == "missing" else ""


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "key": row["partition_key"],
        "server": row["server"],
        "status": row["status"],
        "last_good_status": row["last_good_status"],
        "zabbix_hostid": row["zabbix_hostid"],
        "checked_at": row["checked_at"].isoformat(timespec="seconds"),
        "difference": _difference(row),
    }


@click.group("hosts", invoke_without_command=True)
@click.option("--status", type=click.Choice(SYNC_STATUSES), help="Only host configs in it.")
@click.option("--server", help="Only host configs of this Zabbix server.")
@click.option("--json", "as_json", is_flag=True, help="Print the host configs as JSON.")
@click.pass_context
def hosts_group(ctx: click.Context, status: str | None, server: str | None, as_json: bool) -> None:
    """Host configs with their server, sync status, last check and difference."""
    if ctx.invoked_subcommand is not None:
        return
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.store.host_status import read_statuses

    try:
        with open_store().connect() as conn:
            stored = read_statuses(conn)
    except StoreError as exc:
        fail(str(exc))
    rows = sorted(
        (
            _public(r)
            for r in stored.values()
            if (status is None or r["status"] == status)
            and (server is None or r["server"] == server)
        ),
        key=lambda r: (r["status"] == "in_sync", r["server"], r["name"]),
    )

    def human(data: list[dict[str, Any]]) -> None:
        if not data:
            click.echo("no host configs (has host_config_sync_refresh run?)")
            return
        width = max(len(r["name"]) for r in data)
        for r in data:
            tail = f"  {r['difference']}" if r["difference"] else ""
            click.echo(
                f"{r['name']:<{width}}  {r['status']:<11} {r['server']:<10} "
                f"checked {r['checked_at']}  {r['key']}{tail}"
            )

    emit(rows, as_json, human)


def _last_change(row: dict[str, Any]) -> dict[str, Any]:
    """The newest NetBox change-log entry of the host config, in words; what stands in its
    way when NetBox cannot say (the rest of ``hosts show`` needs only the state store)."""
    from nbzbx_dagster.netbox.changelog import last_change
    from nbzbx_dagster.netbox.errors import NetBoxError

    try:
        change = last_change(client_factories()[1](), row["object_type"], row["object_id"])
    except (NetBoxError, ValueError) as exc:
        return {"not_known": str(exc)}
    if change is None:
        return {"not_known": "NetBox's change log has no entry of it"}
    fields = change.changed_fields() if change.action == "update" else []
    return {
        "id": change.id,
        "time": change.time[:19].replace("T", " "),
        "user": change.user,
        "action": change.action,
        "fields": fields,
    }


@hosts_group.command("show")
@click.argument("name_or_key")
@click.option("--json", "as_json", is_flag=True, help="Print the host config as JSON.")
def show(name_or_key: str, as_json: bool) -> None:
    """One host config (by NetBox name or key device-<id>/vm-<id>) and its status history."""
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.store.host_status import history, read_statuses

    try:
        with open_store().connect() as conn:
            stored = read_statuses(conn)
            row = stored.get(name_or_key) or next(
                (r for r in stored.values() if r["name"] == name_or_key), None
            )
            if row is None:
                fail(f"no host config named {name_or_key!r} in the state store")
            changes = history(conn, row["partition_key"])
    except StoreError as exc:
        fail(str(exc))
    data = {
        **_public(row),
        "history": [
            {
                "at": c["changed_at"].isoformat(timespec="seconds"),
                "server": c["server"],
                "status": c["status"],
                "difference": _difference(c),
            }
            for c in changes
        ],
        "last_netbox_change": _last_change(row),
    }

    def human(d: dict[str, Any]) -> None:
        click.echo(f"{d['name']} ({d['key']}) on {d['server']}: {d['status']}")
        click.echo(f"  last checked {d['checked_at']}; Zabbix host id {d['zabbix_hostid'] or '-'}")
        if d["difference"]:
            click.echo(f"  difference: {d['difference']}")
        last = d["last_netbox_change"]
        if "not_known" in last:
            click.echo(f"  last NetBox change: not known ({last['not_known']})")
        else:
            what = f" of {', '.join(last['fields'])}" if last["fields"] else ""
            click.echo(
                f"  last NetBox change: {last['action']}{what} by {last['user']} at "
                f"{last['time']} UTC (change-log entry {last['id']})"
            )
        click.echo("  history (newest first):")
        for c in d["history"]:
            tail = f": {c['difference']}" if c["difference"] else ""
            click.echo(f"    {c['at']}  {c['status']:<11} {c['server']}{tail}")

    emit(data, as_json, human)
