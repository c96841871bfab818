"""Benchmark of ``host_config_sync_refresh`` over N host configs, next to a reference-style check.

For each N (default 1,000 and 10,000) it resets the lab's databases, then seeds:

- NetBox: N host configs (nine in ten devices, one in ten VMs; routers, switches and servers in
  two sites, each with an interface and a primary IPv4; half the VMs tagged ``web``), made with
  Django ``bulk_create`` inside ``netbox nbshell`` (REST creation runs at about 21 objects/s);
- Zabbix 7.0: the lab's demo templates, host groups, proxies and proxy group, and a host for
  each host config as the lab settings (``lab-settings.yaml``: templates, proxies, tags) want it,
  except one in twenty drifting (an extra tag, another template, a host group too few, another
  proxy, another IP, in turn) and one in twenty missing;

imports the Zabbix settings (``import_zabbix_settings``, not timed), and measures, in one run:

1. nbzbx, the timed refresh: ONE ``host_config_sync_refresh`` with ``cutoff`` 0 (every host
   config), executed in process on a PostgreSQL Dagster instance (a fresh database
   ``nbzbx_bench_dagster``, DAGSTER_HOME a temporary folder with deploy/dagster-postgres.yaml)
   reached through the lab's PgBouncer, and a PostgreSQL state store (``nbzbx_bench_state``).
   The NetBox write-back is off in this run (``NBZBX_NETBOX_WRITEBACK=false``) and measured on its
   own (3.), because NetBox writes (about 48 objects/s) would otherwise hide everything else;
2. the same refresh on a fresh Dagster database reached directly, without PgBouncer (for N up to
   ``--direct-up-to``, default 10,000: both sizes); the state store is the one of 1.;
3. the write-back: the refresh again with the write-back on, which writes ``zabbix_hostid`` and
   ``zabbix_sync_status`` of every host config (NetBox has none yet); then 1 % of the Zabbix hosts
   are deleted and a last refresh writes only the values that changed;
4. reference-style baselines on ``--baseline-sample`` host configs (default 1,000), extrapolated
   linearly to N: the reference plugin's pattern, a new client, ``user.login`` and one
   ``host.get`` per host; and a kinder one: one login, then one ``host.get`` per host. Both leave
   the reference's comparison and database writes out, so they are lower bounds.

The job reports its own sections (output metadata ``timings_s``) and API calls (``api_calls``);
the table splits the wall time into the project's own work, Dagster's per-partition bookkeeping
(partitions, materialization events) and the rest of the run (run and step start and finish).
At the end the lab is seeded with the demo data again and the benchmark's own databases are
dropped (``--no-reseed`` leaves everything as it is).

    .venv/bin/python benchmarks/host_config_sync.py [--n 1000 10000] [--baseline-sample 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg2
import requests
from pyzabbix import ZabbixAPI

from nbzbx_dagster.lab import services
from nbzbx_dagster.lab.seed import seed_zabbix, zabbix_index
from nbzbx_dagster.netbox import client as netbox_client
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import read_host_configs
from nbzbx_dagster.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

warnings.simplefilter("ignore")  # Dagster's beta and deprecation notes, not the figures
JOB = "host_config_sync_refresh"
IMPORT_JOB = "import_zabbix_settings"
OP = "refresh_host_config_sync_status"
STATE_DB = "nbzbx_bench_state"
DAGSTER_DB = "nbzbx_bench_dagster"
DAGSTER_DIRECT_DB = "nbzbx_bench_dagster_direct"
PROJECT_SECTIONS = ("netbox_read", "desired_state", "store_read", "zabbix_read", "compare")
STORE_WRITE = "store_write"
DAGSTER_SECTIONS = ("dagster_partitions", "dagster_events")
DRIFT_KINDS = ("tag", "template", "group", "proxy", "ip")

# -- seeding -------------------------------------------------------------------------------------

NETBOX_SEED = """
import json
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from netaddr import IPNetwork
from dcim.models import Device, DeviceRole, DeviceType, Interface, Manufacturer, Platform, Site
from extras.models import Tag, TaggedItem
from ipam.models import IPAddress
from virtualization.models import Cluster, ClusterType, VirtualMachine, VMInterface

