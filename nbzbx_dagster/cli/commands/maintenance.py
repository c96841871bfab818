"""``nbzbx maintenance create|list|delete``: the maintenance registry from the command line.

``create`` takes the options of the ``create_maintenance`` job and runs the same code; ``delete``
deletes the window's Zabbix maintenance on each server first, and the registry row only once no
server has it any more.
"""

from __future__ import annotations

import functools
import getpass
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import click

from nbzbx_dagster.cli.commands.common import client_factories, emit, fail, open_store
from nbzbx_dagster.maintenance.targets import MaintenanceError

if TYPE_CHECKING:
    from nbzbx_dagster.netbox.client import NetBoxClient
    from nbzbx_dagster.settings import Settings
    from nbzbx_dagster.store import StateStore
    from nbzbx_dagster.zabbix.client import ZabbixClient


def _services() -> tuple[
    StateStore, Settings, Callable[[str], ZabbixClient], Callable[[], NetBoxClient]
]:
    """The state store, the settings, and factories of each server's Zabbix client and of the
    NetBox client (each connected on first use, once)."""
    from nbzbx_dagster.settings import load_settings

    store = open_store()
    settings = load_settings(store.get_overrides())
    default_zabbix, netbox = client_factories()
    return store, settings, _zabbix_clients(settings, default_zabbix), netbox


def _zabbix_clients(
    settings: Settings, default: Callable[[], ZabbixClient]
) -> Callable[[str], ZabbixClient]:
    """A server's client: a named server's from its settings and variables, ``default`` from
    the single-server environment; a server the settings do not name is refused."""
    from nbzbx_dagster.common.connections import ZabbixConnection
    from nbzbx_dagster.settings.servers import DEFAULT_SERVER

    @functools.cache
    def client(server: str) -> ZabbixClient:
        named = settings.server(server)
        if named is not None:
            return ZabbixConnection.for_server(named).open()
        if server == DEFAULT_SERVER and not settings.zabbix_servers:
            return default()
        known = ", ".join(settings.server_names)
        raise MaintenanceError(f"server {server!r} is not one of the Zabbix servers: {known}")

    return client


def parts_line(parts: Mapping[str, str | None]) -> str:
    """``maintenance 12`` in the single-server environment, else ``zbx60 12, zbx70 34``."""
    from nbzbx_dagster.settings.servers import DEFAULT_SERVER

    if list(parts) == [DEFAULT_SERVER]:
        return f"maintenance {parts[DEFAULT_SERVER] or '-'}"
    return ", ".join(f"{server} {i or '-'}" for server, i in parts.items()) or "no maintenance"


def _expected_errors() -> tuple[type[Exception], ...]:
    from nbzbx_dagster.netbox.errors import NetBoxError
    from nbzbx_dagster.settings import SettingsError
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.zabbix.errors import ZabbixError

    return MaintenanceError, ZabbixError, NetBoxError, StoreError, SettingsError


@click.group("maintenance")
def maintenance() -> None:
    """Maintenance windows: create them in Zabbix, list and delete them."""


@maintenance.command("create")
@click.option("--name", required=True, help="Unique name (registry and Zabbix).")
@click.option("--start", help="ISO 8601 start (no zone: UTC). Default: now.")
@click.option("--end", help="ISO 8601 end (no zone: UTC).")
@click.option("--duration", type=int, help="Length in minutes, instead of --end.")
@click.option("--description", default="", help="Shown in Zabbix and in the registry.")
@click.option("--no-data-collection", is_flag=True, help="Zabbix collects no data meanwhile.")
@click.option(
    "--host-config",
    "host_configs",
    multiple=True,
    metavar="KEY",
    help="device-<id> or vm-<id> (repeatable).",
)
@click.option("--site", "sites", multiple=True, metavar="SLUG", help="NetBox site (repeatable).")
@click.option(
    "--host-group",
    "host_groups",
    multiple=True,
    metavar="NAME",
    help="Zabbix host group (repeatable).",
)
@click.option(
    "--proxy",
    "proxies",
    multiple=True,
    metavar="NAME",
    help="Zabbix proxy: the hosts it monitors (repeatable).",
)
@click.option(
    "--proxy-group",
    "proxy_groups",
    multiple=True,
    metavar="NAME",
    help="Zabbix proxy group, 7.0+: the hosts it monitors (repeatable).",
)
@click.option(
    "--cluster",
    "clusters",
    multiple=True,
    metavar="NAME",
    help="NetBox cluster: its VMs (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the created window as JSON.")
