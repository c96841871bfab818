"""``nbzbx settings show|set|unset``: the effective settings and the stored overrides.

The overrides live in the state store (``NBZBX_DATABASE_URL``); the next sensor tick and the next
run read them. Invalid values are refused with the allowed range, and nothing is stored.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import click

from nbzbx_dagster.cli.commands.common import fail, open_store
from nbzbx_dagster.settings import SettingsError, allowed_values, describe_layers
from nbzbx_dagster.settings.overrides import apply_overrides
from nbzbx_dagster.store import StoreError
from nbzbx_dagster.sync.compared_settings import UNCOMPARED


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _rechecked(name: str) -> str:
    """What the change sync does about it, for a setting the statuses are compared with."""
    if name in UNCOMPARED:
        return ""
    return "; with change_sync on, every host config is checked again with it at the next tick"


@click.group("settings")
def settings() -> None:
    """The effective settings and their stored overrides."""


@settings.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
def show(as_json: bool) -> None:
    """Every setting: its effective value, the layer it comes from, what it allows."""
    try:
        rows = [
            {
                "name": row.name,
                "value": row.value,
                "layer": row.layer,
                "origin": row.origin,
                "allowed": allowed_values(row.name),
            }
            for row in describe_layers(open_store().get_overrides())
        ]
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        source = row["layer"] if row["layer"] in ("default", "override") else row["origin"]
        click.echo(f"{row['name']:<{width}}  {_compact(row['value'])}  [{source}]")


@settings.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.argument("value")
def set_(name: str, value: str) -> None:
    """Store an override: NAME VALUE (numbers, true/false, text, or JSON for lists/mappings)."""
    try:
        summary = apply_overrides(open_store(), {name: value}, [], by=f"cli {getpass.getuser()}")
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    click.echo(
        f"{name} = {_compact(summary['set'][name])} (stored; applies on the next tick/run)"
        + _rechecked(name)
    )


@settings.command("unset")
@click.argument("name")
def unset(name: str) -> None:
    """Remove a stored override; the file, environment or default value applies again."""
    try:
        summary = apply_overrides(open_store(), {}, [name], by=f"cli {getpass.getuser()}")
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    if summary["unset"]:
        click.echo(f"{name}: override removed" + _rechecked(name))
    else:
        click.echo(f"{name}: had no override")
