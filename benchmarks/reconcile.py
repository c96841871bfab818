"""Benchmark of ``reconcile_zabbix_hosts``: N creates in an empty Zabbix 7.0, then 1,000 updates,
next to a reference-style push measured in the same run.

It resets the lab's databases, seeds NetBox with N host configs (``host_config_sync.py``'s
``bulk_create`` seed) and Zabbix 7.0 with the demo's templates, host groups and proxies but no
host; imports the Zabbix settings and checks every host config once (all missing), then:

1. plans (``zabbix_host_plan``) and runs ``reconcile_zabbix_hosts``, timed: N ``create``;
2. disables 1 in N/1,000 of those hosts in Zabbix behind the project's back (one batched
   ``host.update``), checks again, plans and runs the job, timed: the ``update`` of each;
3. the reference-style push, the peers' pattern, on ``--baseline-sample`` hosts: one
   ``host.create`` per host (the sample deleted first), then one ``host.update`` per host,
   extrapolated linearly to N creates and the updates. It leaves the peers' reads and
   comparisons out, so it is a lower bound of their time.

Both reconcile runs execute in this process on a PostgreSQL Dagster instance reached through
the lab's PgBouncer, with a PostgreSQL state store and the write-back of ``zabbix_hostid`` off
(measured by ``host_config_sync.py``: NetBox writes about 85 objects/s). NetBox's journal is as
slow (an entry is a NetBox object with its change log, even in bulk): it is off in the creates'
run and on in the updates' run, which measures its rate. The job reports its sections
(``timings_s``) and API calls (``api_calls``). At the end the lab gets the demo data again and
the benchmark's databases are dropped.

With ``--every-feature``, ``host_config_sync.py``'s ``EVERY_FEATURE`` settings are on: the
creates carry macros, inventory and descriptions, and the VMs (one in ten) join the status
maintenance window in one write.

    .venv/bin/python benchmarks/reconcile.py [--n 10000] [--updates 1000] [--baseline-sample 200]
        [--every-feature]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

sys.path.insert(0, str(Path(__file__).parent))
from host_config_sync import (
    EVERY_FEATURE,
    drop_database,
    fresh_database,
    instance_for,
    reseed_demo,
    seed_netbox,
    timed,
)

from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.lab.seed import seed_zabbix, zabbix_index
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import read_host_configs
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.repair import WRITE_METHODS
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.hosts_api import create_params, write_params

warnings.simplefilter("ignore")  # Dagster's beta and deprecation notes, not the figures
JOB = "reconcile_zabbix_hosts"
STATE_DB = "nbzbx_bench_reconcile_state"
DAGSTER_DB = "nbzbx_bench_reconcile_dagster"


@dataclass
class Run:
    label: str
    wall: float
    plan: float
    timings: dict[str, float]
    api_calls: dict[str, dict[str, int]]
    summary: dict[str, Any]

    def calls(self, system: str, prefix: str = "") -> int:
        return sum(n for m, n in self.api_calls.get(system, {}).items() if m.startswith(prefix))

    def writes(self) -> int:
        """The Zabbix calls that write: hosts, interfaces, macros, host groups, maintenances."""
        return sum(n for m, n in self.api_calls.get("zabbix", {}).items() if m in WRITE_METHODS)


def run(defs: dg.Definitions, instance: dg.DagsterInstance, name: str, config: dict) -> Any:
    result = defs.resolve_job_def(name).execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={SYSTEM_JOB_TAG: name},
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}, **config},
    )
    if not result.success:
        sys.exit(f"{name} failed: {result.get_step_failure_events()[:1]}")
    return result


def refresh(defs: dg.Definitions, instance: dg.DagsterInstance) -> None:
    config = {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": 0}}}}
    run(defs, instance, "host_config_sync_refresh", config)


def reconcile(label: str, defs: dg.Definitions, instance: dg.DagsterInstance, journal: bool) -> Run:
    from nbzbx_dagster.defs.repair.assets import zabbix_host_plan
    from nbzbx_dagster.defs.resources import build_resources

    os.environ["NBZBX_JOURNAL_ENABLED"] = "true" if journal else "false"
    started = time.perf_counter()
    planned = dg.materialize([zabbix_host_plan], instance=instance, resources=build_resources())
    assert planned.success
    plan = time.perf_counter() - started
    started = time.perf_counter()
    result = run(defs, instance, JOB, {})
    wall = time.perf_counter() - started
    (output,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT]
    meta = {k: v.value for k, v in output.step_output_data.metadata.items()}
    summary = {k: meta[k] for k in ("planned", "applied", "failed", "created", "updated")}
    return Run(label, wall, plan, meta["timings_s"], meta["api_calls"], summary)


def drift(zabbix: ZabbixClient, every: int) -> int:
    """Disable one host in ``every``, in one batched call: the project's hosts to update."""
    hosts = zabbix.call("host.get", {"output": ["hostid"], "sortfield": "hostid"})
    chosen = [h["hostid"] for h in hosts[::every]]
    zabbix.call("host.update", [{"hostid": h, "status": 1} for h in chosen])
    return len(chosen)


