"""Benchmark of ``host_config_sync_refresh`` over N host configs (up to 100,000), next to a
reference-style check.

For each N (default 1,000 and 10,000) it resets the lab's databases, then seeds:

- NetBox: N host configs (nine in ten devices, one in ten VMs; routers, switches and servers in
  two sites, each with an interface and a primary IPv4; half the VMs tagged ``web``), made with
  Django ``bulk_create`` inside ``netbox nbshell`` (REST creation runs at about 21 objects/s);
- Zabbix 7.0: the lab's demo templates, host groups, proxies and proxy group, and a host for
  each host config as the lab settings (``lab-settings.yaml``: templates, proxies, tags) want it,
  except one in twenty drifting (an extra tag, another template, a host group too few, another
  proxy, another IP, in turn) and one in twenty missing; batched ``host.create``
  (``--zabbix-batch`` hosts per call);

imports the Zabbix settings (``import_zabbix_settings``, not timed), and measures:

1. the timed refresh: ONE ``host_config_sync_refresh`` with ``cutoff`` 0 (every host config),
   executed in a child process of its own (its peak RSS is the job's alone, without the seed
   data), on a PostgreSQL Dagster instance (a fresh database ``nbzbx_bench_dagster``,
   DAGSTER_HOME a temporary folder with deploy/dagster-postgres.yaml) reached through the lab's
   PgBouncer, and a PostgreSQL state store (``nbzbx_bench_state``). The NetBox write-back is off
   (``NBZBX_NETBOX_WRITEBACK=false``): NetBox writes (about 48 objects/s) would hide everything
   else. This is the first refresh: every partition is new;
2. the steady state: the same refresh again with nothing changed, then after 1 % of the Zabbix
   hosts were deleted (1 % of the statuses change); then a change run of 10 host configs (the
   ``keys`` that ``host_config_changes_sensor`` asks for after 10 NetBox edits), beside the full
   refresh at the same N: the ratio of the two is what change sync saves;
3. with every feature of the Zabbix host on (``EVERY_FEATURE``: macros, description, inventory,
   config contexts rendered by NetBox, a status mapping with the VMs in maintenance: the
   refresh reads the status window), the full refresh twice: the first
   finds every host's inventory to write, the second is the steady state with them all on;
4. with ``--extra-up-to`` N or more (default 0: none), as before: the refresh on a Dagster
   database reached directly (no PgBouncer), the write-back (all, then changes only) and the
   refresh across two servers;
5. reference-style baselines on ``--baseline-sample`` host configs (default 1,000), extrapolated
   linearly to N: the reference plugin's pattern, a new client, ``user.login`` and one
   ``host.get`` per host; and a kinder one: one login, then one ``host.get`` per host. Both leave
   the reference's comparison and database writes out, so they are lower bounds.

Every refresh reports its sections (output metadata ``timings_s``), its API calls
(``api_calls``), the peak RSS of the process that ran it, and the event-log rows and bytes it
added (``event_logs`` rows past the last id before the run, and the length of their ``event``
column). The table splits the wall time into the project's own work, Dagster's per-partition
bookkeeping (partitions, materialization events) and the rest of the run (run and step start and
finish). At the end the lab is seeded with the demo data again and the benchmark's own databases
are dropped (``--no-reseed`` leaves everything as it is). ``--seed-only`` measures the seed alone.

    .venv/bin/python benchmarks/host_config_sync.py [--n 1000 10000] [--baseline-sample 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.lab.seed import seed_zabbix, zabbix_index
from nbzbx_dagster.netbox.changelog import latest_change
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import read_host_configs
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_report_rows
from nbzbx_dagster.sync.changes import read_changes
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.names import marker_tag
from nbzbx_dagster.sync.zabbix_changes import read_audit
from nbzbx_dagster.zabbix.auditlog import latest_audit
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
CONSTANT_ROWS = 50
"""Event-log rows a refresh may add whatever N (run and step events, the summary, the check)."""

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


def seed_zabbix_hosts(client: ZabbixClient, netbox: NetBoxClient, batch: int) -> ZabbixSeed:
    """Hosts as the lab settings want them, carrying the marker of their host config as the
    hosts the project created do (so a repair updates them rather than adopting them first);
    one in 20 drifting, one in 20 missing; ``batch`` hosts per ``host.create``."""
    seed_zabbix(client)
    settings = load_settings(env={"NBZBX_CONFIG": str(services.LAB_SETTINGS)})
    configs = read_host_configs(netbox, {}, {}, True)
    index = zabbix_index(client)
    marker = marker_tag(settings.tag_prefix)
    seeded, specs = ZabbixSeed(), []
    for i, config in enumerate(configs):
        if i % 20 == 2:
            seeded.missing += 1
            continue
        spec = desired_host(config, settings, index)
        spec["tags"] = [*spec["tags"], {"tag": marker, "value": config.key}]
        if i % 20 == 1:
            seeded.drifting += 1
            drift(spec, DRIFT_KINDS[(i // 20) % len(DRIFT_KINDS)], index)
        specs.append(spec)
    ids = lab_zabbix.create_hosts(client, specs, batch=batch)
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


def event_log_mark(database: str) -> tuple[int, int]:
    """The last event-log id and the database's size in bytes, before a run."""
    conn = psycopg2.connect(services.database_url(database))
    with conn.cursor() as cur:
        cur.execute(
            "SELECT coalesce(max(id), 0), pg_database_size(current_database()) FROM event_logs"
        )
        last, size = cur.fetchone()
    conn.close()
    return int(last), int(size)


