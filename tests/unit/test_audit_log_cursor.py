"""A Zabbix audit log read as a cursor (``zabbix.auditlog``) and what its entries mean for the host
configs (``sync.zabbix_changes``).

The fake client answers ``auditlog.get`` as the real servers do: it filters, sorts and limits the
rows it holds (shaped as the lab's 6.0.14 and 7.0.29 answered), and refuses with the error object
Zabbix sends a user who is not a Super admin, through the client's own error conversion.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from pyzabbix import ZabbixAPIException

from nbzbx_dagster.lab import zabbix_contract as contract
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import keys_of_hosts, save_statuses
from nbzbx_dagster.sync.zabbix_changes import affected_by_audit, in_words
from nbzbx_dagster.zabbix import ZabbixError, ZabbixVersion
from nbzbx_dagster.zabbix.auditlog import (
    AuditBatch,
    AuditCursor,
    AuditEntry,
    AuditLogUnreadable,
    audit_after,
    audit_log_enabled,
    latest_audit,
)
from nbzbx_dagster.zabbix.errors import classify

URL = "http://zabbix.test"
# The error objects the lab's 6.0.14 and 7.0.29 answer auditlog.get with for a user of type User.
DENIED = 'No permissions to call "auditlog.get".'
REFUSED = {
    "6.0.14": {"code": -32602, "message": "Invalid params.", "data": DENIED},
    "7.0.29": {"code": -32500, "message": "Application error.", "data": DENIED},
}


def row(auditid: str, clock: int, resourcetype: int = 4, action: int = 1, **more: str) -> dict:
    """An entry as auditlog.get answers it (every value a string)."""
    return {
        "auditid": auditid,
        "userid": "1",
        "username": more.get("username", "Admin"),
        "clock": str(clock),
        "ip": "127.0.0.1",
        "action": str(action),
        "resourcetype": str(resourcetype),
        "resourceid": more.get("resourceid", "10690"),
        "resource_cuid": "0",
        "resourcename": more.get("name", "srv-lab-a-01"),
        "recordsetid": "cmx74l2w80009by7dp5ed60ot",
        "details": "",
    }


# What the lab's 7.0 logged while it was seeded: logins, items and maintenances among them.
SEEDED = [
    row("cmx74l2fy0001c67d4m84q2ii", 1796276391, 14, 0, resourceid="28", name="Web"),
    row("cmx74l2gx0001c47dhwnzkvr3", 1796276391, 50, 0, resourceid="29", name="Templates/nbzbx"),
    row("cmx74l2kk0001c37dzbpyboko", 1796276392, 30, 0, resourceid="10684", name="nbzbx Linux"),
    row("cmx74l2l80001c57dm2xdhke7", 1796276392, 15, 0, resourceid="50740", name="nbzbx.item.0"),
    row("cmx74l2pj0001c37dc1xi3clz", 1796276392, 55, 0, resourceid="1", name="pg-lab"),
    row("cmx74l2q10001c47dpo4kd2d0", 1796276392, 26, 0, resourceid="1", name="proxy-lab-a"),
    row("cmx74l2qw0001c67d8o93ro9y", 1796276392, 27, 0, resourceid="1", name="nbzbx-expired-1"),
    row("cmx74l2w8000aby7db2cuvah3", 1796276392, 4, 0, resourceid="10688", name="rtr-lab-a-01"),
    row("cmx74l2w8000cby7dyrrmptpx", 1796276392, 4, 0, resourceid="10690", name="srv-lab-a-01"),
    row("cmx74n1d20001c47du24m9r5j", 1796276483, 0, 4, resourceid="1", name=""),
    row("cmx74n3js0001c47d90s04jfa", 1796276486, 0, 8, resourceid="1", name=""),
]


class FakeZabbix:
    """Called as ``ZabbixClient`` is: ``call(method, params)`` returns the result or raises the
    ZabbixError the client makes of Zabbix's error object."""

    def __init__(self, version: str = "7.0.29", rows: list[dict] | None = None) -> None:
        self.url = URL
        self.zabbix_version = ZabbixVersion.from_string(version)
        self.rows = list(rows or [])
        self.settings: dict[str, Any] = {"auditlog_enabled": "1"}
        self.error: dict[str, Any] | None = None
        self.calls: Counter[str] = Counter()
        self.sent: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any]) -> Any:
        self.calls[method] += 1
        self.sent.append(params)
        if self.error:
            exc = ZabbixAPIException("refused", error=self.error)
            raise classify(exc, url=self.url, method=method, timeout=5, secrets=())
        if method == "settings.get":
            return {k: v for k, v in self.settings.items() if k in params["output"]}
        assert method == "auditlog.get", method
        return self._audit(params)

    def _audit(self, params: dict[str, Any]) -> list[dict]:
        wanted = params.get("filter", {})
        found = [
            r
            for r in self.rows
            if all(int(r[k]) in values for k, values in wanted.items())
            and int(r["clock"]) >= params.get("time_from", 0)
            and int(r["clock"]) <= params.get("time_till", 2**40)
        ]
        fields = params.get("sortfield", [])
        found.sort(
            key=lambda r: tuple(int(r[f]) if f == "clock" else r[f] for f in fields),
            reverse=params.get("sortorder") == "DESC",
        )
        found = found[: params["limit"]] if "limit" in params else found
        return [{k: r[k] for k in params["output"]} for r in found]


