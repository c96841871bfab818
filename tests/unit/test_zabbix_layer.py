"""The Zabbix layer against a fake transport: no network.

Answers come from recordings of the real lab servers (tests/unit/recordings/zabbix-*.json) or are
built per test. The fake is a requests adapter, so pyzabbix, requests and our wrapper all run.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter

from nbzbx_dagster.common.progress import listening
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError, ZabbixVersion
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.capabilities import UnsupportedVersion

RECORDINGS = Path(__file__).parent / "recordings"
URL = "http://zabbix.test"
PASSWORD = "pw-Sup3rSecret"
TOKEN = "f" * 56 + "tok3nXYZ"
SESSION = "a" * 32


def recorded(version: str, method: str) -> Any:
    data = json.loads((RECORDINGS / f"zabbix-{version}.json").read_text())
    return data["calls"][method]["result"]


Handler = Callable[[dict[str, Any]], Any]


class FakeZabbix(BaseAdapter):
    """Answers JSON-RPC requests from per-method handlers and records what was sent.

    A handler returns a result, or raises :class:`RpcError`, or returns a ``requests.Response``
    (raw HTTP) or raises a requests exception (transport failure).
    """

    def __init__(self, version: str = "6.0.14", **handlers: Any) -> None:
        super().__init__()
        self.version = version
        self.sent: list[dict[str, Any]] = []
        self.handlers: dict[str, Any] = {
            "apiinfo.version": version,
            "user.login": SESSION,
            "user.logout": True,
            "user.get": [{"userid": "1"}],
        }
        self.handlers.update({k.replace("__", "."): v for k, v in handlers.items()})

    def methods(self) -> list[str]:
        return [s["method"] for s in self.sent]

    def requests_for(self, method: str) -> list[dict[str, Any]]:
        return [s for s in self.sent if s["method"] == method]

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        body = json.loads(request.body)
        self.sent.append(
            {**body, "headers": dict(request.headers), "timeout": kwargs.get("timeout")}
        )
        handler = self.handlers.get(body["method"])
        if handler is None:
            raise AssertionError(f"unexpected call {body['method']}")
        try:
            result = handler(body["params"]) if callable(handler) else handler
        except RpcError as error:
            return response(200, {"jsonrpc": "2.0", "error": error.error, "id": body["id"]})
        if isinstance(result, requests.Response):
            return result
        return response(200, {"jsonrpc": "2.0", "result": result, "id": body["id"]})

    def close(self) -> None:
        pass


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: str) -> None:
        super().__init__(data)
        self.error = {"code": code, "message": message, "data": data}


def response(status: int, body: Any = None, text: str | None = None) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = (text if text is not None else json.dumps(body)).encode()
    resp.url = URL + "/api_jsonrpc.php"
    return resp


def session_for(fake: FakeZabbix) -> requests.Session:
    session = requests.Session()
    session.mount("http://", fake)
    return session


def connect(fake: FakeZabbix, **kwargs: Any) -> ZabbixClient:
    if "token" not in kwargs:
        kwargs.setdefault("user", "nbzbx")
        kwargs.setdefault("password", PASSWORD)
    kwargs.setdefault("timeout", 5)
    return ZabbixClient.connect(URL, session=session_for(fake), retry_backoff=0, **kwargs)


def raising(exc: BaseException) -> Handler:
    def handler(params: Any) -> Any:
        raise exc

    return handler


# -- connecting ------------------------------------------------------------------------------


def test_password_login_reads_version_once_and_logs_in_once() -> None:
    fake = FakeZabbix("6.0.14", hostgroup__get=[])
    client = connect(fake)
    assert client.version == (6, 0, 14)
    assert client.version_str == "6.0.14"
    assert fake.methods() == ["apiinfo.version", "user.login"]
    assert fake.sent[1]["params"] == {"username": "nbzbx", "password": PASSWORD}
    assert "auth" not in fake.sent[0]  # apiinfo.version refuses auth
    zapi.host_groups(client)
    # below 6.4 the session id goes in the body, never in a header
    assert fake.sent[-1]["auth"] == SESSION
    assert "Authorization" not in fake.sent[-1]["headers"]
    assert fake.sent[-1]["timeout"] == 5
    client.close()
    assert fake.methods()[-1] == "user.logout"
    assert client.calls == {
        "apiinfo.version": 1,
        "user.login": 1,
        "hostgroup.get": 1,
        "user.logout": 1,
    }


@pytest.mark.parametrize(
    ("version", "bearer"), [("6.0.14", False), ("6.4.21", True), ("7.0.22", True)]
)
def test_token_login_picks_header_by_version_and_never_logs_out(version: str, bearer: bool) -> None:
    fake = FakeZabbix(version)
    client = connect(fake, token=TOKEN)
    assert "user.login" not in fake.methods()
    check = fake.requests_for("user.get")[0]  # the token is used once at connect
    if bearer:
        assert check["headers"]["Authorization"] == f"Bearer {TOKEN}"
        assert "auth" not in check
    else:
        assert check["auth"] == TOKEN
        assert "Authorization" not in check["headers"]
    client.close()
    assert "user.logout" not in fake.methods()
    assert fake.methods().count("apiinfo.version") == 1


def test_url_may_be_base_or_full_endpoint() -> None:
    for url in (URL, URL + "/", URL + "/api_jsonrpc.php"):
        fake = FakeZabbix()
        ZabbixClient.connect(url, user="u", password=PASSWORD, session=session_for(fake))
        assert fake.sent[0]["method"] == "apiinfo.version"


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"url": "zabbix.test"}, "must start with http"),
        ({"url": URL}, "no credentials"),
        ({"url": URL, "user": "u"}, "no credentials"),
        ({"url": URL, "token": TOKEN, "ca_bundle": "/nonexistent/ca.pem"}, "CA bundle"),
    ],
)
def test_bad_input_is_refused_before_any_request(kwargs: dict[str, Any], text: str) -> None:
    fake = FakeZabbix()
    with pytest.raises(ZabbixError, match=text):
        ZabbixClient.connect(session=session_for(fake), **kwargs)
    assert fake.sent == []


# -- capabilities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "template_groups", "proxy_groups", "proxy_fields", "host_groups", "host_proxy"),
    [
        ("6.0.14", False, False, "6.0", ("selectGroups", "groups"), "proxy_hostid"),
        ("6.2.9", True, False, "6.0", ("selectHostGroups", "hostgroups"), "proxy_hostid"),
        ("6.4.21", True, False, "6.0", ("selectHostGroups", "hostgroups"), "proxy_hostid"),
        ("7.0.22", True, True, "7.0", ("selectHostGroups", "hostgroups"), "monitored_by"),
        ("7.2.0", True, True, "7.0", ("selectHostGroups", "hostgroups"), "monitored_by"),
        ("7.4.1", True, True, "7.0", ("selectHostGroups", "hostgroups"), "monitored_by"),
    ],
)
def test_capabilities_follow_the_version(
    version: str,
    template_groups: bool,
    proxy_groups: bool,
    proxy_fields: str,
    host_groups: tuple[str, str],
    host_proxy: str,
) -> None:
    caps = ZabbixVersion.from_string(version)
    assert caps.has_template_groups is template_groups
    assert caps.has_proxy_groups is proxy_groups
    assert caps.proxy_fields == proxy_fields
    assert caps.host_groups_select == host_groups
    assert caps.host_proxy_fields == host_proxy
    assert (caps.template_groups_select is not None) is template_groups


@pytest.mark.parametrize(
    ("text", "numbers", "shown"),
    [
        ("6.0.14", (6, 0, 14), "6.0.14"),
        ("6.0", (6, 0, 0), "6.0.0"),
        ("7.4.2", (7, 4, 2), "7.4.2"),
        (" 7.0.29\n", (7, 0, 29), "7.0.29"),
        ("8.0.0", (8, 0, 0), "8.0.0"),
        ("8.0.0rc1", (8, 0, 0), "8.0.0rc1"),
        ("8.0.0alpha2", (8, 0, 0), "8.0.0alpha2"),
        ("8.0.0beta1", (8, 0, 0), "8.0.0beta1"),
        ("7.4.0rc1", (7, 4, 0), "7.4.0rc1"),
    ],
)
def test_every_version_form_is_parsed(text: str, numbers: tuple[int, int, int], shown: str) -> None:
    caps = ZabbixVersion.from_string(text)
    assert caps.version == numbers
    assert str(caps) == shown
    assert caps.release == ".".join(map(str, numbers))


def test_a_pre_release_has_the_api_of_its_release() -> None:
    assert ZabbixVersion.from_string("6.4.0rc1").uses_bearer_header
    assert ZabbixVersion.from_string("7.0.0beta1").has_proxy_groups
    assert not ZabbixVersion.from_string("6.2.0alpha1").has_proxy_groups


@pytest.mark.parametrize("text", ["<html>", "", "7", "7.0.x", "v7.0.0", "7.0.0-rc1", "8.0.0gamma"])
def test_what_is_not_a_version_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a Zabbix version"):
        ZabbixVersion.from_string(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9.0.0", "major version this project does not know"),
        ("9.0.0alpha1", "major version this project does not know"),
        ("10.2.1", "major version this project does not know"),
        ("5.4.12", "older than 6.0 LTS"),
        ("5.0.0", "older than 6.0 LTS"),
    ],
)
def test_unknown_and_too_old_versions_are_refused_not_guessed(text: str, reason: str) -> None:
    with pytest.raises(UnsupportedVersion, match=reason):
        ZabbixVersion.from_string(text)


def test_connecting_to_an_unknown_major_says_so() -> None:
    fake = FakeZabbix("9.0.0")
    with pytest.raises(ZabbixError, match=r"Zabbix 9\.0\.0 is a major version .* 6\.0 to 8\.0"):
        connect(fake)
    assert fake.methods() == ["apiinfo.version"]  # no login to a server it does not know


@pytest.mark.parametrize("version", ["6.4.0rc1", "7.0.29", "7.2.15", "7.4.6", "8.0.0rc1", "8.0.0"])
def test_sessions_go_in_the_bearer_header_from_6_4_on(version: str) -> None:
    assert ZabbixVersion.from_string(version).uses_bearer_header
    fake = FakeZabbix(version, host__get=[])
    client = connect(fake)
    zapi.host_refs(client, hostids=["1"])
    client.close()
    for sent in fake.requests_for("host.get") + fake.requests_for("user.logout"):
        assert "auth" not in sent  # 7.2 refuses body auth
        assert sent["headers"]["Authorization"] == f"Bearer {SESSION}"
    assert fake.requests_for("user.login")[0]["params"] == {
        "username": "nbzbx",
        "password": PASSWORD,
    }


def test_sessions_go_in_the_body_on_6_0() -> None:
    assert not ZabbixVersion.from_string("6.0.14").uses_bearer_header
    fake = FakeZabbix("6.0.14", host__get=[])
    zapi.host_refs(connect(fake), hostids=["1"])
    sent = fake.requests_for("host.get")[0]
    assert sent["auth"] == SESSION and "Authorization" not in sent["headers"]


def test_a_garbage_version_answer_is_not_a_zabbix_api() -> None:
    with pytest.raises(ZabbixError, match="not a Zabbix API"):
        connect(FakeZabbix("hello"))


# -- templates and groups --------------------------------------------------------------------


def test_templates_on_60_have_no_template_groups_and_skip_templategroup_calls() -> None:
    fake = FakeZabbix("6.0.14", template__get=recorded("6.0.14", "template.get"))
    client = connect(fake)
    assert zapi.template_groups(client) == []
    result = zapi.templates(client)
    assert result == [
        {
            "templateid": "10186",
            "host": "ICMP Ping",
            "name": "ICMP Ping",
            "parents": [],
            "template_groups": [],
        }
    ]
    params = fake.requests_for("template.get")[0]["params"]
    assert "selectTemplateGroups" not in params
    assert not any(m.startswith("templategroup.") for m in fake.methods())


def test_templates_on_70_carry_template_group_names() -> None:
    fake = FakeZabbix(
        "7.0.22",
        template__get=recorded("7.0.22", "template.get"),
        templategroup__get=[{"groupid": "1", "name": "Templates"}],
    )
    client = connect(fake)
    assert zapi.templates(client)[0]["template_groups"] == ["Templates/Network devices"]
    assert fake.requests_for("template.get")[0]["params"]["selectTemplateGroups"] == ["name"]
    assert zapi.template_groups(client) == [{"groupid": "1", "name": "Templates"}]


def test_templates_fail_loudly_when_zabbix_ignores_a_select() -> None:
    # 6.2+ that silently drops selectTemplateGroups must not yield "no groups"
    rows = [{"templateid": "1", "host": "t", "name": "t", "parentTemplates": []}]
    client = connect(FakeZabbix("7.0.22", template__get=rows))
    with pytest.raises(ZabbixError, match=r"unexpected answer to template\.get: no templategroups"):
        zapi.templates(client)


def test_host_groups_on_60_leave_out_the_groups_holding_only_templates() -> None:
    rows = [
        {"groupid": "1", "name": "Templates", "hosts": "0", "templates": "3"},
        {"groupid": "10", "name": "Templates/OS", "hosts": "0", "templates": "12"},
        {"groupid": "11", "name": "Mixed", "hosts": "1", "templates": "1"},
        {"groupid": "12", "name": "Empty", "hosts": "0", "templates": "0"},
        {"groupid": "2", "name": "Linux servers", "hosts": "4", "templates": "0"},
    ]
    fake = FakeZabbix("6.0.14", hostgroup__get=rows)
    assert [g["name"] for g in zapi.host_groups(connect(fake))] == [
        "Mixed",
        "Empty",
        "Linux servers",
    ]
    [sent] = fake.requests_for("hostgroup.get")
    assert sent["params"]["selectHosts"] == sent["params"]["selectTemplates"] == "count"


def test_host_groups_from_62_are_not_counted() -> None:
    """6.2 removed selectTemplates from hostgroup.get; template groups are their own API."""
    fake = FakeZabbix("7.0.22", hostgroup__get=[{"groupid": "2", "name": "Linux servers"}])
    assert [g["name"] for g in zapi.host_groups(connect(fake))] == ["Linux servers"]
    [sent] = fake.requests_for("hostgroup.get")
    assert sent["params"] == {"output": ["groupid", "name"]}


def test_interface_types_come_from_one_batched_item_get_with_ancestry() -> None:
    # 1 agent-only, 2 snmp-only, 3 both, 4 neither, 5 inherits agent from 1 and snmp from 2,
    # 6 inherits from 5 (grandparents), 7 inherits agent from 1 only, 8 IPMI and agent items,
    # 9 inherits JMX from 10
    templates = [
        {"templateid": "1", "parents": []},
        {"templateid": "2", "parents": []},
        {"templateid": "3", "parents": []},
        {"templateid": "4", "parents": []},
        {"templateid": "5", "parents": ["1", "2"]},
        {"templateid": "6", "parents": ["5"]},
        {"templateid": "7", "parents": ["1"]},
        {"templateid": "8", "parents": []},
        {"templateid": "9", "parents": ["10"]},
        {"templateid": "10", "parents": []},
    ]
    items = [
        {"itemid": "11", "type": "0", "hostid": "1"},
        {"itemid": "21", "type": "20", "hostid": "2"},
        {"itemid": "31", "type": "0", "hostid": "3"},
        {"itemid": "32", "type": "20", "hostid": "3"},
        {"itemid": "81", "type": "12", "hostid": "8"},
        {"itemid": "82", "type": "0", "hostid": "8"},
        {"itemid": "101", "type": "16", "hostid": "10"},
    ]
    fake = FakeZabbix("7.0.22", item__get=items)
    client = connect(fake)
    result = zapi.template_interface_types(client, templates)
    assert result == {
        "1": ("agent", []),
        "2": ("snmp", []),
        "3": ("any", []),
        "4": ("any", []),
        "5": ("any", []),
        "6": ("any", []),
        "7": ("agent", []),
        "8": ("agent", ["ipmi"]),
        "9": ("any", ["jmx"]),
        "10": ("any", ["jmx"]),
    }
    assert client.calls["item.get"] == 1
    assert client.calls["template.get"] == 0
    params = fake.requests_for("item.get")[0]["params"]
    assert sorted(params["hostids"], key=int) == [str(i) for i in range(1, 11)]
    assert params["filter"] == {"type": [0, 20, 12, 16]}
    assert params["templated"] is True
    assert params["output"] == ["itemid", "type", "hostid"]


def test_interface_types_by_id_read_the_inheritance_once() -> None:
    graph = [
        {"templateid": "1", "parentTemplates": []},
        {"templateid": "2", "parentTemplates": [{"templateid": "1"}]},
    ]
    fake = FakeZabbix(
        "6.0.14", template__get=graph, item__get=[{"itemid": "1", "type": "20", "hostid": "1"}]
    )
    client = connect(fake)
    assert zapi.template_interface_types(client, ["2"]) == {"2": ("snmp", [])}
    assert client.calls["template.get"] == 1
    assert client.calls["item.get"] == 1
    assert fake.requests_for("item.get")[0]["params"]["hostids"] == ["1", "2"]


def test_template_dependencies_in_two_trigger_gets() -> None:
    """Template 1's trigger depends on template 2's and its own; template 3 (nesting 1 and 2)
    has both copies, so it needs nothing; a trigger of no template is dropped."""
    dependent = [
        {"triggerid": "101", "hosts": [{"hostid": "1"}], "dependencies": [{"triggerid": "201"}]},
        {"triggerid": "102", "hosts": [{"hostid": "1"}], "dependencies": [{"triggerid": "103"}]},
        {"triggerid": "301", "hosts": [{"hostid": "3"}], "dependencies": [{"triggerid": "302"}]},
        {"triggerid": "401", "hosts": [{"hostid": "4"}], "dependencies": [{"triggerid": "999"}]},
    ]
    hosts = {"201": "2", "103": "1", "302": "3"}

    def trigger_get(params: dict[str, Any]) -> list[dict[str, Any]]:
        if "triggerids" not in params:
            return dependent
        wanted = [t for t in params["triggerids"] if t in hosts]
        return [{"triggerid": t, "hosts": [{"hostid": hosts[t]}]} for t in wanted]

    fake = FakeZabbix("7.0.22", trigger__get=trigger_get)
    client = connect(fake)
    assert zapi.template_dependencies(client) == {"1": ["2"]}
    first, second = (r["params"] for r in fake.requests_for("trigger.get"))
    assert first["templated"] is True and first["dependent"] is True
    assert first["selectDependencies"] == ["triggerid"]
    assert second["triggerids"] == ["103", "201", "302", "999"]


def test_template_dependencies_without_any_ask_once() -> None:
    fake = FakeZabbix("6.0.14", trigger__get=[])
    client = connect(fake)
    assert zapi.template_dependencies(client) == {}
    assert client.calls["trigger.get"] == 1


def test_template_dependencies_refuse_an_answer_without_dependencies() -> None:
    fake = FakeZabbix("6.0.14", trigger__get=[{"triggerid": "1", "hosts": []}])
    with pytest.raises(ZabbixError, match="no dependencies"):
        zapi.template_dependencies(connect(fake))


def test_shared_item_keys_only_keys_of_several_templates() -> None:
    items = [
        {"itemid": "1", "hostid": "1", "key_": "agent.ping"},
        {"itemid": "2", "hostid": "1", "key_": "only.one"},
        {"itemid": "3", "hostid": "2", "key_": "agent.ping"},
        {"itemid": "4", "hostid": "2", "key_": "b.key"},
        {"itemid": "5", "hostid": "3", "key_": "b.key"},
    ]
    rules = [
        {"itemid": "6", "hostid": "4", "key_": "b.key"},
        {"itemid": "7", "hostid": "4", "key_": "net.if.discovery"},
    ]
    prototypes = [{"itemid": "8", "hostid": "5", "key_": "net.if.discovery"}]
    fake = FakeZabbix(
        "7.0.22", item__get=items, discoveryrule__get=rules, itemprototype__get=prototypes
    )
    client = connect(fake)
    assert zapi.template_shared_item_keys(client) == {
        "1": ["agent.ping"],
        "2": ["agent.ping", "b.key"],
        "3": ["b.key"],
        "4": ["b.key", "net.if.discovery"],  # a discovery rule's key is in the items' key space
        "5": ["net.if.discovery"],
    }
    for method in ("item.get", "discoveryrule.get", "itemprototype.get"):
        (request,) = fake.requests_for(method)
        assert request["params"]["inherited"] is False and request["params"]["templated"] is True


# -- proxies ---------------------------------------------------------------------------------


def test_proxies_60_normalised_from_recording() -> None:
    fake = FakeZabbix("6.0.14", proxy__get=recorded("6.0.14", "proxy.get"))
    client = connect(fake)
    assert zapi.proxies(client) == [
        {
            "proxyid": "10562",
            "name": "rec-active",
            "mode": "active",
            "address": None,
            "port": None,
            "allowed_addresses": "192.0.2.1,proxy.example.org",
            "description": "",
            "proxy_groupid": None,
        },
        {
            "proxyid": "10563",
            "name": "rec-passive",
            "mode": "passive",
            "address": "proxy.example.org",
            "port": "10052",
            "allowed_addresses": "",
            "description": "",
            "proxy_groupid": None,
        },
        {
            "proxyid": "10564",
            "name": "rec-passive-ip",
            "mode": "passive",
            "address": "192.0.2.7",
            "port": "10051",
            "allowed_addresses": "",
            "description": "",
            "proxy_groupid": None,
        },
    ]
    params = fake.requests_for("proxy.get")[0]["params"]
    assert "host" in params["output"] and "name" not in params["output"]
    assert "selectInterface" in params
    assert zapi.proxy_groups(client) == []
    assert "proxygroup.get" not in fake.methods()


def test_proxies_70_normalised_from_recording() -> None:
    fake = FakeZabbix(
        "7.0.22",
        proxy__get=recorded("7.0.22", "proxy.get"),
        proxygroup__get=recorded("7.0.22", "proxygroup.get"),
    )
    client = connect(fake)
    assert zapi.proxies(client) == [
        {
            "proxyid": "4",
            "name": "rec-active",
            "mode": "active",
            "address": None,
            "port": None,
            "allowed_addresses": "192.0.2.1,proxy.example.org",
            "description": "",
            "proxy_groupid": "2",
        },
        {
            "proxyid": "5",
            "name": "rec-passive",
            "mode": "passive",
            "address": "proxy.example.org",
            "port": "10052",
            "allowed_addresses": "",
            "description": "",
            "proxy_groupid": None,
        },
    ]
    params = fake.requests_for("proxy.get")[0]["params"]
    assert "name" in params["output"] and "host" not in params["output"]
    assert "selectInterface" not in params
    assert zapi.proxy_groups(client) == [
        {
            "proxy_groupid": "2",
            "name": "rec-pg",
            "description": "",
            "failover_delay": "1m",
            "min_online": "1",
        }
    ]


def test_create_proxy_sends_each_versions_fields() -> None:
    fake6 = FakeZabbix("6.0.14", proxy__create={"proxyids": ["9"]})
    client6 = connect(fake6)
    assert (
        lab_zabbix.create_proxy(client6, "p1", "passive", address="proxy.example.org", port=10052)
        == "9"
    )
    assert lab_zabbix.create_proxy(client6, "p2", "active", allowed_addresses="192.0.2.1") == "9"
    passive, active = (r["params"] for r in fake6.requests_for("proxy.create"))
    assert passive == {
        "host": "p1",
        "status": 6,
        "description": "",
        "interface": {"useip": 0, "ip": "", "dns": "proxy.example.org", "port": "10052"},
    }
    assert active == {"host": "p2", "status": 5, "description": "", "proxy_address": "192.0.2.1"}
    with pytest.raises(ZabbixError, match=r"proxy groups need Zabbix 7\.0"):
        lab_zabbix.create_proxy(client6, "p3", "active", proxy_groupid="1")
    with pytest.raises(ZabbixError, match=r"proxy groups need Zabbix 7\.0"):
        lab_zabbix.create_proxy_group(client6, "pg")
    assert "proxygroup.create" not in fake6.methods()
    assert len(fake6.requests_for("proxy.create")) == 2

    fake7 = FakeZabbix(
        "7.0.22", proxy__create={"proxyids": ["9"]}, proxygroup__create={"proxy_groupids": ["3"]}
    )
    client7 = connect(fake7)
    groupid = lab_zabbix.create_proxy_group(client7, "pg")
    lab_zabbix.create_proxy(client7, "p1", "passive", address="192.0.2.9")
    lab_zabbix.create_proxy(
        client7, "p2", "active", allowed_addresses="192.0.2.1", proxy_groupid=groupid
    )
    passive, active = (r["params"] for r in fake7.requests_for("proxy.create"))
    assert passive == {
        "name": "p1",
        "operating_mode": 1,
        "description": "",
        "address": "192.0.2.9",
        "port": "10051",
    }
    assert active == {
        "name": "p2",
        "operating_mode": 0,
        "description": "",
        "allowed_addresses": "192.0.2.1",
        "proxy_groupid": "3",
        "local_address": "127.0.0.1",
        "local_port": "10051",
    }


# -- hosts -----------------------------------------------------------------------------------


def test_hosts_60_normalised_from_recording_without_secrets() -> None:
    fake = FakeZabbix("6.0.14", host__get=recorded("6.0.14", "host.get"))
    client = connect(fake)
    h1, h2 = zapi.hosts(client, hostids=["10565", "10566"])
    assert h1 == {
        "hostid": h1["hostid"],
        "host": "rec-h1",
        "name": "Rec h1",
        "status": "enabled",
        "description": "",
        "groups": [{"groupid": h1["groups"][0]["groupid"], "name": "rec-group"}],
        "templates": [{"templateid": "10186", "name": "ICMP Ping"}],
        "interfaces": [
            {
                "interfaceid": h1["interfaces"][0]["interfaceid"],
                "type": "agent",
                "main": True,
                "useip": True,
                "ip": "192.0.2.10",
                "dns": "",
                "port": "10050",
                "details": {},
            }
        ],
        "tags": [{"tag": "env", "value": "lab"}],
        "macros": [],
        "inventory_mode": None,
        "inventory": {},
        "monitored_by": "proxy",
        "proxyid": h1["proxyid"],
        "proxy_groupid": None,
    }
    assert h1["proxyid"] is not None
    assert h2["status"] == "disabled"
    assert h2["monitored_by"] == "server" and h2["proxyid"] is None
    snmp = h2["interfaces"][0]
    assert snmp["type"] == "snmp" and snmp["useip"] is False and snmp["dns"] == "h2.example.org"
    # the recording has SNMPv3 passphrases in clear: they never reach the shape
    assert "secret" not in json.dumps(h2)
    assert snmp["details"]["securityname"] == "u"
    params = fake.requests_for("host.get")[0]["params"]
    assert "selectGroups" in params and "selectHostGroups" not in params
    assert "selectMacros" not in params  # only with sync_macros
    assert "selectInventory" not in params and "inventory_mode" not in params["output"]
    assert "proxy_hostid" in params["output"] and "monitored_by" not in params["output"]
    seen: list[str] = []
    with listening(seen.append):
        zapi.hosts(client, hostids=["10565", "10566"], names=["rec-h1"])
    assert seen == [  # one report per host.get batch
        "Zabbix host.get: hosts by id 2 of 2 read",
        "Zabbix host.get: hosts by name 1 of 1 read",
    ]


def test_hosts_70_normalised_from_recording() -> None:
    fake = FakeZabbix("7.0.22", host__get=recorded("7.0.22", "host.get"))
    client = connect(fake)
    h1, h2 = zapi.hosts(client, names=["rec-h1", "rec-h2"])
    assert (h1["monitored_by"], h1["proxyid"], h1["proxy_groupid"]) == ("proxy", "5", None)
    assert (h2["monitored_by"], h2["proxyid"], h2["proxy_groupid"]) == ("proxy_group", None, "2")
    assert h1["groups"] == [{"groupid": "23", "name": "rec-group"}]
    assert "secret" not in json.dumps(h2)
    params = fake.requests_for("host.get")[0]["params"]
    assert params["filter"] == {"host": ["rec-h1", "rec-h2"]}
    assert "search" not in params
    assert "selectHostGroups" in params and "selectGroups" not in params
    assert {"monitored_by", "proxyid", "proxy_groupid"} <= set(params["output"])


def test_hosts_on_62_and_later_fail_loudly_without_hostgroups() -> None:
    rows = [
        {
            "hostid": "1",
            "host": "h",
            "parentTemplates": [],
            "interfaces": [],
            "tags": [],
            "groups": [],
            "monitored_by": "0",
            "proxyid": "0",
            "proxy_groupid": "0",
        }
    ]
    client = connect(FakeZabbix("7.4.1", host__get=rows))
    with pytest.raises(ZabbixError, match="no hostgroups"):
        zapi.hosts(client, hostids=["1"])


def test_hosts_are_read_in_batches_of_500() -> None:
    fake = FakeZabbix("7.0.22", host__get=[])
    client = connect(fake)
    zapi.hosts(client, hostids=[str(i) for i in range(1200)], names=["a", "b"])
    sizes = [len(r["params"].get("hostids", [])) for r in fake.requests_for("host.get")]
    assert sizes == [500, 500, 200, 0]
    assert client.calls["host.get"] == 4


def test_all_hosts_reads_ids_first_then_batches() -> None:
    def host_get(params: dict[str, Any]) -> list[dict[str, Any]]:
        if params["output"] == ["hostid"]:
            return [{"hostid": str(i)} for i in range(501)]
        return []

    fake = FakeZabbix("6.0.14", host__get=host_get)
    client = connect(fake)
    assert zapi.hosts(client) == []
    assert client.calls["host.get"] == 3


def test_create_host_60_uses_proxy_hostid_and_bare_template_links() -> None:
    fake = FakeZabbix("6.0.14", host__create={"hostids": ["100"]})
    client = connect(fake)
    spec = {
        "hostid": "ignored",
        "host": "h1",
        "name": "H 1",
        "status": "enabled",
        "groups": [{"groupid": "2", "name": "Linux servers"}],
        "templates": [{"templateid": "10001", "name": "Linux by Zabbix agent"}],
        "interfaces": [
            {
                "interfaceid": "5",
                "type": "agent",
                "main": True,
                "useip": True,
                "ip": "192.0.2.1",
                "dns": "",
                "port": "10050",
                "details": {},
            }
        ],
        "tags": [{"tag": "a", "value": "b"}],
        "monitored_by": "proxy",
        "proxyid": "7",
        "proxy_groupid": None,
        "description": "d",
    }
    assert lab_zabbix.create_host(client, spec) == "100"
    params = fake.requests_for("host.create")[0]["params"]
    assert params == {
        "host": "h1",
        "name": "H 1",
        "description": "d",
        "status": 0,
        "groups": [{"groupid": "2"}],
        "templates": [{"templateid": "10001"}],
        "interfaces": [
            {"type": 1, "main": 1, "useip": 1, "ip": "192.0.2.1", "dns": "", "port": "10050"}
        ],
        "tags": [{"tag": "a", "value": "b"}],
        "proxy_hostid": "7",
    }
    with pytest.raises(ZabbixError, match=r"proxy groups need Zabbix 7\.0"):
        lab_zabbix.create_host(
            client, {**spec, "monitored_by": "proxy_group", "proxy_groupid": "1"}
        )
    assert len(fake.requests_for("host.create")) == 1


def test_create_and_update_host_70_use_monitored_by() -> None:
    fake = FakeZabbix(
        "7.0.22", host__create={"hostids": ["100"]}, host__update={"hostids": ["100"]}
    )
    client = connect(fake)
    lab_zabbix.create_host(client, {"host": "h1", "groups": ["2"], "monitored_by": "server"})
    assert fake.requests_for("host.create")[0]["params"] == {
        "host": "h1",
        "groups": [{"groupid": "2"}],
        "monitored_by": 0,
    }
    lab_zabbix.update_host(client, "100", {"monitored_by": "proxy_group", "proxy_groupid": "3"})
    assert fake.requests_for("host.update")[0]["params"] == {
        "hostid": "100",
        "monitored_by": 2,
        "proxy_groupid": "3",
    }
    with pytest.raises(ZabbixError, match="needs at least one host group"):
        lab_zabbix.create_host(client, {"host": "h2", "groups": []})


def test_create_hosts_batches_and_checks_the_answer() -> None:
    def create(params: Any) -> dict[str, list[str]]:
        return {"hostids": [str(i) for i in range(len(params) if isinstance(params, list) else 1)]}

    fake = FakeZabbix("7.0.22", host__create=create)
    client = connect(fake)
    specs = [{"host": f"h{i}", "groups": ["2"]} for i in range(250)]
    assert len(lab_zabbix.create_hosts(client, specs)) == 250
    assert client.calls["host.create"] == 3

    client = connect(FakeZabbix("7.0.22", host__create={"hostids": []}))
    with pytest.raises(ZabbixError, match=r"unexpected answer to host\.create"):
        lab_zabbix.create_host(client, {"host": "h", "groups": ["2"]})


# -- maintenance -----------------------------------------------------------------------------


def test_create_maintenance_uses_objects_and_a_one_time_period() -> None:
    fake = FakeZabbix("7.0.22", maintenance__create={"maintenanceids": ["4"]})
    client = connect(fake)
    mid = zapi.create_maintenance(
        client,
        "m",
        1000,
        4600,
        hostids=["1"],
        groupids=["2"],
        with_data_collection=False,
        description="why",
    )
    assert mid == "4"
    assert fake.requests_for("maintenance.create")[0]["params"] == {
        "name": "m",
        "description": "why",
        "active_since": 1000,
        "active_till": 4600,
        "maintenance_type": 1,
        "timeperiods": [{"timeperiod_type": 0, "start_date": 1000, "period": 3600}],
        "hosts": [{"hostid": "1"}],
        "groups": [{"groupid": "2"}],
    }
    with pytest.raises(ZabbixError, match="no hosts and no host groups"):
        zapi.create_maintenance(client, "m2", 1000, 4600)
    with pytest.raises(ZabbixError, match="must end after it starts"):
        zapi.create_maintenance(client, "m3", 1000, 1000, hostids=["1"])
    assert client.calls["maintenance.create"] == 1


@pytest.mark.parametrize(
    ("version", "select"), [("6.0.14", "selectGroups"), ("7.0.22", "selectHostGroups")]
)
def test_maintenances_read_groups_the_versions_way(version: str, select: str) -> None:
    fake = FakeZabbix(version, maintenance__get=recorded(version, "maintenance.get"))
    client = connect(fake)
    (m,) = zapi.maintenances(client)
    assert m["name"] == "rec-m"
    assert (m["since"], m["till"]) == (1795291980, 1795295580)
    assert m["groups"][0]["name"] == "rec-group"
    assert m["hosts"][0]["host"] == "rec-h1"
    assert m["with_data_collection"] is (version == "6.0.14")
    assert m["timeperiods"] == [
        {"timeperiod_type": "0", "start_date": "1795291980", "period": "3600"}
    ]
    assert select in fake.requests_for("maintenance.get")[0]["params"]


NOT_FOUND = RpcError(
    -32500, "Application error.", "No permissions to referred object or it does not exist!"
)


def test_delete_maintenances_counts_missing_ones_as_gone() -> None:
    fake = FakeZabbix(
        "6.0.14",
        maintenance__get=[{"maintenanceid": "1"}],
        maintenance__delete={"maintenanceids": ["1"]},
    )
    client = connect(fake)
    outcome = zapi.delete_maintenances(client, ["1", "2"])
    assert outcome.deleted == ["1"]
    assert outcome.already_gone == ["2"]
    assert outcome.failed == {}
    assert fake.requests_for("maintenance.delete")[0]["params"] == ["1"]


def test_delete_maintenances_race_and_failure_are_told_apart() -> None:
    def delete(params: list[str]) -> dict[str, list[str]]:
        if len(params) > 1:
            raise NOT_FOUND
        if params == ["2"]:
            raise NOT_FOUND  # deleted meanwhile by someone else
        if params == ["3"]:
            raise RpcError(-32500, "Application error.", "Cannot delete: something else")
        return {"maintenanceids": params}

    fake = FakeZabbix(
        "7.0.22",
        maintenance__delete=delete,
        maintenance__get=[{"maintenanceid": i} for i in ("1", "2", "3")],
    )
    client = connect(fake)
    outcome = zapi.delete_maintenances(client, ["1", "2", "3"])
    assert outcome.deleted == ["1"]
    assert outcome.already_gone == ["2"]
    assert list(outcome.failed) == ["3"]
    assert "Cannot delete" in outcome.failed["3"]


def test_delete_maintenances_does_not_hide_an_unreachable_server() -> None:
    refused = requests.ConnectionError(
        urllib3.exceptions.NewConnectionError(
            None, "Failed to establish a new connection: [Errno 111] Connection refused"
        )
    )
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    fake = FakeZabbix(
        "7.0.22", maintenance__get=[{"maintenanceid": "1"}], maintenance__delete=raising(refused)
    )
    client = connect(fake)
    with pytest.raises(ZabbixError, match="unreachable"):
        zapi.delete_maintenances(client, ["1"])


# -- errors ----------------------------------------------------------------------------------


def one_line_without_secrets(error: ZabbixError) -> str:
    text = str(error)
    assert "\n" not in text
    for secret in (PASSWORD, TOKEN, SESSION):
        assert secret not in text
    assert text.startswith(f"Zabbix at {URL}: ")
    return text


def test_wrong_password_is_an_authentication_failure() -> None:
    wrong = RpcError(
        -32500,
        "Application error.",
        "Incorrect user name or password or account is temporarily blocked.",
    )
    with pytest.raises(ZabbixError) as info:
        connect(FakeZabbix("6.0.14", user__login=raising(wrong)))
    text = one_line_without_secrets(info.value)
    assert text.endswith(
        "authentication failed: Incorrect user name or password or account is temporarily blocked."
    )
    assert info.value.kind == "auth"


@pytest.mark.parametrize("version", ["7.0.22", "7.2.0"])
def test_a_refused_token_says_the_header_may_have_been_dropped(version: str) -> None:
    """From 6.4 the token travels in the Authorization header only; a web server in front of
    PHP may drop it, and Zabbix then says "Not authorized." to a good token."""
    bad = RpcError(-32602, "Invalid params.", "Not authorized.")
    with pytest.raises(ZabbixError) as info:
        connect(FakeZabbix(version, user__get=raising(bad)), token=TOKEN)
    text = one_line_without_secrets(info.value)
    assert "authentication failed: Not authorized.: the API token is wrong" in text
    assert "dropped the Authorization header" in text and "CGIPassAuth On" in text
    assert info.value.kind == "auth"


def test_a_refused_token_on_6_0_has_no_header_to_lose() -> None:
    bad = RpcError(-32602, "Invalid params.", "Not authorized.")
    with pytest.raises(ZabbixError) as info:
        connect(FakeZabbix("6.0.14", user__get=raising(bad)), token=TOKEN)
    assert one_line_without_secrets(info.value).endswith("authentication failed: Not authorized.")


def test_secrets_echoed_by_the_server_are_scrubbed() -> None:
    echo = RpcError(-32602, "Invalid params.", f'Invalid parameter "/auth": {SESSION} {PASSWORD}.')
    client = connect(FakeZabbix("6.0.14", hostgroup__get=raising(echo)))
    with pytest.raises(ZabbixError) as info:
        zapi.host_groups(client)
    text = one_line_without_secrets(info.value)
    assert "API error in hostgroup.get: -32602 Invalid params." in text
    assert "***" in text


def _refused() -> requests.ConnectionError:
    inner = urllib3.exceptions.NewConnectionError(None, "Connection refused")
    inner.__cause__ = ConnectionRefusedError(111, "Connection refused")
    error = requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", inner))
    return error


def _dns() -> requests.ConnectionError:
    inner = urllib3.exceptions.NameResolutionError("zabbix.test", None, socket.gaierror(-2, "x"))
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", inner))


@pytest.mark.parametrize(
    ("failure", "cause", "kind"),
    [
        (raising(_refused()), "unreachable: connection refused", "transport"),
        (raising(_dns()), "unreachable: host name does not resolve", "transport"),
        (raising(requests.ReadTimeout("read timed out")), "timed out after 5s", "transport"),
        (
            raising(requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED")),
            "TLS failure",
            "transport",
        ),
        (
            lambda p: response(500, text=""),
            "HTTP 500 with an empty body on apiinfo.version",
            "http",
        ),
        (lambda p: response(412, text=""), "HTTP 412 with an empty body", "http"),
        (
            lambda p: response(404, text="<html>Not Found</html>"),
            "HTTP 404 (not a Zabbix API",
            "http",
        ),
        (
            lambda p: response(200, text="<html>hello</html>"),
            "not a Zabbix API: the answer to apiinfo.version is not JSON",
            "protocol",
        ),
        (lambda p: response(200, text=""), "not a Zabbix API: empty answer", "protocol"),
        (
            lambda p: response(200, body={"jsonrpc": "2.0", "id": 0}),
            "not a Zabbix API: unexpected answer",
            "protocol",
        ),
    ],
)
def test_transport_and_protocol_failures_are_classified(
    failure: Handler, cause: str, kind: str
) -> None:
    fake = FakeZabbix("6.0.14")
    fake.handlers["apiinfo.version"] = failure
    with pytest.raises(ZabbixError) as info:
        connect(fake)
    assert cause in one_line_without_secrets(info.value)
    assert info.value.kind == kind


def test_transient_errors_are_retried_twice_at_most() -> None:
    answers = [response(502, text=""), response(503, text=""), ["ok"]]
    fake = FakeZabbix("7.0.22", hostgroup__get=lambda p: answers.pop(0))
    client = connect(fake)
    assert client.call("hostgroup.get", {}) == ["ok"]
    assert len(fake.requests_for("hostgroup.get")) == 3
    assert client.calls["hostgroup.get"] == 1

    fake = FakeZabbix("7.0.22", hostgroup__get=lambda p: response(504, text=""))
    client = connect(fake)
    with pytest.raises(ZabbixError, match="HTTP 504"):
        client.call("hostgroup.get", {})
    assert len(fake.requests_for("hostgroup.get")) == 3


@pytest.mark.parametrize(
    "failure",
    [
        raising(RpcError(-32602, "Invalid params.", "x")),
        raising(_refused()),
        lambda p: response(500, text=""),
    ],
)
def test_non_transient_errors_are_not_retried(failure: Handler) -> None:
    fake = FakeZabbix("7.0.22", hostgroup__get=failure)
    client = connect(fake)
    with pytest.raises(ZabbixError):
        client.call("hostgroup.get", {})
    assert len(fake.requests_for("hostgroup.get")) == 1


def test_reset_connections_are_retried() -> None:
    reset = requests.ConnectionError(
        urllib3.exceptions.ProtocolError(
            "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
        )
    )
    answers: list[Any] = [reset, []]

    def flaky(params: Any) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    fake = FakeZabbix("7.0.22", hostgroup__get=flaky)
    assert zapi.host_groups(connect(fake)) == []
    assert len(fake.requests_for("hostgroup.get")) == 2


def test_pyzabbix_debug_logs_never_carry_the_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = connect(FakeZabbix("6.0.14", hostgroup__get=[]))
    zapi.host_groups(client)
    assert PASSWORD not in caplog.text
    assert SESSION not in caplog.text


# -- resource --------------------------------------------------------------------------------


def test_resource_builds_without_network_and_hides_secrets() -> None:
    resource = ZabbixResource(url="http://127.0.0.1:9", token=TOKEN, password=PASSWORD)
    assert TOKEN not in repr(resource) and PASSWORD not in repr(resource)
    assert resource._clients == {}


def test_resource_connects_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    made: list[dict[str, Any]] = []

    def fake_connect(url: str, **kwargs: Any) -> SimpleNamespace:
        made.append({"url": url, **kwargs})
        return SimpleNamespace(n=len(made), url=url, zabbix_version=ZabbixVersion((8, 2, 0)))

    monkeypatch.setattr(ZabbixClient, "connect", staticmethod(fake_connect))
    resource = ZabbixResource(
        url=URL, user="u", password=PASSWORD, timeout_seconds="7", verify_tls="false"
    )
    with caplog.at_level(logging.WARNING):
        assert resource.client().n == 1
        assert resource.client().n == 1
    # a version newer than the newest tested is said once, on connecting
    assert caplog.text.count("Zabbix 8.2 is newer than the newest tested (8.0)") == 1
    assert made == [
        {
            "url": URL,
            "token": None,
            "user": "u",
            "password": PASSWORD,
            "timeout": 7,
            "verify": False,
            "ca_bundle": None,
        }
    ]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("6.0.14", None),
        ("7.0.29", None),
        ("8.0.0", None),
        ("8.2.0", "Zabbix 8.2 is newer than the newest tested (8.0): used on 8.0's assumptions"),
        ("8.4.1rc1", "Zabbix 8.4 is newer than the newest tested (8.0): used on 8.0's assumptions"),
    ],
)
def test_a_version_newer_than_the_newest_tested_says_so(text: str, note: str | None) -> None:
    version = ZabbixVersion.from_string(text)
    assert version.untested == note
    if note:  # on 8.0's code paths
        assert version.uses_bearer_header and version.has_proxy_groups
