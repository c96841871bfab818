"""Repair, plan then apply, for one Zabbix server: what the plan asset and the reconcile job call.

Knows nothing of Dagster. ``plan_server`` makes the server's plan from the stored sync statuses
and a fresh read of Zabbix; ``reconcile_server`` makes it again (a plan is never applied stale),
applies the selected actions that are as the person reviewed them, checks the hosts it touched
again and returns what to store, in the caller's transaction.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.common.vocabulary import REMOVALS
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import add_host_groups
from nbzbx_dagster.store.host_status import read_report_rows
from nbzbx_dagster.store.repair_plan import read_plan, save_plan
from nbzbx_dagster.store.servers import check_server
from nbzbx_dagster.sync.diff_words import ZabbixNames
from nbzbx_dagster.sync.refresh import HostConfigs, Refresh, refresh_server, save_refresh
from nbzbx_dagster.sync.repair_apply import RESULTS, HostResult, apply_actions, make_host_groups
from nbzbx_dagster.sync.repair_plan import PlannedHost, counts, make_plan
from nbzbx_dagster.sync.template_links import TemplateLinks, link_problems
from nbzbx_dagster.zabbix.client import ZabbixClient

SNMP_SECRET_ENV = {
    "authpassphrase": "NBZBX_SNMPV3_AUTHPASSPHRASE",
    "privpassphrase": "NBZBX_SNMPV3_PRIVPASSPHRASE",
}
MAX_RESULTS_SHOWN = 50
PLAN_COLUMNS = ("server", "status", "zabbix_hostid")  # of the stored statuses, what a plan reads
WRITE_METHODS = frozenset(
    {
        "host.create",
        "host.update",
        "host.delete",
        "hostinterface.create",
        "hostinterface.update",
        "usermacro.create",
        "usermacro.update",
        "usermacro.delete",
        "hostgroup.create",
        "maintenance.create",
        "maintenance.update",
        "maintenance.delete",
    }
)


def snmp_secrets(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The SNMPv3 passphrases from the environment (never from the settings or the plan)."""
    return {key: env[var] for key, var in SNMP_SECRET_ENV.items() if env.get(var)}


def plan_server(
    server: str,
    host_configs: HostConfigs,
    client: ZabbixClient,
    store: StateStore,
    settings: Settings,
) -> list[PlannedHost]:
    """``server``'s plan, made now; nothing is written. Keyed when ``host_configs`` were read
    for some keys (``requested``): then of those keys only, their statuses and managed hosts."""
    keys = host_configs.requested
    with store.connect() as conn:
        check_server(conn, server, client.url)  # never another server's cache or statuses
        stored = read_report_rows(conn, PLAN_COLUMNS, keys)
        links = TemplateLinks.load(conn, server)
    desired = host_configs.desired
    return make_plan(
        server,
        host_configs.of_server(server),
        desired,
        stored,
        client,
        settings,
        ZabbixNames.from_index(host_configs.indexes[server]),
        lambda templateids: link_problems(templateids, links),
        keys,
        host_configs.deleting,
    )


def save_server_plan(
    conn: Connection,
    server: str,
    plan: Sequence[PlannedHost],
    at: datetime | None = None,
    keys: Collection[str] | None = None,
) -> None:
    """Store ``server``'s plan: the whole of it, or with ``keys`` only those keys' rows."""
    save_plan(conn, server, [p.row(at or datetime.now(UTC)) for p in plan], keys)


@dataclass
class Selection:
    """Which actions of a plan a reconcile run applies."""

    actions: Sequence[str]
    only: Sequence[str] = ()
    """Host config keys (or names); empty: all."""
    reviewed: bool = True
    """Apply only actions unchanged since the stored plan (a person reviewed it); a run
    launched by the sensor applies the plan it makes."""


@dataclass
class Reconciled:
    """One server's reconcile: the new plan, what was applied and how it went."""

    server: str
    plan: list[PlannedHost]
    results: list[HostResult]
    changed_since_plan: list[str] = field(default_factory=list)
    refused: str | None = None
    """The guard's message when removals were selected but are over ``max_host_deletions``."""
    recheck: Refresh | None = None
    zabbix_writes: int = 0
    """Zabbix write calls the run made (0 when the plan was applied already)."""
    keys: frozenset[str] | None = None
    """The requested keys of a keyed plan; None: the plan is the whole server's."""
    host_groups: dict[str, str] = field(default_factory=dict)
    """Host groups the apply made or found for ``create_host_groups``, name to id."""

    @property
    def covered(self) -> frozenset[str] | None:
        """The stored rows the new plan replaces: the requested keys and every key planned (a
        second managed host of one key is planned as ``zabbix-<hostid>``); None: all."""
        return None if self.keys is None else self.keys | {p.key for p in self.plan}

    @property
    def remaining(self) -> list[PlannedHost]:
        """The plan without what was applied."""
        done = {r.key for r in self.results if r.result != "failed"}
        return [p for p in self.plan if p.key not in done]

    @property
    def summary(self) -> dict[str, Any]:
        """The reconcile job's summary (contract: planned, applied, failed, per action)."""
        by_result = Counter(r.result for r in self.results)
        failed = [r for r in self.results if r.result == "failed"]
        out: dict[str, Any] = {
            "server": self.server,
            "planned": len(self.plan),
            "applied": len(self.results) - len(failed),
            "failed": len(failed),
            **{word: by_result[word] for word in RESULTS.values()},
            "blocked": counts(self.plan)["blocked"],
            "changed_since_plan": len(self.changed_since_plan),
            "zabbix_writes": self.zabbix_writes,
            "host_groups_made": sorted(self.host_groups),
        }
        if self.results:
            out["results"] = [r.as_dict() for r in self.results[:MAX_RESULTS_SHOWN]]
        return out


