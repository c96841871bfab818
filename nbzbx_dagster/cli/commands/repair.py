"""``nbzbx plan`` and ``nbzbx apply``: review the repair plan, then apply it.

``plan`` materializes ``zabbix_host_plan`` on the Dagster instance (so the UI shows the same
plan) and prints it in names; ``apply`` runs ``reconcile_zabbix_hosts`` once, which makes the
plan again and applies only what is as reviewed, and prints each host's outcome.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from nbzbx_dagster.cli.commands.common import (
    dagster_instance,
    emit,
    fail,
    open_store,
    wait_option,
)
from nbzbx_dagster.common.vocabulary import APPLICABLE

SHOWN = 200  # actions printed in words; --json has them all


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "server": row["server"],
        "key": row["partition_key"],
        "name": row["name"],
        "action": row["action"],
        "changes": row["changes"],
        "reason": row["reason"],
        "zabbix_hostid": row["zabbix_hostid"],
        "planned_at": row["planned_at"].isoformat(timespec="seconds"),
    }


def _print_plan(rows: list[dict[str, Any]]) -> None:
    from nbzbx_dagster.sync.repair_plan import counts

    if not rows:
        click.echo("nothing to do: every host config is in sync")
        return
    for r in rows[:SHOWN]:
        click.echo(f"{r['action']:<8} {r['name']} ({r['key']}, server {r['server']})")
        for line in [r["reason"]] if r["action"] == "blocked" else r["changes"]:
            click.echo(f"         {line}")
    if len(rows) > SHOWN:
        click.echo(f"… and {len(rows) - SHOWN} more (--json shows them all)")
    total = ", ".join(f"{n} {a}" for a, n in counts(rows).items() if n)
    click.echo(f"{len(rows)} actions: {total}")


def since_last_plan(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """What a person who reviewed ``before`` must look at again in ``after``: actions that are
    new, that changed (another action, other words or writes), and those that are gone."""
    old = {(r["server"], r["partition_key"]): r for r in before}
    new = {(r["server"], r["partition_key"]): r for r in after}
    return {
        "new": [r for k, r in new.items() if k not in old],
        "changed": [r for k, r in new.items() if k in old and old[k]["digest"] != r["digest"]],
        "gone": [r for k, r in old.items() if k not in new],
    }


def _print_changes(changes: dict[str, list[dict[str, Any]]]) -> None:
    for word, rows in changes.items():
        for r in rows[:SHOWN]:
            click.echo(f"{word:<8} {r['action']:<8} {r['name']} ({r['key']}, server {r['server']})")
            if word != "gone":
                for line in [r["reason"]] if r["action"] == "blocked" else r["changes"]:
                    click.echo(f"                  {line}")
    total = ", ".join(f"{len(rows)} {word}" for word, rows in changes.items())
    click.echo(f"since the last plan: {total}")


@click.command("plan")
@click.option("--server", help="Plan for this Zabbix server only (the others keep theirs).")
@click.option(
    "--diff",
    is_flag=True,
    help="Show only what is new, changed or gone since the last plan (what to review again).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@wait_option
def plan_command(server: str | None, diff: bool, as_json: bool, wait: bool) -> None:
    """Make the repair plan and show it: per host config not in sync, what would change."""
    import dagster as dg

    from nbzbx_dagster.cli.run_in_process import command_tags, failure_cause
    from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
    from nbzbx_dagster.defs.resources import build_resources
    from nbzbx_dagster.store.repair_plan import read_plan

    with open_store().connect() as conn:
        before = read_plan(conn, server) if diff else []
    config = {"servers": [server]} if server else {}
    result = dg.materialize(
        [zabbix_host_plan],
        instance=dagster_instance(),
        resources=build_resources(),
        run_config={
            "ops": {"zabbix_host_plan": {"config": config}},
            "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        },
        raise_on_error=False,
        tags=command_tags("nbzbx plan", wait),
    )
    if not result.success:
        fail(failure_cause(result) or "the plan failed (see the run's log)")
    with open_store().connect() as conn:
        after = read_plan(conn, server)
    if diff:
        changes = {
            w: [_public(r) for r in rows] for w, rows in since_last_plan(before, after).items()
        }
        emit(changes, as_json, _print_changes)
    else:
        emit([_public(r) for r in after], as_json, _print_plan)


@click.command("apply")
@click.option("--only", multiple=True, metavar="KEY", help="Only this host config (key or name).")
@click.option(
    "--actions",
    help=f"Only these actions, comma-separated ({','.join(APPLICABLE)}); default: all.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@wait_option
def apply_command(only: tuple[str, ...], actions: str | None, as_json: bool, wait: bool) -> None:
    """Apply the reviewed plan to Zabbix (made again first; changed actions wait)."""
    from nbzbx_dagster.cli.run_in_process import command_tags, run_job

    chosen = [a.strip() for a in (actions or "").split(",") if a.strip()]
    wrong = sorted(set(chosen) - set(APPLICABLE))
    if wrong:
        fail(f"unknown actions {', '.join(wrong)}: choose from {', '.join(APPLICABLE)}")
    config = {"only": list(only), "actions": chosen}
    outcome = run_job(
        "reconcile_zabbix_hosts",
        {"ops": {"reconcile_hosts": {"config": config}}},
        instance=dagster_instance(),
        tags=command_tags("nbzbx apply", wait),
    )

    def human(data: dict[str, Any]) -> None:
        summary = data["summary"]
        parts = list((summary.get("servers") or {"": summary}).values())
        for part in parts:
            for r in part.get("results", []):
                tail = f": {r['error']}" if r["error"] else ""
                click.echo(f"{r['result']:<9} {r['name']} ({r['key']}){tail}")
            if part.get("changed_since_plan"):
                click.echo(
                    f"{part['changed_since_plan']} actions changed since the plan was made and "
                    "were not applied: review them (nbzbx plan) and apply again"
                )
        counted = ("planned", "applied", "failed")
        click.echo(", ".join(f"{k} {summary.get(k, 0)}" for k in counted))
        if data["error"]:
            click.echo(f"error: {data['error']}", err=True)

    emit(outcome.as_dict(), as_json, human)
    if not outcome.success:
        sys.exit(1)