N, VMS = {n}, {vms}
def get(cls, slug, **defaults):
    return cls.objects.get_or_create(slug=slug, defaults=defaults)[0]
def ips(first, ifaces, ctype):
    return [
        IPAddress(address=IPNetwork(f"{{first}}.{{k // 65536}}.{{k // 256 % 256}}.{{k % 256}}/8"),
                  assigned_object_type=ctype, assigned_object_id=iface.id, status="active")
        for k, iface in enumerate(ifaces, start=1)
    ]
with transaction.atomic():
    sites = {{s: get(Site, s, name=n) for s, n in (("lab-a", "Lab A"), ("zurich", "Zürich"))}}
    roles = {{s: get(DeviceRole, s, name=s.title(), vm_role=True)
              for s in ("router", "switch", "server")}}
    platforms = {{s: get(Platform, s, name=n) for s, n in (("linux", "Linux"), ("ios", "IOS"))}}
    web = get(Tag, "web", name="Web")
    maker = get(Manufacturer, "generic", name="Generic")
    box = get(DeviceType, "bench-box", model="Bench box", manufacturer=maker)
    ctype = get(ClusterType, "virtual", name="Virtual")
    cluster = Cluster.objects.get_or_create(name="lab-cluster", defaults={{"type": ctype}})[0]
    devices = []
    for i in range(N - VMS):
        role = ("router", "switch", "server")[i % 3]
        devices.append(Device(
            name=f"bench-dev-{{i:05d}}", site=sites["zurich" if i % 4 == 3 else "lab-a"],
            role=roles[role], device_type=box,
            platform=platforms["linux" if role == "server" else "ios"],
            status="planned" if i % 50 == 7 else "active", custom_field_data={{}},
        ))
    Device.objects.bulk_create(devices, batch_size=1000)
    vms = [
        VirtualMachine(name=f"bench-vm-{{i:05d}}", cluster=cluster, role=roles["server"],
                       platform=platforms["linux"], status="active", custom_field_data={{}})
        for i in range(VMS)
    ]
    VirtualMachine.objects.bulk_create(vms, batch_size=1000)
    ifaces = Interface.objects.bulk_create(
        [Interface(device=d, name="mgmt0", type="virtual") for d in devices], batch_size=1000)
    vifaces = VMInterface.objects.bulk_create(
        [VMInterface(virtual_machine=v, name="eth0") for v in vms], batch_size=1000)
    get_type = ContentType.objects.get_for_model
    addresses = ips(10, ifaces, get_type(Interface)) + ips(11, vifaces, get_type(VMInterface))
    IPAddress.objects.bulk_create(addresses, batch_size=1000)
    for obj, ip in zip(devices + vms, addresses):
        obj.primary_ip4 = ip
    Device.objects.bulk_update(devices, ["primary_ip4"], batch_size=1000)
    VirtualMachine.objects.bulk_update(vms, ["primary_ip4"], batch_size=1000)
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=web, content_type=get_type(VirtualMachine), object_id=v.id)
         for v in vms[::2]])