def reconcile_server(
    server: str,
    host_configs: HostConfigs,
    zabbix: Callable[[], ZabbixClient],
    store: StateStore,
    settings: Settings,
    selection: Selection,
    timings: Timings | None = None,
) -> Reconciled:
    """Plan again, apply what ``selection`` picks, check the touched hosts again; ``timings``
    gets the seconds of planning, writing and checking again."""
    timings = timings or Timings()
    client = zabbix()
    with timings.section("plan"):
        plan = plan_server(server, host_configs, client, store, settings)
    with store.connect() as conn:
        reviewed = {r["partition_key"]: r["digest"] for r in read_plan(conn, server)}
    chosen, changed = _select(plan, selection, reviewed, host_configs)
    guarded = [p for p in plan if p.guarded]
    refused = guarded[0].reason if guarded and set(selection.actions) & set(REMOVALS) else None
    before = sum(n for m, n in client.calls.items() if m in WRITE_METHODS)
    with timings.section("zabbix_write"):
        chosen, groups = make_host_groups(client, chosen)
        results = apply_actions(client, chosen, snmp_secrets(), settings.tag_prefix)
    if groups:
        host_configs = host_configs.with_host_groups(server, groups, settings)
    writes = sum(n for m, n in client.calls.items() if m in WRITE_METHODS) - before
    touched = {
        r.key: r.hostid
        for r in results
        if r.result != "failed" and r.action not in REMOVALS and r.key in host_configs.servers
    }
    recheck = None
    if touched:
        with timings.section("recheck"):
            recheck = refresh_server(
                server,
                host_configs,
                lambda: client,
                store,
                settings,
                only_keys=list(touched),
                hostids=touched,
            )
    return Reconciled(
        server, plan, results, changed, refused, recheck, writes, host_configs.requested, groups
    )


def _select(
    plan: Sequence[PlannedHost],
    selection: Selection,
    reviewed: Mapping[str, str],
    host_configs: HostConfigs,
) -> tuple[list[PlannedHost], list[str]]:
    only = _keys(selection.only, plan, host_configs)
    chosen, changed = [], []
    for planned in plan:
        if planned.action not in selection.actions or (only and planned.key not in only):
            continue
        if selection.reviewed and reviewed.get(planned.key) != planned.digest:
            changed.append(planned.key)
            continue
        chosen.append(planned)
    return chosen, changed


def _keys(only: Iterable[str], plan: Sequence[PlannedHost], host_configs: HostConfigs) -> set[str]:
    """Host config keys from keys or names (a NetBox name, or a Zabbix host's in a removal)."""
    wanted = set(only)
    by_name = {c.name: c.key for c in host_configs.configs} | {p.name: p.key for p in plan}
    return {by_name.get(w, w) for w in wanted}


def save_reconciled(conn: Connection, result: Reconciled) -> None:
    """Store the touched hosts' new statuses and the plan that remains (of a keyed plan, only
    its keys' rows: the other keys' stay as reviewed), in the caller's transaction."""
    if result.host_groups:
        add_host_groups(conn, result.server, result.host_groups, datetime.now(UTC))
    if result.recheck is not None:
        save_refresh(conn, result.recheck)
    save_server_plan(conn, result.server, result.remaining, keys=result.covered)


def failure(results: Sequence[HostResult], refused: str | None) -> str | None:
    """Why the run fails after committing what succeeded: hosts Zabbix refused, or removals
    over the guard."""
    failed = [r for r in results if r.result == "failed"]
    parts = []
    if failed:
        shown = "; ".join(f"{r.name}: {r.error}" for r in failed[:3])
        parts.append(f"{len(failed)} of {len(results)} hosts failed ({shown})")
    if refused:
        parts.append(f"removals refused: {refused}")
    return ". ".join(parts) or None
