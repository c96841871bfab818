"""Which partitions a refresh records in Dagster, and what it writes to the state store, when
most host configs did not change: the event log and the state store grow with the changes only."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from nbzbx_dagster.defs.host_sync.events import check_metadata, worth_recording
from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_statuses, read_statuses_against
from nbzbx_dagster.store.tables import host_status_change
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import HostConfigs, Refresh, save_refresh

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NOTE = {"interface_used": "agent on the primary IP 10.0.0.1"}


def configs(n: int) -> HostConfigs:
    items = [HostConfig("device", i, f"dev-{i}", "active") for i in range(1, n + 1)]
    return HostConfigs(items, {}, {c.key: "default" for c in items}, {})


def checks(host_configs: HostConfigs, missing: set[int] = frozenset()) -> list[HostCheck]:
    """Every host in sync but those in ``missing``."""
    return [
        HostCheck(c, "missing", None, dict(NOTE), desired={"host": c.name})
        if c.object_id in missing
        else HostCheck(c, "in_sync", str(1000 + c.object_id), dict(NOTE), desired={"host": c.name})
        for c in host_configs.configs
    ]


def refresh(store: StateStore, host_configs: HostConfigs, found: list[HostCheck], at: datetime):
    with store.connect() as conn:
        stored = read_statuses_against(conn, {c.config.key: c.desired for c in found})
    assert all("desired" not in row for row in stored.values())  # compared as read, not held
    result = Refresh(host_configs, found, stored, at, {}, "default")
    with store.transaction() as conn:
        save_refresh(conn, result)
    return result


def test_a_first_refresh_records_every_partition_and_a_second_none(store: StateStore) -> None:
    hosts = configs(50)
    first = refresh(store, hosts, checks(hosts), T0)
    assert len(worth_recording([first], [])) == 50  # no status stored yet: all changed
    assert len(worth_recording([first], hosts.keys)) == 50
    again = refresh(store, hosts, checks(hosts), T0 + timedelta(hours=1))
    assert worth_recording([again], []) == []


def test_only_changed_or_new_partitions_are_recorded(store: StateStore) -> None:
    hosts = configs(100)
    refresh(store, hosts, checks(hosts), T0)
    later = refresh(store, hosts, checks(hosts, missing={7}), T0 + timedelta(hours=1))
    assert [c.config.key for c in worth_recording([later], [])] == ["device-7"]
    # a partition new to the instance (its partitions were wiped) is recorded though unchanged
    picked = worth_recording([later], ["device-3", "device-7"])
    assert [c.config.key for c in picked] == ["device-3", "device-7"]


def test_unchanged_statuses_get_only_a_new_check_time(store: StateStore) -> None:
    hosts = configs(20)
    refresh(store, hosts, checks(hosts), T0)
    later = T0 + timedelta(hours=1)
    refresh(store, hosts, checks(hosts, missing={4}), later)
    with store.connect() as conn:
        rows = read_statuses(conn)
        history = conn.execute(select(host_status_change)).mappings().all()
    # every host shows when it was last checked, changed or not
    assert {r["checked_at"] for r in rows.values()} == {later}
    assert rows["device-4"]["status"] == "missing" and rows["device-4"]["zabbix_hostid"] is None
    assert rows["device-5"]["status"] == "in_sync" and rows["device-5"]["zabbix_hostid"] == "1005"
    assert rows["device-5"]["diff"] == NOTE and rows["device-5"]["desired"] == {"host": "dev-5"}
    # the history has the first status of each host and the one change
    assert len(history) == 21
    assert [h["partition_key"] for h in history if h["changed_at"] == later] == ["device-4"]


def test_a_changed_desired_host_is_written_though_the_status_is_the_same(
    store: StateStore,
) -> None:
    hosts = configs(3)
    refresh(store, hosts, checks(hosts), T0)
    found = checks(hosts)
    found[1].desired = {"host": "dev-2", "name": "renamed"}
    result = refresh(store, hosts, found, T0 + timedelta(hours=1))
    with store.connect() as conn:
        rows = read_statuses(conn)
    assert rows["device-2"]["desired"] == {"host": "dev-2", "name": "renamed"}
    assert worth_recording([result], []) == []  # same status, same difference: no event


def test_the_structured_diff_is_in_the_metadata_only_where_something_differs() -> None:
    host = HostConfig("device", 1, "dev-1", "active")
    same = check_metadata(HostCheck(host, "in_sync", "1001", {**NOTE, "differences": {}}), "a")
    assert "diff" not in same and same["interface_used"] == NOTE["interface_used"]
    drift = {"differences": {"tags": {"netbox": [], "zabbix": []}}, "in_words": ["tags: + x"]}
    other = check_metadata(HostCheck(host, "out_of_sync", "1001", {**NOTE, **drift}), "a")
    assert other["diff"].value["differences"] == drift["differences"]
    assert other["difference"] == "tags: + x"


def test_zabbix_hosts_are_read_in_two_runs_of_whole_batches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nbzbx_dagster.sync import check

    asked: list[list[str]] = []

    def hosts(client, hostids=None, names=None, with_macros=False):
        asked.append(list(hostids))
        if "boom" in hostids:
            raise RuntimeError("Zabbix is gone")
        return [{"hostid": h} for h in hostids]

    monkeypatch.setattr(check.zapi, "hosts", hosts)
    ids = [f"{i:05d}" for i in range(1700)]
    assert [h["hostid"] for h in check._hosts(None, "hostids", ids, {})] == ids
    assert sorted(len(a) for a in asked) == [700, 1000]  # whole batches of 500 but the last
    asked.clear()
    assert len(check._hosts(None, "hostids", ids[:400], {})) == 400 and len(asked) == 1
    assert check._hosts(None, "hostids", [], {}) == []
    with pytest.raises(RuntimeError, match="Zabbix is gone"):
        check._hosts(None, "hostids", [*ids, "boom"], {})


def test_a_recheck_reads_the_hosts_a_reconcile_just_wrote_by_their_ids(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_sync import INDEX

    from nbzbx_dagster.settings import load_settings
    from nbzbx_dagster.sync import check
    from nbzbx_dagster.sync.refresh import refresh_server

    asked: list[tuple[str, list[str]]] = []

    def hosts(client, hostids=None, names=None, with_macros=False):
        asked.append(("hostids", list(hostids)) if hostids else ("names", list(names)))
        return []

    monkeypatch.setattr(check.zapi, "hosts", hosts)
    base = configs(3)
    hosts_configs = HostConfigs(
        base.configs,
        {c.key: {"host": c.name, "interfaces": []} for c in base.configs},
        base.servers,
        {"default": INDEX},
    )
    client = type("Client", (), {"url": "http://zabbix.example/api_jsonrpc.php"})()
    just_written = {"device-1": "501", "device-2": "502"}
    refresh_server(
        "default",
        hosts_configs,
        lambda: client,
        store,
        load_settings(env={}),
        only_keys=list(just_written),
        hostids=just_written,
    )
    assert asked[0] == ("hostids", ["501", "502"])