print("SEEDED " + json.dumps({{"devices": len(devices), "virtual_machines": len(vms)}}))
"""


def seed_netbox(n: int) -> dict[str, int]:
    script = NETBOX_SEED.format(n=n, vms=n // 10)
    done = subprocess.run(
        ["bash", str(services.LAB_SCRIPT), "nbshell"],
        input=script,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("SEEDED "):
            return json.loads(line.removeprefix("SEEDED "))
    sys.exit(f"seeding NetBox failed:\n{done.stderr[-2000:]}")


@dataclass
class ZabbixSeed:
    hosts: int = 0
    drifting: int = 0
    missing: int = 0
    hostids: dict[str, str] = field(default_factory=dict)  # technical name -> hostid


def seed_zabbix_hosts(client: ZabbixClient, netbox: NetBoxClient) -> ZabbixSeed:
    """Hosts as the lab settings want them; one in 20 drifting, one in 20 missing."""
    seed_zabbix(client)
    settings = load_settings(env={"NBZBX_CONFIG": str(services.LAB_SETTINGS)})
    configs = read_host_configs(netbox, {}, {}, True)
    index = zabbix_index(client)
    seeded, specs = ZabbixSeed(), []
    for i, config in enumerate(configs):
        if i % 20 == 2:
            seeded.missing += 1
            continue
        spec = desired_host(config, settings, index)
        if i % 20 == 1:
            seeded.drifting += 1
            drift(spec, DRIFT_KINDS[(i // 20) % len(DRIFT_KINDS)], index)
        specs.append(spec)
    ids = zapi.create_hosts(client, specs, batch=250)
    seeded.hosts = len(ids)
    seeded.hostids = {spec["host"]: hostid for spec, hostid in zip(specs, ids, strict=True)}
    return seeded


def drift(spec: dict[str, Any], kind: str, index: Any) -> None:
    if kind == "tag":
        spec["tags"] = [*spec["tags"], {"tag": "owner", "value": "noc"}]
    elif kind == "template":
        spec["templates"] = [index.templates["nbzbx Base"]]
    elif kind == "group":
        groups = spec["groups"]
        spec["groups"] = groups[:-1] if len(groups) > 1 else [*groups, index.host_groups["Web"]]
    elif kind == "proxy":
        if spec["monitored_by"] == "proxy":
            spec.update(monitored_by="server", proxyid=None)
        else:
            spec.update(monitored_by="proxy", proxyid=index.proxies["proxy-lab-a"])
    else:
        spec["interfaces"] = [{**spec["interfaces"][0], "ip": "192.0.2.250"}]


def drop_database(name: str, create: bool = False) -> None:
    conn = psycopg2.connect(services.database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def fresh_database(name: str) -> None:
    drop_database(name, create=True)


def count_events(database: str, run_id: str) -> int:
    conn = psycopg2.connect(services.database_url(database))
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM event_logs WHERE run_id = %s", (run_id,))
        (count,) = cur.fetchone()
    conn.close()
    return int(count)


# -- nbzbx -----------------------------------------------------------------------------------------


def instance_for(database: str, pooled: bool, home: Path) -> dg.DagsterInstance:
    """A PostgreSQL Dagster instance from deploy/dagster-postgres.yaml."""
    os.environ["NBZBX_DAGSTER_PG_URL"] = services.database_url(database, pooled=pooled)
    os.environ["DAGSTER_HOME"] = str(home)
    return dg.DagsterInstance.get()


@dataclass
class Refresh:
    label: str
    wall: float
    step: float
    timings: dict[str, float]
    api_calls: dict[str, dict[str, int]]
    summary: dict[str, Any]
    events: int
    written: int = 0

    def section(self, *names: str) -> float:
        return sum(self.timings.get(n, 0.0) for n in names)

    @property
    def project(self) -> float:
        return self.section(*PROJECT_SECTIONS, STORE_WRITE)

    @property
    def bookkeeping(self) -> float:
        return self.section(*DAGSTER_SECTIONS)

    @property
    def writeback(self) -> float:
        return self.section("netbox_writeback")

    @property
    def run_overhead(self) -> float:
        """Run creation, run and step start/finish, resources: the wall time outside the step's
        measured sections."""
        return self.wall - self.project - self.bookkeeping - self.writeback

    def calls(self, system: str) -> int:
        return sum(self.api_calls.get(system, {}).values())


def run_refresh(
    label: str, instance: dg.DagsterInstance, database: str, writeback: bool
) -> Refresh:
    from nbzbx_dagster.definitions import defs  # imported late: after the environment is set

    os.environ["NBZBX_NETBOX_WRITEBACK"] = "true" if writeback else "false"
    # Every Dagster run is a new process in production: no cached NetBox filter schema.
    netbox_client._FILTER_SCHEMAS.clear()
    job = defs.resolve_job_def(JOB)
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={SYSTEM_JOB_TAG: JOB},
        run_config={
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            "ops": {OP: {"config": {"cutoff": 0}}},
        },
    )
    wall = time.perf_counter() - started
    if not result.success:
        sys.exit(f"{label}: the refresh failed: {result.get_step_failure_events()}")
    (output,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT]
    meta = {k: v.value for k, v in output.step_output_data.metadata.items()}
    refresh = Refresh(
        label,
        wall,
        step_seconds(instance, result.run_id),
        meta["timings_s"],
        meta["api_calls"],
        {k: meta[k] for k in ("total", "in_sync", "out_of_sync", "missing", "failed")},
        count_events(database, result.run_id),
    )
    refresh.written = sum(
        n for call, n in refresh.api_calls["netbox"].items() if call.startswith("PATCH")
    )
    return refresh


def step_seconds(instance: dg.DagsterInstance, run_id: str) -> float:
    times = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is not None and event.event_type in (
            dg.DagsterEventType.STEP_START,
            dg.DagsterEventType.STEP_SUCCESS,
        ):
            times[event.event_type] = entry.timestamp
    return times[dg.DagsterEventType.STEP_SUCCESS] - times[dg.DagsterEventType.STEP_START]


def import_settings(instance: dg.DagsterInstance) -> None:
    from nbzbx_dagster.run_in_process import run_job

    outcome = run_job(IMPORT_JOB, instance=instance)
    if not outcome.success:
        sys.exit(f"import_zabbix_settings failed: {outcome.error}")


TWO_SERVERS = {
    "NBZBX_ZABBIX_SERVERS": json.dumps(
        [{"name": n, "url": services.zabbix_url("7.0")} for n in ("bench-a", "bench-b")]
    ),
    "NBZBX_SERVER_RULES": json.dumps([{"server": "bench-b", "sites": ["zurich"]}]),
    "NBZBX_DEFAULT_SERVER": "bench-a",
    **{
        f"NBZBX_ZABBIX_BENCH_{x}_{k}": v
        for x in ("A", "B")
        for k, v in (("USER", services.ZABBIX_USER), ("PASSWORD", services.ZABBIX_PASSWORD))
    },
}


def two_server_refresh(instance: dg.DagsterInstance) -> Refresh:
    """The same host configs split over two servers (site Zürich on one, the rest on the other),
    both names for the lab's 7.0: what several servers cost beside one, on the same Zabbix."""
    os.environ.update(TWO_SERVERS)
    try:
        import_settings(instance)
        return run_refresh("two servers", instance, DAGSTER_DB, writeback=False)
    finally:
        for key in TWO_SERVERS:
            os.environ.pop(key)


