"""Maintenance windows without services: validation, status, cleanup outcomes, the registry, and
the cleanup run's commit-then-fail semantics (Zabbix at a port that refuses connections)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import pytest
from click.testing import CliRunner
from offline import offline_resources
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.defs.maintenance.jobs import maintenance_cleanup
from nbzbx_dagster.maintenance import windows
from nbzbx_dagster.maintenance.cleanup import (
    cleanup_maintenances,
    combine,
    deletion_outcomes,
    failure_message,
    summarise,
    unmanaged_candidates,
)
from nbzbx_dagster.maintenance.create import (
    WindowRequest,
    create_parts,
    parse_time,
    parts_text,
    validate_request,
    window_times,
)
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import (
    MaintenanceError,
    MaintenanceTargets,
    Resolution,
    journal_target,
    merged,
    parse_host_config_key,
)
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import journal_pending
from nbzbx_dagster.zabbix import ZabbixError
from nbzbx_dagster.zabbix.api import MaintenanceDeletion

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
GROUPS = MaintenanceTargets(host_groups=("Servers",))


# -- targets and times --------------------------------------------------------------------------


def test_targets_from_mapping_strip_deduplicate_and_refuse_unknown_kinds() -> None:
    targets = MaintenanceTargets.from_mapping({"sites": [" lab-a", "lab-a", ""], "proxies": []})
    assert targets.sites == ("lab-a",)
    assert targets.as_dict()["sites"] == ["lab-a"] and not targets.is_empty()
    assert MaintenanceTargets.from_mapping({}).is_empty()
    with pytest.raises(MaintenanceError, match=r"unknown target kind.*hosts"):
        MaintenanceTargets.from_mapping({"hosts": ["x"]})


@pytest.mark.parametrize("key", ["device-0", "vm-", "server-1", "device-1x", "Device-1"])
def test_bad_host_config_keys(key: str) -> None:
    with pytest.raises(MaintenanceError, match="device-<id> or vm-<id>"):
        parse_host_config_key(key)


def test_host_config_keys_and_journal_targets() -> None:
    assert parse_host_config_key("device-12") == ("device", 12)
    assert journal_target("vm-7") == ("virtualization.virtualmachine", 7)
    assert journal_target("device-3") == ("dcim.device", 3)


def test_parse_time_zones() -> None:
    assert parse_time("2025-06-01T22:00", "start") == datetime(2025, 6, 1, 22, tzinfo=UTC)
    assert parse_time("2025-06-01T22:00+02:00", "start") == datetime(2025, 6, 1, 20, tzinfo=UTC)
    assert parse_time("2025-06-01T22:00Z", "end").tzinfo == UTC
    with pytest.raises(MaintenanceError, match="end 'tomorrow' is not an ISO 8601 time"):
        parse_time("tomorrow", "end")


def test_window_times() -> None:
    now = NOW.replace(microsecond=123)
    assert window_times(None, None, 30, now) == (NOW, NOW + timedelta(minutes=30))
    assert window_times("2025-06-02T00:00Z", "2025-06-02T01:00Z", None, now)[1] == datetime(
        2025, 6, 2, 1, tzinfo=UTC
    )
    for end, duration in ((None, None), ("2025-06-02T00:00Z", 10)):
        with pytest.raises(MaintenanceError, match="either an end time or a duration"):
            window_times(None, end, duration, now)
    with pytest.raises(MaintenanceError, match="not a positive number of minutes"):
        window_times(None, None, -5, now)


def request(**changes: Any) -> WindowRequest:
    values: dict[str, Any] = {
        "name": "nbzbx-upgrade",
        "start": NOW,
        "end": NOW + HOUR,
        "targets": GROUPS,
    }
    return WindowRequest(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"targets": MaintenanceTargets()}, "no targets"),
        ({"end": NOW}, "is not after the start"),
        ({"end": NOW - HOUR}, "is not after the start"),
        ({"start": NOW - 2 * HOUR, "end": NOW}, "is already past"),
        ({"name": ""}, "non-empty"),
        ({"name": " padded"}, "leading or trailing spaces"),
        ({"name": "x" * 129}, "at most 128"),
        ({"end": NOW + timedelta(days=3000)}, "longer than five years"),
    ],
)
def test_validation_refusals(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(MaintenanceError, match=message):
        validate_request(request(**changes), NOW)


def test_validation_accepts_a_running_window() -> None:
    validate_request(request(start=NOW - HOUR, end=NOW + timedelta(seconds=1)), NOW)


# -- status and cleanup decisions ---------------------------------------------------------------


def test_window_status_from_now() -> None:
    window = {"start": NOW, "end": NOW + HOUR, "status": "pending"}
    assert windows.window_status(window, NOW - timedelta(seconds=1)) == "pending"
    assert windows.window_status(window, NOW) == "active"
    assert windows.window_status(window, NOW + HOUR) == "expired"  # ending exactly now
    assert windows.is_expired(window, NOW + HOUR)
    assert not windows.is_expired(window, NOW + HOUR - timedelta(microseconds=1))
    assert windows.window_status({**window, "status": "failed"}, NOW) == "failed"


def test_deletion_outcomes_sort_windows() -> None:
    calls: list[list[str]] = []

    def delete(ids: list[str]) -> MaintenanceDeletion:
        calls.append(ids)
        return MaintenanceDeletion(deleted=["1"], already_gone=["2"], failed={"3": "refused"})

    outcome = deletion_outcomes({"a": "1", "b": "2", "c": "3", "d": None}, delete)
    assert calls == [["1", "2", "3"]]
    assert outcome.deleted == ["a", "b", "d"]
    assert outcome.failed == {"c": "refused"}
    assert outcome.checked == 4


def test_deletion_outcomes_when_zabbix_fails_entirely() -> None:
    def delete(ids: list[str]) -> MaintenanceDeletion:
        raise ZabbixError("http://zbx", "unreachable: connection refused", kind="transport")

    outcome = deletion_outcomes({"a": "1", "b": "2"}, delete)
    assert outcome.deleted == []
    assert outcome.failed == {
        "a": "Zabbix at http://zbx: unreachable: connection refused",
        "b": "Zabbix at http://zbx: unreachable: connection refused",
    }


def test_deletion_outcomes_without_anything_to_delete_calls_nothing() -> None:
    def delete(ids: list[str]) -> MaintenanceDeletion:
        raise AssertionError("no call expected")

    assert deletion_outcomes({}, delete).checked == 0
    assert deletion_outcomes({"a": None}, delete).deleted == ["a"]


def test_deletion_outcomes_unconfirmed_counts_failed() -> None:
    outcome = deletion_outcomes({"a": "1"}, lambda ids: MaintenanceDeletion())
    assert outcome.failed == {"a": "Zabbix did not confirm the deletion"}


def test_unmanaged_candidates() -> None:
    epoch = int(NOW.timestamp())
    found = [
        {"maintenanceid": "1", "name": "nbzbx-old", "till": epoch - 60},
        {"maintenanceid": "2", "name": "nbzbx-ends-now", "till": epoch},
        {"maintenanceid": "3", "name": "nbzbx-running", "till": epoch + 60},
        {"maintenanceid": "4", "name": "manual-old", "till": epoch - 60},
        {"maintenanceid": "5", "name": "nbzbx-registered", "till": epoch - 60},
    ]
    assert unmanaged_candidates(found, {"5"}, "^nbzbx-", NOW) == {
        "nbzbx-old": "1",
        "nbzbx-ends-now": "2",
    }


def test_summary_contract() -> None:
    registered = deletion_outcomes(
        {"a": "1", "b": "2"},
        lambda ids: MaintenanceDeletion(deleted=["1"], failed={"2": "refused"}),
    )
    unmanaged = deletion_outcomes({"x": "9"}, lambda ids: MaintenanceDeletion(already_gone=["9"]))
    summary = summarise(registered, unmanaged, NOW)
    assert {k: summary[k] for k in ("deleted", "checked", "failed", "timestamp")} == {
        "deleted": 2,
        "checked": 3,
        "failed": 1,
        "timestamp": "2025-06-01T12:00:00+00:00",
    }
    assert summary["errors"] == {"b": "refused"}
    assert summary["unmanaged"]["deleted_names"] == ["x"]
    assert "unmanaged" not in summarise(registered, None, NOW)


# -- registry -----------------------------------------------------------------------------------


def add(
    store: StateStore,
    name: str,
    start: datetime,
    end: datetime,
    zid: str | None,
    parts: dict[str, str | None] | None = None,
) -> int:
    """A window with one part on ``default`` (id ``zid``), or with ``parts``."""
    with store.transaction() as conn:
        return windows.add_window(
            conn,
            name=name,
            start=start,
            end=end,
            description="",
            with_data_collection=True,
            targets={"sites": ["lab-a"], "resolved": {"objects": []}},
            parts={"default": zid} if parts is None else parts,
            created_by="test",
            now=NOW,
        )["id"]


def test_registry_rows(store: StateStore) -> None:
    first = add(store, "ends-now", NOW - HOUR, NOW, "11")
    add(store, "future", NOW + HOUR, NOW + 2 * HOUR, "12")
    with store.transaction() as conn:
        assert [w["name"] for w in windows.expired_windows(conn, NOW)] == ["ends-now"]
        assert windows.get_window(conn, str(first))["name"] == "ends-now"
        assert windows.get_window(conn, "future")["status"] == "pending"
        assert windows.get_window(conn, "nope") is None
        assert windows.registered_maintenance_ids(conn, "default") == {"11", "12"}
        assert windows.registered_maintenance_ids(conn, "zbx70") == set()
        windows.mark_failed(conn, first)
        row = windows.public_row(windows.get_window(conn, "ends-now"), NOW)
        assert row["status"] == "failed" and row["targets"] == {"sites": ["lab-a"]}
        assert row["parts"] == {"default": "11"} and row["zabbix_maintenance_id"] == "11"
        assert windows.delete_window(conn, first)
        assert not windows.delete_window(conn, first)
    with pytest.raises(IntegrityError):
        add(store, "future", NOW + HOUR, NOW + 2 * HOUR, "13")


# -- the cleanup run: successes committed, then the run fails -----------------------------------


def test_cleanup_commits_what_it_could_and_fails_the_run(store: StateStore) -> None:
    now = datetime.now(UTC)
    add(store, "never-in-zabbix", now - 2 * HOUR, now - HOUR, None)
    add(store, "in-zabbix", now - 2 * HOUR, now - HOUR, "42")
    add(store, "running", now - HOUR, now + HOUR, "43")
    resources = offline_resources(store)
    with dg.instance_for_test() as instance:
        result = maintenance_cleanup.execute_in_process(
            resources=resources, instance=instance, raise_on_error=False
        )
    assert not result.success
    [event] = store.list_events(job="maintenance_cleanup")
    assert event["status"] == "failure"
    assert "1 maintenance(s) could not be deleted" in event["error"]
    assert "connection refused" in event["error"]
    assert (event["summary"]["deleted"], event["summary"]["failed"]) == (1, 1)
    with store.connect() as conn:
        rows = {w["name"]: w["status"] for w in windows.list_windows(conn)}
    assert rows == {"in-zabbix": "failed", "running": "pending"}


def test_refused_zabbix_login_is_tried_once_per_cleanup(store: StateStore) -> None:
    """The registered and the unmanaged part both need Zabbix: a refused login is not repeated,
    as every attempt counts towards Zabbix's lockout of the account."""
    now = datetime.now(UTC)
    add(store, "expired", now - 2 * HOUR, now - HOUR, "42")
    logins: list[int] = []

    def refused() -> Any:
        logins.append(1)
        raise ZabbixError("http://zabbix.test", "authentication failed: Incorrect", kind="auth")

    with store.transaction() as conn:
        summary = cleanup_maintenances(
            conn,
            server="default",
            expired=windows.expired_windows(conn, now),
            zabbix=refused,
            settings=Settings(cleanup_unmanaged_maintenances=True),
            now=now,
        )
    assert len(logins) == 1
    assert summary["failed"] == 2  # the window and the listing of unmanaged maintenances
    listing = summary["unmanaged"]["errors"]["(listing Zabbix maintenances)"]
    assert "authentication failed" in listing


