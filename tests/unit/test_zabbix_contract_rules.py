"""The Zabbix contract relay (lab/zabbix_contract.py) in front of a fake upstream: no lab needed.

The relay must refuse each removed parameter from the version that removed it, with Zabbix's own
error object, drop the removed ``select*`` parameters that real Zabbix ignores, judge each request
of a batch on its own, and pass a correct request to the upstream untouched, or the contract
tests on the lab prove nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from nbzbx_dagster.lab import zabbix_contract as contract

JSONRPC = {"Content-Type": "application/json-rpc"}
SESSION = "b" * 32


class FakeUpstream(ThreadingHTTPServer):
    """Stands for the real Zabbix 7.0: records what reaches it and answers a fixed result."""

    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.delay = 0.0
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                upstream.received.append((body, dict(self.headers)))
                time.sleep(upstream.delay)
                payload = json.dumps({"jsonrpc": "2.0", "result": "upstream", "id": body["id"]})
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the relay gave up waiting (the slow-upstream test)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api_jsonrpc.php"


def _start(server: ThreadingHTTPServer) -> None:
    """Serve in a thread that notices shutdown() quickly (the default polls every 0.5 s)."""
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    ).start()


def _serve(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    _start(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def upstream() -> Iterator[FakeUpstream]:
    yield from _serve(FakeUpstream())


@pytest.fixture
def relays(upstream: FakeUpstream) -> Iterator[dict[str, str]]:
    """One contract endpoint per version, each on a free port, all in front of ``upstream``."""
    servers = [contract.ContractServer(v, 0, upstream.url) for v in contract.VERSIONS]
    for server in servers:
        _start(server)
    yield {s.version: f"http://127.0.0.1:{s.server_address[1]}/api_jsonrpc.php" for s in servers}
    for server in servers:
        server.shutdown()
        server.server_close()


def call(url: str, method: str, params: Any, **extra: Any) -> dict[str, Any]:
    body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 7, **extra}
    headers = {**JSONRPC, "Authorization": f"Bearer {SESSION}"}
    answer = requests.post(url, data=json.dumps(body), headers=headers, timeout=10)
    assert answer.status_code == 200
    return answer.json()


# (version that removed it, method, params, code, message, data) -- one per changelog removal
REMOVALS = [
    ("6.4", "user.login", {"user": "Admin", "password": "x"}, -32602, "Invalid params.",
     'Invalid parameter "/": unexpected parameter "user".'),
    ("7.2", "hostgroup.get", {"output": ["groupid"], "monitored_hosts": True}, -32602,
     "Invalid params.", 'Invalid parameter "/": unexpected parameter "monitored_hosts".'),
    ("7.2", "hostgroup.get", {"output": ["groupid"], "real_hosts": True}, -32602,
     "Invalid params.", 'Invalid parameter "/": unexpected parameter "real_hosts".'),
    ("7.2", "maintenance.create", {"name": "m", "groupids": ["2"]}, -32602, "Invalid params.",
     'Invalid parameter "/1": unexpected parameter "groupids".'),
    ("7.2", "maintenance.create", [{"name": "m", "groups": [{"groupid": "2"}]},
     {"name": "n", "hostids": ["1"]}], -32602, "Invalid params.",
     'Invalid parameter "/2": unexpected parameter "hostids".'),
    ("7.2", "maintenance.update", {"maintenanceid": "3", "hostids": ["1"]}, -32602,
     "Invalid params.", 'Invalid parameter "/1": unexpected parameter "hostids".'),
    ("8.0", "host.massupdate", {"hosts": [{"hostid": "1"}], "status": 1}, -32601,
     "Method not found.", 'Incorrect method "host.massupdate".'),
    ("8.0", "hostgroup.massupdate", {"groups": [{"groupid": "2"}], "hosts": []}, -32601,
     "Method not found.", 'Incorrect method "hostgroup.massupdate".'),
    ("8.0", "template.massupdate", {"templates": [{"templateid": "1"}]}, -32601,
     "Method not found.", 'Incorrect method "template.massupdate".'),
    ("8.0", "templategroup.massupdate", {"groups": [{"groupid": "1"}]}, -32601,
     "Method not found.", 'Incorrect method "templategroup.massupdate".'),
    ("8.0", "hostinterface.replacehostinterfaces", {"hostid": "1", "interfaces": []}, -32601,
     "Method not found.", 'Incorrect method "hostinterface.replacehostinterfaces".'),
]  # fmt: skip


# (version that removed it, method, params): real Zabbix ignores these, the relay strips them
IGNORED = [
    ("7.2", "host.get", {"output": ["hostid"], "selectGroups": ["name"]}),
    ("7.2", "maintenance.get", {"output": "extend", "selectGroups": ["name"]}),
]


def test_every_rule_of_the_table_is_exercised_here() -> None:
    covered = {(since, method) for since, method, *_ in REMOVALS + IGNORED}
    for rule in contract.RULES:
        for method in rule.methods:
            assert (f"{rule.since[0]}.{rule.since[1]}", method) in covered, method


@pytest.mark.parametrize(
    ("since", "method", "params", "code", "message", "data"),
    REMOVALS,
    ids=[f"{r[1]}-{r[0]}" for r in REMOVALS],
)
def test_a_removed_parameter_or_method_is_refused_from_its_version_on(
    relays: dict[str, str],
    upstream: FakeUpstream,
    since: str,
    method: str,
    params: Any,
    code: int,
    message: str,
    data: str,
) -> None:
    for version, url in relays.items():
        answer = call(url, method, params)
        if contract.version_key(version) >= contract.version_key(since):
            assert answer == {
                "jsonrpc": "2.0",
                "error": {"code": code, "message": message, "data": data},
                "id": 7,
            }, version
        else:  # not removed yet at this version: the real 7.0 decides
            assert answer["result"] == "upstream", version
    reached = {body["method"] for body, _ in upstream.received}
    assert reached <= {method}
    expected = sum(contract.version_key(v) < contract.version_key(since) for v in relays)
    assert len(upstream.received) == expected


@pytest.mark.parametrize(("since", "method", "params"), IGNORED, ids=[r[1] for r in IGNORED])
def test_an_ignored_parameter_is_stripped_and_the_request_goes_on(
    relays: dict[str, str], upstream: FakeUpstream, since: str, method: str, params: Any
) -> None:
    """As a real 7.2: no error, and no ``groups`` in the answer (7.0 is not asked for them)."""
    for url in relays.values():
        assert call(url, method, params)["result"] == "upstream"
    assert len(upstream.received) == len(relays)
    kept = {k: v for k, v in params.items() if k != "selectGroups"}
    for body, _ in upstream.received:
        assert body == {"jsonrpc": "2.0", "method": method, "params": kept, "id": 7}


def test_a_batch_is_judged_request_by_request_and_answered_in_order(
    relays: dict[str, str], upstream: FakeUpstream
) -> None:
    batch = [
        {"jsonrpc": "2.0", "method": "host.massupdate", "params": {"hosts": []}, "id": 1},
        {"jsonrpc": "2.0", "method": "host.get", "params": {"selectGroups": ["name"]}, "id": 2},
        {"jsonrpc": "2.0", "method": "apiinfo.version", "params": {}, "id": 3},
        {"jsonrpc": "2.0", "method": "hostgroup.get", "params": {"real_hosts": True}, "id": 4},
        "not a request",
    ]
    headers = {**JSONRPC, "Authorization": f"Bearer {SESSION}"}
    answer = requests.post(relays["8.0"], data=json.dumps(batch), headers=headers, timeout=10)
    assert answer.status_code == 200
    first, second, third, fourth, fifth = answer.json()
    assert (first["id"], first["error"]["code"]) == (1, -32601)
    assert second == {"jsonrpc": "2.0", "result": "upstream", "id": 2}
    assert third == {"jsonrpc": "2.0", "result": "8.0.0", "id": 3}
    assert (fourth["id"], fourth["error"]["code"]) == (4, -32602)
    assert fifth["error"]["code"] == -32600
    # only the request that passed reached the real server, without what 8.0 ignores
    assert [body for body, _ in upstream.received] == [
        {"jsonrpc": "2.0", "method": "host.get", "params": {}, "id": 2}
    ]


@pytest.mark.parametrize("version", list(contract.VERSIONS))
def test_body_auth_is_refused_from_7_2_on(
    relays: dict[str, str], upstream: FakeUpstream, version: str
) -> None:
    answer = call(relays[version], "host.get", {"output": ["hostid"]}, auth=SESSION)
    assert answer["error"] == {
        "code": -32600,
        "message": "Invalid request.",
        "data": 'Invalid parameter "/": unexpected parameter "auth".',
    }
    # also for apiinfo.version, and also with a null auth: the member itself is not allowed
    assert call(relays[version], "apiinfo.version", {}, auth=None)["error"]["code"] == -32600
    assert upstream.received == []


@pytest.mark.parametrize("version", list(contract.VERSIONS))
def test_apiinfo_version_answers_the_contract_version(
    relays: dict[str, str], upstream: FakeUpstream, version: str
) -> None:
    assert call(relays[version], "apiinfo.version", {}) == {
        "jsonrpc": "2.0",
        "result": contract.VERSIONS[version],
        "id": 7,
    }
    assert contract.VERSIONS[version].startswith(version + ".")
    assert upstream.received == []


def test_a_correct_request_passes_through_untouched(
    relays: dict[str, str], upstream: FakeUpstream
) -> None:
    params = {
        "output": ["hostid", "host"],
        "selectHostGroups": ["groupid", "name"],
        "hostids": ["10084"],
    }
    for url in relays.values():
        assert call(url, "host.get", params) == {"jsonrpc": "2.0", "result": "upstream", "id": 7}
    assert len(upstream.received) == len(relays)
    for body, headers in upstream.received:
        assert body == {"jsonrpc": "2.0", "method": "host.get", "params": params, "id": 7}
        assert headers["Authorization"] == f"Bearer {SESSION}"
        assert headers["Content-Type"] == "application/json-rpc"


def test_maintenance_targets_as_objects_pass(
    relays: dict[str, str], upstream: FakeUpstream
) -> None:
    params = {"name": "m", "hosts": [{"hostid": "1"}], "groups": [{"groupid": "2"}]}
    assert call(relays["8.0"], "maintenance.create", params)["result"] == "upstream"
    # a filter by hostids on maintenance.get was not removed, only the write parameters
    get = {"output": ["maintenanceid"], "hostids": ["1"], "selectHostGroups": ["name"]}
    assert call(relays["8.0"], "maintenance.get", get)["result"] == "upstream"
    assert len(upstream.received) == 2


def test_what_zabbix_refuses_over_http_is_refused_the_same_way(relays: dict[str, str]) -> None:
    url = relays["7.4"]
    assert requests.get(url, timeout=5).status_code == 412
    wrong = requests.post(url, data="{}", headers={"Content-Type": "text/plain"}, timeout=5)
    assert (wrong.status_code, wrong.content) == (412, b"")


def test_a_dead_upstream_is_a_502_and_a_slow_one_a_504(
    upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = contract.ContractServer("8.0", 0, "http://127.0.0.1:9/api_jsonrpc.php")
    for server in _serve(dead):
        url = f"http://127.0.0.1:{server.server_address[1]}/api_jsonrpc.php"
        body = json.dumps({"jsonrpc": "2.0", "method": "host.get", "params": {}, "id": 1})
        assert requests.post(url, data=body, headers=JSONRPC, timeout=10).status_code == 502
    monkeypatch.setattr(contract, "UPSTREAM_TIMEOUT", 0.2)
    upstream.delay = 1.0
    slow = contract.ContractServer("8.0", 0, upstream.url)
    for server in _serve(slow):
        url = f"http://127.0.0.1:{server.server_address[1]}/api_jsonrpc.php"
        started = time.monotonic()
        answer = requests.post(url, data=body, headers=JSONRPC, timeout=10)
        assert answer.status_code == 504
        assert time.monotonic() - started < 0.9  # bounded by the relay's timeout


def test_it_listens_on_loopback_only_and_knows_its_versions(upstream: FakeUpstream) -> None:
    for server in _serve(contract.ContractServer("7.2", 0, upstream.url)):
        assert server.server_address[0] == "127.0.0.1"
    with pytest.raises(ValueError, match=r"no contract for Zabbix 9\.0"):
        contract.ContractServer("9.0", 0, upstream.url)
