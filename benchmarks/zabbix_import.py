"""Benchmark of ``import_zabbix_settings`` against a large Zabbix, next to a reference-style import.

Seeds the lab Zabbix 7.0 with 5,000 templates (a third with an agent item, a third with an SNMP
item, a tenth linked to a parent, one in thirty with a trigger that depends on a trigger of
another template), 2,000 host groups, 20 proxy groups and 200 proxies (in those groups, half
passive with a DNS name), all named ``bench-<uuid8>-...`` and created in batches.
Then it measures, in the same run:

- nbzbx, the job: ``import_zabbix_settings`` executed in process on an ephemeral Dagster
  instance, with a fresh SQLite state store (``--store postgres``: a fresh ``nbzbx_bench``
  database on the lab PostgreSQL), twice: from an empty cache, then again with nothing changed;
- nbzbx, the Zabbix reads alone (``fetch_zabbix_settings`` on one client: no Dagster, no store);
- nbzbx, the template links alone (trigger dependencies, shared keys): calls, seconds, and
  what they add to the cache;
- reference-style: the reference plugin's call pattern (plugin-system-jobs.md section 4): a new
  client and a version probe before every API call, with an API token, no timeout;
  ``template.get``, one ``item.get`` over all templates, one ``trigger.get`` per template and
  one per dependency trigger, ``proxy.get``, ``proxygroup.get``, ``hostgroup.get`` (limit
  10000). Its database writes (one ORM ``update_or_create`` per object) are left out, so the
  reference figures are a lower bound.

Finally it deletes what it seeded (unless ``--keep``) and runs the job once more into a fresh
SQLite store, which puts the NetBox choices back to what Zabbix holds. (Into the benchmark's
store the server identity check would rightly refuse it: most cached ids gone looks like
another Zabbix.) The job is one op that reads, stores and publishes the choices, so NetBox is in
every run.

    .venv/bin/python benchmarks/zabbix_import.py [--keep] [--store sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import requests
from pyzabbix import ZabbixAPI
from sqlalchemy import select

from nbzbx_dagster.defs.system_jobs.run_scope import SYSTEM_JOB_TAG
from nbzbx_dagster.defs.zabbix_settings.events import IMPORT_JOB
from nbzbx_dagster.lab import services
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS
from nbzbx_dagster.store.tables import zabbix_template
from nbzbx_dagster.sync.zabbix_import import fetch_zabbix_settings
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

warnings.simplefilter("ignore")  # Dagster's beta and deprecation notes, not the figures
BATCH = 500
BENCH_DATABASE = "nbzbx_bench"
KEY_METHODS = ("item.get", "discoveryrule.get", "itemprototype.get")  # one key space per host

# which object type each Zabbix method reads, for the table
OBJECT_TYPE = {
    "template.get": "templates",
    "item.get": "templates (interface type, keys)",
    "discoveryrule.get": "templates (keys)",
    "itemprototype.get": "templates (keys)",
    "trigger.get": "templates (dependencies)",
    "templategroup.get": "template groups",
    "hostgroup.get": "host groups",
    "proxy.get": "proxies",
    "proxygroup.get": "proxy groups",
    "apiinfo.version": "session",
    "user.login": "session",
    "user.logout": "session",
}


# -- seeding -------------------------------------------------------------------------------------


def batches(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def create_many(client: ZabbixClient, method: str, key: str, rows: Sequence[dict]) -> list[str]:
    """One create call per batch of objects (the API methods take arrays)."""
    ids: list[str] = []
    for part in batches(rows):
        ids += [str(i) for i in client.call(method, list(part))[key]]
    return ids


@dataclass
class Seeded:
    prefix: str
    ids: dict[str, list[str]] = field(default_factory=dict)  # API object name -> ids
    dependencies: int = 0  # templates seeded with a trigger dependency on another

    def count(self, kind: str) -> int:
        return len(self.ids.get(kind, []))


def seed(client: ZabbixClient, seeded: Seeded, args: argparse.Namespace) -> None:
    """Create the objects, recording ids as soon as they exist (so a failure still cleans up)."""
    p, ids = seeded.prefix, seeded.ids
    ids["templategroup"] = create_many(
        client, "templategroup.create", "groupids", [{"name": f"{p}templates"}]
    )
    group = [{"groupid": ids["templategroup"][0]}]
    plain = [i for i in range(args.templates) if i % 10 != 9]
    children = [i for i in range(args.templates) if i % 10 == 9]
    ids["template"] = []
    by_index: dict[int, str] = {}
    for indexes, parents in ((plain, False), (children, True)):
        rows = [
            {
                "host": f"{p}tpl-{i:05d}",
                "name": f"{p}Template {i:05d}",
                "groups": group,
                **({"templates": [{"templateid": by_index[i - 1]}]} if parents else {}),
            }
            for i in indexes
        ]
        for part_indexes, part in zip(batches(indexes), batches(rows), strict=True):
            created = create_many(client, "template.create", "templateids", part)
            ids["template"] += created
            by_index.update(zip(part_indexes, created, strict=True))
    items = []
    for i, templateid in sorted(by_index.items()):
        if i % 3 == 0:
            items.append({"hostid": templateid, "type": 0, "key_": "bench.agent"})
        elif i % 3 == 1:
            items.append(
                {
                    "hostid": templateid,
                    "type": 20,
                    "key_": "bench.snmp",
                    "snmp_oid": "1.3.6.1.2.1.1.3.0",
                }
            )
    for item in items:
        item.update(name=item["key_"], value_type=3, delay="1m")
    create_many(client, "item.create", "itemids", items)
    # template i (agent) gets a trigger that depends on a trigger of template i + 3 (agent too)
    pairs = [(i, i + 3) for i in range(0, args.templates - 3, 30)]

    def trigger(i: int) -> dict[str, Any]:
        return {
            "description": f"{p}down {i:05d}",
            "expression": f"last(/{p}tpl-{i:05d}/bench.agent)=0",
        }

    needed = create_many(client, "trigger.create", "triggerids", [trigger(b) for _, b in pairs])
    dependent = [
        {**trigger(a), "dependencies": [{"triggerid": t}]}
        for (a, _), t in zip(pairs, needed, strict=True)
    ]
    create_many(client, "trigger.create", "triggerids", dependent)
    seeded.dependencies = len(pairs)
    seeded.dependencies = len(pairs)

    ids["hostgroup"] = create_many(
        client,
        "hostgroup.create",
        "groupids",
        [{"name": f"{p}hg-{i:05d}"} for i in range(args.host_groups)],
    )
    ids["proxygroup"] = create_many(
        client,
        "proxygroup.create",
        "proxy_groupids",
        [
            {"name": f"{p}pg-{i:03d}", "failover_delay": "1m", "min_online": "1"}
            for i in range(args.proxy_groups)
        ],
    )
    proxies = []
    for i in range(args.proxies):
        row: dict[str, Any] = {
            "name": f"{p}proxy-{i:04d}",
            "local_address": "127.0.0.1",
            "local_port": "10051",
        }
        if ids["proxygroup"]:
            row["proxy_groupid"] = ids["proxygroup"][i % len(ids["proxygroup"])]
        if i % 2:
            row.update(operating_mode=1, address=f"{p}proxy-{i:04d}.example.org", port="10051")
        else:
            row.update(operating_mode=0, allowed_addresses="192.0.2.0/24")
        proxies.append(row)
    ids["proxy"] = create_many(client, "proxy.create", "proxyids", proxies)


def delete_seeded(client: ZabbixClient, seeded: Seeded) -> None:
    for kind in ("proxy", "proxygroup", "template", "templategroup", "hostgroup", "token"):
        for part in batches(seeded.ids.get(kind, [])):
            client.call(f"{kind}.delete", list(part))
        seeded.ids.pop(kind, None)


def api_token(client: ZabbixClient, seeded: Seeded, user: str) -> str:
    """An API token for the reference-style import (the reference logs in with a token)."""
    (row,) = client.call("user.get", {"output": ["userid"], "filter": {"username": user}})
    tokenid = client.call(
        "token.create", {"name": f"{seeded.prefix}token", "userid": row["userid"]}
    )["tokenids"][0]
    seeded.ids["token"] = [str(tokenid)]
    (generated,) = client.call("token.generate", [tokenid])
    return generated["token"]


# -- the reference's call pattern -----------------------------------------------------------------


class ReferenceStyle:
    """Every API call on a new client that probes the version first, as the reference does."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.calls: Counter[str] = Counter()

    def call(self, method: str, **params: Any) -> Any:
        api = ZabbixAPI(self.url, session=requests.Session())  # no timeout, like the reference
        api.login(api_token=self.token)  # detect_version: one apiinfo.version per call
        self.calls["apiinfo.version"] += 1
        self.calls[method] += 1
        result = api.do_request(method, params)["result"]
        api.session.close()
        return result

    def run(self) -> dict[str, int]:
        templates = self.call(
            "template.get",
            output=["name", "templateid"],
            sortfield="name",
            selectParentTemplates=["templateid", "name"],
        )
        ids = [t["templateid"] for t in templates]
        self.call("item.get", output=["itemid", "type", "hostid"], hostids=ids)
        dependencies = 0
        for templateid in ids:
            triggers = self.call(
                "trigger.get",
                output=["triggerid"],
                hostids=[templateid],
                selectDependencies=["triggerid"],
                selectHosts=["hostid"],
            )
            for trigger in triggers:
                for dependency in trigger.get("dependencies", []):
                    dependencies += 1
                    self.call(
                        "trigger.get",
                        output=["triggerid"],
                        triggerids=[dependency["triggerid"]],
                        selectHosts=["hostid", "name"],
                    )
        proxies = self.call("proxy.get", output="extend", sortfield="name")
        groups = self.call(
            "proxygroup.get",
            output=["name", "proxy_groupid", "failover_delay", "min_online", "description"],
        )
        host_groups = self.call("hostgroup.get", output=["name", "groupid"], limit=10000)
        return {
            "templates": len(templates),
            "proxies": len(proxies),
            "proxy_groups": len(groups),
            "host_groups": len(host_groups),
            "dependencies": dependencies,
        }