# -- the reference's call pattern -----------------------------------------------------------------

HOST_GET = {
    "output": "extend",
    "selectInterfaces": "extend",
    "selectParentTemplates": ["templateid", "name"],
    "selectTags": "extend",
    "selectHostGroups": ["groupid", "name"],
    "selectInventory": "extend",
}


def baseline(url: str, hostids: Sequence[str], per_host_login: bool) -> tuple[float, Counter]:
    """One ``host.get`` per host; with ``per_host_login`` a new client and login for each, like
    the reference plugin (pyzabbix probes ``apiinfo.version`` at every login)."""
    calls: Counter[str] = Counter()
    started = time.perf_counter()
    api = None
    for hostid in hostids:
        if api is None or per_host_login:
            api = ZabbixAPI(url, session=requests.Session())
            api.login(services.ZABBIX_USER, services.ZABBIX_PASSWORD)
            calls.update(["apiinfo.version", "user.login"])
        api.do_request("host.get", {**HOST_GET, "hostids": [hostid]})
        calls["host.get"] += 1
    return time.perf_counter() - started, calls


@dataclass
class Baseline:
    label: str
    sample: int
    seconds: float
    calls: Counter

    def extrapolated(self, n: int) -> float:
        return self.seconds * n / self.sample

    def extrapolated_calls(self, n: int) -> int:
        """Calls made per host scale with N; a single login does not."""
        per_host = self.calls["host.get"] == self.calls["user.login"]
        once = 0 if per_host else self.calls["user.login"] + self.calls["apiinfo.version"]
        return once + (sum(self.calls.values()) - once) * n // self.sample


# -- one size --------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    n: int
    seed: ZabbixSeed
    refreshes: list[Refresh]
    baselines: list[Baseline]


def timed(label: str, action: Callable[[], Any]) -> Any:
    print(f"  {label} ...", end=" ", flush=True)
    started = time.perf_counter()
    result = action()
    print(f"{time.perf_counter() - started:.1f} s", flush=True)
    return result


