"""A keyed plan (the change sensor's reconcile of a few host configs): Zabbix is asked for those
keys' managed hosts only, removals are only of those keys, and saving it keeps the other keys'
stored actions. Against a fake Zabbix that answers host.get as Zabbix filters tags, and a real
SQLite state store."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pytest
from offline import offline_resources
from test_sync import INDEX, config, settings

from nbzbx_dagster.defs.repair import jobs
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_report_rows, save_statuses
from nbzbx_dagster.store.repair_plan import read_plan
from nbzbx_dagster.sync import check, repair
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.refresh import HostConfigs
from nbzbx_dagster.sync.repair import (
    PLAN_COLUMNS,
    Reconciled,
    Selection,
    plan_server,
    reconcile_server,
    save_reconciled,
    save_server_plan,
)
from nbzbx_dagster.sync.repair_apply import HostResult
from nbzbx_dagster.sync.repair_plan import PlannedHost
from nbzbx_dagster.zabbix.host_writes import marked_hosts

MARKER = "netbox.host_config"
SERVER = "default"


class TaggedZabbix:
    """host.get over managed hosts as Zabbix filters them: ``operator`` 4 (the tag exists) or
    1 (equals; several on one tag are OR'd, ``evaltype`` 0); records every request."""

    url = "http://zabbix.example/api_jsonrpc.php"

    def __init__(self, markers: dict[str, list[str]]) -> None:
        """``markers``: host id to the values of its marker tags, in their order."""
        self.hosts = {
            hostid: {
                "hostid": hostid,
                "host": f"h{hostid}",
                "name": f"Host {hostid}",
                "status": "0",
                "tags": [{"tag": MARKER, "value": v} for v in values],
            }
            for hostid, values in markers.items()
        }
        self.asked: list[dict[str, Any]] = []
        self.calls: Counter[str] = Counter()

    def call(self, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert method == "host.get"
        self.calls[method] += 1
        self.asked.append(params)
        conditions = params["tags"]
        assert {c["tag"] for c in conditions} == {MARKER}
        if [c["operator"] for c in conditions] == [4]:
            found = list(self.hosts.values())
        else:
            assert {c["operator"] for c in conditions} == {1}
            wanted = {c["value"] for c in conditions}
            found = [h for h in self.hosts.values() if {t["value"] for t in h["tags"]} & wanted]
        if "hostids" in params:
            found = [h for h in found if h["hostid"] in params["hostids"]]
        if params["output"] == ["hostid"]:
            return [{"hostid": h["hostid"]} for h in found]
        return found


@pytest.fixture
def no_host_by_id_or_name(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """The host configs' own Zabbix hosts are not there (their actions are creates); what the
    plan looked up is recorded."""
    asked: list[tuple[str, list[str]]] = []

    def hosts(
        client: Any, hostids: Any = None, names: Any = None, with_macros: bool = False
    ) -> list:
        asked.append(("hostids", list(hostids)) if hostids else ("names", list(names)))
        return []

    monkeypatch.setattr(check.zapi, "hosts", hosts)
    return asked


def host_configs(object_ids: list[int], requested: set[str] | None) -> HostConfigs:
    """Devices of these NetBox ids on the default server; ``requested``: a keyed read's keys."""
    configs = [config(object_id=i, name=f"srv-{i}", primary_ip=f"192.0.2.{i}") for i in object_ids]
    desired = {c.key: desired_host(c, settings(), INDEX) for c in configs}
    return HostConfigs(
        configs,
        desired,
        {c.key: SERVER for c in configs},
        {SERVER: INDEX},
        frozenset(requested) if requested is not None else None,
    )


def test_a_keyed_plan_asks_for_the_marker_equal_to_each_key_and_plans_those_only(
    store: StateStore, no_host_by_id_or_name: list
) -> None:
    zabbix = TaggedZabbix({"501": ["device-13"], "502": ["device-14"]})  # both gone from NetBox
    keyed = host_configs([12], {"device-12", "device-40"})
    plan = plan_server(SERVER, keyed, zabbix, store, settings())  # type: ignore[arg-type]
    assert zabbix.asked == [
        {
            "output": ["hostid", "host", "name", "status"],
            "selectTags": ["tag", "value"],
            "tags": [
                {"tag": MARKER, "value": "device-12", "operator": 1},
                {"tag": MARKER, "value": "device-40", "operator": 1},
            ],
        }
    ]
    assert [(p.key, p.action) for p in plan] == [("device-12", "create")]
    assert no_host_by_id_or_name == [("names", ["srv-12"])]
    # the same inventory planned whole reads every managed host and removes both
    whole = replace(keyed, requested=None)
    full = plan_server(SERVER, whole, zabbix, store, settings())  # type: ignore[arg-type]
    assert zabbix.asked[1]["tags"] == [{"tag": MARKER, "operator": 4}]
    assert [(p.key, p.action) for p in full] == [
        ("device-12", "create"),
        ("device-13", "disable"),
        ("device-14", "disable"),
    ]


def test_a_requested_key_gone_from_netbox_is_removed_another_keys_host_is_not(
    store: StateStore, no_host_by_id_or_name: list
) -> None:
    zabbix = TaggedZabbix({"501": ["device-13"], "502": ["device-14"], "503": ["device-12"]})
    keyed = host_configs([], {"device-13"})  # device-13 deleted in NetBox
    plan = plan_server(SERVER, keyed, zabbix, store, settings())  # type: ignore[arg-type]
    assert [(p.key, p.action, p.hostid, p.write) for p in plan] == [
        ("device-13", "disable", "501", {"hostid": "501", "status": "disabled"})
    ]
    assert no_host_by_id_or_name == []  # nothing of NetBox's to look up


def test_a_keyed_plan_reads_only_its_keys_statuses_and_checks_them_though_stored_in_sync(
    store: StateStore, no_host_by_id_or_name: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The change sensor asks for the reconcile in the tick it asks for the refresh, so the
    stored status is the one from before the edit: a keyed plan checks its keys again anyway
    (planning only what the store says is not in sync reached Zabbix for none of them)."""
    now = datetime.now(UTC)
    with store.transaction() as conn:
        save_statuses(
            conn,
            [
                {
                    "partition_key": f"device-{i}",
                    "server": SERVER,
                    "object_type": "device",
                    "object_id": i,
                    "name": f"srv-{i}",
                    "status": "in_sync",
                    "checked_at": now,
                }
                for i in (11, 12, 13)
            ],
        )
        assert set(read_report_rows(conn, PLAN_COLUMNS, {"device-12", "vm-9"})) == {"device-12"}
    asked: list[Any] = []

    def reading(*args: Any) -> dict[str, dict[str, Any]]:
        asked.append(args[2:])
        return read_report_rows(*args)

    monkeypatch.setattr(repair, "read_report_rows", reading)
    zabbix = TaggedZabbix({})
    keyed = host_configs([12], {"device-12"})
    plan = plan_server(SERVER, keyed, zabbix, store, settings())  # type: ignore[arg-type]
    assert [(p.key, p.action) for p in plan] == [("device-12", "create")]
    assert asked == [({"device-12"},)]
    assert no_host_by_id_or_name == [("names", ["srv-12"])]
    # planned whole, the same inventory trusts the stored status: nothing to check
    whole = plan_server(SERVER, replace(keyed, requested=None), zabbix, store, settings())  # type: ignore[arg-type]
    assert whole == []
    assert asked[1] == (None,)
    assert no_host_by_id_or_name == [("names", ["srv-12"])]


def test_the_keys_are_asked_500_at_a_time_and_a_host_of_another_key_is_left_out() -> None:
    keys = [f"device-{i}" for i in range(1, 1201)]
    zabbix = TaggedZabbix({"601": ["device-7"], "602": ["device-5000", "device-8"]})
    found = marked_hosts(zabbix, MARKER, keys)  # type: ignore[arg-type]
    assert sorted(len(a["tags"]) for a in zabbix.asked) == [200, 500, 500]
    assert all("hostids" not in a for a in zabbix.asked)
    assert sorted(c["value"] for a in zabbix.asked for c in a["tags"]) == sorted(keys)
    # 602's first marker names device-5000, not a requested key: that key's host, not device-8's
    assert [(h["hostid"], h["marker"]) for h in found] == [("601", "device-7")]
    assert marked_hosts(zabbix, MARKER, []) == []  # type: ignore[arg-type]
    assert len(zabbix.asked) == 3  # no keys: nothing asked


def planned(key: str, action: str = "update", words: str = "x") -> PlannedHost:
    return PlannedHost(key, f"name {key}", action, [words], write={"hostid": "1"})


def stored(store: StateStore, server: str = SERVER) -> dict[str, str]:
    with store.connect() as conn:
        return {r["partition_key"]: r["changes"][0] for r in read_plan(conn, server)}


def test_saving_a_keyed_plan_keeps_the_other_keys_rows_and_replaces_its_own(
    store: StateStore,
) -> None:
    with store.transaction() as conn:
        save_server_plan(
            conn,
            SERVER,
            [planned("device-1"), planned("device-2"), planned("zabbix-77", "disable")],
        )
        save_server_plan(conn, "other", [planned("device-1", words="other server")])
    with store.transaction() as conn:  # device-1 now in sync; zabbix-77 planned again, changed
        save_server_plan(
            conn,
            SERVER,
            [planned("device-3", "create", "new"), planned("zabbix-77", "delete", "again")],
            keys={"device-1", "device-3"},
        )
    assert stored(store) == {"device-2": "x", "device-3": "new", "zabbix-77": "again"}
    assert stored(store, "other") == {"device-1": "other server"}
    with store.transaction() as conn:  # a full plan replaces the server's plan whole
        save_server_plan(conn, SERVER, [planned("device-9")])
    assert stored(store) == {"device-9": "x"}
    assert stored(store, "other") == {"device-1": "other server"}


def test_a_keyed_reconcile_stores_what_remains_of_its_keys_beside_the_other_keys(
    store: StateStore, no_host_by_id_or_name: list
) -> None:
    with store.transaction() as conn:
        save_server_plan(conn, SERVER, [planned("device-12", "create"), planned("device-2")])
    zabbix = TaggedZabbix({"501": ["device-13"], "502": ["device-13"]})  # a duplicate too
    keyed = host_configs([12], {"device-12", "device-13"})
    nothing = Selection(actions=[])  # plan again, apply none: what is stored afterwards
    factory: Any = lambda: zabbix  # noqa: E731
    result = reconcile_server(SERVER, keyed, factory, store, settings(), nothing)
    assert result.keys == {"device-12", "device-13"}
    assert [(p.key, p.action) for p in result.plan] == [
        ("device-12", "create"),
        ("device-13", "disable"),
        ("zabbix-502", "disable"),  # the second host of one key has a key of its own
    ]
    with store.transaction() as conn:
        save_reconciled(conn, result)
    with store.connect() as conn:
        rows = {r["partition_key"]: r["action"] for r in read_plan(conn, SERVER)}
    assert rows == {
        "device-12": "create",
        "device-13": "disable",
        "zabbix-502": "disable",
        "device-2": "update",
    }
    # what was applied leaves the stored plan, the removal of the duplicate too; the other
    # keys' rows stay
    applied = Reconciled(
        SERVER,
        result.plan,
        [
            HostResult("device-13", "h501", "disable", "disabled", "501"),
            HostResult("zabbix-502", "h502", "disable", "disabled", "502"),
        ],
        keys=result.keys,
    )
    with store.transaction() as conn:
        save_reconciled(conn, applied)
    with store.connect() as conn:
        rows = {r["partition_key"]: r["action"] for r in read_plan(conn, SERVER)}
    assert rows == {"device-12": "create", "device-2": "update"}


@pytest.mark.parametrize(
    ("only", "read"),
    [
        (["device-12", "vm-7"], ["device-12", "vm-7"]),
        (["device-12", "srv-lab-a-03"], None),  # a name: resolved against the whole inventory
        (["device-012"], None),  # not a key NetBox gives
        ([], None),
    ],
)
def test_a_reconcile_reads_only_the_keys_of_only_and_names_take_the_full_path(
    store: StateStore, monkeypatch: pytest.MonkeyPatch, only: list[str], read: list[str] | None
) -> None:
    asked: list[Any] = []

    def load_host_configs(*args: Any, **kwargs: Any) -> HostConfigs:
        asked.append(args[4] if len(args) > 4 else kwargs.get("keys"))
        raise RuntimeError("NetBox is not asked in this test")

    monkeypatch.setattr(jobs, "load_host_configs", load_host_configs)
    netbox = type("NetBox", (), {"calls": Counter()})()
    monkeypatch.setattr(NetBoxResource, "client", lambda self: netbox)
    resources = offline_resources(store)
    with dg.instance_for_test() as instance:
        result = jobs.reconcile_zabbix_hosts.execute_in_process(
            run_config={"ops": {"reconcile_hosts": {"config": {"only": only}}}},
            resources=resources,
            instance=instance,
            raise_on_error=False,
        )
    assert not result.success
    assert asked == [read]