def ids(entries: list[AuditEntry]) -> list[str]:
    return [e.id for e in entries]


# --- reading after a cursor ---------------------------------------------------------------------


def test_a_new_cursor_holds_every_id_at_the_newest_relevant_clock() -> None:
    zabbix = FakeZabbix(rows=SEEDED)
    cursor = latest_audit(zabbix)
    # the logins after them do not count: the cursor is at the newest host, template, ... entry
    assert cursor == AuditCursor(
        1796276392,
        (
            "cmx74l2kk0001c37dzbpyboko",
            "cmx74l2pj0001c37dc1xi3clz",
            "cmx74l2q10001c47dpo4kd2d0",
            "cmx74l2w8000aby7db2cuvah3",
            "cmx74l2w8000cby7dyrrmptpx",
        ),
    )
    assert zabbix.calls == {"auditlog.get": 1}
    assert latest_audit(FakeZabbix()) == AuditCursor(0, ())


def test_entries_at_the_cursors_clock_are_new_unless_seen() -> None:
    zabbix = FakeZabbix(rows=SEEDED)
    cursor = latest_audit(zabbix)
    # the same second goes on after the cursor was taken, then the next one
    zabbix.rows += [
        row("cmx74l2a00001aa7d00000001", 1796276392, 4, 1, name="srv-lab-a-02", resourceid="10692"),
        row("cmx74l3b00001aa7d00000002", 1796276393, 30, 1, name="nbzbx Linux"),
    ]
    batch = audit_after(zabbix, cursor)
    assert ids(batch.entries) == ["cmx74l2a00001aa7d00000001", "cmx74l3b00001aa7d00000002"]
    assert batch.entries[0] == AuditEntry(
        "cmx74l2a00001aa7d00000001", 1796276392, "update", "host", "10692", "srv-lab-a-02", "Admin"
    )
    assert batch.entries[1].resource == "template" and batch.entries[1].action == "update"
    assert not batch.more
    assert batch.cursor == AuditCursor(1796276393, ("cmx74l3b00001aa7d00000002",))
    assert zabbix.calls == {"auditlog.get": 2}


def test_nothing_new_is_one_request_and_the_cursor_stays() -> None:
    zabbix = FakeZabbix(rows=SEEDED)
    cursor = latest_audit(zabbix)
    zabbix.rows.append(row("cmx74n9zz0001c47d00000009", 1796276500, 0, 8, name=""))  # a login
    zabbix.calls.clear()
    batch = audit_after(zabbix, cursor)
    assert batch.entries == [] and not batch.more and batch.cursor == cursor
    assert zabbix.calls == {"auditlog.get": 1}
    sent = zabbix.sent[-1]
    assert sent["time_from"] == cursor.clock and sent["sortfield"] == ["clock", "auditid"]
    assert sent["filter"] == {"resourcetype": [4, 14, 26, 30, 50, 55], "action": [0, 1, 2]}


def test_more_than_one_batch_is_read_in_turns_each_entry_once() -> None:
    rows = [row(f"c{n:03}", 1000 + n, 4, 1, name=f"srv-{n}") for n in range(7)]
    zabbix = FakeZabbix(rows=rows)
    cursor, read, turns = AuditCursor(), [], 0
    while True:
        batch = audit_after(zabbix, cursor, batch=3)
        read += ids(batch.entries)
        cursor, turns = batch.cursor, turns + 1
        if not batch.more:
            break
    assert read == [f"c{n:03}" for n in range(7)] and turns == 3
    assert audit_after(zabbix, cursor, batch=3).entries == []