def bench_size(n: int, args: argparse.Namespace, home: Path) -> SizeResult:
    print(f"N = {n:,}")
    url = services.zabbix_url("7.0")
    timed("resetting the lab databases", lambda: services.run_script("reset") == 0 or sys.exit(1))
    made = timed(f"seeding NetBox with {n:,} host configs (nbshell)", lambda: seed_netbox(n))
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=300)
    zabbix = ZabbixClient.connect(
        url, user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD, timeout=300
    )
    seed = timed("seeding Zabbix 7.0 with their hosts", lambda: seed_zabbix_hosts(zabbix, netbox))
    print(
        f"  NetBox: {made['devices']:,} devices, {made['virtual_machines']:,} VMs; Zabbix: "
        f"{seed.hosts:,} hosts ({seed.drifting:,} drifting), {seed.missing:,} missing"
    )
    for database in (STATE_DB, DAGSTER_DB, DAGSTER_DIRECT_DB):
        fresh_database(database)
    os.environ["NBZBX_DATABASE_URL"] = services.database_url(STATE_DB)
    pooled = instance_for(DAGSTER_DB, True, home)
    timed("import_zabbix_settings (not timed)", lambda: import_settings(pooled))

    refreshes = [
        timed(
            "refresh, PgBouncer, no write-back",
            lambda: run_refresh("PgBouncer", pooled, DAGSTER_DB, writeback=False),
        )
    ]
    if n <= args.direct_up_to:
        direct = instance_for(DAGSTER_DIRECT_DB, False, home)
        refreshes.append(
            timed(
                "refresh, direct PostgreSQL, no write-back",
                lambda: run_refresh("direct", direct, DAGSTER_DIRECT_DB, writeback=False),
            )
        )
    refreshes.append(
        timed(
            "refresh with write-back (writes all)",
            lambda: run_refresh("write-back, all", pooled, DAGSTER_DB, writeback=True),
        )
    )
    gone = [h for i, h in enumerate(seed.hostids.values()) if i % 100 == 5]
    timed(f"deleting {len(gone)} Zabbix hosts (1 %)", lambda: zapi.delete_hosts(zabbix, gone))
    refreshes.append(
        timed(
            "refresh with write-back (changes only)",
            lambda: run_refresh("write-back, changes", pooled, DAGSTER_DB, writeback=True),
        )
    )

    refreshes.append(
        timed(
            "refresh across two servers (two names on the 7.0), no write-back",
            lambda: two_server_refresh(pooled),
        )
    )

    kept = set(seed.hostids.values()) - set(gone)
    sample = [h for h in seed.hostids.values() if h in kept][: args.baseline_sample]
    baselines = []
    for label, per_host in (("login + host.get per host", True), ("one login, host.get", False)):
        seconds, calls = timed(
            f"baseline, {label}, {len(sample):,} hosts", lambda p=per_host: baseline(url, sample, p)
        )
        baselines.append(Baseline(label, len(sample), seconds, calls))
    zabbix.close()
    return SizeResult(n, seed, refreshes, baselines)


# -- report ----------------------------------------------------------------------------------------