def create(
    name: str,
    start: str | None,
    end: str | None,
    duration: int | None,
    description: str,
    no_data_collection: bool,
    as_json: bool,
    **targets: tuple[str, ...],
) -> None:
    """Create a one-time maintenance window in Zabbix and record it."""
    from datetime import UTC, datetime

    from nbzbx_dagster.maintenance.create import (
        WindowRequest,
        create_window,
        created_text,
        validate_request,
        window_times,
    )
    from nbzbx_dagster.maintenance.targets import MaintenanceTargets

    try:
        now = datetime.now(UTC)
        begin, finish = window_times(start, end, duration, now)
        request = WindowRequest(
            name=name,
            start=begin,
            end=finish,
            targets=MaintenanceTargets.from_mapping(targets),
            description=description,
            with_data_collection=not no_data_collection,
            created_by=f"cli {getpass.getuser()}",
        )
        validate_request(request, now)  # refuse bad input before connecting anywhere
        store, settings, zabbix, netbox = _services()
        result = create_window(
            request, store=store, zabbix=zabbix, netbox=netbox, settings=settings, now=now
        )
    except _expected_errors() as exc:
        fail(str(exc))

    def human(data: dict[str, Any]) -> None:
        window, resolved = data["window"], data["resolved"]
        click.echo(
            f"created {window['name']!r} ({window['status']}): {window['start']} to "
            f"{window['end']}, {created_text(data)}"
        )
        if resolved["unmonitored"]:
            click.echo("without a Zabbix host: " + ", ".join(resolved["unmonitored"]))
        journal = data["journal"]
        if journal and journal["failed"]:
            click.echo(f"warning: {journal['failed']} journal entries not written", err=True)

    emit(result, as_json, human)


@maintenance.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the windows as JSON.")
def list_(as_json: bool) -> None:
    """The windows in the registry, with their status as of now."""
    from nbzbx_dagster.maintenance import windows
    from nbzbx_dagster.store import StoreError
    from nbzbx_dagster.store.tables import utc_now

    try:
        with open_store().connect() as conn:
            stored = windows.list_windows(conn)
    except StoreError as exc:
        fail(str(exc))
    now = utc_now()
    rows = [windows.public_row(w, now) for w in stored]

    def human(data: list[dict[str, Any]]) -> None:
        if not data:
            click.echo("no maintenance windows")
        for row in data:
            targets = ", ".join(f"{k} {','.join(v)}" for k, v in row["targets"].items() if v)
            click.echo(
                f"{row['id']:>4} {row['status']:<8} {row['start']}  {row['end']}  {row['name']}"
                f"  [{targets}]  ({parts_line(row['parts'])})"
            )

    emit(rows, as_json, human)


@maintenance.command("delete")
@click.argument("name_or_id")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def delete(name_or_id: str, as_json: bool) -> None:
    """Delete a window: on each Zabbix server first, then from the registry (a server that
    fails keeps its part, and the window stays)."""
    from nbzbx_dagster.maintenance import windows
    from nbzbx_dagster.maintenance.targets import where
    from nbzbx_dagster.settings.servers import DEFAULT_SERVER
    from nbzbx_dagster.zabbix import api as zapi

    try:
        store, _, zabbix, _ = _services()
        with store.connect() as conn:
            window = windows.get_window(conn, name_or_id)
        if window is None:
            raise MaintenanceError(f"no maintenance window named (or with id) {name_or_id!r}")
        done: dict[str, str] = {}
        failed: list[str] = []
        for server, maintenanceid in window["parts"].items():
            if not maintenanceid:
                done[server] = "not recorded"
                continue
            try:
                outcome = zapi.delete_maintenances(zabbix(server), [maintenanceid])
            except _expected_errors() as exc:
                failed.append(f"Zabbix{where(server)}: {' '.join(str(exc).split())}")
                continue
            if maintenanceid in outcome.failed:
                failed.append(
                    f"Zabbix{where(server)} did not delete maintenance {maintenanceid} "
                    f"({outcome.failed[maintenanceid]})"
                )
            else:
                done[server] = "deleted" if outcome.deleted else "already gone"
        with store.transaction() as conn:
            for server in done:
                windows.delete_part(conn, window["id"], server)
            if not failed:
                windows.delete_window(conn, window["id"])
        if failed:
            kept = "; ".join(failed)
            raise MaintenanceError(f"{kept}; the window stays in the registry")
    except _expected_errors() as exc:
        fail(str(exc))
    result: dict[str, Any] = {"name": window["name"], "id": window["id"], "parts": done}
    if len(done) == 1:
        result["zabbix"] = next(iter(done.values()))

    def human(data: dict[str, Any]) -> None:
        outcomes = ", ".join(f"{server}: {what}" for server, what in data["parts"].items())
        if list(data["parts"]) == [DEFAULT_SERVER]:
            outcomes = f"Zabbix maintenance: {data['zabbix']}"
        click.echo(f"deleted {data['name']!r} ({outcomes or 'no Zabbix maintenance recorded'})")

    emit(result, as_json, human)
