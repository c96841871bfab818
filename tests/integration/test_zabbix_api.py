"""The Zabbix layer against the real lab servers: Zabbix 6.0.14 (:18060) and 7.0 LTS (:18070).

Every object a test creates has a unique ``it-<uuid8>-`` name and is deleted afterwards. Wrong
passwords are tried on a throwaway user, never on Admin (5 failures lock a user for 30 s).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from lab_objects import ZabbixCleanup

from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError
from nbzbx_dagster.zabbix import api as zapi

pytestmark = pytest.mark.integration

SERVERS = {
    "6.0": ("http://127.0.0.1:18060/api_jsonrpc.php", (6, 0, 14)),
    "7.0": ("http://127.0.0.1:18070", (7, 0)),
}
ADMIN = ("Admin", "zabbix")


def _reachable(url: str) -> None:
    endpoint = url if url.endswith("api_jsonrpc.php") else url + "/api_jsonrpc.php"
    body = {"jsonrpc": "2.0", "method": "apiinfo.version", "params": {}, "id": 1}
    try:
        requests.post(endpoint, json=body, timeout=5).raise_for_status()
    except requests.RequestException as error:
        pytest.fail(f"lab Zabbix at {url} is not answering ({error}); run `nbzbx lab up`")


@pytest.fixture(params=sorted(SERVERS), ids=lambda v: f"zabbix-{v}")
def server(request: pytest.FixtureRequest) -> tuple[str, str, tuple[int, ...]]:
    url, version = SERVERS[request.param]
    _reachable(url)
    return request.param, url, version


@pytest.fixture
def admin(server: tuple[str, str, tuple[int, ...]]) -> Iterator[ZabbixClient]:
    client = ZabbixClient.connect(server[1], user=ADMIN[0], password=ADMIN[1], timeout=30)
    yield client
    client.close()


@pytest.fixture
def prefix() -> str:
    return f"it-{uuid.uuid4().hex[:8]}-"


@pytest.fixture
def cleanup(admin: ZabbixClient) -> Iterator[ZabbixCleanup]:
    jobs = ZabbixCleanup(admin)
    yield jobs
    jobs.run()


def assert_one_line_without(error: ZabbixError, *secret_values: str) -> str:
    text = str(error)
    assert "\n" not in text
    assert text.startswith("Zabbix at ")
    for value in secret_values:
        assert value not in text
    return text


# -- connecting ------------------------------------------------------------------------------


def test_version_is_detected(admin: ZabbixClient, server: tuple[str, str, tuple]) -> None:
    expected = server[2]
    assert admin.version[: len(expected)] == expected
    assert admin.version_str.startswith(".".join(map(str, expected)))
    assert admin.calls["apiinfo.version"] == 1
    assert admin.calls["user.login"] == 1


def test_password_login_then_logout(server: tuple[str, str, tuple]) -> None:
    client = ZabbixClient.connect(server[1], user=ADMIN[0], password=ADMIN[1])
    assert zapi.host_groups(client)
    client.close()
    assert client.calls["user.logout"] == 1
    client.close()  # a second close is a no-op
    assert client.calls["user.logout"] == 1


def test_api_token_login(admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str) -> None:
    (user,) = admin.call("user.get", {"output": ["userid"], "filter": {"username": ADMIN[0]}})
    tokenid = admin.call("token.create", {"name": f"{prefix}token", "userid": user["userid"]})[
        "tokenids"
    ][0]
    cleanup.add("token", tokenid)
    (generated,) = admin.call("token.generate", [tokenid])
    token = generated["token"]

    client = ZabbixClient.connect(admin.url, token=token)
    assert client.version == admin.version
    assert "user.login" not in client.calls
    assert [g["name"] for g in zapi.host_groups(client)] == [
        g["name"] for g in zapi.host_groups(admin)
    ]
    client.close()
    assert "user.logout" not in client.calls


def test_wrong_password_of_a_throwaway_user(
    admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str
) -> None:
    password = "It-" + secrets.token_hex(12)
    (group,) = admin.call(
        "usergroup.get", {"output": ["usrgrpid"], "filter": {"name": "Zabbix administrators"}}
    )
    userid = admin.call(
        "user.create",
        {
            "username": f"{prefix}user",
            "passwd": password,
            "roleid": "1",
            "usrgrps": [{"usrgrpid": group["usrgrpid"]}],
        },
    )["userids"][0]
    cleanup.add("user", userid)

    wrong = password + "-wrong"
    with pytest.raises(ZabbixError) as info:
        ZabbixClient.connect(admin.url, user=f"{prefix}user", password=wrong)
    text = assert_one_line_without(info.value, wrong, password)
    assert info.value.kind == "auth"
    assert "authentication failed: Incorrect user name or password" in text
    # the right password still works (one failure does not lock the user)
    ZabbixClient.connect(admin.url, user=f"{prefix}user", password=password).close()


def test_bad_token(server: tuple[str, str, tuple]) -> None:
    token = secrets.token_hex(32)
    with pytest.raises(ZabbixError) as info:
        ZabbixClient.connect(server[1], token=token)
    text = assert_one_line_without(info.value, token)
    if server[0] == "6.0":  # the token travels in the body: no header a web server could drop
        assert text.endswith("authentication failed: Not authorized.")
    else:  # 6.4+: in the Authorization header, which a web server in front of PHP may drop
        assert "authentication failed: Not authorized.: the API token is wrong" in text
        assert "dropped the Authorization header" in text


def test_unreachable_url() -> None:
    with pytest.raises(ZabbixError) as info:
        ZabbixClient.connect("http://127.0.0.1:9/", user="Admin", password="zabbix", timeout=5)
    text = assert_one_line_without(info.value, "zabbix")
    assert text == "Zabbix at http://127.0.0.1:9: unreachable: connection refused"


def test_not_a_zabbix_api(server: tuple[str, str, tuple]) -> None:
    base = server[1].removesuffix("/api_jsonrpc.php")
    with pytest.raises(ZabbixError) as info:
        ZabbixClient.connect(base + "/index.php", user="Admin", password="zabbix")
    assert info.value.kind in ("http", "protocol")
    assert_one_line_without(info.value, "zabbix")


# -- reads of each object type ---------------------------------------------------------------


def test_templates_parents_groups_and_interface_types(
    admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str
) -> None:
    caps = admin.zabbix_version
    groupid = lab_zabbix.create_template_group(admin, f"{prefix}templates")
    cleanup.add("templategroup" if caps.has_template_groups else "hostgroup", groupid)
    ids = {}
    for name in ("agent", "snmp", "mixed", "empty", "bmc"):
        ids[name] = lab_zabbix.create_template(admin, f"{prefix}{name}", [groupid])
        cleanup.add("template", ids[name])
    ids["child"] = lab_zabbix.create_template(
        admin, f"{prefix}child", [groupid], name=f"{prefix}Child", templates=[ids["agent"]]
    )
    ids["grandchild"] = lab_zabbix.create_template(
        admin, f"{prefix}grandchild", [groupid], templates=[ids["child"], ids["snmp"]]
    )
    cleanup.add("template", ids["grandchild"])
    cleanup.add("template", ids["child"])
    lab_zabbix.create_template_item(admin, ids["agent"], "agent", "it.agent")
    lab_zabbix.create_template_item(admin, ids["snmp"], "snmp", "it.snmp")
    lab_zabbix.create_template_item(admin, ids["mixed"], 0, "it.a")
    lab_zabbix.create_template_item(admin, ids["mixed"], 20, "it.s")
    lab_zabbix.create_template_item(admin, ids["bmc"], "ipmi", "it.power", "Power")

    everything = zapi.templates(admin)
    mine = {t["templateid"]: t for t in everything if t["host"].startswith(prefix)}
    assert set(mine) == set(ids.values())
    child = mine[ids["child"]]
    assert child["name"] == f"{prefix}Child" and child["host"] == f"{prefix}child"
    assert child["parents"] == [ids["agent"]]
    assert mine[ids["grandchild"]]["parents"] == sorted([ids["child"], ids["snmp"]])
    expected_groups = [f"{prefix}templates"] if caps.has_template_groups else []
    assert all(t["template_groups"] == expected_groups for t in mine.values())

    before = admin.calls["item.get"]
    types = zapi.template_interface_types(admin, everything)
    assert admin.calls["item.get"] == before + 1
    assert {name: types[i] for name, i in ids.items()} == {  # main kind, and the others
        "agent": ("agent", []),
        "snmp": ("snmp", []),
        "mixed": ("any", []),
        "empty": ("any", []),
        "bmc": ("any", ["ipmi"]),  # its IPMI item needs an IPMI interface beside any main one
        "child": ("agent", []),
        "grandchild": ("any", []),
    }
    assert len(types) == len(everything)


def test_template_groups(admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str) -> None:
    if not admin.zabbix_version.has_template_groups:
        before = sum(admin.calls.values())
        assert zapi.template_groups(admin) == []
        assert sum(admin.calls.values()) == before  # no templategroup.get on 6.0
        with pytest.raises(ZabbixError, match="Method not found"):
            admin.call("templategroup.get", {"output": ["groupid"]})
        return
    groupid = lab_zabbix.create_template_group(admin, f"{prefix}tg")
    cleanup.add("templategroup", groupid)
    groups = zapi.template_groups(admin)
    assert {"groupid": groupid, "name": f"{prefix}tg"} in groups
    assert "Templates" in {g["name"] for g in groups}


def test_host_groups_are_never_groups_holding_only_templates(
    admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str
) -> None:
    """On 6.0 template groups are host groups: the ones with templates and no hosts (the
    shipped ``Templates/...`` and one made here) are not offered; empty and mixed ones are."""
    empty = lab_zabbix.create_host_group(admin, f"{prefix}hg")
    cleanup.add("hostgroup", empty)
    mixed = lab_zabbix.create_host_group(admin, f"{prefix}mixed")
    cleanup.add("hostgroup", mixed)
    tgid = lab_zabbix.ensure_template_group(admin, f"{prefix}tg")
    cleanup.add("templategroup" if admin.zabbix_version.has_template_groups else "hostgroup", tgid)
    # on 6.0 a template may share a group with hosts; 6.2+ keeps them apart
    shared = [] if admin.zabbix_version.has_template_groups else [mixed]
    cleanup.add("template", lab_zabbix.create_template(admin, f"{prefix}tpl", [tgid, *shared]))
    cleanup.add("host", lab_zabbix.create_host(admin, {"host": f"{prefix}h", "groups": [mixed]}))
    names = {g["name"] for g in zapi.host_groups(admin)}
    assert {f"{prefix}hg", f"{prefix}mixed"} <= names
    assert f"{prefix}tg" not in names
    assert "Templates/Operating systems" not in names
    if not admin.zabbix_version.has_template_groups:
        counted = admin.call(
            "hostgroup.get",
            {"output": ["name"], "selectHosts": "count", "selectTemplates": "count"},
        )
        only_templates = {g["name"] for g in counted if int(g["templates"]) and not int(g["hosts"])}
        assert "Templates/Operating systems" in only_templates  # still there, just not offered
        assert names == {g["name"] for g in counted} - only_templates


def test_proxies_and_proxy_groups(admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str) -> None:
    caps = admin.zabbix_version
    groupid = None
    if caps.has_proxy_groups:
        groupid = lab_zabbix.create_proxy_group(admin, f"{prefix}pg", failover_delay="2m")
        cleanup.add("proxygroup", groupid)
    else:
        with pytest.raises(ZabbixError, match=r"need Zabbix 7\.0"):
            lab_zabbix.create_proxy_group(admin, f"{prefix}pg")
    active = lab_zabbix.create_proxy(
        admin,
        f"{prefix}active",
        "active",
        allowed_addresses="192.0.2.1,proxy-a.example.org",
        proxy_groupid=groupid,
        description="it active",
    )
    passive = lab_zabbix.create_proxy(
        admin, f"{prefix}passive", "passive", address="proxy-b.example.org", port=10052
    )
    passive_ip = lab_zabbix.create_proxy(
        admin, f"{prefix}passive-ip", "passive", address="192.0.2.7"
    )
    cleanup.add("proxy", active, passive, passive_ip)

    mine = {p["name"]: p for p in zapi.proxies(admin) if p["name"].startswith(prefix)}
    assert mine == {
        f"{prefix}active": {
            "proxyid": active,
            "name": f"{prefix}active",
            "mode": "active",
            "address": None,
            "port": None,
            "allowed_addresses": "192.0.2.1,proxy-a.example.org",
            "description": "it active",
            "proxy_groupid": groupid,
        },
        f"{prefix}passive": {
            "proxyid": passive,
            "name": f"{prefix}passive",
            "mode": "passive",
            "address": "proxy-b.example.org",
            "port": "10052",
            "allowed_addresses": "",
            "description": "",
            "proxy_groupid": None,
        },
        f"{prefix}passive-ip": {
            "proxyid": passive_ip,
            "name": f"{prefix}passive-ip",
            "mode": "passive",
            "address": "192.0.2.7",
            "port": "10051",
            "allowed_addresses": "",
            "description": "",
            "proxy_groupid": None,
        },
    }
    groups = zapi.proxy_groups(admin)
    if caps.has_proxy_groups:
        assert {
            "proxy_groupid": groupid,
            "name": f"{prefix}pg",
            "description": "",
            "failover_delay": "2m",
            "min_online": "1",
        } in groups
    else:
        assert groups == []


# -- hosts and maintenance -------------------------------------------------------------------


def test_host_write_and_read_round_trip(
    admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str
) -> None:
    caps = admin.zabbix_version
    groupid = lab_zabbix.create_host_group(admin, f"{prefix}hosts")
    cleanup.add("hostgroup", groupid)
    proxyid = lab_zabbix.create_proxy(admin, f"{prefix}proxy", "active")
    cleanup.add("proxy", proxyid)
    (icmp,) = admin.call(
        "template.get", {"output": ["templateid", "name"], "filter": {"host": ["ICMP Ping"]}}
    )
    spec: dict[str, Any] = {
        "host": f"{prefix}host",
        "name": f"{prefix}Host",
        "status": "enabled",
        "description": "it",
        "groups": [{"groupid": groupid, "name": f"{prefix}hosts"}],
        "templates": [{"templateid": icmp["templateid"], "name": icmp["name"]}],
        "interfaces": [
            {
                "type": "agent",
                "main": True,
                "useip": False,
                "ip": "",
                "dns": "host.example.org",
                "port": "10050",
                "details": {},
            }
        ],
        "tags": [{"tag": "env", "value": "it"}],
        "macros": [
            {"macro": "{$IT_SECRET}", "type": "secret", "value": "s3cr3t", "description": "b"},
            {"macro": "{$IT_TEXT}", "type": "text", "value": "plain", "description": "a"},
        ],
        "inventory_mode": "manual",
        "inventory": {"serialno_a": "SN-1"},
        "monitored_by": "proxy",
        "proxyid": proxyid,
        "proxy_groupid": None,
    }
    hostid = lab_zabbix.create_host(admin, spec)
    cleanup.add("host", hostid)

    extras: dict[str, Any] = {"with_macros": True, "inventory": ["location", "serialno_a"]}
    (by_name,) = zapi.hosts(admin, names=[f"{prefix}host", f"{prefix}missing"], **extras)
    (by_id,) = zapi.hosts(admin, hostids=[hostid], **extras)
    assert by_name == by_id
    interface = by_id["interfaces"][0]
    assert {k: v for k, v in by_id.items() if k not in ("interfaces", "macros")} == {
        **{k: v for k, v in spec.items() if k not in ("interfaces", "macros")},
        "inventory": {"serialno_a": "SN-1", "location": ""},  # only the fields asked for
        "hostid": hostid,
    }
    # a secret macro's value is never read back; a text macro's is
    assert [{k: v for k, v in m.items() if k != "hostmacroid"} for m in by_id["macros"]] == [
        {**spec["macros"][0], "value": ""},
        spec["macros"][1],
    ]
    # without with_macros nor inventory, neither is asked for
    (plain,) = zapi.hosts(admin, hostids=[hostid])
    assert (plain["macros"], plain["inventory_mode"], plain["inventory"]) == ([], None, {})
    lab_zabbix.update_host(admin, hostid, {"inventory_mode": "disabled"})
    (disabled,) = zapi.hosts(admin, hostids=[hostid], inventory=["serialno_a"])
    assert (disabled["inventory_mode"], disabled["inventory"]) == ("disabled", {})
    assert {k: v for k, v in interface.items() if k != "interfaceid"} == spec["interfaces"][0]
    # a substring of the name finds nothing: names are exact
    assert zapi.hosts(admin, names=[f"{prefix}hos"]) == []

    lab_zabbix.update_host(admin, hostid, {"monitored_by": "server", "status": "disabled"})
    (updated,) = zapi.hosts(admin, hostids=[hostid])
    assert (updated["monitored_by"], updated["proxyid"], updated["status"]) == (
        "server",
        None,
        "disabled",
    )
    if caps.has_proxy_groups:
        pg = lab_zabbix.create_proxy_group(admin, f"{prefix}pg")
        cleanup.add("proxygroup", pg)
        lab_zabbix.update_host(admin, hostid, {"monitored_by": "proxy_group", "proxy_groupid": pg})
        (grouped,) = zapi.hosts(admin, hostids=[hostid])
        assert (grouped["monitored_by"], grouped["proxy_groupid"]) == ("proxy_group", pg)
    assert lab_zabbix.delete_hosts(admin, [hostid]) == [hostid]
    assert zapi.hosts(admin, hostids=[hostid]) == []


def test_maintenance_round_trip(admin: ZabbixClient, cleanup: ZabbixCleanup, prefix: str) -> None:
    groupid = lab_zabbix.create_host_group(admin, f"{prefix}mg")
    cleanup.add("hostgroup", groupid)
    hostid = lab_zabbix.create_host(admin, {"host": f"{prefix}mh", "groups": [groupid]})
    cleanup.add("host", hostid)
    since, till = 1_795_291_999, 1_795_295_599
    mid = zapi.create_maintenance(
        admin,
        f"{prefix}m",
        since,
        till,
        hostids=[hostid],
        groupids=[groupid],
        with_data_collection=False,
        description="it window",
    )
    cleanup.add("maintenance", mid)
    (m,) = zapi.maintenances(admin, names=[f"{prefix}m"])
    assert m == {
        "maintenanceid": mid,
        "name": f"{prefix}m",
        "description": "it window",
        "since": since // 60 * 60,
        "till": till // 60 * 60,
        "with_data_collection": False,
        "hosts": [{"hostid": hostid, "host": f"{prefix}mh"}],
        "groups": [{"groupid": groupid, "name": f"{prefix}mg"}],
        "timeperiods": [
            {"timeperiod_type": "0", "start_date": str(since // 60 * 60), "period": "3600"}
        ],
    }
    outcome = zapi.delete_maintenances(admin, [mid, "999999999"])
    assert outcome.deleted == [mid]
    assert outcome.already_gone == ["999999999"]
    assert zapi.delete_maintenances(admin, [mid]).already_gone == [mid]
    with pytest.raises(ZabbixError) as info:
        admin.call("maintenance.delete", [mid])
    assert info.value.is_not_found
