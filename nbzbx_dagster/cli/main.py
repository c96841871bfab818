"""The ``nbzbx`` command: lab, health checks, settings, runs and maintenance windows.

Every command that reports something takes ``--json``. Failures print one line naming the system,
the URL and the cause, and exit non-zero; no traceback and no secret reaches the terminal.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

import click

from nbzbx_dagster.cli.commands.changes import changes_command
from nbzbx_dagster.cli.commands.common import (
    OneLineErrors,
    dagster_instance,
    emit,
    fail,
    open_store,
    resolve_dagster_home,
    wait_option,
)
from nbzbx_dagster.cli.commands.hosts import hosts_group
from nbzbx_dagster.cli.commands.maintenance import maintenance as maintenance_group
from nbzbx_dagster.cli.commands.notify import notify_group
from nbzbx_dagster.cli.commands.repair import apply_command, plan_command
from nbzbx_dagster.cli.commands.servers import servers_group
from nbzbx_dagster.cli.commands.settings import settings as settings_group
from nbzbx_dagster.cli.commands.system_jobs import system_jobs_group
from nbzbx_dagster.lab import services as lab_services

# Dagster flags parameters such as backfill_policy as beta; that is for developers, not operators.
warnings.filterwarnings("ignore", message=".*is currently in beta")


@click.group(cls=OneLineErrors)
def main() -> None:
    """nbzbx: keep NetBox and Zabbix consistent (a Dagster project)."""


# ---------------------------------------------------------------------------------- doctor
@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(as_json: bool) -> None:
    """Check NetBox, Zabbix, the state store and the Dagster instance."""
    from nbzbx_dagster.cli.doctor import run_checks

    resolve_dagster_home()
    checks = run_checks()

    def human(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            mark = "ok  " if row["ok"] else "FAIL"
            detail = row.get("version") or row.get("detail") or ""
            line = f"{mark} {row['name']:<16} {detail}"
            if row.get("note"):
                line += f" ({row['note']})"
            if not row["ok"]:
                line = f"{mark} {row['name']:<16} {row['error']}"
            click.echo(line)

    emit(checks, as_json, human)
    if not all(row["ok"] for row in checks):
        sys.exit(1)


# ---------------------------------------------------------------------------------- db
@main.group()
def db() -> None:
    """The state store."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the state store's schema migrations (runs also happen to apply them)."""
    from nbzbx_dagster.store import StoreError

    try:
        open_store()
    except StoreError as exc:
        fail(str(exc))
    click.echo("state store schema is up to date")


# ---------------------------------------------------------------------------------- run
@main.command("run")
@click.argument("job")
@click.option(
    "--cutoff",
    type=click.IntRange(min=0),
    help="host_config_sync_refresh: re-check host configs last checked more than N minutes ago "
    "(0: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome and summary as JSON.")
@click.option("--verbose", is_flag=True, help="Show the run's log on standard error.")
@wait_option
def run_command(job: str, cutoff: int | None, as_json: bool, verbose: bool, wait: bool) -> None:
    """Run a job once, now, and exit non-zero if it fails."""
    import dagster as dg

    from nbzbx_dagster.cli.run_in_process import command_tags, run_job
    from nbzbx_dagster.common.progress import RateLimited, listening, status_line
    from nbzbx_dagster.defs.dagster_internals import BATCH_SIZE, BATCH_SIZE_ENV

    # this process starts Dagster: let it store the refresh's events in batches
    os.environ.setdefault(BATCH_SIZE_ENV, str(BATCH_SIZE))

    run_config: dict[str, Any] = {}
    if cutoff is not None:
        if job != "host_config_sync_refresh":
            fail("--cutoff applies to host_config_sync_refresh only")
        run_config = {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": cutoff}}}}
    instance = dagster_instance()
    # on a terminal, one status line rewritten in place; quiet with --json or without a TTY
    line = status_line(sys.stderr, as_json or verbose)
    try:
        with listening(RateLimited(line, every=0.5)) if line else contextlib.nullcontext():
            outcome = run_job(
                job,
                run_config,
                instance=instance,
                log_level="INFO" if verbose else "CRITICAL",
                tags=command_tags("nbzbx run", wait),
            )
    except dg.DagsterInvariantViolationError:
        fail(f"no job named {job!r}")
    finally:
        if line:
            line.clear()

    def human(data: dict[str, Any]) -> None:
        state = "succeeded" if data["success"] else "FAILED"
        click.echo(f"{data['job']} {state} (run {data['run_id']})")
        if data["summary"]:
            click.echo(json.dumps(data["summary"], indent=2, ensure_ascii=False, default=str))
        if data["error"]:
            click.echo(f"error: {data['error']}", err=True)

    emit(outcome.as_dict(), as_json, human)
    if not outcome.success:
        sys.exit(1)


# ---------------------------------------------------------------------------------- lab
@main.group()
def lab() -> None:
    """The local lab: real PostgreSQL, Redis, Zabbix 6.0 and 7.0, and NetBox 4.7.3 on loopback,
    with contract endpoints for Zabbix 7.2, 7.4 and 8.0 over the real 7.0."""


def _zabbix_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--zabbix",
        type=click.Choice(lab_services.ZABBIX_VERSIONS),
        default=None,
        help="Point at one lab Zabbix only, as server 'default' (7.2, 7.4, 8.0: contract "
        "endpoints over 7.0); without it both real servers, by name.",
    )(func)