# -- nbzbx -----------------------------------------------------------------------------------------


@contextmanager
def counting_clients() -> Iterator[list[ZabbixClient]]:
    """Every ZabbixClient connected meanwhile (the job's resource makes one per run)."""
    made: list[ZabbixClient] = []
    original = ZabbixClient.connect.__func__  # type: ignore[attr-defined]

    def connect(cls: type[ZabbixClient], *args: Any, **kwargs: Any) -> ZabbixClient:
        client = original(cls, *args, **kwargs)
        made.append(client)
        return client

    ZabbixClient.connect = classmethod(connect)  # type: ignore[method-assign]
    try:
        yield made
    finally:
        ZabbixClient.connect = classmethod(original)  # type: ignore[method-assign]


@dataclass
class JobRun:
    wall: float
    steps: dict[str, float]
    calls: Counter[str]
    summary: dict[str, Any]


def run_job(instance: dg.DagsterInstance, database_url: str) -> JobRun:
    from nbzbx_dagster.definitions import defs  # imported late: after the warnings filter

    os.environ["NBZBX_DATABASE_URL"] = database_url
    job = defs.resolve_job_def(IMPORT_JOB)
    with counting_clients() as clients:
        started = time.perf_counter()
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={SYSTEM_JOB_TAG: IMPORT_JOB},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        wall = time.perf_counter() - started
    store = StateStore(database_url)
    (event,) = store.list_events(run_id=result.run_id, limit=1)
    store.dispose()
    if not result.success:
        sys.exit(f"the import failed: {event['error']}")
    calls: Counter[str] = Counter()
    for client in clients:
        calls.update(client.calls)
    return JobRun(wall, step_times(instance, result.run_id), calls, event["summary"])