def test_a_second_with_more_than_a_batch_is_read_in_full() -> None:
    """A mass update of 5 hosts in one second, batch 2: the batch holds the whole second (one
    request more), so the cursor knows every id at it and no entry comes twice."""
    rows = [row("a0", 99, 4, 1, name="before")]
    rows += [row(f"m{n}", 100, 4, 1, name=f"srv-{n}") for n in range(5)]
    rows += [row("z0", 101, 14, 1, name="Web")]
    zabbix = FakeZabbix(rows=rows)
    first = audit_after(zabbix, AuditCursor(), batch=2)
    assert ids(first.entries) == ["a0", "m0", "m1", "m2", "m3", "m4"] and first.more
    assert first.cursor == AuditCursor(100, ("m0", "m1", "m2", "m3", "m4"))
    assert zabbix.calls == {"auditlog.get": 2}
    second = audit_after(zabbix, first.cursor, batch=2)
    assert ids(second.entries) == ["z0"] and not second.more


def test_the_cursor_is_json() -> None:
    cursor = AuditCursor(1796276392, ("cmx74l2kk0001c37dzbpyboko", "cmx74l2pj0001c37dc1xi3clz"))
    assert AuditCursor.from_dict(json.loads(json.dumps(cursor.to_dict()))) == cursor
    for bad in ({}, {"clock": "1", "ids": []}, {"clock": 1, "ids": [2]}, {"clock": 1, "ids": 3}):
        with pytest.raises(ValueError, match="not an audit log cursor"):
            AuditCursor.from_dict(bad)


# --- errors and settings ------------------------------------------------------------------------


@pytest.mark.parametrize("version", REFUSED)
def test_a_user_who_is_not_a_super_admin_gets_one_line(version: str) -> None:
    zabbix = FakeZabbix(version)
    zabbix.error = REFUSED[version]
    for read in (latest_audit, lambda z: audit_after(z, AuditCursor())):
        with pytest.raises(AuditLogUnreadable) as caught:
            read(zabbix)
        assert str(caught.value) == (
            "Zabbix at http://zabbix.test: the API user may not read the audit log "
            "(auditlog.get needs a Super admin)"
        )
        assert isinstance(caught.value, ZabbixError)
    zabbix.error = {"code": -32602, "message": "Invalid params.", "data": "Incorrect value."}
    with pytest.raises(ZabbixError) as caught:
        latest_audit(zabbix)
    assert not isinstance(caught.value, AuditLogUnreadable)


def test_whether_the_audit_log_is_on() -> None:
    zabbix = FakeZabbix()
    assert audit_log_enabled(zabbix) is True
    zabbix.settings = {"auditlog_enabled": "0"}
    assert audit_log_enabled(zabbix) is False
    zabbix.settings = {}
    assert audit_log_enabled(zabbix) is None


# --- versions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "types"),
    [
        ("6.0.14", {4: "host", 14: "host group", 26: "proxy", 30: "template"}),
        ("6.2.0", {4: "host", 14: "host group", 26: "proxy", 30: "template", 50: "template group"}),
        *(
            (
                v,
                {
                    4: "host",
                    14: "host group",
                    26: "proxy",
                    30: "template",
                    50: "template group",
                    55: "proxy group",
                },
            )
            for v in ("7.0.29", "7.2.0", "7.4.0", "8.0.0")
        ),
    ],
)
def test_resource_types_per_version(version: str, types: dict[int, str]) -> None:
    assert ZabbixVersion.from_string(version).audit_resource_types == types
    zabbix = FakeZabbix(version)
    latest_audit(zabbix)
    assert zabbix.sent[0]["filter"]["resourcetype"] == sorted(types)


@pytest.mark.parametrize("version", contract.VERSIONS)
def test_the_contract_endpoints_pass_the_audit_log_on(version: str) -> None:
    """No changelog up to 8.0 removed a parameter of auditlog.get or settings.get that these
    requests use: the contract endpoints send them to the real 7.0 as they are."""
    zabbix = FakeZabbix(contract.VERSIONS[version])
    audit_after(zabbix, AuditCursor(1796276392, ("cmx74l2kk0001c37dzbpyboko",)))
    audit_log_enabled(zabbix)
    for method, params in zip(("auditlog.get", "settings.get"), zabbix.sent, strict=True):
        request = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
        assert contract.violation(version, request) is None
        assert contract.lenient(version, request) == (request, [])