# -- CLI input errors (no service is contacted) -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "10"], "error: no targets"),
        (["--site", "lab-a"], "error: give either an end time or a duration"),
        (["--site", "lab-a", "--end", "soon"], "error: end 'soon' is not an ISO 8601 time"),
    ],
)
def test_cli_create_refuses_bad_input(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NBZBX_ZABBIX_URL", raising=False)
    result = CliRunner().invoke(main, ["maintenance", "create", "--name", "w", *args])
    assert result.exit_code == 1
    assert result.output.startswith(message)


def test_cli_list_empty_registry(store: StateStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBZBX_DATABASE_URL", store.url)
    result = CliRunner().invoke(main, ["maintenance", "list", "--json"])
    assert result.exit_code == 0 and result.output.strip() == "[]"
    add(store, "w1", NOW, NOW + HOUR, "1")
    text = CliRunner().invoke(main, ["maintenance", "list"]).output
    assert "expired" in text and "w1" in text and "sites lab-a" in text


# -- several servers: parts, cleanup outcomes, creation undone ----------------------------------


def test_a_window_over_two_servers_leaves_the_registry_with_its_last_part(
    store: StateStore,
) -> None:
    both = add(store, "both", NOW - HOUR, NOW, None, parts={"zbx70": "7", "zbx60": "6"})
    with store.transaction() as conn:
        window = windows.get_window(conn, "both")
        assert window["parts"] == {"zbx60": "6", "zbx70": "7"}
        row = windows.public_row(window, NOW)
        assert row["parts"] == {"zbx60": "6", "zbx70": "7"}
        assert "zabbix_maintenance_id" not in row  # only a window of one part has it
        assert windows.registered_maintenance_ids(conn, "zbx60") == {"6"}
        windows.delete_part(conn, both, "zbx60")
        assert windows.without_parts(conn, [both]) == set()
        assert windows.get_window(conn, "both")["parts"] == {"zbx70": "7"}
        windows.delete_part(conn, both, "zbx70")
        assert windows.without_parts(conn, [both]) == {both}
        assert windows.delete_window(conn, both)
        assert windows.without_parts(conn, [both]) == set()  # gone windows are not listed


class FakeZabbix:
    """A server's client for the cleanup: deletes what it is asked, or fails every call."""

    def __init__(self, name: str, down: bool = False) -> None:
        self.name = name
        self.down = down
        self.deleted: list[str] = []


def fake_deletions(monkeypatch: pytest.MonkeyPatch) -> None:
    def delete(client: FakeZabbix, ids: list[str]) -> MaintenanceDeletion:
        if client.down:
            raise ZabbixError(f"http://{client.name}", "unreachable: connection refused")
        client.deleted += ids
        return MaintenanceDeletion(deleted=list(ids))

    monkeypatch.setattr("nbzbx_dagster.maintenance.cleanup.zapi.delete_maintenances", delete)


def clean(store: StateStore, server: str, client: FakeZabbix | None) -> dict[str, Any]:
    """One server's part of a cleanup run, in its own transaction (as the job runs it)."""

    def connect() -> FakeZabbix:
        if client is None:
            raise AssertionError(f"{server} has nothing to do and must not be logged into")
        return client

    with store.transaction() as conn:
        expired = windows.expired_windows(conn, NOW)
        return cleanup_maintenances(
            conn,
            server=server,
            expired=expired,
            zabbix=connect,  # type: ignore[arg-type]
            settings=Settings(),
            now=NOW,
        )


def test_cleanup_across_servers_retries_the_one_that_failed(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_deletions(monkeypatch)
    add(store, "both", NOW - 2 * HOUR, NOW - HOUR, None, parts={"zbx60": "6", "zbx70": "7"})
    add(store, "only-60", NOW - 2 * HOUR, NOW - HOUR, None, parts={"zbx60": "16"})
    add(store, "running", NOW - HOUR, NOW + HOUR, None, parts={"zbx70": "17"})
    zbx60, zbx70 = FakeZabbix("zbx60"), FakeZabbix("zbx70", down=True)

    first60 = clean(store, "zbx60", zbx60)
    first70 = clean(store, "zbx70", zbx70)
    assert sorted(zbx60.deleted) == ["16", "6"]
    assert first60["removed_names"] == ["only-60"]  # "both" still has its zbx70 part
    assert (first70["deleted"], first70["failed"], first70["removed_names"]) == (0, 1, [])
    assert "connection refused" in first70["errors"]["both"]
    assert failure_message(first70).startswith("1 maintenance(s) could not be deleted")
    assert failure_message(first60) is None
    with store.connect() as conn:
        kept = {w["name"]: w for w in windows.list_windows(conn)}
    assert set(kept) == {"both", "running"}
    assert kept["both"]["parts"] == {"zbx70": "7"} and kept["both"]["status"] == "failed"

    run = combine({"zbx60": first60, "zbx70": first70}, {"zbx70": "1 maintenance(s) ..."}, NOW)
    assert {k: run[k] for k in ("deleted", "checked", "failed", "timestamp")} == {
        "deleted": 2,
        "checked": 3,
        "failed": 1,
        "timestamp": "2025-06-01T12:00:00+00:00",
    }
    assert run["failed_servers"] == ["zbx70"] and run["failed_names"] == ["both"]
    assert run["removed_names"] == ["only-60"]
    assert run["servers"]["zbx70"]["error"] == "1 maintenance(s) ..."
    assert "error" not in run["servers"]["zbx60"]
    assert run["message"].endswith("(failed on zbx70)")

    # next run: zbx60 has nothing left to do (no login), zbx70 is back and removes the window
    again60 = clean(store, "zbx60", None)
    zbx70.down = False
    again70 = clean(store, "zbx70", zbx70)
    assert (again60["checked"], again60["removed_names"]) == (0, [])
    assert zbx70.deleted == ["7"] and again70["removed_names"] == ["both"]
    with store.connect() as conn:
        assert [w["name"] for w in windows.list_windows(conn)] == ["running"]


def test_a_failed_creation_on_one_server_deletes_what_the_others_created(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    created: list[tuple[str, str]] = []
    deleted: list[tuple[str, list[str]]] = []

    def create(client: str, name: str, *args: Any, **kwargs: Any) -> str:
        if client == "zbx70":
            raise ZabbixError("http://zbx70", "Application error: no permissions")
        created.append((client, name))
        return "61"

    def delete(client: str, ids: list[str]) -> MaintenanceDeletion:
        deleted.append((client, ids))
        return MaintenanceDeletion(deleted=list(ids))

    monkeypatch.setattr("nbzbx_dagster.maintenance.create.zapi.create_maintenance", create)
    monkeypatch.setattr("nbzbx_dagster.maintenance.create.zapi.delete_maintenances", delete)
    resolutions = {
        "zbx60": Resolution(hostids=["1"]),
        "zbx70": Resolution(groupids=["2"]),
    }
    with pytest.raises(MaintenanceError) as refused:
        create_parts(request(), resolutions, lambda server: server, named=True)  # type: ignore[arg-type,return-value]
    message = str(refused.value)
    assert message.startswith("creating the maintenance on server zbx70 failed")
    assert "no permissions" in message and "deleted again on zbx60" in message
    assert "\n" not in message
    assert created == [("zbx60", "nbzbx-upgrade")] and deleted == [("zbx60", ["61"])]

    # the single-server environment keeps Zabbix's own error
    with pytest.raises(ZabbixError):
        create_parts(request(), {"zbx70": Resolution(hostids=["1"])}, str, named=False)  # type: ignore[arg-type]


def test_merged_resolution_keeps_single_server_keys_for_one_server() -> None:
    one = merged({"default": Resolution(hostids=["3"], groupids=["4"], hosts=["a"])})
    assert (one["hostids"], one["groupids"], one["hosts"]) == (["3"], ["4"], ["a"])
    two = merged(
        {
            "zbx60": Resolution(hostids=["3"], hosts=["a"], objects=["vm-2"]),
            "zbx70": Resolution(hostids=["3"], hosts=["b"], objects=["device-9", "vm-2"]),
        }
    )
    assert "hostids" not in two and two["hosts"] == ["a", "b"]
    assert two["objects"] == ["device-9", "vm-2"]
    assert two["servers"]["zbx70"]["hostids"] == ["3"]
    assert parts_text({"default": "5"}) == "maintenance 5"
    assert parts_text({"zbx60": "5", "zbx70": "6"}) == "maintenances zbx60 5, zbx70 6"


# -- journal entries NetBox refused are kept and retried ----------------------------------------


class FakeNetBox:
    """Answers journal writes from a list of outcomes (None: accepted, else a NetBoxError)."""

    def __init__(self, *outcomes: NetBoxError | None) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, int]] = []

    def journal(self, object_type: str, object_id: int, kind: str, comments: str) -> int:
        self.sent.append((object_type, object_id))
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return len(self.sent)


def kept_rows(store: StateStore) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(select(journal_pending)).mappings()]


def test_journal_entries_netbox_refused_are_kept_and_written_by_the_next_run(
    store: StateStore,
) -> None:
    connects: list[int] = []

    def down() -> Any:
        connects.append(1)
        raise NetBoxError("http://netbox.test", "unreachable: connection refused")

    first = Journal(down)
    with store.transaction() as conn:
        first.retry_kept(conn)
        first.write(["device-1", "vm-2", "device-3"], "window **w** ended")
        first.keep(conn)
    assert len(connects) == 1  # one attempt, not one per entry
    assert {k: first.summary()[k] for k in ("written", "kept", "retried", "failed")} == {
        "written": 0,
        "kept": 3,
        "retried": 0,
        "failed": 3,
    }
    rows = kept_rows(store)
    assert [(r["object_type"], r["object_id"]) for r in rows] == [
        ("dcim.device", 1),
        ("virtualization.virtualmachine", 2),
        ("dcim.device", 3),
    ]
    assert all("connection refused" in r["last_error"] and r["attempts"] == 1 for r in rows)

    # back: vm-2 still refused (a NetBox error), device-3 was deleted in NetBox meanwhile
    refused = NetBoxError("http://netbox.test", "HTTP 500 on POST /api/extras/", status=500)
    gone = NetBoxError(
        "http://netbox.test",
        "HTTP 400 on POST /api/extras/journal-entries/: "
        '{"non_field_errors":["Invalid assigned_object: dcim | device ID 3"]}',
        status=400,
    )
    netbox = FakeNetBox(None, refused, gone, None)
    second = Journal(lambda: netbox)  # type: ignore[arg-type,return-value]
    with store.transaction() as conn:
        second.retry_kept(conn)
        second.write(["device-4"], "window **x** ended")
        second.keep(conn)
    assert netbox.sent[:3] == [(r["object_type"], r["object_id"]) for r in rows]
    summary = second.summary()
    assert {k: summary[k] for k in ("written", "kept", "retried", "dropped", "failed")} == {
        "written": 2,
        "kept": 1,
        "retried": 3,
        "dropped": 1,
        "failed": 1,
    }
    [left] = kept_rows(store)
    assert (left["object_id"], left["attempts"]) == (2, 2)
    assert "HTTP 500" in left["last_error"]


def test_a_refused_netbox_token_stops_the_journal_writes_and_keeps_them(
    store: StateStore,
) -> None:
    token = NetBoxError("http://netbox.test", "HTTP 403: token rejected", status=403)
    netbox = FakeNetBox(token)
    journal = Journal(lambda: netbox)  # type: ignore[arg-type,return-value]
    with store.transaction() as conn:
        journal.write(["device-1", "device-2", "device-3"], "note")
        journal.keep(conn)
    assert len(netbox.sent) == 1
    assert journal.summary()["kept"] == 3 and journal.written == 0


def test_kept_journal_entries_are_rolled_back_with_the_run(store: StateStore) -> None:
    netbox = FakeNetBox(NetBoxError("x", "HTTP 500", status=500))
    journal = Journal(lambda: netbox)  # type: ignore[arg-type,return-value]
    with pytest.raises(RuntimeError), store.transaction() as conn:
        journal.write(["device-1"], "note")
        journal.keep(conn)
        raise RuntimeError("the run failed")
    assert kept_rows(store) == []


class BulkNetBox(FakeNetBox):
    """Also takes entries in bulk; a bulk request holding a gone object is refused whole."""

    def __init__(self, gone_ids: set[int]) -> None:
        super().__init__()
        self.gone_ids = gone_ids
        self.bulk: list[int] = []

    def journal_many(self, entries: list[dict[str, Any]]) -> int:
        self.bulk.append(len(entries))
        if any(e["object_id"] in self.gone_ids for e in entries):
            raise NetBoxError("http://netbox.test", "HTTP 400: Invalid assigned_object", status=400)
        return len(entries)

    def journal(self, object_type: str, object_id: int, kind: str, comments: str) -> int:
        if object_id in self.gone_ids:
            self.sent.append((object_type, object_id))
            raise NetBoxError("http://netbox.test", "HTTP 400: Invalid assigned_object", status=400)
        return super().journal(object_type, object_id, kind, comments)


def test_many_journal_entries_go_in_bulk_and_a_refused_bulk_entry_by_entry(
    store: StateStore,
) -> None:
    netbox = BulkNetBox(gone_ids={1203})
    journal = Journal(lambda: netbox)  # type: ignore[arg-type,return-value]
    notes = [(f"device-{i}", "created") for i in range(1, 1301)]
    with store.transaction() as conn:
        journal.write_many(notes)
        journal.keep(conn)
    assert sorted(netbox.bulk) == [300, 500, 500]  # three requests for 1,300 entries
    assert len(netbox.sent) == 300  # the refused bulk, again one by one
    assert (journal.written, len(journal.dropped), journal.summary()["kept"]) == (1299, 1, 0)
