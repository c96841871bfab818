"""``nbzbx notify test``: a test message to each notify target, and one line per target saying
what answered, before an operator relies on them. Nothing is stored: a test is not an event."""

from __future__ import annotations

import socket
import sys
from typing import Any

import click

from nbzbx_dagster.cli.commands.common import emit, fail, open_store


@click.group("notify")
def notify_group() -> None:
    """The notify targets (setting ``notify``)."""


@notify_group.command("test")
@click.option("--target", "only", metavar="NAME", help="Only this target.")
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON.")
def test_command(only: str | None, as_json: bool) -> None:
    """Send a test message to each target; exit non-zero if any did not answer."""
    from nbzbx_dagster.notify.targets import send
    from nbzbx_dagster.settings import SettingsError, load_settings
    from nbzbx_dagster.store import StoreError

    try:
        targets = load_settings(overrides=open_store().get_overrides()).notify
    except (SettingsError, StoreError) as exc:
        fail(str(exc))
    if only is not None:
        targets = [t for t in targets if t.name == only]
        if not targets:
            fail(f"no notify target named {only!r}")
    if not targets:
        fail("no notify targets (setting notify)")
    text = f"nbzbx: test message from {socket.gethostname()}; notifications reach this target"
    rows = []
    for target in targets:
        delivery = send(target, text)
        rows.append({"target": target.name, "kind": target.kind, **vars(delivery)})

    def human(data: list[dict[str, Any]]) -> None:
        for row in data:
            click.echo(f"{row['target']}: {row['line']}")

    emit(rows, as_json, human)
    if not all(row["ok"] for row in rows):
        sys.exit(1)
