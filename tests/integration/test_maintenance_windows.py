"""Maintenance windows against the lab: NetBox 4.7.3, Zabbix 6.0.14 and 7.0, and the 7.2, 7.4
and 8.0 contract endpoints over 7.0.

NetBox gets a throwaway site (two devices, one with an accented name), a cluster scoped to the
site (one VM) and an unscoped cluster (one VM); each Zabbix gets their hosts, a host group, a
proxy monitoring one extra host (and on 7.0 a proxy group monitoring another), all named with a
unique ``it-<uuid8>`` prefix and deleted afterwards. Each test has its own SQLite state store and
Dagster instance.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import update
from stopping_zabbix import StoppingZabbix

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.defs.maintenance.jobs import create_maintenance, maintenance_cleanup
from nbzbx_dagster.defs.resources import NetBoxResource, SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.lab import demo_data as demo
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.maintenance import windows
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import maintenance_window
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError
from nbzbx_dagster.zabbix import api as zapi

pytestmark = pytest.mark.integration

PREFIX = f"it-{uuid.uuid4().hex[:8]}"
ADMIN = (services.ZABBIX_USER, services.ZABBIX_PASSWORD)
REFUSED_URL = "http://127.0.0.1:9/api_jsonrpc.php"  # nothing listens on the discard port


# -- NetBox objects, shared by both Zabbix versions ---------------------------------------------


@dataclass
class NetBoxLab:
    client: NetBoxClient
    site: str
    cluster: str
    other_cluster: str
    keys: dict[str, str] = field(default_factory=dict)  # short name -> host config key
    names: dict[str, str] = field(default_factory=dict)  # short name -> NetBox name


@pytest.fixture(scope="module")
def netbox_lab(netbox: NetBoxClient, seeded_lab: dict) -> Iterator[NetBoxLab]:
    """After the session's seed (which resets the lab): the seeded data stays, ours is added,
    made with the conftest's client."""
    client = netbox
    api = client.api
    made: list[Any] = []

    def make(endpoint: Any, **fields: Any) -> Any:
        obj = endpoint.create(fields)
        made.append(obj)
        return obj

    try:
        site = make(api.dcim.sites, name=PREFIX, slug=PREFIX)
        maker = make(api.dcim.manufacturers, name=PREFIX, slug=PREFIX)
        dtype = make(api.dcim.device_types, model=PREFIX, slug=PREFIX, manufacturer=maker.id)
        role = make(api.dcim.device_roles, name=PREFIX, slug=PREFIX, vm_role=True)
        ctype = make(api.virtualization.cluster_types, name=PREFIX, slug=PREFIX)
        cluster = make(
            api.virtualization.clusters,
            name=f"{PREFIX}-cl",
            type=ctype.id,
            scope_type="dcim.site",
            scope_id=site.id,
        )
        other = make(api.virtualization.clusters, name=f"{PREFIX}-cl2", type=ctype.id)
        lab = NetBoxLab(client, PREFIX, cluster.name, other.name)
        for short, name in (("d1", f"{PREFIX}-srv-01"), ("d2", f"{PREFIX}-sw-zürich")):
            dev = make(
                api.dcim.devices,
                name=name,
                site=site.id,
                device_type=dtype.id,
                role=role.id,
                status="active",
            )
            lab.keys[short], lab.names[short] = f"device-{dev.id}", name
        for short, name, cl in (
            ("v1", f"{PREFIX}-vm-01", cluster),
            ("v2", f"{PREFIX}-vm-02", other),
        ):
            vm = make(api.virtualization.virtual_machines, name=name, cluster=cl.id, role=role.id)
            lab.keys[short], lab.names[short] = f"vm-{vm.id}", name
        yield lab
    finally:
        for obj in reversed(made):
            obj.delete()


# -- Zabbix objects, per version ----------------------------------------------------------------


@dataclass
class ZabbixLab:
    version: str
    url: str
    client: ZabbixClient
    group: str
    groupid: str
    proxy: str
    hostids: dict[str, str]  # short name -> hostid (d1, d2, v1, v2, other, by_proxy, by_group)
    proxy_group: str | None = None


