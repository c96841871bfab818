"""What every ``nbzbx`` command shares: one-line failures, ``--json`` output, the state store and
the Dagster instance.

Dagster and the store are imported when a command needs them, so that ``nbzbx lab env`` and
``nbzbx --help`` stay instant.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    import dagster as dg

    from nbzbx_dagster.netbox.client import NetBoxClient
    from nbzbx_dagster.store import StateStore
    from nbzbx_dagster.zabbix.client import ZabbixClient


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: <message>`` on standard error and exit: no traceback reaches a terminal."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def one_line_error(exc: Exception) -> str:
    """An exception as one line: a project error says what failed where (its own message);
    anything else is named by its class, and its traceback is in the run's log."""
    lines = str(exc).strip().splitlines()
    first = lines[0].strip() if lines else ""
    if type(exc).__module__.startswith("nbzbx_dagster."):
        return first or type(exc).__name__
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return f"{text} (details in the run's log)"


class OneLineErrors(click.Group):
    """A command group whose commands end any failure with ``error: <one line>`` and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            fail(one_line_error(exc))


wait_option = click.option(
    "--wait",
    is_flag=True,
    help="When another run of the job holds its turn, wait for it (up to dead_run_after "
    "minutes) instead of being refused at once.",
)
"""``--wait`` of the commands that start a system job run (run, plan, apply)."""


def emit(data: Any, as_json: bool, human: Callable[[Any], None]) -> None:
    """Print ``data`` as JSON, or in words through ``human``."""
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))
    else:
        human(data)


def open_store() -> StateStore:
    """The state store of ``NBZBX_DATABASE_URL`` with its schema migrated; raises StoreError."""
    from nbzbx_dagster.store import StateStore
    from nbzbx_dagster.store.url import state_store_url

    store = StateStore(state_store_url())
    store.upgrade()
    return store


PROJECT_DAGSTER_HOME = Path(".nbzbx") / "dagster-home"


def resolve_dagster_home() -> None:
    """With ``DAGSTER_HOME`` unset beside a project's ``dagster.yaml`` (the current folder), use
    ``.nbzbx/dagster-home`` there, its dagster.yaml a link to the project's: the repository's
    embedded SQLite instance then persists across commands. Exported, so that the processes this
    one starts use the same instance."""
    if os.environ.get("DAGSTER_HOME"):
        return
    config = Path("dagster.yaml").resolve()
    if not config.is_file():
        return
    home = PROJECT_DAGSTER_HOME.resolve()
    home.mkdir(parents=True, exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists() or link.is_symlink():
        link.unlink(missing_ok=True)
        link.symlink_to(config)
    os.environ["DAGSTER_HOME"] = str(home)


def dagster_instance() -> dg.DagsterInstance:
    """The Dagster instance of ``DAGSTER_HOME`` (see ``resolve_dagster_home``). Never an
    ephemeral one: a run there would leave no trace that the UI, the sensor or
    ``nbzbx system-jobs status`` could see."""
    resolve_dagster_home()
    if not os.environ.get("DAGSTER_HOME"):
        fail(
            "DAGSTER_HOME is not set: point it at the Dagster instance (nbzbx lab env sets it),"
            " or run from the folder of a dagster.yaml"
        )
    import dagster as dg

    return dg.DagsterInstance.get()


def client_factories() -> tuple[Callable[[], ZabbixClient], Callable[[], NetBoxClient]]:
    """Factories of the environment's Zabbix and NetBox clients: each connects on first use,
    once, so a command that needs no Zabbix never logs in."""
    from nbzbx_dagster.common.connections import NetBoxConnection, ZabbixConnection

    return (
        functools.cache(lambda: ZabbixConnection.from_env().open()),
        functools.cache(lambda: NetBoxConnection.from_env().open()),
    )
