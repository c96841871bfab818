"""Maintenance windows without services: validation, status, cleanup outcomes, the registry, and
the cleanup run's commit-then-fail semantics (Zabbix at a port that refuses connections)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from nbzbx_dagster.cli import main
from nbzbx_dagster.jobs.maintenance import maintenance_cleanup
from nbzbx_dagster.maintenance import registry
from nbzbx_dagster.maintenance.cleanup import (
    cleanup_maintenances,
    deletion_outcomes,
    summarise,
    unmanaged_candidates,
)
from nbzbx_dagster.maintenance.create import (
    WindowRequest,
    parse_time,
    validate_request,
    window_times,
)
from nbzbx_dagster.maintenance.journal import Journal
from nbzbx_dagster.maintenance.targets import (
    MaintenanceError,
    MaintenanceTargets,
    journal_target,
    parse_host_config_key,
)
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.resources import NetBoxResource, SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource
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
    assert registry.window_status(window, NOW - timedelta(seconds=1)) == "pending"
    assert registry.window_status(window, NOW) == "active"
    assert registry.window_status(window, NOW + HOUR) == "expired"  # ending exactly now
    assert registry.is_expired(window, NOW + HOUR)
    assert not registry.is_expired(window, NOW + HOUR - timedelta(microseconds=1))
    assert registry.window_status({**window, "status": "failed"}, NOW) == "failed"


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


def add(store: StateStore, name: str, start: datetime, end: datetime, zid: str | None) -> int:
    with store.transaction() as conn:
        return registry.add_window(
            conn,
            name=name,
            start=start,
            end=end,
            description="",
            with_data_collection=True,
            targets={"sites": ["lab-a"], "resolved": {"objects": []}},
            zabbix_maintenance_id=zid,
            created_by="test",
            now=NOW,
        )["id"]


def test_registry_rows(store: StateStore) -> None:
    first = add(store, "ends-now", NOW - HOUR, NOW, "11")
    add(store, "future", NOW + HOUR, NOW + 2 * HOUR, "12")
    with store.transaction() as conn:
        assert [w["name"] for w in registry.expired_windows(conn, NOW)] == ["ends-now"]
        assert registry.get_window(conn, str(first))["name"] == "ends-now"
        assert registry.get_window(conn, "future")["status"] == "pending"
        assert registry.get_window(conn, "nope") is None
        assert registry.registered_maintenance_ids(conn) == {"11", "12"}
        registry.mark_failed(conn, first)
        row = registry.public_row(registry.get_window(conn, "ends-now"), NOW)
        assert row["status"] == "failed" and row["targets"] == {"sites": ["lab-a"]}
        assert registry.delete_window(conn, first)
        assert not registry.delete_window(conn, first)
    with pytest.raises(IntegrityError):
        add(store, "future", NOW + HOUR, NOW + 2 * HOUR, "13")


# -- the cleanup run: successes committed, then the run fails -----------------------------------


def test_cleanup_commits_what_it_could_and_fails_the_run(store: StateStore) -> None:
    now = datetime.now(UTC)
    add(store, "never-in-zabbix", now - 2 * HOUR, now - HOUR, None)
    add(store, "in-zabbix", now - 2 * HOUR, now - HOUR, "42")
    add(store, "running", now - HOUR, now + HOUR, "43")
    state = StateStoreResource(database_url=store.url)
    resources = {
        "zabbix": ZabbixResource(url="http://127.0.0.1:9", user="u", password="p"),
        "netbox": NetBoxResource(url="http://127.0.0.1:9", token="t"),
        "state_store": state,
        "settings": SettingsResource(store=state),
    }
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
        rows = {w["name"]: w["status"] for w in registry.list_windows(conn)}
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
