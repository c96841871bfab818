"""What is new since last time, from real state-store rows, and sending each message once:
each event gives one message in names, a second look gives none, and a target that is down is
retried until it answers, a bounded number of times."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from receivers import WebhookReceiver, free_port

from nbzbx_dagster.cli.doctor import run_checks
from nbzbx_dagster.notify import sent
from nbzbx_dagster.notify.targets import send
from nbzbx_dagster.settings.notify import NotifyTarget
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import record_changes
from nbzbx_dagster.store.notifications import read_notifications, record_attempt
from nbzbx_dagster.store.repair_plan import save_plan

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
SECRET = "T000/B000/SECRETxyz"


def target(name: str = "ops", events: tuple[str, ...] = ("drift", "blocked", "applied")):
    return NotifyTarget.model_validate(
        {"name": name, "webhook": {"url_env": "NBZBX_WEBHOOK_OPS"}, "events": list(events)}
    )


def change(key: str, status: str, at: datetime, words=(), server: str = "zbx70") -> dict:
    return {
        "partition_key": key,
        "server": server,
        "name": f"srv-{key}",
        "status": status,
        "difference": list(words),
        "error": None,
        "changed_at": at,
    }


def blocked_row(key: str, reason: str) -> dict:
    return {
        "partition_key": key,
        "name": f"srv-{key}",
        "action": "blocked",
        "changes": [],
        "reason": reason,
        "zabbix_hostid": None,
        "write": {},
        "digest": f"d-{key}-{reason}",
        "planned_at": T0,
    }


def look(store: StateStore, launched=lambda run_id: True) -> list[sent.Message]:
    with store.transaction() as conn:
        return sent.collect(conn, launched)


def test_only_the_newly_drifted_host_configs_of_a_refresh_are_told_once(store: StateStore) -> None:
    with store.transaction() as conn:
        record_changes(conn, [change("device-1", "out_of_sync", T0, ["status: enabled"])])
    assert look(store) == []  # the first look is the baseline: what was before is not told
    t1 = T0 + timedelta(hours=1)
    with store.transaction() as conn:
        record_changes(
            conn,
            [
                change("device-1", "out_of_sync", t1, ["status: enabled", "templates: + A"]),
                change("device-2", "out_of_sync", t1, ["templates: + nbzbx Linux agent"]),
                change("device-3", "missing", t1),
                change("device-4", "in_sync", t1),
                change("vm-5", "out_of_sync", t1, ["tags: + netbox.site"], server="zbx60"),
            ],
        )
    messages = look(store)
    assert [m.text for m in messages] == [
        "nbzbx: 2 host configs drifted on zbx70: srv-device-2 (templates: + nbzbx Linux agent),"
        " srv-device-3 (missing in Zabbix)",
        "nbzbx: 1 host config drifted on zbx60: srv-vm-5 (tags: + netbox.site)",
    ]
    assert {m.event for m in messages} == {"drift"}
    assert look(store) == []  # a steady state is silent


def test_a_host_config_that_drifts_again_after_its_repair_is_told_again(store: StateStore) -> None:
    look(store)
    for n, status in enumerate(["out_of_sync", "error", "out_of_sync", "in_sync", "missing"]):
        with store.transaction() as conn:
            record_changes(conn, [change("device-1", status, T0 + timedelta(minutes=n))])
    # the error keeps the drift (not told twice); the repair ends it; the next drift is new
    texts = [m.text for m in look(store)]
    assert texts == [
        "nbzbx: 1 host config drifted on zbx70: srv-device-1 (out of sync)",
        "nbzbx: 1 host config drifted on zbx70: srv-device-1 (missing in Zabbix)",
    ]


def test_a_large_drift_names_ten_and_counts_the_rest(store: StateStore) -> None:
    look(store)
    with store.transaction() as conn:
        record_changes(conn, [change(f"device-{n}", "missing", T0) for n in range(13)])
    [message] = look(store)
    assert message.text.startswith("nbzbx: 13 host configs drifted on zbx70: srv-device-0 (")
    assert message.text.endswith(", and 3 more")
    assert message.text.count("missing in Zabbix") == 10


def test_blocked_actions_not_blocked_before_are_told_with_their_reasons(store: StateStore) -> None:
    with store.transaction() as conn:
        save_plan(conn, "zbx70", [blocked_row("device-1", "name taken by another host")])
    assert look(store) == []
    with store.transaction() as conn:
        save_plan(
            conn,
            "zbx70",
            [
                blocked_row("device-1", "name taken by another host"),
                blocked_row("device-2", "configuration error: no host group Lab"),
            ],
        )
    [message] = look(store)
    assert message.event == "blocked"
    assert message.text == (
        "nbzbx: the plan of zbx70 has 1 blocked action not blocked before:"
        " srv-device-2 (configuration error: no host group Lab)"
    )
    assert look(store) == []


def test_a_reconcile_run_a_sensor_launched_that_applied_is_told(store: StateStore) -> None:
    look(store)
    summary = {
        "server": "zbx70",
        "applied": 2,
        "created": 1,
        "updated": 1,
        "results": [
            {"name": "srv-a", "action": "create", "result": "created"},
            {"name": "srv-b", "action": "update", "result": "updated"},
            {"name": "srv-c", "action": "update", "result": "failed"},
        ],
    }
    for run_id in ("by-sensor", "by-person"):
        store.write_event(
            job="reconcile_zabbix_hosts",
            status="success",
            started_at=T0,
            run_id=run_id,
            summary=summary,
            server="zbx70",
        )
    store.write_event(job="reconcile_zabbix_hosts", status="success", started_at=T0, run_id="x")
    [message] = look(store, launched=lambda run_id: run_id != "by-person")
    assert message.event == "applied"
    assert message.text == (
        "nbzbx: reconcile_zabbix_hosts applied 2 changes on zbx70 (created 1, updated 1):"
        " srv-a (created), srv-b (updated)"
    )
    assert look(store) == []


def test_each_message_is_written_once_per_target_that_hears_of_it(store: StateStore) -> None:
    messages = [sent.Message("drift", "drift:zbx70:1-2", "nbzbx: drifted")]
    targets = [target("ops"), target("mail", ("run_failed",))]
    for _ in range(2):
        with store.transaction() as conn:
            sent.remember(conn, targets, messages)
    with store.connect() as conn:
        rows = read_notifications(conn)
    assert [(r["target"], r["key"]) for r in rows] == [("ops", "drift:zbx70:1-2")]


def remembered(store: StateStore, text: str = "nbzbx: drifted") -> None:
    with store.transaction() as conn:
        sent.remember(conn, [target()], [sent.Message("drift", "drift:zbx70:1-2", text)])


def test_a_target_down_for_one_tick_gets_the_message_once_when_up(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = WebhookReceiver()
    receiver.port = free_port()
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", receiver.url(SECRET))
    remembered(store)
    down = sent.deliver(store, [target()], send)
    assert down.sent == []
    assert down.failed == [
        "ops: drift not sent, attempt 1 of 5 (retried next tick): webhook: Connection refused"
    ]
    receiver.start()
    try:
        up = sent.deliver(store, [target()], send)
        again = sent.deliver(store, [target()], send)
    finally:
        receiver.stop()
    assert up.lines == ["ops: drift sent (webhook answered 200)"]
    assert again.lines == []
    assert receiver.texts == ["nbzbx: drifted"]
    for line in down.lines + up.lines:
        assert SECRET not in line and str(receiver.port) not in line


def test_a_target_that_stays_down_is_tried_five_times(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBZBX_WEBHOOK_OPS", f"http://127.0.0.1:{free_port()}/hooks/{SECRET}")
    remembered(store)
    with store.transaction() as conn:
        sent.remember(conn, [target()], [sent.Message("drift", "drift:zbx70:3-4", "second")])
    rounds = [sent.deliver(store, [target()], send).failed for _ in range(6)]
    # one line per round: the target's other message waits instead of failing too
    assert [len(lines) for lines in rounds] == [1, 1, 1, 1, 1, 1]
    assert "attempt 5 of 5 (given up)" in rounds[4][0]
    assert "drift:zbx70" not in " ".join(rounds[0])
    assert "attempt 1 of 5" in rounds[5][0]  # then the second message has its turn
    with store.connect() as conn:
        attempts = [r["attempts"] for r in read_notifications(conn)]
    assert attempts == [5, 1]
    (line,) = sent.given_up_lines(store)  # what `nbzbx doctor` says of it
    assert re.fullmatch(
        r"ops: 1 message given up after 5 attempts, the last made \d{4}-\d\d-\d\d \d\d:\d\d "
        r"UTC: webhook: Connection refused",
        line,
    ), line
    assert SECRET not in line


def test_doctor_fails_while_a_target_has_given_up_and_names_it(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBZBX_DATABASE_URL", store.url)
    monkeypatch.setenv("NBZBX_NOTIFY", json.dumps([target().model_dump(exclude_none=True)]))
    notify = next(c for c in run_checks() if c["name"] == "notify")
    assert notify == {"name": "notify", "ok": True, "detail": "ops: nothing given up"}
    with store.transaction() as conn:
        sent.remember(conn, [target()], [sent.Message("drift", "drift:zbx70:1-2", "drifted")])
    with store.connect() as conn:
        (row,) = read_notifications(conn)
    for _ in range(sent.MAX_ATTEMPTS):
        with store.transaction() as conn:
            record_attempt(conn, row["id"], False, "webhook: HTTP 500")
    notify = next(c for c in run_checks() if c["name"] == "notify")
    assert not notify["ok"] and notify["error"].startswith("ops: 1 message given up after 5")
    monkeypatch.setenv("NBZBX_NOTIFY", "[]")
    notify = next(c for c in run_checks() if c["name"] == "notify")
    assert notify["ok"] and notify["detail"] == "no targets (notify is empty)"
