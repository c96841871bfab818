"""The soak test: the daemon with every job at an interval of 1 minute, a minute shortened to
10 s (`SHORT_CLOCKS`), against the lab for N real minutes, while relays in front of Zabbix and
NetBox cycle through healthy, refused, slow and HTTP 500 (seeded), and one run is killed with
SIGKILL. Then it prints and asserts: no two runs of one job overlapped; every failed run has its
event-log row (a run killed after it recorded success keeps that row; one killed before gets
"run worker died"), each failure a one-line cause; no run is left STARTED; once the relays are
healthy, the import and the refresh succeed again and the state store's cache agrees with
Zabbix.

    scripts/soak 15          # the documented 15-minute run (hold /tmp/nbzbx-lab.lock)

``test_soak.py`` runs the same code for 90 s. Relays listen on 127.0.0.1 only; every loop
is bounded and the whole thing stops by itself.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import signal
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import mkdtemp

import dagster as dg
import psycopg2
from chaos_relay import MODES, ChaosRelay
from dagster_process import REPO, SHORT_CLOCKS, VENV_BIN, DagsterProcess, wait_for

from nbzbx_dagster.defs.system_jobs.processes import PID_TAG
from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.lab import services as lab
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, read_cache
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix.catalog import host_groups

IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
# a run the sensor asked for just before the intervals were set to 0 may still be queued
UNFINISHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED, *IN_PROGRESS]
RECOVERING_JOBS = ("import_zabbix_settings", "host_config_sync_refresh")
INTERVALS = ("zabbix_import_interval", "host_config_sync_interval", "maintenance_cleanup_interval")


@dataclass
class Deployment:
    instance: dg.DagsterInstance
    store: StateStore
    zabbix: ChaosRelay
    netbox: ChaosRelay
    dev: DagsterProcess
    env: dict[str, str]


@contextmanager
def deployment(intervals: int = 1, version: str = "7.0") -> Iterator[Deployment]:
    """`dagster-daemon run` on fresh instance and state databases, the lab's Zabbix ``version``
    and NetBox behind relays; everything is stopped and dropped on exit."""
    suffix = uuid.uuid4().hex[:8]
    names = [f"nbzbx_soak_dagster_{suffix}", f"nbzbx_soak_state_{suffix}"]
    admin = psycopg2.connect(lab.database_url("postgres"), connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cur:
        for name in names:
            cur.execute(f'CREATE DATABASE "{name}"')
    home = Path(mkdtemp(prefix="nbzbx-soak-"))
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    zabbix_base = lab.zabbix_url(version).removesuffix("/api_jsonrpc.php")
    dev = instance = None
    try:
        with ChaosRelay(zabbix_base) as zabbix, ChaosRelay(lab.netbox_url()) as netbox:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
            env |= lab.env(version) | SHORT_CLOCKS
            env |= {
                "DAGSTER_HOME": str(home),
                "NBZBX_DAGSTER_PG_URL": lab.database_url(names[0]),
                "NBZBX_DATABASE_URL": lab.database_url(names[1]),
                "NBZBX_ZABBIX_URL": f"{zabbix.url}/api_jsonrpc.php",
                "NBZBX_NETBOX_URL": netbox.url,
                "NBZBX_ZABBIX_TIMEOUT_SECONDS": "10",
                "NBZBX_NETBOX_TIMEOUT_SECONDS": "10",
            }
            store = StateStore(env["NBZBX_DATABASE_URL"])
            store.upgrade()
            for setting in INTERVALS:
                store.set_override(setting, intervals, by="soak")
            os.environ["NBZBX_DAGSTER_PG_URL"] = env["NBZBX_DAGSTER_PG_URL"]
            instance = dg.DagsterInstance.from_config(str(home))
            # the daemon and its code server, no webserver: nothing here looks at the UI
            args = [str(VENV_BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"]
            dev = DagsterProcess(args, env, home / "daemon.log")
            yield Deployment(instance, store, zabbix, netbox, dev, env)
    finally:
        if dev is not None:
            dev.stop()
        if instance is not None:
            instance.dispose()
        with admin.cursor() as cur:
            for name in names:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def runs(d: Deployment, statuses: list[dg.DagsterRunStatus] | None = None) -> list[dg.RunRecord]:
    found = d.instance.get_run_records(dg.RunsFilter(statuses=statuses))
    return [r for r in found if SYSTEM_JOB_TAG in r.dagster_run.tags]


def kill_a_run(d: Deployment) -> str | None:
    """SIGKILL the process of a run in progress; its run id."""
    for record in runs(d, IN_PROGRESS):
        pid = record.dagster_run.tags.get(PID_TAG)
        if pid:
            os.kill(int(pid), signal.SIGKILL)
            return record.dagster_run.run_id
    return None


def soak(minutes: float, seed: int = 10) -> dict:
    """Run the soak; the report (also printed); raises AssertionError on any broken promise."""
    rng = random.Random(seed)
    with deployment() as d:
        end = time.monotonic() + minutes * 60
        kill_at = time.monotonic() + minutes * 60 * 0.4
        killed: str | None = None
        schedule: list[tuple[float, str, str]] = []
        while time.monotonic() < end:
            d.dev.check_alive()
            zabbix_mode, netbox_mode = rng.choice(MODES), rng.choice(MODES)
            schedule.append(
                (round(minutes * 60 - (end - time.monotonic())), zabbix_mode, netbox_mode)
            )
            d.zabbix.set_mode(zabbix_mode)
            d.netbox.set_mode(netbox_mode)
            phase_end = min(end, time.monotonic() + rng.uniform(20, 60))
            while time.monotonic() < phase_end:
                if killed is None and time.monotonic() >= kill_at:
                    killed = kill_a_run(d)
                time.sleep(1)
        d.zabbix.set_mode("healthy")
        d.netbox.set_mode("healthy")
        healthy = time.time()

        def healthy_success(job: str) -> dg.RunRecord | None:
            return next(
                (
                    r
                    for r in runs(d, [dg.DagsterRunStatus.SUCCESS])
                    if r.dagster_run.job_name == job and (r.start_time or 0) > healthy
                ),
                None,
            )

        # The cache is compared with Zabbix below: the import must have run once on healthy
        # relays, whatever the seeded faults did to the runs before.
        for job in RECOVERING_JOBS:
            wait_for(
                f"a {job} run after the relays turned healthy",
                lambda job=job: healthy_success(job),
                240,
                5,
                d.dev,
            )
        for setting in INTERVALS:
            d.store.set_override(setting, 0, by="soak")
        wait_for("no run queued or in progress", lambda: not runs(d, UNFINISHED), 180, 5, d.dev)
        return check(d, minutes, seed, schedule, killed)


def check(d: Deployment, minutes: float, seed: int, schedule: list, killed: str | None) -> dict:
    records = runs(d)
    report: dict = {"minutes": minutes, "seed": seed, "killed_run": killed, "jobs": {}}
    problems: list[str] = []
    events = d.store.list_events(limit=100000)
    for job, group in itertools.groupby(
        sorted(records, key=lambda r: r.dagster_run.job_name), key=lambda r: r.dagster_run.job_name
    ):
        group = list(group)
        failed = [r for r in group if r.dagster_run.status == dg.DagsterRunStatus.FAILURE]
        report["jobs"][job] = {"runs": len(group), "failed": len(failed)}
        # a run that never started did no work; one without an end is still going
        spans = sorted(
            (r.start_time, r.end_time or float("inf")) for r in group if r.start_time is not None
        )
        for (_, a_end), (b_start, _) in itertools.pairwise(spans):
            if a_end > b_start:
                problems.append(f"{job}: overlapping runs ({a_end} > {b_start})")
        for r in failed:
            rows = [e for e in events if e["run_id"] == r.dagster_run.run_id]
            causes = [e["error"] for e in rows if e["status"] == "failure"]
            if not rows:
                problems.append(f"{job} run {r.dagster_run.run_id} failed without an event-log row")
            problems += [f"{job}: cause not one line: {c!r}" for c in causes if "\n" in (c or "x")]
    left = [r.dagster_run.run_id for r in records if r.dagster_run.status in UNFINISHED]
    problems += [f"run {run_id} left in progress" for run_id in left]
    if killed is None:
        problems.append("no run was in progress to be killed")
    else:  # killed after its scopes recorded their outcome, it keeps their rows
        run = d.instance.get_run_by_id(killed)
        if run is None or run.status != dg.DagsterRunStatus.FAILURE:
            problems.append(f"killed run {killed} is not failed")
        rows = [e for e in events if e["run_id"] == killed]
        if not rows:
            problems.append(f"killed run {killed} has no event-log row")
        report["killed_run_rows"] = [(e["status"], e["error"]) for e in rows]
    client = ZabbixClient.connect(
        lab.zabbix_url("7.0"), user=lab.ZABBIX_USER, password=lab.ZABBIX_PASSWORD, timeout=30
    )
    try:
        in_zabbix = {g["groupid"] for g in host_groups(client)}
    finally:
        client.close()
    with d.store.connect() as conn:
        cached = set(read_cache(conn, KINDS["host_groups"], "default"))
    if cached != in_zabbix:
        problems.append(f"cache and Zabbix differ in host groups: {sorted(cached ^ in_zabbix)}")
    report["modes"] = schedule
    report["problems"] = problems
    print(json.dumps(report, indent=2, default=str))
    assert not problems, problems
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--seed", type=int, default=10)
    options = parser.parse_args()
    soak(options.minutes, options.seed)
