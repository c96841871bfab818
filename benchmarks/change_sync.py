"""Benchmark of change sync: how long an edit in NetBox or Zabbix takes to reach its stored
status, and with ``reconcile_changes`` Zabbix, with the daemon running, beside the full refresh
at the same N.

For each N (default 10,000) it seeds the lab as ``host_config_sync.py`` does (N host configs,
their Zabbix 7.0 hosts, one in 20 drifting, one in 20 missing), imports the Zabbix settings and
fills the state store with a first refresh, and then measures, in this order:

1. the full refresh with nothing changed (the baseline: what a timer-driven peer does every
   time), and a change run of 10 host configs, each in a process of its own (sections, API
   calls, event-log rows, peak RSS: ``host_config_sync.run_refresh``);
2. an idle tick of ``host_config_changes_sensor`` (its API calls and time);
3. with ``dagster-daemon run`` on the production clocks (a tick every 30 s) and the system jobs'
   intervals at 0, so that only the change sensor launches runs: ``--edits`` NetBox edits of the
   kinds below, spread over ``--minutes`` minutes, and ``--zabbix-edits`` Zabbix host edits by
   hand, each timed from the edit to the stored status that reflects it (its ``checked_at``
   after the edit; a deleted device's status gone; a created one's there);
4. with ``reconcile_changes`` on, ``--reconcile-edits`` NetBox edits timed to Zabbix: the host's
   host groups or interface IP as the edit wants them.

NetBox edits, in turn: a primary IP's address, a device's role (its host groups change), a tag
added (its host groups change), the ``zabbix_templates`` custom field set, a device created, a
device deleted; one site rename (every host config of the site is checked again: at most one
per run, the rest take the role). Zabbix edits: a managed host disabled, put in a host group or
deleted by hand (a host's tags edited alone are not in Zabbix's audit log). The NetBox
write-back is off (``NBZBX_NETBOX_WRITEBACK=false``), as in the refresh benchmark: NetBox
writes about 48 objects/s, and a site rename's write-back would be minutes of that. At the end
the lab is seeded with the demo data again and the benchmark's databases are dropped.

    .venv/bin/python benchmarks/change_sync.py [--n 10000 100000] [--edits 20] [--minutes 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
import host_config_sync as refresh_bench

from nbzbx_dagster.defs.host_sync.sensors import CHANGES_TAG
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import host_config_status
from nbzbx_dagster.zabbix.client import ZabbixClient

warnings.simplefilter("ignore")
VENV_BIN = Path(sys.executable).parent
INTERVALS = ("zabbix_import_interval", "host_config_sync_interval", "maintenance_cleanup_interval")
NETBOX_KINDS = ("primary IP", "role", "tag", "templates field", "created", "deleted", "site")
ZABBIX_KINDS = ("disabled by hand", "put in a group by hand", "deleted by hand")
RECONCILE_KINDS = ("role", "tag", "primary IP")
GIVE_UP = 300.0  # seconds after which an edit counts as never reached


@dataclass
class Edit:
    kind: str
    key: str
    name: str
    made: float  # time.monotonic() of the edit
    made_utc: datetime
    reached: Callable[[dict[str, Any] | None], bool]
    seconds: float | None = None


@dataclass
class Latencies:
    edits: list[Edit] = field(default_factory=list)

    def seconds(self) -> list[float]:
        return sorted(e.seconds for e in self.edits if e.seconds is not None)

    def percentile(self, p: float) -> float | None:
        values = self.seconds()
        if not values:
            return None
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]

    @property
    def missed(self) -> int:
        return sum(e.seconds is None for e in self.edits)


# -- the lab's objects ---------------------------------------------------------------------------


class Lab:
    """The seeded NetBox and Zabbix, and the statuses the first refresh stored."""

    def __init__(self, store: StateStore) -> None:
        self.netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token(), 120)
        self.api = self.netbox.api
        self.zabbix = ZabbixClient.connect(
            services.zabbix_url("7.0"),
            user=services.ZABBIX_USER,
            password=services.ZABBIX_PASSWORD,
            timeout=120,
        )
        self.store = store
        with store.connect() as conn:
            rows = conn.execute(
                sa.select(
                    host_config_status.c.partition_key,
                    host_config_status.c.name,
                    host_config_status.c.zabbix_hostid,
                    host_config_status.c.status,
                )
            ).all()
        # lab-a servers in sync: their edits change what the rules give them
        self.servers = [
            r for r in rows if r.name.startswith("bench-dev-") and r.status == "in_sync"
        ]
        self.servers = [
            r for r in self.servers if int(r.name[-5:]) % 3 == 2 and int(r.name[-5:]) % 4 != 3
        ]
        self.taken = 0

    def next_server(self) -> Any:
        row = self.servers[(self.taken * 7919) % len(self.servers)]
        self.taken += 1
        return row

    def device(self, key: str) -> Any:
        return self.api.dcim.devices.get(int(key.split("-")[1]))

    def close(self) -> None:
        self.zabbix.close()


def _status(store: StateStore, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    table = host_config_status
    with store.connect() as conn:
        rows = conn.execute(
            sa.select(table.c.partition_key, table.c.checked_at, table.c.status).where(
                table.c.partition_key.in_(list(keys))
            )
        ).all()
    return {r.partition_key: {"checked_at": r.checked_at, "status": r.status} for r in rows}


def _checked_after(when: datetime) -> Callable[[dict[str, Any] | None], bool]:
    return lambda row: row is not None and row["checked_at"] > when


def _ip(n: int) -> str:
    return f"172.16.{n // 250}.{n % 250 + 1}"


def netbox_edit(lab: Lab, kind: str, n: int, row: Any = None) -> tuple[str, str, Callable]:
    """Make one NetBox edit of ``kind`` (to ``row``'s device, else the next server's); the key
    to watch, its name, and a test of its status made from the edit's time."""
    if kind == "created":
        site = lab.api.dcim.sites.get(slug="lab-a")
        role = lab.api.dcim.device_roles.get(slug="server")
        box = lab.api.dcim.device_types.get(slug="bench-box")
        device = lab.api.dcim.devices.create(
            name=f"bench-new-{n:03d}", site=site.id, role=role.id, device_type=box.id
        )
        return f"device-{device.id}", device.name, lambda when: (lambda r: r is not None)
    row = row or lab.next_server()
    device = lab.device(row.partition_key)
    if kind == "deleted":
        device.delete()
        return row.partition_key, row.name, lambda when: (lambda r: r is None)
    if kind == "primary IP":
        address = lab.api.ipam.ip_addresses.get(device.primary_ip4.id)
        address.address = f"{_ip(n)}/16"
        address.save()
    elif kind == "role":
        device.role = lab.api.dcim.device_roles.get(slug="router").id
        device.save()
    elif kind == "tag":
        web = lab.api.extras.tags.get(slug="web")
        device.tags = [*[t.id for t in device.tags], web.id]
        device.save()
    elif kind == "templates field":
        device.custom_fields["zabbix_templates"] = ["nbzbx Base"]
        device.save()
    elif kind == "site":
        site = lab.api.dcim.sites.get(slug="lab-a")
        site.name = f"Lab A ({n})"
        site.save()
    else:
        raise ValueError(kind)
    return row.partition_key, row.name, _checked_after