@pytest.fixture(scope="module", params=services.SUITE_ZABBIX_VERSIONS, ids=services.zabbix_id)
def zabbix_lab(request: pytest.FixtureRequest, netbox_lab: NetBoxLab) -> Iterator[ZabbixLab]:
    """Here `zabbix_lab` is one version's objects for the whole module, so it logs in itself (the
    conftest's client lives for one test)."""
    version = request.param
    url = services.zabbix_url(version)
    try:
        client = ZabbixClient.connect(url, user=ADMIN[0], password=ADMIN[1])
    except ZabbixError as error:
        pytest.fail(f"the lab Zabbix {version} is not answering ({error}); run `nbzbx lab up`")
    todo: list[tuple[str, list[str]]] = []
    try:
        group = f"{PREFIX}-group"
        groupid = lab_zabbix.create_host_group(client, group)
        todo.append(("hostgroup", [groupid]))
        proxy = f"{PREFIX}-proxy"
        proxyid = lab_zabbix.create_proxy(client, proxy, "active")
        todo.append(("proxy", [proxyid]))
        proxy_groupid = None
        if client.zabbix_version.has_proxy_groups:
            proxy_groupid = lab_zabbix.create_proxy_group(client, f"{PREFIX}-pg")
            todo.append(("proxygroup", [proxy_groupid]))
        hosts: dict[str, dict[str, Any]] = {
            short: {"host": technical_name(name), "name": name}
            for short, name in netbox_lab.names.items()
        }
        hosts["other"] = {"host": f"{PREFIX}-not-in-netbox", "name": f"{PREFIX}-not-in-netbox"}
        hosts["by_proxy"] = {
            "host": f"{PREFIX}-by-proxy",
            "name": f"{PREFIX}-by-proxy",
            "monitored_by": "proxy",
            "proxyid": proxyid,
        }
        if proxy_groupid:
            hosts["by_group"] = {
                "host": f"{PREFIX}-by-pg",
                "name": f"{PREFIX}-by-pg",
                "monitored_by": "proxy_group",
                "proxy_groupid": proxy_groupid,
            }
        hostids: dict[str, str] = {}
        for short, spec in hosts.items():
            hostids[short] = lab_zabbix.create_host(client, {**spec, "groups": [groupid]})
            todo.append(("host", [hostids[short]]))
        yield ZabbixLab(
            version,
            url,
            client,
            group,
            groupid,
            proxy,
            hostids,
            f"{PREFIX}-pg" if proxy_groupid else None,
        )
    finally:
        for maintenance in zapi.maintenances(client):
            if maintenance["name"].startswith(PREFIX):
                zapi.delete_maintenances(client, [maintenance["maintenanceid"]])
        for kind, ids in reversed(todo):
            client.call(f"{kind}.delete", ids)
        client.close()


# -- helpers ------------------------------------------------------------------------------------


def resources(store: StateStore, zabbix_url: str) -> dict[str, Any]:
    state = StateStoreResource(database_url=store.url)
    return {
        "zabbix": ZabbixResource(url=zabbix_url, user=ADMIN[0], password=ADMIN[1]),
        "netbox": NetBoxResource(url=services.netbox_url(), token=services.netbox_token()),
        "state_store": state,
        "settings": SettingsResource(store=state),
    }


def unique(label: str) -> str:
    return f"{PREFIX}-{label}-{uuid.uuid4().hex[:6]}"


def create(
    instance: dg.DagsterInstance, store: StateStore, zabbix_lab: ZabbixLab, **config: Any
) -> dg.ExecuteInProcessResult:
    config.setdefault("duration_minutes", 60)
    return create_maintenance.execute_in_process(
        run_config={"ops": {"create_maintenance_window": {"config": config}}},
        resources=resources(store, zabbix_lab.url),
        instance=instance,
        raise_on_error=False,
    )


def cleanup(
    instance: dg.DagsterInstance, store: StateStore, zabbix_url: str
) -> dg.ExecuteInProcessResult:
    return maintenance_cleanup.execute_in_process(
        resources=resources(store, zabbix_url), instance=instance, raise_on_error=False
    )


def failure(result: dg.ExecuteInProcessResult) -> str:
    assert not result.success
    event = result.get_step_failure_events()[0]
    error = event.step_failure_data.error
    texts = []
    while error is not None:
        texts.append(error.message)
        error = error.cause
    return " | ".join(texts)


def in_zabbix(zabbix_lab: ZabbixLab, name: str) -> list[zapi.Maintenance]:
    return zapi.maintenances(zabbix_lab.client, names=[name])


def registry_names(store: StateStore) -> set[str]:
    with store.connect() as conn:
        return {w["name"] for w in windows.list_windows(conn)}


def window(store: StateStore, name: str) -> dict[str, Any]:
    with store.connect() as conn:
        found = windows.get_window(conn, name)
    assert found is not None, f"{name} not in the registry"
    return found


def add_window(
    store: StateStore,
    zabbix_lab: ZabbixLab,
    name: str,
    start: datetime,
    end: datetime,
    objects: tuple[str, ...] = (),
) -> str:
    """A window as create_maintenance would have recorded it, with any times (also past)."""
    maintenanceid = zapi.create_maintenance(
        zabbix_lab.client, name, start, end, hostids=[zabbix_lab.hostids["other"]]
    )
    with store.transaction() as conn:
        windows.add_window(
            conn,
            name=name,
            start=start,
            end=end,
            description="",
            with_data_collection=True,
            targets={"host_groups": [zabbix_lab.group], "resolved": {"objects": list(objects)}},
            parts={"default": maintenanceid},
            created_by="test",
            now=datetime.now(UTC),
        )
    return maintenanceid


def journal_comments(netbox_lab: NetBoxLab, key: str) -> list[str]:
    kind, object_id = key.split("-", 1)
    object_type = "dcim.device" if kind == "device" else "virtualization.virtualmachine"
    entries = netbox_lab.client.api.extras.journal_entries.filter(
        assigned_object_type=object_type, assigned_object_id=int(object_id)
    )
    return [e.comments for e in entries]


