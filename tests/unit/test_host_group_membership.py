"""A host added to or removed from a host group shows in Zabbix's audit log only as an edit of
the group (measured on the lab's 6.0.14 and 7.0.29, by ``host.update`` and by
``hostgroup.massadd``/``massremove`` alike). Its details name the host ids added, so those host
configs are checked again without an import; a removal names only the membership's row, so the
line says so and leaves it to the full refresh at its interval (at once, it would follow every
repair that takes a host out of a group). The details below are the servers' own answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from nbzbx_dagster.sync.zabbix_changes import Membership, affected_by_audit, in_words, membership
from nbzbx_dagster.zabbix.auditlog import AuditBatch, AuditCursor, AuditEntry, audit_details

ADDED_70 = json.loads(
    '{"hostgroup.hosts[5825]":["add"],"hostgroup.hosts[5825].hostgroupid":["add","5825"],'
    '"hostgroup.hosts[5825].hostid":["add","10084"]}'
)
ADDED_60 = json.loads(
    '{"hostgroup.hosts[583]":["add"],"hostgroup.hosts[583].hostid":["add","10084"],'
    '"hostgroup.hosts[583].hostgroupid":["add","583"]}'
)
REMOVED = json.loads('{"hostgroup.hosts[5825]":["delete"]}')
RENAMED = {"hostgroup.name": ["update", "Web servers", "Web"]}


def group_edit(entry_id: str, name: str = "Web") -> AuditEntry:
    return AuditEntry(entry_id, 1796302692, "update", "host group", "12", name, "Admin")


def host_edit(hostid: str, name: str) -> AuditEntry:
    return AuditEntry(f"h-{hostid}", 1796302692, "update", "host", hostid, name, "Admin")


@pytest.mark.parametrize("details", [ADDED_70, ADDED_60])
def test_the_details_of_an_added_host_name_it_on_both_versions(details: dict) -> None:
    assert membership(details) == Membership(frozenset({"10084"}), 0)


def test_a_removal_is_counted_and_a_change_of_the_group_itself_is_not_a_membership() -> None:
    assert membership(REMOVED) == Membership(frozenset(), 1)
    assert membership({**REMOVED, "hostgroup.hosts[5826]": ["delete"]}) == Membership(
        frozenset(), 2
    )
    assert membership(RENAMED) is None
    assert membership({**ADDED_70, **RENAMED}) is None  # renamed too: an import
    assert membership({}) is None  # nothing said: an import, as before


def owners(hostids: Any) -> dict[str, list[str]]:
    known = {"10084": ["device-7"], "10690": ["device-2"]}
    return {h: known[h] for h in hostids if h in known}


def test_a_managed_host_added_to_a_group_is_checked_again_without_an_import() -> None:
    asked: list[list[str]] = []

    def details_of(ids: Any) -> dict[str, dict]:
        asked.append(sorted(ids))
        return {"g1": ADDED_70}

    entries = [group_edit("g1"), host_edit("10999", "made-by-hand")]
    found = affected_by_audit(entries, owners, details_of)
    assert asked == [["g1"]]  # only the group edit's details are read
    assert found.keys == {"device-7"}
    assert found.import_needed is None and not found.unnamed
    assert found.seen == ["host group Web: 1 managed host added"]
    line = in_words("zbx70", AuditBatch(entries, False, AuditCursor()), found)
    assert line == (
        "zbx70: 1 host edited in Zabbix (made-by-hand), hosts added to 1 host group (Web) "
        "→ refresh of 1 host config"
    )


def test_a_host_removed_from_a_group_is_said_and_left_to_the_full_refresh() -> None:
    entries = [group_edit("g1"), host_edit("10690", "srv-lab-a-02")]
    found = affected_by_audit(entries, owners, lambda ids: {"g1": REMOVED})
    assert found.keys == {"device-2"}  # the host edit's, not the removal's
    assert found.unnamed == ["host group Web: 1 host removed"]
    assert found.import_needed is None and found.ignored == 0
    line = in_words("zbx70", AuditBatch(entries, False, AuditCursor()), found)
    assert line == (
        "zbx70: 1 host edited in Zabbix (srv-lab-a-02) → refresh of 1 host config; host group "
        "Web: 1 host removed: the audit log does not say which, the full refresh at its "
        "interval checks them"
    )


def test_a_renamed_group_and_a_host_no_config_owns_added_to_one() -> None:
    entries = [group_edit("g1", "Web servers"), group_edit("g2", "Lab A")]
    unowned = {"hostgroup.hosts[9]": ["add"], "hostgroup.hosts[9].hostid": ["add", "10999"]}
    found = affected_by_audit(entries, owners, lambda ids: {"g1": RENAMED, "g2": unowned})
    assert found.import_needed == "host group Web servers edited"
    assert not found.keys and not found.unnamed and found.ignored == 1
    assert in_words("zbx70", AuditBatch(entries, False, AuditCursor()), found) == (
        "zbx70: hosts added to 1 host group (Lab A) → nothing to check (no host config owns "
        "them); 1 host group edited (Web servers) → import"
    )


class DetailsZabbix:
    """``auditlog.get`` by ``auditids``, answering details as Zabbix does: a JSON string."""

    def __init__(self, details: dict[str, str]) -> None:
        self.details = details
        self.asked: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any]) -> list[dict[str, str]]:
        assert method == "auditlog.get"
        self.asked.append(params)
        return [{"auditid": i, "details": self.details[i]} for i in params["auditids"]]


def test_details_are_read_by_entry_id_and_garbage_is_no_details() -> None:
    zabbix = DetailsZabbix({"a": json.dumps(ADDED_70), "b": "not json", "c": "[1]", "d": ""})
    got = audit_details(zabbix, ["d", "c", "b", "a"])  # type: ignore[arg-type]
    assert got == {"a": ADDED_70, "b": {}, "c": {}, "d": {}}
    assert zabbix.asked == [{"output": ["auditid", "details"], "auditids": ["a", "b", "c", "d"]}]
    assert audit_details(zabbix, []) == {}  # type: ignore[arg-type]
    assert len(zabbix.asked) == 1
