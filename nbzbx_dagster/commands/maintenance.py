"""``nbzbx maintenance create|list|delete``: the maintenance registry from the command line.

``create`` takes the options of the ``create_maintenance`` job and runs the same code; ``delete``
deletes the Zabbix maintenance first and the registry row only once Zabbix no longer has it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Any

import click

from nbzbx_dagster.commands.common import client_factories, emit, fail, open_store
from nbzbx_dagster.maintenance.targets import MaintenanceError


def _services() -> tuple[Any, Callable[[], Any], Callable[[], Any]]:
    """The state store, and factories of the Zabbix and NetBox clients (connected on use)."""
    return open_store(), *client_factories()


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
        validate_request,
        window_times,
    )
    from nbzbx_dagster.maintenance.targets import MaintenanceTargets
    from nbzbx_dagster.settings import load_settings

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
        store, zabbix, netbox = _services()
        result = create_window(
            request,
            store=store,
            zabbix=zabbix,
            netbox=netbox,
            journal_enabled=load_settings(store.get_overrides()).journal_enabled,
            now=now,
        )
    except _expected_errors() as exc:
        fail(str(exc))

    def human(data: dict[str, Any]) -> None:
        window, resolved = data["window"], data["resolved"]
        click.echo(
            f"created {window['name']!r} ({window['status']}): {window['start']} to "
            f"{window['end']}, Zabbix maintenance {window['zabbix_maintenance_id']}, "
            f"{len(resolved['hostids'])} hosts, {len(resolved['groupids'])} host groups"
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
                f"  [{targets}]"
            )

    emit(rows, as_json, human)


@maintenance.command("delete")
@click.argument("name_or_id")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def delete(name_or_id: str, as_json: bool) -> None:
    """Delete a window: in Zabbix first, then from the registry (kept if Zabbix fails)."""
    from nbzbx_dagster.maintenance import windows
    from nbzbx_dagster.zabbix import api as zapi

    try:
        store, zabbix, _ = _services()
        with store.connect() as conn:
            window = windows.get_window(conn, name_or_id)
        if window is None:
            raise MaintenanceError(f"no maintenance window named (or with id) {name_or_id!r}")
        maintenanceid = window["zabbix_maintenance_id"]
        in_zabbix = "not recorded"
        if maintenanceid:
            outcome = zapi.delete_maintenances(zabbix(), [maintenanceid])
            if outcome.failed:
                raise MaintenanceError(
                    f"Zabbix did not delete maintenance {maintenanceid} "
                    f"({outcome.failed[maintenanceid]}); the window stays in the registry"
                )
            in_zabbix = "deleted" if outcome.deleted else "already gone"
        with store.transaction() as conn:
            windows.delete_window(conn, window["id"])
    except _expected_errors() as exc:
        fail(str(exc))
    result = {"name": window["name"], "id": window["id"], "zabbix": in_zabbix}
    emit(
        result,
        as_json,
        lambda d: click.echo(f"deleted {d['name']!r} (Zabbix maintenance: {d['zabbix']})"),
    )