def print_report(results: Sequence[SizeResult]) -> None:
    columns: list[tuple[str, SizeResult, Refresh]] = [
        (f"{r.n:,} {x.label}", r, x) for r in results for x in r.refreshes
    ]
    width = max(22, *(len(c[0]) + 2 for c in columns))

    def row(label: str, values: Sequence[str]) -> None:
        print(f"{label:<40}" + "".join(f"{v:>{width}}" for v in values))

    def pct(part: float, whole: float) -> str:
        return f"{part:.1f} ({100 * part / whole:.0f}%)" if whole else "-"

    print()
    row("N, Dagster storage / run", [c[0] for c in columns])
    row("wall time of the whole run, s", [f"{x.wall:.1f}" for _, _, x in columns])
    row("  project's own work, s (share)", [pct(x.project, x.wall) for _, _, x in columns])
    for name in (*PROJECT_SECTIONS, STORE_WRITE):
        row(f"    {name}", [f"{x.timings.get(name, 0):.2f}" for _, _, x in columns])
    row("  Dagster per-partition, s (share)", [pct(x.bookkeeping, x.wall) for _, _, x in columns])
    for name in DAGSTER_SECTIONS:
        row(f"    {name}", [f"{x.timings.get(name, 0):.2f}" for _, _, x in columns])
    row("  NetBox write-back, s", [f"{x.writeback:.1f}" for _, _, x in columns])
    row("  rest (run start/finish, commit), s", [pct(x.run_overhead, x.wall) for *_, x in columns])
    row("Dagster event-log rows of the run", [f"{x.events:,}" for _, _, x in columns])
    row("NetBox API calls", [f"{x.calls('netbox')}" for _, _, x in columns])
    row("  of which PATCH (write-back batches)", [f"{x.written}" for _, _, x in columns])
    row("Zabbix API calls", [f"{x.calls('zabbix')}" for _, _, x in columns])
    row(
        "statuses in_sync/out_of_sync/missing/err",
        [
            "/".join(str(x.summary[k]) for k in ("in_sync", "out_of_sync", "missing", "failed"))
            for *_, x in columns
        ],
    )
    print("\nAPI calls of the first timed refresh, per method:")
    for result in results:
        first = result.refreshes[0]
        print(f"  N={result.n:,}: NetBox {first.api_calls['netbox']}")
        print(f"  N={result.n:,}: Zabbix {first.api_calls['zabbix']}")
    print("\nReference-style baselines (time for a sample, extrapolated linearly to N):")
    for result in results:
        first = result.refreshes[0]
        for b in result.baselines:
            total = b.extrapolated(result.n)
            calls = b.extrapolated_calls(result.n)
            print(
                f"  N={result.n:,} {b.label:<26} sample {b.sample:,} in {b.seconds:.1f} s -> "
                f"{total:.0f} s, {calls:,} Zabbix calls; vs nbzbx whole run "
                f"{total / first.wall:.1f}x, vs its project work {total / first.project:.0f}x"
            )
    print("\nSeveral servers: the refresh across two servers against the same refresh on one")
    for result in results:
        one = result.refreshes[0]
        two = next(x for x in result.refreshes if x.label == "two servers")
        print(
            f"  N={result.n:,}: two servers {two.wall:.1f} s, one server {one.wall:.1f} s "
            f"({two.wall / one.wall:.2f}x); Zabbix calls {two.calls('zabbix')} vs "
            f"{one.calls('zabbix')}"
        )
    print("\nGoals at 10,000 (2 cores): project's own work <= 60 s, whole refresh <= 240 s, >= 10x")
    for result in results:
        first = result.refreshes[0]
        ref = result.baselines[0].extrapolated(result.n)
        print(
            f"  N={result.n:,}: project {first.project:.1f} s, whole {first.wall:.1f} s, "
            f"{ref / first.wall:.1f}x faster than the reference-style baseline"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--baseline-sample", type=int, default=1000)
    parser.add_argument(
        "--direct-up-to",
        type=int,
        default=10000,
        help="also refresh without PgBouncer for N up to this",
    )
    parser.add_argument(
        "--no-reseed",
        action="store_true",
        help="leave the benchmark data (lab and bench databases) for a look",
    )
    args = parser.parse_args(argv)
    os.environ.update(services.env("7.0"))
    os.environ["NBZBX_CONFIG"] = str(services.LAB_SETTINGS)
    home = Path(tempfile.mkdtemp(prefix="nbzbx-bench-home-"))
    (home / "dagster.yaml").symlink_to(services.LAB_DAGSTER_YAML)
    print(
        f"Dagster instance: {home}/dagster.yaml -> deploy/dagster-postgres.yaml;"
        " Zabbix 7.0, NetBox 4.7.3"
    )
    started = time.perf_counter()
    results = [bench_size(n, args, home) for n in args.n]
    print_report(results)
    if not args.no_reseed:
        print()
        timed(
            "seeding the lab's demo data again (nbzbx lab seed --all-zabbix)",
            lambda: subprocess.run(
                [str(Path(sys.executable).with_name("nbzbx")), "lab", "seed", "--all-zabbix"],
                capture_output=True,
                check=True,
            ),
        )
        for database in (STATE_DB, DAGSTER_DB, DAGSTER_DIRECT_DB):
            drop_database(database)
        shutil.rmtree(home)
    print(f"benchmark total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