def zabbix_edit(lab: Lab, kind: str) -> tuple[str, str, Callable]:
    """Edit, by hand, the Zabbix host of the next server."""
    row = lab.next_server()
    if kind == "disabled by hand":
        lab_zabbix.update_host(lab.zabbix, row.zabbix_hostid, {"status": "disabled"})
    elif kind == "put in a group by hand":  # a tag edit is not in the audit log
        (group,) = lab.zabbix.call(
            "hostgroup.get", {"output": ["groupid"], "filter": {"name": "Web"}}
        )
        hosts = [{"hostid": row.zabbix_hostid}]
        lab.zabbix.call("hostgroup.massadd", {"groups": [group], "hosts": hosts})
    else:
        lab_zabbix.delete_hosts(lab.zabbix, [row.zabbix_hostid])
    return row.partition_key, row.name, _checked_after


def reconcile_edit(lab: Lab, kind: str, n: int) -> tuple[str, str, Callable[[], bool]]:
    """A NetBox edit that ``reconcile_changes`` carries to Zabbix; a test of the Zabbix host:
    the lab rules give a server turned router only host group NetBox, a server tagged web
    host group Web, and the interface follows the primary IP."""
    row = lab.next_server()
    key, name, _ = netbox_edit(lab, kind, n, row)

    def in_zabbix() -> bool:
        hosts = lab.zabbix.call(
            "host.get",
            {
                "hostids": [row.zabbix_hostid],
                "selectHostGroups": ["name"],
                "selectInterfaces": ["ip"],
            },
        )
        if not hosts:
            return False
        groups = {g["name"] for g in hosts[0]["hostgroups"]}
        if kind == "role":
            return groups == {"NetBox"}
        if kind == "tag":
            return "Web" in groups
        return any(i["ip"] == _ip(n) for i in hosts[0]["interfaces"])

    return key, name, in_zabbix