NOW = datetime.now(UTC)
HOUR = timedelta(hours=1)


# -- creation -----------------------------------------------------------------------------------


def test_create_by_site_covers_devices_and_cluster_vms(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("site")
    result = create(
        instance, store, zabbix_lab, name=name, sites=[netbox_lab.site], description="by site"
    )
    assert result.success, failure(result)
    [maintenance] = in_zabbix(zabbix_lab, name)
    expected = {zabbix_lab.hostids[s] for s in ("d1", "d2", "v1")}  # v2's cluster is elsewhere
    assert {h["hostid"] for h in maintenance["hosts"]} == expected
    assert maintenance["groups"] == []
    assert maintenance["with_data_collection"] is True
    assert maintenance["description"] == "by site"
    assert maintenance["till"] - maintenance["since"] == 3600
    assert [p["timeperiod_type"] for p in maintenance["timeperiods"]] == ["0"]
    row = window(store, name)
    assert row["parts"] == {"default": maintenance["maintenanceid"]}
    assert row["status"] == "active"
    assert row["targets"]["sites"] == [netbox_lab.site]
    assert row["created_by"].startswith("create_maintenance run ")
    for short in ("d1", "d2", "v1"):
        assert any(name in c for c in journal_comments(netbox_lab, netbox_lab.keys[short])), short
    assert not any(name in c for c in journal_comments(netbox_lab, netbox_lab.keys["v2"]))


def test_create_by_host_group_keeps_the_group(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("group")
    result = create(instance, store, zabbix_lab, name=name, host_groups=[zabbix_lab.group])
    assert result.success, failure(result)
    [maintenance] = in_zabbix(zabbix_lab, name)
    assert maintenance["groups"] == [{"groupid": zabbix_lab.groupid, "name": zabbix_lab.group}]
    assert maintenance["hosts"] == []
    # the group's members that are NetBox objects get a journal entry
    for short in ("d1", "d2", "v1", "v2"):
        assert any(name in c for c in journal_comments(netbox_lab, netbox_lab.keys[short])), short


def test_create_by_host_configs_without_data_collection(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("hc")
    start = (NOW + 2 * HOUR).replace(microsecond=0)
    result = create(
        instance,
        store,
        zabbix_lab,
        name=name,
        host_configs=[netbox_lab.keys["d2"], netbox_lab.keys["v2"]],
        start=start.isoformat(),
        end=(start + 3 * HOUR).isoformat(),
        with_data_collection=False,
        duration_minutes=None,
    )
    assert result.success, failure(result)
    [maintenance] = in_zabbix(zabbix_lab, name)
    assert {h["hostid"] for h in maintenance["hosts"]} == {
        zabbix_lab.hostids["d2"],
        zabbix_lab.hostids["v2"],
    }
    assert maintenance["with_data_collection"] is False
    assert maintenance["since"] == int(start.timestamp()) // 60 * 60
    row = window(store, name)
    assert row["with_data_collection"] is False
    assert row["status"] == "pending"
    assert row["start"] == start


def test_create_by_proxy_cluster_and_proxy_group(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("proxy")
    config: dict[str, Any] = {"proxies": [zabbix_lab.proxy], "clusters": [netbox_lab.other_cluster]}
    expected = {zabbix_lab.hostids["by_proxy"], zabbix_lab.hostids["v2"]}
    if zabbix_lab.proxy_group:
        config["proxy_groups"] = [zabbix_lab.proxy_group]
        expected.add(zabbix_lab.hostids["by_group"])
    result = create(instance, store, zabbix_lab, name=name, **config)
    assert result.success, failure(result)
    [maintenance] = in_zabbix(zabbix_lab, name)
    assert {h["hostid"] for h in maintenance["hosts"]} == expected


# -- refusals: nothing in Zabbix, nothing in the registry ---------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "no targets"),
        ({"host_groups": ["GROUP"], "duration_minutes": 0}, "not a positive number"),
        (
            {"host_groups": ["GROUP"], "start": "2030-01-01T10:00Z", "end": "2030-01-01T10:00Z"},
            "is not after the start",
        ),
        (
            {"host_groups": ["GROUP"], "start": "2019-12-31T00:00Z", "end": "2020-01-01T00:00Z"},
            "is already past",
        ),
        ({"sites": ["it-no-such-site"], "host_groups": ["GROUP"]}, "site 'it-no-such-site'"),
        ({"host_groups": ["it-no-such-group"]}, "host group 'it-no-such-group'"),
        ({"proxies": ["it-no-such-proxy"]}, "proxy 'it-no-such-proxy'"),
        ({"clusters": ["it-no-such-cluster"]}, "cluster 'it-no-such-cluster'"),
        ({"host_configs": ["device-999999999"]}, "host config 'device-999999999'"),
        ({"host_configs": ["server-1"]}, "not a key like device-<id>"),
    ],
    ids=[
        "empty",
        "zero-duration",
        "end-equals-start",
        "end-past",
        "unknown-site",
        "unknown-group",
        "unknown-proxy",
        "unknown-cluster",
        "unknown-host-config",
        "bad-key",
    ],
)
def test_refusals_store_nothing(
    zabbix_lab: ZabbixLab,
    store: StateStore,
    instance: dg.DagsterInstance,
    config: dict[str, Any],
    message: str,
) -> None:
    name = unique("refused")
    config = {
        k: [zabbix_lab.group if v == "GROUP" else v for v in val] if isinstance(val, list) else val
        for k, val in config.items()
    }
    if "end" in config:
        config["duration_minutes"] = None
    result = create(instance, store, zabbix_lab, name=name, **config)
    assert message in failure(result)
    assert in_zabbix(zabbix_lab, name) == []
    assert registry_names(store) == set()


def test_proxy_groups_refused_on_6_0_and_unknown_ones_on_7_0(
    zabbix_lab: ZabbixLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("pg")
    result = create(instance, store, zabbix_lab, name=name, proxy_groups=["it-no-such-pg"])
    expected = "need Zabbix 7.0" if zabbix_lab.version == "6.0" else "proxy group 'it-no-such-pg'"
    assert expected in failure(result)
    assert in_zabbix(zabbix_lab, name) == [] and registry_names(store) == set()


def test_a_host_config_without_zabbix_host_is_refused(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    api = netbox_lab.client.api
    site = api.dcim.sites.get(slug=netbox_lab.site)
    d1 = api.dcim.devices.get(int(netbox_lab.keys["d1"].split("-")[1]))
    lonely = api.dcim.devices.create(
        name=f"{PREFIX}-unmonitored",
        site=site.id,
        device_type=d1.device_type.id,
        role=d1.role.id,
    )
    try:
        name = unique("lonely")
        result = create(
            instance, store, zabbix_lab, name=name, host_configs=[f"device-{lonely.id}"]
        )
        assert "without a Zabbix host" in failure(result)
        assert f"{PREFIX}-unmonitored" in failure(result)
        assert in_zabbix(zabbix_lab, name) == [] and registry_names(store) == set()
    finally:
        lonely.delete()


def test_duplicate_names_are_refused(
    zabbix_lab: ZabbixLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    name = unique("dup")
    assert create(instance, store, zabbix_lab, name=name, host_groups=[zabbix_lab.group]).success
    [first] = in_zabbix(zabbix_lab, name)
    again = create(instance, store, zabbix_lab, name=name, proxies=[zabbix_lab.proxy])
    assert "already in the registry" in failure(again)
    assert in_zabbix(zabbix_lab, name) == [first]
    # a Zabbix maintenance of that name that the registry does not know
    other = unique("dup-zbx")
    zapi.create_maintenance(
        zabbix_lab.client, other, NOW, NOW + HOUR, hostids=[zabbix_lab.hostids["other"]]
    )
    refused = create(instance, store, zabbix_lab, name=other, host_groups=[zabbix_lab.group])
    assert "Zabbix already has a maintenance named" in failure(refused)
    assert len(in_zabbix(zabbix_lab, other)) == 1
    assert registry_names(store) == {name}


# -- cleanup ------------------------------------------------------------------------------------


def summary_of(store: StateStore, result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    [event] = store.list_events(job="maintenance_cleanup", run_id=result.run_id)
    return event["summary"] | {"_status": event["status"], "_error": event["error"]}


def test_cleanup_deletes_expired_windows_and_leaves_the_others(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    expired = unique("expired")
    gone = unique("gone")
    ending_now = unique("now")
    active = unique("active")
    future = unique("future")
    add_window(
        store, zabbix_lab, expired, NOW - 3 * HOUR, NOW - HOUR, objects=(netbox_lab.keys["d1"],)
    )
    gone_id = add_window(store, zabbix_lab, gone, NOW - 3 * HOUR, NOW - 2 * HOUR)
    zapi.delete_maintenances(zabbix_lab.client, [gone_id])  # someone deleted it in Zabbix already
    add_window(store, zabbix_lab, active, NOW - HOUR, NOW + HOUR)
    add_window(store, zabbix_lab, future, NOW + HOUR, NOW + 2 * HOUR)
    now = datetime.now(UTC)
    add_window(store, zabbix_lab, ending_now, now - HOUR, now)

    result = cleanup(instance, store, zabbix_lab.url)
    assert result.success, failure(result)
    summary = summary_of(store, result)
    assert summary["_status"] == "success"
    assert (summary["deleted"], summary["checked"], summary["failed"]) == (3, 3, 0)
    assert datetime.fromisoformat(summary["timestamp"]) >= now.replace(microsecond=0)
    assert set(summary["deleted_names"]) == {expired, gone, ending_now}
    assert registry_names(store) == {active, future}
    for name in (expired, gone, ending_now):
        assert in_zabbix(zabbix_lab, name) == []
    assert len(in_zabbix(zabbix_lab, active)) == 1 and len(in_zabbix(zabbix_lab, future)) == 1
    assert window(store, active)["status"] == "active"
    assert any(
        expired in c and "removed from Zabbix" in c
        for c in journal_comments(netbox_lab, netbox_lab.keys["d1"])
    )
    assert summary["journal"]["written"] == 1
    # the run's compact summary is on the run too
    tag = instance.get_run_by_id(result.run_id).tags["nbzbx/summary"]
    assert '"deleted": 3' in tag


def test_unreachable_zabbix_keeps_the_window_and_fails_until_it_is_back(
    zabbix_lab: ZabbixLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    expired = unique("retry")
    active = unique("stays")
    maintenanceid = add_window(store, zabbix_lab, expired, NOW - 3 * HOUR, NOW - HOUR)
    add_window(store, zabbix_lab, active, NOW - HOUR, NOW + HOUR)

    down = cleanup(instance, store, REFUSED_URL)
    assert "could not be deleted" in failure(down)
    summary = summary_of(store, down)
    assert summary["_status"] == "failure"
    assert "connection refused" in summary["_error"]
    assert (summary["deleted"], summary["checked"], summary["failed"]) == (0, 1, 1)
    assert registry_names(store) == {expired, active}
    assert window(store, expired)["status"] == "failed"
    assert len(in_zabbix(zabbix_lab, expired)) == 1

    back = cleanup(instance, store, zabbix_lab.url)
    assert back.success, failure(back)
    summary = summary_of(store, back)
    assert (summary["deleted"], summary["failed"]) == (1, 0)
    assert registry_names(store) == {active}
    assert zapi.maintenances(zabbix_lab.client, maintenanceids=[maintenanceid]) == []


class RefusingZabbix:
    """A JSON-RPC proxy in front of a lab Zabbix that answers an API error to any
    ``maintenance.delete`` naming one of ``refuse``; everything else is forwarded."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.refuse: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = json.loads(body)
                params = request.get("params")
                if request.get("method") == "maintenance.delete" and outer.refuse & set(params):
                    error = {"code": -32500, "message": "Application error.", "data": "refused"}
                    content = json.dumps(
                        {"jsonrpc": "2.0", "error": error, "id": request.get("id")}
                    ).encode()
                    content_type = "application/json"
                    status = 200
                else:
                    headers = {
                        k: v
                        for k, v in self.headers.items()
                        if k.lower() in ("content-type", "authorization")
                    }
                    answer = requests.post(outer.target, data=body, headers=headers, timeout=30)
                    content, status = answer.content, answer.status_code
                    content_type = answer.headers.get("Content-Type", "application/json")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api_jsonrpc.php"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def refusing(zabbix_lab: ZabbixLab) -> Iterator[RefusingZabbix]:
    proxy = RefusingZabbix(zabbix_lab.url)
    yield proxy
    proxy.close()


def test_successful_deletions_are_committed_when_another_fails(
    zabbix_lab: ZabbixLab,
    store: StateStore,
    instance: dg.DagsterInstance,
    refusing: RefusingZabbix,
) -> None:
    good = unique("good")
    bad = unique("bad")
    add_window(store, zabbix_lab, good, NOW - 3 * HOUR, NOW - HOUR)
    bad_id = add_window(store, zabbix_lab, bad, NOW - 3 * HOUR, NOW - 2 * HOUR)
    refusing.refuse.add(bad_id)

    result = cleanup(instance, store, refusing.url)
    assert "1 maintenance(s) could not be deleted" in failure(result)
    summary = summary_of(store, result)
    assert summary["_status"] == "failure"
    assert (summary["deleted"], summary["checked"], summary["failed"]) == (1, 2, 1)
    assert "refused" in summary["errors"][bad]
    # the good one is gone in both places (committed), the bad one kept and marked
    assert registry_names(store) == {bad}
    assert window(store, bad)["status"] == "failed"
    assert in_zabbix(zabbix_lab, good) == []
    assert len(in_zabbix(zabbix_lab, bad)) == 1


def test_unmanaged_expired_maintenances_matching_the_pattern(
    zabbix_lab: ZabbixLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    tag = uuid.uuid4().hex[:6]
    match = f"{PREFIX}-unmanaged-{tag}-old"
    no_match = f"{PREFIX}-manual-{tag}-old"
    running = f"{PREFIX}-unmanaged-{tag}-running"
    registered = f"{PREFIX}-unmanaged-{tag}-registered"
    host = [zabbix_lab.hostids["other"]]
    for name, since, till in (
        (match, NOW - 3 * HOUR, NOW - HOUR),
        (no_match, NOW - 3 * HOUR, NOW - HOUR),
        (running, NOW - HOUR, NOW + HOUR),
    ):
        zapi.create_maintenance(zabbix_lab.client, name, since, till, hostids=host)
    add_window(store, zabbix_lab, registered, NOW - HOUR, NOW + HOUR)

    # off by default: nothing outside the registry is touched
    off = cleanup(instance, store, zabbix_lab.url)
    assert off.success, failure(off)
    assert summary_of(store, off)["checked"] == 0
    assert len(in_zabbix(zabbix_lab, match)) == 1

    store.set_override("cleanup_unmanaged_maintenances", True, by="test")
    store.set_override("unmanaged_maintenance_pattern", f"^{PREFIX}-unmanaged-{tag}-", by="test")
    on = cleanup(instance, store, zabbix_lab.url)
    assert on.success, failure(on)
    summary = summary_of(store, on)
    assert summary["unmanaged"]["deleted_names"] == [match]
    assert (summary["deleted"], summary["checked"], summary["failed"]) == (1, 1, 0)
    assert in_zabbix(zabbix_lab, match) == []
    for name in (no_match, running, registered):
        assert len(in_zabbix(zabbix_lab, name)) == 1, name


def test_journal_entries_netbox_refused_are_kept_and_written_by_the_next_run(
    zabbix_lab: ZabbixLab, netbox_lab: NetBoxLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    """NetBox down during a cleanup: the window is cleaned, its journal entries are kept, and
    the next run writes them; an entry whose device is gone is dropped, not retried forever."""
    name = unique("journal")
    gone = "device-2147480000"  # no such device in NetBox
    objects = (netbox_lab.keys["d1"], netbox_lab.keys["v1"], gone)
    add_window(store, zabbix_lab, name, NOW - 3 * HOUR, NOW - HOUR, objects=objects)
    netbox_down = NetBoxResource(url="http://127.0.0.1:9", token=services.netbox_token())
    down = maintenance_cleanup.execute_in_process(
        resources={**resources(store, zabbix_lab.url), "netbox": netbox_down},
        instance=instance,
        raise_on_error=False,
    )
    assert down.success, failure(down)
    summary = summary_of(store, down)
    assert (summary["deleted"], summary["checked"], summary["failed"]) == (1, 1, 0)
    journal = summary["journal"]
    assert (journal["written"], journal["kept"], journal["failed"]) == (0, 3, 3)
    assert "connection refused" in journal["errors"][0]
    assert not any(name in c for c in journal_comments(netbox_lab, netbox_lab.keys["d1"]))

    back = cleanup(instance, store, zabbix_lab.url)  # nothing else expired: only the kept entries
    assert back.success, failure(back)
    journal = summary_of(store, back)["journal"]
    assert {k: journal[k] for k in ("written", "kept", "retried", "dropped", "failed")} == {
        "written": 2,
        "kept": 0,
        "retried": 3,
        "dropped": 1,
        "failed": 0,
    }
    assert "Invalid assigned_object" in journal["dropped_entries"][0]
    for short in ("d1", "v1"):
        assert any(name in c for c in journal_comments(netbox_lab, netbox_lab.keys[short])), short
    again = cleanup(instance, store, zabbix_lab.url)
    assert summary_of(store, again)["journal"]["retried"] == 0


def test_a_refused_zabbix_login_is_tried_exactly_once_per_run(
    zabbix_lab: ZabbixLab, store: StateStore, instance: dg.DagsterInstance
) -> None:
    """Zabbix blocks a user after repeated failed logins: a cleanup (which needs Zabbix for
    the registered windows and for the unmanaged ones) sends one user.login, counted at a
    relay in front of the real Zabbix, and the user is not locked afterwards."""
    user, password = f"{PREFIX}-login-{zabbix_lab.version}", "It-" + secrets.token_hex(12)
    (group,) = zabbix_lab.client.call(
        "usergroup.get", {"output": ["usrgrpid"], "filter": {"name": "Zabbix administrators"}}
    )
    (userid,) = zabbix_lab.client.call(
        "user.create",
        {
            "username": user,
            "passwd": password,
            "roleid": "1",
            "usrgrps": [{"usrgrpid": group["usrgrpid"]}],
        },
    )["userids"]
    try:
        add_window(store, zabbix_lab, unique("login"), NOW - 3 * HOUR, NOW - HOUR)
        store.set_override("cleanup_unmanaged_maintenances", True, by="test")
        with StoppingZabbix(zabbix_lab.url, limit=1000) as relay:
            wrong = ZabbixResource(url=relay.url, user=user, password=password + "-wrong")
            result = maintenance_cleanup.execute_in_process(
                resources={**resources(store, relay.url), "zabbix": wrong},
                instance=instance,
                raise_on_error=False,
            )
        assert not result.success
        assert relay.forwarded.count("user.login") == 1, relay.forwarded
        summary = summary_of(store, result)
        assert "authentication failed: Incorrect user name or password" in summary["_error"]
        assert password not in summary["_error"]
        ZabbixClient.connect(zabbix_lab.url, user=user, password=password).close()  # not blocked
    finally:
        zabbix_lab.client.call("user.delete", [userid])


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_create_list_delete(
    zabbix_lab: ZabbixLab,
    netbox_lab: NetBoxLab,
    store: StateStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in services.env(zabbix_lab.version).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NBZBX_DATABASE_URL", store.url)
    runner = CliRunner()
    name = unique("cli")
    created = runner.invoke(
        main,
        [
            "maintenance",
            "create",
            "--name",
            name,
            "--duration",
            "30",
            "--no-data-collection",
            "--host-config",
            netbox_lab.keys["d1"],
            "--host-group",
            zabbix_lab.group,
            "--json",
        ],
    )
    assert created.exit_code == 0, created.output
    [maintenance] = in_zabbix(zabbix_lab, name)
    assert maintenance["with_data_collection"] is False
    assert [h["hostid"] for h in maintenance["hosts"]] == [zabbix_lab.hostids["d1"]]
    assert [g["groupid"] for g in maintenance["groups"]] == [zabbix_lab.groupid]

    listed = runner.invoke(main, ["maintenance", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert '"status": "active"' in listed.output and name in listed.output

    refused = runner.invoke(
        main,
        [
            "maintenance",
            "create",
            "--name",
            unique("cli"),
            "--duration",
            "5",
            "--site",
            "it-no-such-site",
        ],
    )
    assert refused.exit_code == 1
    assert refused.output.strip() == "error: unknown target(s): site 'it-no-such-site'"
    assert services.netbox_token() not in refused.output

    deleted = runner.invoke(main, ["maintenance", "delete", name, "--json"])
    assert deleted.exit_code == 0, deleted.output
    assert '"zabbix": "deleted"' in deleted.output
    assert in_zabbix(zabbix_lab, name) == [] and registry_names(store) == set()
    missing = runner.invoke(main, ["maintenance", "delete", name])
    assert missing.exit_code == 1 and "no maintenance window named" in missing.output


# -- two Zabbix servers at once: site zurich on zbx60, the rest on zbx70 ------------------------

SERVERS = {"zbx60": "6.0", "zbx70": "7.0"}


@pytest.fixture
def two_servers(
    seeded_lab: dict, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, ZabbixClient]]:
    """Settings naming both lab Zabbix servers (through NBZBX_* variables, as a deployment
    would set them); the clients to check each server with."""
    point_servers(monkeypatch, {name: services.zabbix_url(v) for name, v in SERVERS.items()})
    monkeypatch.setenv("NBZBX_SERVER_RULES", json.dumps([{"server": "zbx60", "sites": ["zurich"]}]))
    monkeypatch.setenv("NBZBX_DEFAULT_SERVER", "zbx70")
    for name in SERVERS:
        monkeypatch.setenv(f"NBZBX_ZABBIX_{name.upper()}_USER", ADMIN[0])
        monkeypatch.setenv(f"NBZBX_ZABBIX_{name.upper()}_PASSWORD", ADMIN[1])
    clients = {
        name: ZabbixClient.connect(services.zabbix_url(v), user=ADMIN[0], password=ADMIN[1])
        for name, v in SERVERS.items()
    }
    yield clients
    for client in clients.values():
        for maintenance in zapi.maintenances(client):
            if maintenance["name"].startswith(PREFIX):
                zapi.delete_maintenances(client, [maintenance["maintenanceid"]])
        client.close()


def point_servers(monkeypatch: pytest.MonkeyPatch, urls: dict[str, str]) -> None:
    servers = [{"name": name, "url": url} for name, url in urls.items()]
    monkeypatch.setenv("NBZBX_ZABBIX_SERVERS", json.dumps(servers))


def on_servers(
    instance: dg.DagsterInstance, store: StateStore, job: dg.JobDefinition, **config: Any
) -> dg.ExecuteInProcessResult:
    """A run with the named servers of the settings; the single-server fields point nowhere,
    so a run that used them instead would fail."""
    run_config = {"ops": {"create_maintenance_window": {"config": config}}} if config else None
    return job.execute_in_process(
        run_config=run_config,
        resources=resources(store, REFUSED_URL),
        instance=instance,
        raise_on_error=False,
    )


def seeded_hostids(client: ZabbixClient, names: list[str]) -> set[str]:
    refs = zapi.host_refs(client, names=[technical_name(n) for n in names])
    return {r["hostid"] for r in refs}


def expire(store: StateStore, name: str) -> None:
    """Move a window's end into the past, as time passing would."""
    with store.transaction() as conn:
        conn.execute(
            update(maintenance_window)
            .where(maintenance_window.c.name == name)
            .values(start=NOW - 2 * HOUR, end=NOW - HOUR)
        )


def test_a_window_over_both_servers_is_created_on_both_and_cleaned_from_both(
    two_servers: dict[str, ZabbixClient],
    store: StateStore,
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = unique("both")
    created = on_servers(
        instance,
        store,
        create_maintenance,
        name=name,
        sites=["zurich", "lab-a"],
        duration_minutes=60,
    )
    assert created.success, failure(created)
    zurich = [d[0] for d in demo.DEVICES if d[1] == "zurich"]
    lab_a = [d[0] for d in demo.DEVICES if d[1] == "lab-a"]
    [on60] = zapi.maintenances(two_servers["zbx60"], names=[name])
    [on70] = zapi.maintenances(two_servers["zbx70"], names=[name])
    expected60 = seeded_hostids(two_servers["zbx60"], zurich)
    assert expected60 and {h["hostid"] for h in on60["hosts"]} == expected60
    hosts70 = {h["hostid"] for h in on70["hosts"]}
    assert seeded_hostids(two_servers["zbx70"], lab_a) <= hosts70
    assert not seeded_hostids(two_servers["zbx70"], zurich) & hosts70  # zurich is zbx60's
    row = window(store, name)
    assert row["parts"] == {"zbx60": on60["maintenanceid"], "zbx70": on70["maintenanceid"]}
    assert set(row["targets"]["resolved"]["servers"]) == {"zbx60", "zbx70"}

    # zbx70 refuses the deletion once: zbx60's part goes, the window stays with zbx70's
    expire(store, name)
    relay = RefusingZabbix(services.zabbix_url("7.0"))
    relay.refuse.add(on70["maintenanceid"])
    try:
        point_servers(monkeypatch, {"zbx60": services.zabbix_url("6.0"), "zbx70": relay.url})
        refused = on_servers(instance, store, maintenance_cleanup)
    finally:
        relay.close()
    message = failure(refused)
    assert "server zbx70" in message and "could not be deleted" in message
    assert "stored for zbx60" in message
    events = {
        e["server"]: e for e in store.list_events(job="maintenance_cleanup", run_id=refused.run_id)
    }
    assert events["zbx60"]["status"] == "success" and events["zbx60"]["summary"]["deleted"] == 1
    assert events["zbx70"]["status"] == "failure" and "refused" in events["zbx70"]["error"]
    tag = json.loads(instance.get_run_by_id(refused.run_id).tags["nbzbx/summary"])
    assert (tag["deleted"], tag["failed"], tag["failed_servers"]) == (1, 1, ["zbx70"])
    assert zapi.maintenances(two_servers["zbx60"], names=[name]) == []
    assert len(zapi.maintenances(two_servers["zbx70"], names=[name])) == 1
    kept = window(store, name)
    assert kept["parts"] == {"zbx70": on70["maintenanceid"]} and kept["status"] == "failed"

    # the next run retries zbx70 only, and the window leaves the registry with its last part
    point_servers(monkeypatch, {n: services.zabbix_url(v) for n, v in SERVERS.items()})
    back = on_servers(instance, store, maintenance_cleanup)
    assert back.success, failure(back)
    tag = json.loads(instance.get_run_by_id(back.run_id).tags["nbzbx/summary"])
    assert tag["servers"]["zbx60"]["checked"] == 0 and tag["servers"]["zbx70"]["deleted"] == 1
    assert tag["removed_names"] == [name]
    assert zapi.maintenances(two_servers["zbx70"], names=[name]) == []
    assert registry_names(store) == set()


def test_a_window_on_one_server_has_one_part_and_names_count_on_every_server(
    two_servers: dict[str, ZabbixClient],
    store: StateStore,
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = unique("one")
    created = on_servers(
        instance, store, create_maintenance, name=name, sites=["zurich"], duration_minutes=30
    )
    assert created.success, failure(created)
    [on60] = zapi.maintenances(two_servers["zbx60"], names=[name])
    assert zapi.maintenances(two_servers["zbx70"], names=[name]) == []
    assert window(store, name)["parts"] == {"zbx60": on60["maintenanceid"]}

    # a host group both servers have: a part on each
    group = unique("group")
    grouped = on_servers(
        instance, store, create_maintenance, name=group, host_groups=["Zürich"], duration_minutes=30
    )
    assert grouped.success, failure(grouped)
    assert set(window(store, group)["parts"]) == {"zbx60", "zbx70"}
    # a name no server has is an error naming it; nothing is created anywhere
    missing = unique("missing")
    refused = on_servers(
        instance,
        store,
        create_maintenance,
        name=missing,
        host_groups=["it-no-such-group"],
        duration_minutes=30,
    )
    assert "unknown target(s): host group 'it-no-such-group'" in failure(refused)
    for client in two_servers.values():
        assert zapi.maintenances(client, names=[missing]) == []

    # the CLI shows the parts by server name and deletes each
    monkeypatch.setenv("NBZBX_DATABASE_URL", store.url)
    monkeypatch.setenv("NBZBX_NETBOX_URL", services.netbox_url())
    monkeypatch.setenv("NBZBX_NETBOX_TOKEN", services.netbox_token())
    listed = CliRunner().invoke(main, ["maintenance", "list"])
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if group in x)
    assert "zbx60 " in line and "zbx70 " in line
    as_json = json.loads(CliRunner().invoke(main, ["maintenance", "list", "--json"]).output)
    rows = {r["name"]: r for r in as_json}
    assert rows[name]["zabbix_maintenance_id"] == on60["maintenanceid"]
    assert "zabbix_maintenance_id" not in rows[group]
    deleted = CliRunner().invoke(main, ["maintenance", "delete", group, "--json"])
    assert deleted.exit_code == 0, deleted.output
    assert json.loads(deleted.output)["parts"] == {"zbx60": "deleted", "zbx70": "deleted"}
    for client in two_servers.values():
        assert zapi.maintenances(client, names=[group]) == []
    assert group not in registry_names(store)
