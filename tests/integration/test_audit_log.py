"""The audit log of the real lab servers read as a cursor (Zabbix 6.0, 7.0 and the 8.0 contract
endpoint, which passes auditlog.get and settings.get on to the real 7.0).

A throwaway host group is added, renamed and deleted: reading after the cursor taken before must
give exactly those three entries, and reading again nothing, in one request. A user of type User
must get the one line that says the audit log needs a Super admin.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import dagster as dg
import pytest

from nbzbx_dagster.defs.host_sync.sensors import CHANGES_TAG, evaluate
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.lab import services
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import save_statuses
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix.auditlog import (
    AuditLogUnreadable,
    audit_after,
    audit_log_enabled,
    latest_audit,
)

pytestmark = pytest.mark.integration

NAME = f"nbzbx-audit-{os.getpid()}"
USER_ROLE = "User role"  # built in, of type User, with API access
# What a user of type User is answered: the same text, with another code from 7.0 on (the 8.0
# contract endpoint answers as the real 7.0 behind it)
REFUSED = 'No permissions to call "auditlog.get".'
REFUSED_CODES = {"6.0": -32602, "7.0": -32500, "8.0": -32500}
STATUS = {"server": "default", "object_type": "device", "object_id": 999999, "name": "x"}
STATUS |= {"status": "in_sync", "diff": {}}


def test_a_host_group_added_renamed_and_deleted_is_read_once(zabbix: ZabbixClient) -> None:
    assert audit_log_enabled(zabbix) is True
    cursor = latest_audit(zabbix)
    groupid = zabbix.call("hostgroup.create", {"name": NAME})["groupids"][0]
    try:
        zabbix.call("hostgroup.update", {"groupid": groupid, "name": f"{NAME}-renamed"})
    finally:
        zabbix.call("hostgroup.delete", [groupid])
    batch = audit_after(zabbix, cursor)
    found = [(e.action, e.resource, e.resourceid, e.name, e.user) for e in batch.entries]
    assert found == [
        ("add", "host group", groupid, NAME, services.ZABBIX_USER),
        ("update", "host group", groupid, NAME, services.ZABBIX_USER),  # the name before
        ("delete", "host group", groupid, f"{NAME}-renamed", services.ZABBIX_USER),
    ]
    assert not batch.more
    before = zabbix.calls["auditlog.get"]
    again = audit_after(zabbix, batch.cursor)
    assert again.entries == [] and again.cursor == batch.cursor
    assert zabbix.calls["auditlog.get"] == before + 1


@pytest.fixture
def plain_user(zabbix: ZabbixClient) -> Iterator[tuple[str, str]]:
    """A throwaway user of type User in a group of its own (API access comes with its role),
    deleted after the test."""
    roles = zabbix.call("role.get", {"output": ["roleid"], "filter": {"name": USER_ROLE}})
    groupid = zabbix.call("usergroup.create", {"name": NAME})["usrgrpids"][0]
    password = secrets.token_urlsafe(18) + "aA1!"
    try:
        user = {
            "username": NAME,
            "passwd": password,
            "roleid": roles[0]["roleid"],
            "usrgrps": [{"usrgrpid": groupid}],
        }
        userid = zabbix.call("user.create", user)["userids"][0]
        try:
            yield NAME, password
        finally:
            zabbix.call("user.delete", [userid])
    finally:
        zabbix.call("usergroup.delete", [groupid])


def test_a_user_who_is_not_a_super_admin_gets_one_line(
    zabbix_version: str, plain_user: tuple[str, str]
) -> None:
    name, password = plain_user
    client = ZabbixClient.connect(
        services.zabbix_url(zabbix_version), user=name, password=password, timeout=30
    )
    try:
        with pytest.raises(AuditLogUnreadable) as caught:
            latest_audit(client)
        assert audit_log_enabled(client) is True  # settings.get is open to every user type
    finally:
        client.close()
    assert (caught.value.code, caught.value.data) == (REFUSED_CODES[zabbix_version], REFUSED)
    assert str(caught.value) == (
        f"Zabbix at {client.url}: the API user may not read the audit log "
        "(auditlog.get needs a Super admin)"
    )
    assert password not in str(caught.value)


def _tick(store: StateStore, cursor: str | None, zabbix: ZabbixResource) -> dg.SensorResult:
    """One tick of the change sensor in this process, against the real NetBox and Zabbix."""
    netbox = NetBoxResource(url=services.netbox_url(), token=services.netbox_token())
    with (
        dg.instance_for_test() as instance,
        dg.build_sensor_context(instance=instance, cursor=cursor) as context,
    ):
        outcome = evaluate(context, Settings(), store, netbox, zabbix)
    assert isinstance(outcome, dg.SensorResult), outcome
    return outcome


def _reason(outcome: dg.SensorResult) -> str:
    return outcome.skip_reason.skip_message if outcome.skip_reason else ""


def _managed(store: StateStore, version: str, hostid: str) -> tuple[str, ZabbixResource]:
    """Make the Zabbix host ``hostid`` one a stored status has; its host config's key, and the
    resource of that server."""
    key = "device-999999"
    with store.transaction() as conn:
        save_statuses(conn, [{**STATUS, "partition_key": key, "zabbix_hostid": hostid}])
    resource = ZabbixResource(
        url=services.zabbix_url(version),
        user=services.ZABBIX_USER,
        password=services.ZABBIX_PASSWORD,
    )
    return key, resource


@pytest.fixture
def store(tmp_path) -> StateStore:
    made = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    made.upgrade()
    return made


def test_the_change_sensor_asks_for_a_host_edited_in_zabbix_and_for_the_import(
    zabbix_version: str, zabbix: ZabbixClient, store: StateStore
) -> None:
    """A managed host edited by hand: a change run of its host config; a host group added and
    deleted: an import. Asked again under the same keys while the runs are not made."""
    host = zabbix.call("host.get", {"output": ["hostid", "description"], "limit": 1})[0]
    key, resource = _managed(store, zabbix_version, host["hostid"])
    first = _tick(store, None, resource)
    assert "default: starting after its newest audit log entry" in _reason(first), first
    zabbix.call("host.update", {"hostid": host["hostid"], "description": "edited by hand"})
    try:
        groupid = zabbix.call("hostgroup.create", {"name": NAME})["groupids"][0]
        zabbix.call("hostgroup.delete", [groupid])
        second = _tick(store, first.cursor, resource)
        refresh, imported = second.run_requests
        config = refresh.run_config["ops"]["refresh_host_config_sync_status"]["config"]
        assert config == {"keys": [key]}, config
        assert imported.job_name == "import_zabbix_settings"
        assert refresh.tags[CHANGES_TAG].startswith("default "), refresh.tags
        third = _tick(store, second.cursor, resource)  # no run was made in this instance
        assert [r.run_key for r in third.run_requests] == [r.run_key for r in second.run_requests]
    finally:
        zabbix.call("host.update", {"hostid": host["hostid"], "description": host["description"]})


def test_a_managed_host_moved_between_host_groups_by_hand_is_seen_its_tags_are_not(
    zabbix_version: str, zabbix: ZabbixClient, store: StateStore
) -> None:
    """Zabbix logs a host added to or removed from a group only as an edit of the group: an
    addition names the host (a change run of its host config, no import), a removal does not
    (the tick says so, and nothing runs). A host's tags edited alone are not in the audit log at
    all. The full refresh at its interval finds both."""
    params = {"output": ["hostid"], "selectTags": ["tag", "value"], "limit": 1}
    host = zabbix.call("host.get", params)[0]
    key, resource = _managed(store, zabbix_version, host["hostid"])
    groupid = zabbix.call("hostgroup.create", {"name": f"{NAME}-moved"})["groupids"][0]
    try:
        start = _tick(store, None, resource)
        zabbix.call(
            "hostgroup.massadd",
            {"groups": [{"groupid": groupid}], "hosts": [{"hostid": host["hostid"]}]},
        )
        (refresh,) = _tick(store, start.cursor, resource).run_requests  # no import
        config = refresh.run_config["ops"]["refresh_host_config_sync_status"]["config"]
        assert config == {"keys": [key]}, config

        start = _tick(store, None, resource)
        zabbix.call("hostgroup.massremove", {"groupids": [groupid], "hostids": [host["hostid"]]})
        removed = _tick(store, start.cursor, resource)
        assert not removed.run_requests
        assert f"host group {NAME}-moved: 1 host removed: the audit log does not say which" in (
            _reason(removed)
        ), _reason(removed)

        start = _tick(store, None, resource)
        tags = [*host["tags"], {"tag": "nbzbx-audit", "value": NAME}]
        zabbix.call("host.update", {"hostid": host["hostid"], "tags": tags})
        quiet = _tick(store, start.cursor, resource)
        assert not quiet.run_requests, "Zabbix now logs a host's tags: see sync.zabbix_changes"
    finally:
        zabbix.call("host.update", {"hostid": host["hostid"], "tags": host["tags"]})
        zabbix.call("hostgroup.delete", [groupid])


def test_the_change_sensor_says_in_one_line_that_a_plain_user_may_not_read_the_audit_log(
    zabbix_version: str, plain_user: tuple[str, str], store: StateStore
) -> None:
    name, password = plain_user
    resource = ZabbixResource(url=services.zabbix_url(zabbix_version), user=name, password=password)
    reason = _reason(_tick(store, None, resource))
    assert (
        "default: Zabbix at " in reason
        and "the API user may not read the audit log (auditlog.get needs a Super admin); "
        "its changes are read once it may"
        in reason
    ), reason
    assert reason.startswith("NetBox: starting after entry ") and password not in reason


def test_the_doctor_says_whether_change_sync_can_read_the_audit_log(
    zabbix_version: str, plain_user: tuple[str, str]
) -> None:
    from nbzbx_dagster.cli.doctor import run_checks

    env = {**os.environ, **services.env(zabbix_version)}
    (admin,) = [c for c in run_checks(env) if c["name"] == "zabbix"]
    assert admin["ok"] and admin["audit_log"] == "readable" and "note" not in admin, admin
    name, password = plain_user
    (plain,) = [
        c
        for c in run_checks({**env, "NBZBX_ZABBIX_USER": name, "NBZBX_ZABBIX_PASSWORD": password})
        if c["name"] == "zabbix"
    ]
    assert plain["ok"] and plain["audit_log"] == "not readable", plain
    assert plain["note"] == (
        "the API user may not read the audit log (auditlog.get needs a Super admin): host edits "
        "in Zabbix reach their status at the refresh's interval only"
    )