def step_times(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    starts: dict[str, float] = {}
    times: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            starts[entry.step_key] = entry.timestamp
        elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            times[entry.step_key] = entry.timestamp - starts[entry.step_key]
    return times


def fetch_only(url: str, user: str, password: str) -> tuple[float, Counter[str]]:
    started = time.perf_counter()
    client = ZabbixClient.connect(url, user=user, password=password, timeout=300)
    fetch_zabbix_settings(client)
    client.close()
    return time.perf_counter() - started, client.calls


@dataclass
class Links:
    """The template links read alone, and what they take in the cache."""

    calls: Counter[str]
    seconds: dict[str, float]
    depending: int  # templates whose triggers depend on another template's
    shared_keys: int  # (template, key) pairs kept
    own_keys: int  # (template, key) pairs Zabbix has, the most the cache could keep
    cached_bytes: int  # JSON of the two cache columns, all templates
    all_keys_bytes: int  # JSON of every own item key per template, for comparison


def links_only(client: ZabbixClient, database_url: str) -> Links:
    before = Counter(client.calls)
    seconds = {}
    started = time.perf_counter()
    dependencies = zapi.template_dependencies(client)
    seconds["dependencies"] = time.perf_counter() - started
    started = time.perf_counter()
    shared = zapi.template_shared_item_keys(client)
    seconds["shared item keys"] = time.perf_counter() - started
    calls = Counter(client.calls)
    calls.subtract(before)
    own: dict[str, list[str]] = {}
    for method in KEY_METHODS:
        params = {"output": ["hostid", "key_"], "templated": True, "inherited": False}
        for item in client.call(method, params):
            own.setdefault(item["hostid"], []).append(item["key_"])
    store = StateStore(database_url)
    with store.connect() as conn:
        rows = conn.execute(
            select(zabbix_template.c.dependencies, zabbix_template.c.shared_item_keys)
        ).all()
    store.dispose()
    return Links(
        calls=+calls,
        seconds=seconds,
        depending=len(dependencies),
        shared_keys=sum(len(k) for k in shared.values()),
        own_keys=sum(len(k) for k in own.values()),
        cached_bytes=sum(len(json.dumps(d)) + len(json.dumps(k)) for d, k in rows),
        all_keys_bytes=sum(len(json.dumps(sorted(k))) for k in own.values()),
    )


def state_store(kind: str, workdir: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir}/state.db"
    import psycopg2

    conn = psycopg2.connect(services.database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
        cur.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    conn.close()
    return services.database_url(BENCH_DATABASE)


# -- report ----------------------------------------------------------------------------------------


def timed(label: str, action: Callable[[], Any]) -> Any:
    print(f"{label} ...", end=" ", flush=True)
    started = time.perf_counter()
    result = action()
    print(f"{time.perf_counter() - started:.1f} s", flush=True)
    return result


def print_table(
    first: JobRun,
    second: JobRun,
    fetch: tuple[float, Counter[str]],
    ref: tuple[float, Counter[str]],
) -> None:
    columns = ["nbzbx job (empty)", "nbzbx job (again)", "nbzbx reads", "reference-style"]
    calls = [first.calls, second.calls, fetch[1], ref[1]]
    step = "import_every_zabbix_server"  # the job's one op: reads, state store, NetBox choices

    def row(label: str, values: Sequence[str]) -> None:
        print(f"{label:<44}" + "".join(f"{v:>20}" for v in values))

    print()
    row("", columns)
    row(
        "wall time, s",
        [f"{first.wall:.2f}", f"{second.wall:.2f}", f"{fetch[0]:.2f}", f"{ref[0]:.2f}"],
    )
    row(
        f"  of which step {step}, s",
        [f"{first.steps[step]:.2f}", f"{second.steps[step]:.2f}", "", ""],
    )
    print("Zabbix API calls (HTTP requests), per method:")
    order = list(OBJECT_TYPE)
    methods = sorted(set().union(*calls), key=lambda m: (order.index(m) if m in order else 99, m))
    for method in methods:
        row(f"  {method:<18} {OBJECT_TYPE.get(method, '')}", [f"{c[method]:,}" for c in calls])
    row("  total", [f"{sum(c.values()):,}" for c in calls])
    print()
    ref_calls, ref_wall = sum(ref[1].values()), ref[0]
    print(
        f"reference-style / nbzbx reads: {ref_wall / fetch[0]:.1f}x the wall time, "
        f"{ref_calls / sum(fetch[1].values()):.0f}x the API calls"
    )
    print(
        f"reference-style / nbzbx step {step} (reads + state store, from empty): "
        f"{ref_wall / first.steps[step]:.1f}x the wall time"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--templates", type=int, default=5000)
    parser.add_argument("--host-groups", type=int, default=2000)
    parser.add_argument("--proxies", type=int, default=200)
    parser.add_argument("--proxy-groups", type=int, default=20)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the seeded objects")
    args = parser.parse_args(argv)

    url, user, password = services.zabbix_url("7.0"), services.ZABBIX_USER, services.ZABBIX_PASSWORD
    admin = ZabbixClient.connect(url, user=user, password=password, timeout=300)
    if not admin.zabbix_version.has_proxy_groups:
        sys.exit(f"the benchmark needs Zabbix 7.0 or later; {url} is {admin.version_str}")
    seeded = Seeded(prefix=f"bench-{uuid.uuid4().hex[:8]}-")
    workdir = tempfile.mkdtemp(prefix="nbzbx-bench-")
    os.environ.update(services.env("7.0"))
    os.environ.pop("DAGSTER_HOME", None)
    database_url = state_store(args.store, workdir)
    os.environ["NBZBX_DATABASE_URL"] = database_url
    os.environ["NBZBX_MAX_DELETIONS"] = "10000"  # other runs' objects may go meanwhile
    print(f"Zabbix {admin.version_str} at {url}; prefix {seeded.prefix}; state store {args.store}")
    instance = dg.DagsterInstance.ephemeral()
    try:
        timed(
            f"seeding {args.templates} templates, {args.host_groups} host groups, "
            f"{args.proxy_groups} proxy groups, {args.proxies} proxies",
            lambda: seed(admin, seeded, args),
        )
        token = api_token(admin, seeded, user)
        fetch_zabbix_settings(admin)  # warm Zabbix's caches before measuring anything
        first = timed("nbzbx job, empty cache", lambda: run_job(instance, database_url))
        fetch = timed("nbzbx reads only", lambda: fetch_only(url, user, password))
        links = timed("nbzbx template links only", lambda: links_only(admin, database_url))
        reference = ReferenceStyle(url, token)
        started = time.perf_counter()
        counts = timed("reference-style import", reference.run)
        ref = (time.perf_counter() - started, reference.calls)
        second = timed(
            "nbzbx job, nothing changed",
            lambda: run_job(instance, database_url),
        )
        data = first.summary["data"]
        print(
            "Zabbix held: "
            + ", ".join(f"{data[k]['added']} {k.replace('_', ' ')}" for k in KINDS)
            + f"; reference-style read {counts['templates']} templates, {counts['dependencies']} "
            "trigger dependencies"
        )
        unchanged = all(
            v["added"] == v["updated"] == v["deleted"] == 0 for v in second.summary["data"].values()
        )
        print(f"second import reports everything unchanged: {unchanged}")
        print_table(first, second, fetch, ref)
        ours = links.calls["trigger.get"]
        theirs = ref[1]["trigger.get"]
        print(
            f"template dependencies ({seeded.dependencies} seeded; nbzbx found "
            f"{links.depending} templates depending on others, the reference-style "
            f"{counts['dependencies']} trigger dependencies): nbzbx {ours} trigger.get in "
            f"{links.seconds['dependencies']:.2f} s, reference-style {theirs:,} trigger.get "
            f"(+ {theirs:,} apiinfo.version), {theirs / ours:,.0f}x the calls"
        )
        key_calls = " + ".join(f"{links.calls[m]} {m}" for m in KEY_METHODS)
        print(
            f"shared keys (items, discovery rules, item prototypes): nbzbx {key_calls} in "
            f"{links.seconds['shared item keys']:.2f} s; {links.shared_keys:,} of "
            f"{links.own_keys:,} own (template, key) pairs kept; the two new cache columns "
            f"take {links.cached_bytes:,} bytes of JSON for all templates (every own key would "
            f"take {links.all_keys_bytes:,})"
        )
    finally:
        if not args.keep:
            timed("deleting the seeded objects", lambda: delete_seeded(admin, seeded))
            restored = timed(
                "nbzbx job into a fresh store, NetBox choices back to what Zabbix holds",
                lambda: run_job(instance, f"sqlite:///{workdir}/restore.db"),
            )
            print(f"Zabbix holds {restored.summary['data']['templates']['added']} templates again")
        else:
            admin.call("token.delete", seeded.ids.pop("token", []))
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