@lab.command("up")
def lab_up() -> None:
    """Start the lab (idempotent; the first run builds and caches what is slow)."""
    rc = lab_services.run_script("up")
    if rc:
        sys.exit(rc)
    lab_services.prepare_dagster_home()


@lab.command("down")
def lab_down() -> None:
    """Stop what the lab started (the caches stay)."""
    sys.exit(lab_services.run_script("down"))


@lab.command("reset")
def lab_reset() -> None:
    """Give Zabbix, NetBox, the Dagster instance and the state store fresh, empty databases."""
    sys.exit(lab_services.run_script("reset"))


@lab.command("status")
@click.option("--json", "as_json", is_flag=True)
def lab_status(as_json: bool) -> None:
    """Say what runs where."""
    rows = [
        {
            "service": s.name,
            "port": s.port,
            "url": s.url,
            "up": lab_services.listening(s.port),
            "note": s.note,
        }
        for s in lab_services.services()
    ]

    def human(data: list[dict[str, Any]]) -> None:
        for row in data:
            note = f"  ({row['note']})" if row["note"] else ""
            click.echo(f"{'up  ' if row['up'] else 'down'} {row['service']:<20} {row['url']}{note}")

    emit(rows, as_json, human)


@lab.command("env")
@_zabbix_option
@click.option("--json", "as_json", is_flag=True, help="Variable names and values, token masked.")
def lab_env(zabbix: str | None, as_json: bool) -> None:
    """Print export lines pointing the project at the lab: eval "$(nbzbx lab env)"."""
    try:
        lines = lab_services.export_lines(zabbix)
        values = lab_services.env(zabbix)
    except RuntimeError as exc:
        fail(str(exc))
    if as_json:
        values["NBZBX_NETBOX_TOKEN"] = "<in " + str(lab_services.netbox_token_file()) + ">"
        click.echo(json.dumps(values, indent=2))
    else:
        click.echo("\n".join(lines))


@lab.command("seed")
@_zabbix_option
@click.option("--all-zabbix", is_flag=True, help="Seed both real lab Zabbix servers.")
@click.option("--json", "as_json", is_flag=True)
def lab_seed(zabbix: str | None, all_zabbix: bool, as_json: bool) -> None:
    """Load the demo data set into NetBox and the lab Zabbix."""
    from nbzbx_dagster.lab.seed import seed_lab

    real = list(lab_services.REAL_ZABBIX_VERSIONS)
    versions = real if all_zabbix or zabbix is None else [zabbix]
    try:
        result = seed_lab(versions)
    except Exception as exc:  # one line, whatever failed
        fail(f"seeding the lab failed: {exc}")

    def human(data: dict[str, Any]) -> None:
        for system, counts in data.items():
            click.echo(f"{system}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    emit(result, as_json, human)


main.add_command(apply_command)
main.add_command(changes_command)
main.add_command(hosts_group)
main.add_command(plan_command)
main.add_command(maintenance_group)
main.add_command(notify_group)
main.add_command(servers_group)
main.add_command(settings_group)
main.add_command(system_jobs_group)

if __name__ == "__main__":  # pragma: no cover
    main()