def event_log_added(database: str, mark: tuple[int, int]) -> tuple[int, int, int]:
    """Rows and ``event`` bytes added to the event log since ``mark``; the database's growth."""
    conn = psycopg2.connect(services.database_url(database))
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*), coalesce(sum(octet_length(event)), 0),"
            " pg_database_size(current_database()) FROM event_logs WHERE id > %s",
            (mark[0],),
        )
        rows, size, total = cur.fetchone()
    conn.close()
    return int(rows), int(size), int(total) - mark[1]


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
    peak_rss: int
    """Bytes: the peak resident set of the process that ran the job."""
    events: int = 0
    event_bytes: int = 0
    database_growth: int = 0
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


def child_refresh(keys: list[str] | None) -> None:
    """In the child process: one refresh (a change run of ``keys``, else every host config),
    its figures as a ``RESULT`` line on stdout."""
    from nbzbx_dagster.definitions import defs

    instance = dg.DagsterInstance.get()
    job = defs.resolve_job_def(JOB)
    started = time.perf_counter()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={SYSTEM_JOB_TAG: JOB},
        run_config={
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            "ops": {OP: {"config": {"keys": keys} if keys else {"cutoff": 0}}},
        },
    )
    wall = time.perf_counter() - started
    if not result.success:
        sys.exit(f"the refresh failed: {result.get_step_failure_events()}")
    (output,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT]
    meta = {k: v.value for k, v in output.step_output_data.metadata.items()}
    figures = {
        "wall": wall,
        "step": step_seconds(instance, result.run_id),
        "timings": meta["timings_s"],
        "api_calls": meta["api_calls"],
        "summary": {k: meta[k] for k in ("total", "in_sync", "out_of_sync", "missing", "failed")},
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print("RESULT " + json.dumps(figures), flush=True)


def run_refresh(
    label: str,
    database: str,
    writeback: bool,
    keys: list[str] | None = None,
    settings: dict[str, str] | None = None,
) -> Refresh:
    """One refresh in a child process (a Dagster run is a process of its own in production: no
    cached NetBox filter schema, and its RSS is the job's), with ``settings`` as variables."""
    mark = event_log_mark(database)
    writes = "true" if writeback else "false"
    done = subprocess.run(
        [sys.executable, __file__, "--child-refresh", json.dumps(keys)],
        env={**os.environ, **(settings or {}), "NBZBX_NETBOX_WRITEBACK": writes},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.exit(f"{label}: the refresh failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    refresh = Refresh(label, **json.loads(lines[-1].removeprefix("RESULT ")))
    refresh.events, refresh.event_bytes, refresh.database_growth = event_log_added(database, mark)
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
    from nbzbx_dagster.cli.run_in_process import run_job

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
        return run_refresh("two servers", DAGSTER_DB, writeback=False)
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
class IdleTick:
    """What a tick of host_config_changes_sensor costs when nothing changed: its reads of
    NetBox's change log and of the server's audit log (the sensor's own cursor work aside)."""

    seconds: float
    netbox_calls: int
    zabbix_calls: int


def idle_tick(url: str) -> IdleTick:
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=60)
    zabbix = ZabbixClient.connect(
        url, user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD, timeout=60
    )
    store = StateStore(os.environ["NBZBX_DATABASE_URL"])
    try:
        seen, cursor = latest_change(netbox), latest_audit(zabbix)
        netbox_before, zabbix_before = sum(netbox.calls.values()), sum(zabbix.calls.values())
        started = time.perf_counter()
        read_changes(netbox, store, load_settings(), seen)
        read_audit(zabbix, store, "default", cursor)
        return IdleTick(
            time.perf_counter() - started,
            sum(netbox.calls.values()) - netbox_before,
            sum(zabbix.calls.values()) - zabbix_before,
        )
    finally:
        zabbix.close()
        store.dispose()


@dataclass
class SizeResult:
    n: int
    seed: ZabbixSeed
    refreshes: list[Refresh]
    baselines: list[Baseline]
    seed_seconds: dict[str, float]
    idle: IdleTick

    def refresh(self, label: str) -> Refresh | None:
        return next((x for x in self.refreshes if x.label == label), None)


def timed(label: str, action: Callable[[], Any], into: dict[str, float] | None = None) -> Any:
    print(f"  {label} ...", end=" ", flush=True)
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{seconds:.1f} s", flush=True)
    if into is not None:
        into[label] = seconds
    return result


FIRST, UNCHANGED, CHANGED = "first", "unchanged", "1 % changed"
CHANGE_RUN = "change run, 10"
FEATURES, FEATURES_AGAIN = "every feature", "every feature, again"
EVERY_FEATURE = {
    # issue 22's settings, all on: macros, description and inventory read with each host,
    # NetBox renders each object's config context, a status mapping that puts every VM (one in
    # ten host configs) in the status maintenance window
    "NBZBX_SYNC_MACROS": "true",
    "NBZBX_SYNC_DESCRIPTION": "true",
    "NBZBX_CONFIG_CONTEXT_KEY": "zabbix",
    "NBZBX_INVENTORY": json.dumps(
        {
            "serialno_a": "serial",
            "vendor": "manufacturer",
            "model": "device_type",
            "location": "site",
        }
    ),
    "NBZBX_STATUS_MAPPING": json.dumps(
        {"device": {"planned": "enabled"}, "vm": {"active": "maintenance"}}
    ),
}


def seed_size(n: int, args: argparse.Namespace, seconds: dict[str, float]) -> ZabbixSeed:
    url = services.zabbix_url("7.0")
    timed("resetting the lab databases", lambda: services.run_script("reset") == 0 or sys.exit(1))
    made = timed("seeding NetBox (nbshell)", lambda: seed_netbox(n), seconds)
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=600)
    zabbix = ZabbixClient.connect(
        url, user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD, timeout=600
    )
    seed = timed(
        f"seeding Zabbix 7.0 ({args.zabbix_batch} hosts per host.create)",
        lambda: seed_zabbix_hosts(zabbix, netbox, args.zabbix_batch),
        seconds,
    )
    zabbix.close()
    print(
        f"  NetBox: {made['devices']:,} devices, {made['virtual_machines']:,} VMs; Zabbix: "
        f"{seed.hosts:,} hosts ({seed.drifting:,} drifting), {seed.missing:,} missing"
    )
    return seed


def bench_size(n: int, args: argparse.Namespace, home: Path) -> SizeResult:
    print(f"N = {n:,}")
    seconds: dict[str, float] = {}
    seed = seed_size(n, args, seconds)
    url = services.zabbix_url("7.0")
    zabbix = ZabbixClient.connect(
        url, user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD, timeout=600
    )
    for database in (STATE_DB, DAGSTER_DB, DAGSTER_DIRECT_DB):
        fresh_database(database)
    os.environ["NBZBX_DATABASE_URL"] = services.database_url(STATE_DB)
    pooled = instance_for(DAGSTER_DB, True, home)
    timed("import_zabbix_settings (not timed)", lambda: import_settings(pooled))

    def refresh(label: str, what: str, database: str = DAGSTER_DB, wb: bool = False) -> Refresh:
        return timed(f"refresh: {what}", lambda: run_refresh(label, database, writeback=wb))

    refreshes = [refresh(FIRST, "first, every partition new, PgBouncer, no write-back")]
    refreshes.append(refresh(UNCHANGED, "again, nothing changed"))
    hostids = list(seed.hostids.values())
    gone = hostids[5::100]
    timed(f"deleting {len(gone)} Zabbix hosts (1 %)", lambda: lab_zabbix.delete_hosts(zabbix, gone))
    refreshes.append(refresh(CHANGED, "again, 1 % of the statuses changed"))
    # what host_config_changes_sensor asks for after 10 edits: those 10, read by id
    store = StateStore(os.environ["NBZBX_DATABASE_URL"])
    with store.connect() as conn:
        stored = sorted(read_report_rows(conn, ("name",)))
    store.dispose()
    keys = stored[:: max(1, len(stored) // 10)][:10]
    refreshes.append(
        timed(
            "refresh: a change run of 10 host configs",
            lambda: run_refresh(CHANGE_RUN, DAGSTER_DB, writeback=False, keys=keys),
        )
    )
    idle = timed("an idle tick of the change sensor", lambda: idle_tick(url))
    for label, what in ((FEATURES, "first"), (FEATURES_AGAIN, "again, nothing changed")):
        refreshes.append(
            timed(
                f"refresh: every feature on, {what}",
                lambda label=label: run_refresh(label, DAGSTER_DB, False, None, EVERY_FEATURE),
            )
        )
    if n <= args.extra_up_to:
        instance_for(DAGSTER_DIRECT_DB, False, home)
        refreshes.append(refresh("direct", "direct PostgreSQL, first", DAGSTER_DIRECT_DB))
        instance_for(DAGSTER_DB, True, home)
        refreshes.append(refresh("write-back, all", "with write-back (writes all)", wb=True))
        more = hostids[6::100]
        timed(
            f"deleting {len(more)} more Zabbix hosts", lambda: lab_zabbix.delete_hosts(zabbix, more)
        )
        gone += more
        refreshes.append(refresh("write-back, changes", "with write-back (changes)", wb=True))
        refreshes.append(timed("refresh: across two servers", lambda: two_server_refresh(pooled)))

    kept = set(hostids) - set(gone)
    sample = [h for h in hostids if h in kept][: args.baseline_sample]
    baselines = []
    for label, per_host in (("login + host.get per host", True), ("one login, host.get", False)):
        took, calls = timed(
            f"baseline, {label}, {len(sample):,} hosts", lambda p=per_host: baseline(url, sample, p)
        )
        baselines.append(Baseline(label, len(sample), took, calls))
    zabbix.close()
    return SizeResult(n, seed, refreshes, baselines, seconds, idle)


# -- report ----------------------------------------------------------------------------------------


def megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"


def print_report(results: Sequence[SizeResult]) -> None:
    columns: list[tuple[str, SizeResult, Refresh]] = [
        (f"{r.n:,} {x.label}", r, x) for r in results for x in r.refreshes
    ]
    width = max(22, *(len(c[0]) + 2 for c in columns))

    def row(label: str, values: Sequence[str]) -> None:
        print(f"{label:<42}" + "".join(f"{v:>{width}}" for v in values))

    def pct(part: float, whole: float) -> str:
        return f"{part:.1f} ({100 * part / whole:.0f}%)" if whole else "-"

    print()
    row("N / run", [c[0] for c in columns])
    row("wall time of the whole run, s", [f"{x.wall:.1f}" for _, _, x in columns])
    row("  project's own work, s (share)", [pct(x.project, x.wall) for _, _, x in columns])
    for name in (*PROJECT_SECTIONS, STORE_WRITE):
        row(f"    {name}", [f"{x.timings.get(name, 0):.2f}" for _, _, x in columns])
    row("  Dagster per-partition, s (share)", [pct(x.bookkeeping, x.wall) for _, _, x in columns])
    for name in DAGSTER_SECTIONS:
        row(f"    {name}", [f"{x.timings.get(name, 0):.2f}" for _, _, x in columns])
    row("  NetBox write-back, s", [f"{x.writeback:.1f}" for _, _, x in columns])
    row("  rest (run start/finish, commit), s", [pct(x.run_overhead, x.wall) for *_, x in columns])
    row("peak RSS of the job's process", [megabytes(x.peak_rss) for *_, x in columns])
    row("event-log rows added", [f"{x.events:,}" for _, _, x in columns])
    row("event-log bytes added (event column)", [megabytes(x.event_bytes) for *_, x in columns])
    row("Dagster database growth", [megabytes(x.database_growth) for *_, x in columns])
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
    print("\nAn idle tick of host_config_changes_sensor (goal: 1 NetBox and 1 Zabbix call):")
    for result in results:
        idle = result.idle
        print(
            f"  N={result.n:,}: {idle.seconds:.2f} s, NetBox {idle.netbox_calls} call(s), "
            f"Zabbix {idle.zabbix_calls} call(s)"
        )
    print("\nSeeding, s:")
    for result in results:
        print(
            f"  N={result.n:,}: "
            + ", ".join(f"{k} {v:.0f}" for k, v in result.seed_seconds.items())
        )
    print("\nAPI calls of the first refresh, per method:")
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
    print(
        f"\nEvent-log growth of a steady-state refresh (rule: rows <= 1 % of N + {CONSTANT_ROWS}):"
    )
    for result in results:
        same, changed = result.refresh(UNCHANGED), result.refresh(CHANGED)
        if same is None or changed is None:
            continue
        moved = changed.summary["missing"] - same.summary["missing"]
        limit = result.n // 100 + CONSTANT_ROWS
        holds = same.events <= CONSTANT_ROWS and changed.events <= limit
        print(
            f"  N={result.n:,}: nothing changed {same.events:,} rows "
            f"({megabytes(same.event_bytes)}); {moved:,} statuses changed (1 %) "
            f"{changed.events:,} rows ({megabytes(changed.event_bytes)}), "
            f"{changed.events - same.events:,} beyond the constant; "
            f"{'holds' if holds else 'FAILS'}"
        )
    if len(results) > 1:
        low, high = min(results, key=lambda r: r.n), max(results, key=lambda r: r.n)
        slope = (high.refreshes[0].peak_rss - low.refreshes[0].peak_rss) / (high.n - low.n)
        print(
            f"\nMemory: peak RSS {megabytes(low.refreshes[0].peak_rss)} at {low.n:,}, "
            f"{megabytes(high.refreshes[0].peak_rss)} at {high.n:,}: "
            f"{megabytes(int(slope * 10000))} per 10,000 host configs"
        )
    print(
        "\nGoals (2 cores): whole refresh <= 8 s at 10,000; at 100,000 <= 90 s, peak RSS <= 1.5 GB,"
        " >= 100x faster than the reference-style per-host check"
    )
    for result in results:
        first = result.refreshes[0]
        ref = result.baselines[0].extrapolated(result.n)
        print(
            f"  N={result.n:,}: whole {first.wall:.1f} s, peak RSS {megabytes(first.peak_rss)}, "
            f"{ref / first.wall:.1f}x faster than the reference-style baseline"
            f" ({result.baselines[0].label})"
        )


def reseed_demo() -> None:
    subprocess.run(
        [str(Path(sys.executable).with_name("nbzbx")), "lab", "seed", "--all-zabbix"],
        capture_output=True,
        check=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--baseline-sample", type=int, default=1000)
    parser.add_argument("--zabbix-batch", type=int, default=250, help="hosts per host.create")
    parser.add_argument(
        "--extra-up-to",
        type=int,
        default=0,
        help="for N up to this, also: direct PostgreSQL, the write-back, two servers",
    )
    parser.add_argument(
        "--no-reseed",
        action="store_true",
        help="leave the benchmark data (lab and bench databases) for a look",
    )
    parser.add_argument("--seed-only", action="store_true", help="measure the seeding alone")
    parser.add_argument("--child-refresh", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_refresh:
        child_refresh(json.loads(args.child_refresh))
        return 0
    os.environ.update(services.env("7.0"))
    os.environ["NBZBX_CONFIG"] = str(services.LAB_SETTINGS)
    home = Path(tempfile.mkdtemp(prefix="nbzbx-bench-home-"))
    (home / "dagster.yaml").symlink_to(services.LAB_DAGSTER_YAML)
    print(
        f"Dagster instance: {home}/dagster.yaml -> deploy/dagster-postgres.yaml;"
        " Zabbix 7.0, NetBox 4.7.3"
    )
    started = time.perf_counter()
    if args.seed_only:
        for n in args.n:
            print(f"N = {n:,}")
            seed_size(n, args, {})
        results = []
    else:
        results = [bench_size(n, args, home) for n in args.n]
        print_report(results)
    if not args.no_reseed:
        print()
        timed("seeding the lab's demo data again (nbzbx lab seed --all-zabbix)", reseed_demo)
        for database in (STATE_DB, DAGSTER_DB, DAGSTER_DIRECT_DB):
            drop_database(database)
        shutil.rmtree(home)
    print(f"benchmark total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