@dataclass
class Baseline:
    hosts: int
    create: float
    update: float
    calls: int


def baseline(zabbix: ZabbixClient, netbox: NetBoxClient, sample: int) -> Baseline:
    """One host.create per host, then one host.update per host, on ``sample`` hosts."""
    settings = load_settings(env={"NBZBX_CONFIG": str(services.LAB_SETTINGS)})
    configs = read_host_configs(netbox, {}, {}, True)[:sample]
    index = zabbix_index(zabbix)
    specs = [desired_host(c, settings, index) for c in configs]
    refs = zapi.host_refs(zabbix, names=[s["host"] for s in specs])
    lab_zabbix.delete_hosts(zabbix, [r["hostid"] for r in refs])
    before = sum(zabbix.calls.values())
    started = time.perf_counter()
    hostids = [
        zabbix.call("host.create", create_params(zabbix, spec))["hostids"][0] for spec in specs
    ]
    create = time.perf_counter() - started
    started = time.perf_counter()
    for hostid in hostids:
        zabbix.call(
            "host.update", {**write_params(zabbix, {"status": "disabled"}), "hostid": hostid}
        )
    update = time.perf_counter() - started
    return Baseline(len(specs), create, update, sum(zabbix.calls.values()) - before)


def report(n: int, updates: int, runs: Sequence[Run], base: Baseline, rss_mb: float) -> None:
    create, update = runs
    per_create = base.create / base.hosts
    per_update = base.update / base.hosts
    print()
    print(f"reconcile_zabbix_hosts, N = {n:,} host configs, Zabbix 7.0 (PgBouncer, write-back off)")
    print(f"{'':<34}{'creates':>14}{'updates':>14}")
    print(
        f"{'actions applied':<34}{create.summary['created']:>14,}{update.summary['updated']:>14,}"
    )
    print(f"{'whole run (s)':<34}{create.wall:>14.1f}{update.wall:>14.1f}")
    for section in (
        "netbox_read",
        "desired_state",
        "plan",
        "zabbix_write",
        "recheck",
        "store_write",
        "netbox_journal",
        "dagster_events",
    ):
        a, b = create.timings.get(section, 0.0), update.timings.get(section, 0.0)
        print(f"{'  ' + section + ' (s)':<34}{a:>14.1f}{b:>14.1f}")
    print(f"{'plan asset before the run (s)':<34}{create.plan:>14.1f}{update.plan:>14.1f}")
    print(f"{'Zabbix API calls':<34}{create.calls('zabbix'):>14,}{update.calls('zabbix'):>14,}")
    print(f"{'  of them writes':<34}{create.writes():>14,}{update.writes():>14,}")
    print(
        f"{'  of them maintenance.*':<34}{create.calls('zabbix', 'maintenance.'):>14,}"
        f"{update.calls('zabbix', 'maintenance.'):>14,}"
    )
    print(f"{'NetBox requests':<34}{create.calls('netbox'):>14,}{update.calls('netbox'):>14,}")
    ref_create, ref_update = per_create * n, per_update * updates
    print(f"{'reference-style push (s, extrap.)':<34}{ref_create:>14.1f}{ref_update:>14.1f}")
    print(f"{'  its API calls':<34}{n:>14,}{updates:>14,}")
    ratios = (ref_create / create.wall, ref_update / update.wall)
    print(f"{'  faster than it':<34}{ratios[0]:>13.1f}x{ratios[1]:>13.1f}x")
    print(
        f"baseline: {base.hosts} hosts measured, {base.calls} calls, {per_create * 1000:.1f} ms "
        f"per host.create, {per_update * 1000:.1f} ms per host.update"
    )
    journal = update.timings.get("netbox_journal", 0.0)
    if journal:
        rate = update.summary["updated"] / journal
        print(f"NetBox journal: {rate:.0f} entries/s; {n:,} entries would add {n / rate:.0f} s")
    print(f"peak RSS of this process (runs the job, holds the seed): {rss_mb:,.0f} MB")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--baseline-sample", type=int, default=200)
    parser.add_argument("--no-reseed", action="store_true", help="leave the data for a look")
    parser.add_argument(
        "--every-feature", action="store_true", help="host_config_sync.py's EVERY_FEATURE on"
    )
    args = parser.parse_args(argv)
    os.environ.update(services.env("7.0"))
    if args.every_feature:
        os.environ.update(EVERY_FEATURE)
    os.environ.update(
        NBZBX_CONFIG=str(services.LAB_SETTINGS),
        NBZBX_NETBOX_WRITEBACK="false",
        NBZBX_DATABASE_URL=services.database_url(STATE_DB),
    )
    home = Path(tempfile.mkdtemp(prefix="nbzbx-bench-home-"))
    (home / "dagster.yaml").symlink_to(services.LAB_DAGSTER_YAML)
    started = time.perf_counter()
    print(f"N = {args.n:,}" + (", every feature on" if args.every_feature else ""))
    timed("resetting the lab databases", lambda: services.run_script("reset") == 0 or sys.exit(1))
    timed(f"seeding NetBox with {args.n:,} host configs", lambda: seed_netbox(args.n))
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=300)
    zabbix = ZabbixClient.connect(
        services.zabbix_url("7.0"),
        user=services.ZABBIX_USER,
        password=services.ZABBIX_PASSWORD,
        timeout=300,
    )
    timed("seeding Zabbix 7.0: templates, groups, proxies, no host", lambda: seed_zabbix(zabbix))
    for database in (STATE_DB, DAGSTER_DB):
        fresh_database(database)
    instance = instance_for(DAGSTER_DB, True, home)
    from nbzbx_dagster.definitions import defs  # after the environment is set

    timed("import_zabbix_settings", lambda: run(defs, instance, "import_zabbix_settings", {}))
    timed("refresh (every host config missing)", lambda: refresh(defs, instance))
    creates = timed(
        f"plan + reconcile: {args.n:,} creates",
        lambda: reconcile("create", defs, instance, journal=False),
    )
    every = max(args.n // args.updates, 1)
    drifted = timed("disabling hosts behind the project's back", lambda: drift(zabbix, every))
    timed("refresh", lambda: refresh(defs, instance))
    updates = timed(
        f"plan + reconcile: {drifted:,} updates",
        lambda: reconcile("update", defs, instance, journal=True),
    )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = timed(
        f"reference-style push on {args.baseline_sample} hosts",
        lambda: baseline(zabbix, netbox, args.baseline_sample),
    )
    report(args.n, drifted, [creates, updates], base, rss_mb)
    if not args.no_reseed:
        timed("seeding the lab's demo data again", reseed_demo)
        for database in (STATE_DB, DAGSTER_DB):
            drop_database(database)
        shutil.rmtree(home)
    print(f"benchmark total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