# -- the daemon ----------------------------------------------------------------------------------


def start_daemon(home: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_HOME")}
    env |= {"DAGSTER_HOME": str(home), "NBZBX_NETBOX_WRITEBACK": "false"}
    log = (home / "daemon.log").open("wb")
    return subprocess.Popen(
        [str(VENV_BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=services.REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_daemon(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # a daemon that does not stop is killed
            os.killpg(proc.pid, signal.SIGKILL)


def wait_first_tick(instance: dg.DagsterInstance, proc: Any) -> float:
    """Seconds until the change sensor has ticked once (its cursor starts at the log's end)."""
    from nbzbx_dagster.defs.dagster_internals import sensor_states
    from nbzbx_dagster.defs.host_sync.sensors import SENSOR

    started = time.monotonic()
    while time.monotonic() - started < 180:
        if proc.poll() is not None:
            sys.exit("dagster-daemon exited; see its daemon.log")
        states = sensor_states(instance, SENSOR)
        if states and instance.get_ticks(
            states[0].instigator_origin_id, states[0].selector_id, limit=1
        ):
            return time.monotonic() - started
        time.sleep(1)
    sys.exit("host_config_changes_sensor did not tick within 180 s")


def watch(store: StateStore, edits: list[Edit], until: float) -> None:
    """Poll the stored statuses of the pending edits until each is reached or ``until``."""
    while time.monotonic() < until:
        pending = [e for e in edits if e.seconds is None]
        if not pending:
            return
        rows = _status(store, [e.key for e in pending])
        now = time.monotonic()
        for edit in pending:
            if edit.reached(rows.get(edit.key)):
                edit.seconds = now - edit.made
        time.sleep(0.5)


def spread(count: int, minutes: float) -> float:
    return minutes * 60 / max(count, 1)


def edit_phase(lab: Lab, args: argparse.Namespace) -> tuple[Latencies, Latencies]:
    """NetBox and Zabbix edits, spread over the minutes, each watched until reached."""
    netbox, zabbix = Latencies(), Latencies()
    plan: list[tuple[str, str]] = []
    site_done = False
    for i in range(args.edits):
        kind = NETBOX_KINDS[i % len(NETBOX_KINDS)]
        if kind == "site":
            kind, site_done = ("role", True) if site_done else ("site", True)
        plan.append(("netbox", kind))
    for i in range(args.zabbix_edits):
        plan.insert(
            (i * 2 + 1) * len(plan) // (2 * args.zabbix_edits + 1), ("zabbix", ZABBIX_KINDS[i % 3])
        )
    gap = spread(len(plan), args.minutes)
    for i, (system, kind) in enumerate(plan):
        due = time.monotonic() + gap
        made_utc, made = datetime.now(UTC), time.monotonic()
        if system == "netbox":
            key, name, test = netbox_edit(lab, kind, i)
            target = netbox
        else:
            key, name, test = zabbix_edit(lab, kind)
            target = zabbix
        target.edits.append(Edit(kind, key, name, made, made_utc, test(made_utc)))
        print(f"    {system} {kind}: {name}", flush=True)
        watch(lab.store, netbox.edits + zabbix.edits, due)
    watch(lab.store, netbox.edits + zabbix.edits, time.monotonic() + GIVE_UP)
    return netbox, zabbix


def reconcile_phase(lab: Lab, args: argparse.Namespace) -> Latencies:
    lab.store.set_override("reconcile_changes", True, by="benchmark")
    found = Latencies()
    checks: list[tuple[Edit, Callable[[], bool]]] = []
    gap = spread(args.reconcile_edits, args.minutes / 2)
    for i in range(args.reconcile_edits):
        kind = RECONCILE_KINDS[i % len(RECONCILE_KINDS)]
        made_utc, made = datetime.now(UTC), time.monotonic()
        key, name, in_zabbix = reconcile_edit(lab, kind, 200 + i)
        edit = Edit(kind, key, name, made, made_utc, lambda row: False)
        found.edits.append(edit)
        checks.append((edit, in_zabbix))
        print(f"    netbox {kind} (to Zabbix): {name}", flush=True)
        due = time.monotonic() + (gap if i < args.reconcile_edits - 1 else GIVE_UP)
        while time.monotonic() < due and any(e.seconds is None for e, _ in checks):
            for edit, test in checks:
                if edit.seconds is None and test():
                    edit.seconds = time.monotonic() - edit.made
            time.sleep(1)
    lab.store.set_override("reconcile_changes", False, by="benchmark")
    return found


def change_runs(instance: dg.DagsterInstance) -> list[dg.RunRecord]:
    records = instance.get_run_records(dg.RunsFilter(job_name=refresh_bench.JOB))
    return [r for r in records if CHANGES_TAG in r.dagster_run.tags]


# -- one size, the report ------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    full: refresh_bench.Refresh
    change: refresh_bench.Refresh
    idle: refresh_bench.IdleTick
    first_tick: float
    netbox: Latencies
    zabbix: Latencies
    reconcile: Latencies
    runs: int
    run_seconds: list[float]


def bench_size(n: int, args: argparse.Namespace, home: Path) -> SizeResult:
    print(f"N = {n:,}")
    timed = refresh_bench.timed
    refresh_bench.seed_size(n, args, {})
    for database in (refresh_bench.STATE_DB, refresh_bench.DAGSTER_DB):
        refresh_bench.fresh_database(database)
    os.environ["NBZBX_DATABASE_URL"] = services.database_url(refresh_bench.STATE_DB)
    instance = refresh_bench.instance_for(refresh_bench.DAGSTER_DB, True, home)
    timed("import_zabbix_settings (not timed)", lambda: refresh_bench.import_settings(instance))

    def refresh(label: str, keys: list[str] | None = None) -> refresh_bench.Refresh:
        return refresh_bench.run_refresh(label, refresh_bench.DAGSTER_DB, False, keys)

    timed("refresh: first, fills the store (not timed)", lambda: refresh("first"))
    full = timed("refresh: the full refresh, nothing changed", lambda: refresh("full"))
    store = StateStore(os.environ["NBZBX_DATABASE_URL"])
    lab = Lab(store)
    keys = [r.partition_key for r in lab.servers[:: max(1, len(lab.servers) // 10)][:10]]
    change = timed("refresh: a change run of 10 host configs", lambda: refresh("change", keys))
    idle = timed("an idle tick", lambda: refresh_bench.idle_tick(services.zabbix_url("7.0")))
    for setting in INTERVALS:
        store.set_override(setting, 0, by="benchmark")
    proc = start_daemon(home)
    try:
        first_tick = timed(
            "dagster-daemon: the change sensor's first tick",
            lambda: wait_first_tick(instance, proc),
        )
        netbox, zabbix = timed(
            f"{args.edits} NetBox and {args.zabbix_edits} Zabbix edits over {args.minutes} min",
            lambda: edit_phase(lab, args),
        )
        reconcile = timed(
            f"{args.reconcile_edits} NetBox edits to Zabbix (reconcile_changes on)",
            lambda: reconcile_phase(lab, args),
        )
        records = change_runs(instance)
    finally:
        stop_daemon(proc)
        lab.close()
        store.dispose()
    seconds = sorted(r.end_time - r.start_time for r in records if r.start_time and r.end_time)
    return SizeResult(
        n, full, change, idle, first_tick, netbox, zabbix, reconcile, len(records), seconds
    )


def _s(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f} s"


def calls(refresh: refresh_bench.Refresh) -> int:
    return refresh.calls("netbox") + refresh.calls("zabbix")


def print_report(results: Sequence[SizeResult]) -> None:
    megabytes = refresh_bench.megabytes
    print()
    print("| | " + " | ".join(f"{r.n:,}" for r in results) + " |")
    print("| --- |" + " --- |" * len(results))

    def row(label: str, values: Sequence[str]) -> None:
        print(f"| {label} | " + " | ".join(values) + " |")

    for label, lat in (
        ("NetBox edit → stored status", "netbox"),
        ("Zabbix edit → stored status", "zabbix"),
        ("NetBox edit → Zabbix (reconcile_changes)", "reconcile"),
    ):
        values = []
        for r in results:
            latencies: Latencies = getattr(r, lat)
            missed = f", {latencies.missed} never" if latencies.missed else ""
            values.append(
                f"p50 {_s(latencies.percentile(50))}, p95 {_s(latencies.percentile(95))}"
                f" ({len(latencies.edits)} edits{missed})"
            )
        row(label, values)

    def median_run(r: SizeResult) -> str:
        return (
            f"{r.runs}, {statistics.median(r.run_seconds):.1f} s" if r.run_seconds else f"{r.runs}"
        )

    figures: list[tuple[str, Callable[[SizeResult], str]]] = [
        (
            "full refresh, nothing changed: wall / own work",
            lambda r: f"{r.full.wall:.1f} s / {r.full.project:.1f} s",
        ),
        (
            "change run of 10: wall / own work",
            lambda r: f"{r.change.wall:.1f} s / {r.change.project:.2f} s",
        ),
        ("full refresh / change run (wall)", lambda r: f"{r.full.wall / r.change.wall:.1f}x"),
        (
            "API calls NetBox + Zabbix: full / change run",
            lambda r: f"{calls(r.full)} / {calls(r.change)}",
        ),
        ("event-log rows: full / change run", lambda r: f"{r.full.events} / {r.change.events}"),
        (
            "peak RSS: full / change run",
            lambda r: f"{megabytes(r.full.peak_rss)} / {megabytes(r.change.peak_rss)}",
        ),
        (
            "idle tick: calls NetBox / Zabbix, time",
            lambda r: f"{r.idle.netbox_calls} / {r.idle.zabbix_calls}, {r.idle.seconds:.2f} s",
        ),
        ("change runs the daemon launched, median run time", median_run),
    ]
    for label, figure in figures:
        row(label, [figure(r) for r in results])
    print()
    for r in results:
        print(f"N = {r.n:,}, per edit:")
        for system, latencies in (
            ("netbox", r.netbox),
            ("zabbix", r.zabbix),
            ("to zabbix", r.reconcile),
        ):
            for e in latencies.edits:
                print(f"  {system:<9} {e.kind:<17} {e.name:<16} {_s(e.seconds)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10000])
    parser.add_argument("--edits", type=int, default=20, help="NetBox edits")
    parser.add_argument("--zabbix-edits", type=int, default=5)
    parser.add_argument("--reconcile-edits", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=5, help="over which the edits spread")
    parser.add_argument("--zabbix-batch", type=int, default=250, help="hosts per host.create")
    parser.add_argument("--no-reseed", action="store_true", help="leave the benchmark data")
    args = parser.parse_args(argv)
    os.environ.update(services.env("7.0"))
    home = Path(tempfile.mkdtemp(prefix="nbzbx-bench-home-"))
    (home / "dagster.yaml").symlink_to(services.LAB_DAGSTER_YAML)
    started = time.perf_counter()
    results = [bench_size(n, args, home) for n in args.n]
    print_report(results)
    if not args.no_reseed:
        refresh_bench.timed("seeding the lab's demo data again", refresh_bench.reseed_demo)
        for database in (refresh_bench.STATE_DB, refresh_bench.DAGSTER_DB):
            refresh_bench.drop_database(database)
        shutil.rmtree(home)
    print(f"benchmark total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
