"""``nbzbx servers list|forget``: the Zabbix servers the state store holds rows of.

``forget`` is the way out when a server's rows came from another Zabbix (the import and the
refresh refuse to mix them): it deletes that server's cache, statuses and recorded URL, so the
next import starts it afresh. Maintenance windows are kept.
"""

from __future__ import annotations

from typing import Any

import click

from nbzbx_dagster.cli.commands.common import emit, fail, open_store


@click.group("servers")
def servers_group() -> None:
    """The Zabbix servers: configured, and seen by the state store."""


@servers_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the servers as JSON.")
def list_servers(as_json: bool) -> None:
    """Each server of the settings and of the store: URL, version, last import."""
    from nbzbx_dagster.settings import SettingsError, load_settings
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.store.servers import known_servers

    try:
        store = open_store()
        settings = load_settings(overrides=store.get_overrides())
        with store.connect() as conn:
            seen = known_servers(conn)
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    rows = [
        {
            "server": name,
            "configured": name in settings.server_names,
            "url": (seen.get(name) or {}).get("url"),
            "version": (seen.get(name) or {}).get("version"),
            "last_import": (seen.get(name) or {}).get("last_seen"),
        }
        for name in dict.fromkeys([*settings.server_names, *seen])
    ]

    def human(data: list[dict[str, Any]]) -> None:
        for row in data:
            state = "configured" if row["configured"] else "NOT CONFIGURED (rows kept)"
            seen_text = "never imported"
            if row["url"]:
                when = f"{row['last_import']:%Y-%m-%d %H:%M}"
                seen_text = f"{row['url']} (Zabbix {row['version']}, imported {when})"
            click.echo(f"{row['server']}: {state}; {seen_text}")

    emit(rows, as_json, human)


@servers_group.command("forget")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(name: str, yes: bool) -> None:
    """Delete server NAME's cache, statuses and recorded URL from the state store."""
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.store.servers import forget_server

    if not yes:
        click.confirm(
            f"Delete every row of Zabbix server {name!r} from the state store?", abort=True
        )
    try:
        with open_store().transaction() as conn:
            counts = forget_server(conn, name)
    except StoreError as exc:
        fail(str(exc))
    if not any(counts.values()):
        fail(f"the state store has no rows of server {name!r}")
    click.echo(f"{name}: forgotten (" + ", ".join(f"{t} {n}" for t, n in counts.items() if n) + ")")