def test_on_6_0_template_groups_are_host_groups() -> None:
    """6.0 logs the group ``Templates/nbzbx`` as a host group (14), and has no 50 or 55."""
    rows = [
        row(
            "cmx74l1te0001v67dwsgcuexk", 1796276391, 14, 0, resourceid="27", name="Templates/nbzbx"
        ),
        row("cmx74l1ww0001v67ddwra011j", 1796276391, 30, 0, resourceid="10559", name="nbzbx Base"),
    ]
    batch = audit_after(FakeZabbix("6.0.14", rows), AuditCursor())
    assert [(e.resource, e.name) for e in batch.entries] == [
        ("host group", "Templates/nbzbx"),
        ("template", "nbzbx Base"),
    ]


# --- what the entries mean ----------------------------------------------------------------------


def status(key: str, server: str, hostid: str | None) -> dict[str, Any]:
    kind, number = key.split("-")
    return {
        "partition_key": key,
        "server": server,
        "object_type": kind,
        "object_id": int(number),
        "name": f"name of {key}",
        "zabbix_hostid": hostid,
        "status": "in_sync",
        "diff": {},
        "checked_at": datetime(2026, 12, 3, tzinfo=UTC),
    }


def entry(action: str, resource: str, resourceid: str, name: str) -> AuditEntry:
    return AuditEntry(
        f"c-{resourceid}-{action}", 1796276392, action, resource, resourceid, name, "Admin"
    )


def test_host_entries_name_the_host_configs_the_store_knows_on_that_server(
    store: StateStore,
) -> None:
    with store.transaction() as conn:
        save_statuses(
            conn,
            [
                status("device-7", "zbx70", "10690"),
                status("vm-3", "zbx70", "10692"),
                status("device-8", "zbx60", "10690"),  # the same host id on the other server
                status("device-9", "zbx70", None),  # not in Zabbix yet
            ],
        )
    with store.connect() as conn:
        assert keys_of_hosts(conn, "zbx70", ["10690", "10692", "10999"]) == {
            "10690": ["device-7"],
            "10692": ["vm-3"],
        }

    def owners(hostids: Any) -> dict[str, list[str]]:
        with store.connect() as conn:
            return keys_of_hosts(conn, "zbx70", hostids)

    entries = [
        entry("update", "host", "10690", "srv-lab-a-01"),
        entry("delete", "host", "10692", "vm-lab-03"),
        entry("add", "host", "10999", "made-by-hand"),  # no host config owns it
    ]
    found = affected_by_audit(entries, owners)
    assert found.keys == {"device-7", "vm-3"}
    assert found.import_needed is None and found.ignored == 1
    assert found.seen == ["srv-lab-a-01 (host edited)", "vm-lab-03 (host deleted)"]
    line = in_words("zbx70", AuditBatch(entries, False, AuditCursor()), found)
    assert line == (
        "zbx70: 1 host edited, 1 host deleted, 1 host added in Zabbix "
        "(srv-lab-a-01, vm-lab-03, made-by-hand) → refresh of 2 host configs"
    )


def test_templates_groups_and_proxies_ask_for_an_import() -> None:
    entries = [
        entry("update", "host", "10690", "srv-lab-a-02"),
        entry("update", "template", "10684", "Linux by Zabbix agent"),
        entry("add", "host group", "30", "Lab C"),
        entry("delete", "proxy", "2", "proxy-lab-b"),
        entry("delete", "proxy group", "1", "pg-lab"),
        entry("update", "template group", "29", "Templates/nbzbx"),
    ]
    found = affected_by_audit(entries, lambda hostids: {"10690": ["device-2"]})
    assert found.keys == {"device-2"}
    assert found.import_needed == "template Linux by Zabbix agent edited"
    assert found.seen[1:] == [
        "template Linux by Zabbix agent edited",
        "host group Lab C added",
        "proxy proxy-lab-b deleted",
        "proxy group pg-lab deleted",
        "template group Templates/nbzbx edited",
    ]
    line = in_words("zbx70", AuditBatch(entries[:2], False, AuditCursor()), found)
    assert line == (
        "zbx70: 1 host edited in Zabbix (srv-lab-a-02) → refresh of 1 host config; "
        "1 template edited (Linux by Zabbix agent) → import"
    )


def test_entries_that_ask_for_nothing() -> None:
    entries = [entry("update", "host", "10999", "made-by-hand")]
    found = affected_by_audit(entries, lambda hostids: {})
    assert not found.keys and found.import_needed is None and found.ignored == 1
    assert in_words("zbx60", AuditBatch(entries, False, AuditCursor()), found) == (
        "zbx60: 1 host edited in Zabbix (made-by-hand) → nothing to check "
        "(no host config owns them)"
    )
    empty = AuditBatch([], False, AuditCursor())
    assert in_words("zbx60", empty, affected_by_audit([], lambda hostids: {})) == (
        "zbx60: no change in Zabbix"
    )
