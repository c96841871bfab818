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

import pytest

from nbzbx_dagster.lab import services
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
