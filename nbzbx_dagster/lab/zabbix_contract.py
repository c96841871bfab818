"""Contract endpoints for Zabbix 7.2, 7.4 and 8.0: a relay in front of the lab's real Zabbix 7.0.

This is a contract check, not a Zabbix server. Nothing newer than 7.0 installs on the lab's
machines, so each endpoint answers ``apiinfo.version`` as its version, and treats what the
official API changelogs removed up to that version (in the methods this project calls) as the
real servers do: a removed parameter that Zabbix refuses is refused with the error object real
Zabbix sends; a removed ``select*`` parameter, which real Zabbix ignores, is stripped before the
request goes on, so the answer lacks what it used to bring (``groups``), as a real server's does.
Every other request goes to the real 7.0 unchanged. A JSON-RPC batch (a JSON array) is judged
request by request, and answered as an array in its order.

Stdlib only, so ``lab.sh`` runs it with the host's python3::

    python3 zabbix_contract.py --upstream http://127.0.0.1:18070/api_jsonrpc.php \\
        --serve 7.2=18072 --serve 7.4=18074 --serve 8.0=18080

It listens on 127.0.0.1 only, bounds every upstream call by a timeout, logs one line per refusal
(method and rule, never a body) and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# What each contract endpoint answers to apiinfo.version (a release of that version).
VERSIONS = {"7.2": "7.2.0", "7.4": "7.4.0", "8.0": "8.0.0"}
UPSTREAM_TIMEOUT = 60.0  # seconds; a slow 7.0 fails the request, it never hangs the relay
CLIENT_TIMEOUT = 120.0  # seconds a client connection may sit idle or half-sent
MAX_BODY = 64 * 1024 * 1024  # the lab's PHP post_max_size
# Zabbix answers HTTP 412 with an empty body to any other content type, and to GET.
CONTENT_TYPES = ("application/json-rpc", "application/json", "application/jsonrequest")


@dataclass(frozen=True)
class Rule:
    """From ``since`` on, ``methods`` refuse top-level ``params`` (or, with none, are gone);
    ``ignored``: the server drops the params silently instead (the ``select*`` of get methods)."""

    since: tuple[int, int]
    methods: tuple[str, ...]
    params: tuple[str, ...]
    changelog: str  # the changelog line that removed it
    ignored: bool = False


# Removals in the methods the project calls, from the official API changelogs ("Appendix 2.
# Changes from X to Y", https://www.zabbix.com/documentation/<Y>/en/manual/api/changes).
# Body "auth" (7.2, ZBXNEXT-9452 "Removed support for deprecated property auth.") is not a
# parameter but a request member: see AUTH_REMOVED below.
RULES: tuple[Rule, ...] = (
    # 6.2 -> 6.4, user: ZBXNEXT-8085 removed the deprecated "user" of user.login (only
    # "username" remains; the user.login reference page of 6.4). The real 7.0 refuses it too: the
    # rule keeps it explicit for every contract version.
    Rule((6, 4), ("user.login",), ("user",), "6.4 ZBXNEXT-8085"),
    # 7.0 -> 7.2, host: "ZBXNEXT-9452 host.get: Removed support for deprecated parameter
    # selectGroups." A real 7.2 ignores it and answers hosts without "groups" (the KeyError
    # peers reported on 7.2.3).
    Rule((7, 2), ("host.get",), ("selectGroups",), "7.2 ZBXNEXT-9452", ignored=True),
    # 7.0 -> 7.2, hostgroup: "ZBXNEXT-9452 hostgroup.get: Removed support for deprecated
    # parameters monitored_hosts, real_hosts."
    Rule((7, 2), ("hostgroup.get",), ("monitored_hosts", "real_hosts"), "7.2 ZBXNEXT-9452"),
    # 7.0 -> 7.2, maintenance: "ZBXNEXT-9452 maintenance.create, maintenance.update: Removed
    # support for deprecated parameters groupids, hostids."
    Rule(
        (7, 2),
        ("maintenance.create", "maintenance.update"),
        ("groupids", "hostids"),
        "7.2 ZBXNEXT-9452",
    ),
    # 7.0 -> 7.2, maintenance: "ZBXNEXT-9452 maintenance.get: Removed support for deprecated
    # parameter selectGroups." Ignored too: maintenances come back without "groups".
    Rule((7, 2), ("maintenance.get",), ("selectGroups",), "7.2 ZBXNEXT-9452", ignored=True),
    # 7.4 -> 8.0, host/hostgroup/template/templategroup/hostinterface: "ZBXNEXT-10387
    # host.massupdate: Removed method. Please use host.update instead." and the same for
    # hostgroup.massupdate, template.massupdate, templategroup.massupdate and
    # hostinterface.replacehostinterfaces.
    Rule(
        (8, 0),
        (
            "host.massupdate",
            "hostgroup.massupdate",
            "template.massupdate",
            "templategroup.massupdate",
            "hostinterface.replacehostinterfaces",
        ),
        (),
        "8.0 ZBXNEXT-10387",
    ),
)
# 7.0 -> 7.2, API: "ZBXNEXT-9452 Removed support for deprecated property auth." The session or
# token goes in the "Authorization: Bearer" header only.
AUTH_REMOVED = (7, 2)
JSON_TYPE = "application/json"
# Methods whose params are an array of objects (Zabbix checks each as "/1", "/2", ...).
_WRITES = (".create", ".update")


def version_key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _error(code: int, message: str, data: str, request_id: Any) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "error": {"code": code, "message": message, "data": data},
        "id": request_id,
    }


def _http_error(status: int, request: Mapping[str, Any]) -> dict[str, Any]:
    """A batch member the real 7.0 did not answer with JSON (its web server failed)."""
    return _error(-32603, "Internal error.", f"upstream answered HTTP {status}", request.get("id"))


def violation(version: str, request: Mapping[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The Zabbix error answer for the first rule ``request`` breaks at ``version``, and the rule.

    None when the contract has nothing against it (it goes to the real 7.0).
    """
    at = version_key(version)
    request_id = request.get("id")
    if at >= AUTH_REMOVED and "auth" in request:
        answer = _error(
            -32600,
            "Invalid request.",
            'Invalid parameter "/": unexpected parameter "auth".',
            request_id,
        )
        return answer, "7.2 ZBXNEXT-9452 (body auth)"
    method = str(request.get("method", ""))
    params = request.get("params")
    for rule in RULES:
        if at < rule.since or method not in rule.methods or rule.ignored:
            continue
        if not rule.params:
            answer = _error(
                -32601, "Method not found.", f'Incorrect method "{method}".', request_id
            )
            return answer, rule.changelog
        objects = params if isinstance(params, list) else [params]
        for index, obj in enumerate(objects, start=1):
            if not isinstance(obj, Mapping):
                continue
            for name in rule.params:
                if name in obj:
                    path = f"/{index}" if method.endswith(_WRITES) else "/"
                    data = f'Invalid parameter "{path}": unexpected parameter "{name}".'
                    return _error(-32602, "Invalid params.", data, request_id), rule.changelog
    return None


def lenient(version: str, request: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``request`` without the parameters a real server of ``version`` ignores, and the rules
    that dropped them."""
    at = version_key(version)
    method = str(request.get("method", ""))
    params = request.get("params")
    kept, dropped = dict(request), []
    for rule in RULES:
        if not rule.ignored or at < rule.since or method not in rule.methods:
            continue
        if isinstance(params, Mapping) and any(name in params for name in rule.params):
            params = {k: v for k, v in params.items() if k not in rule.params}
            kept["params"] = params
            dropped.append(f"{rule.changelog} (ignored {', '.join(rule.params)})")
    return kept, dropped


class ContractHandler(BaseHTTPRequestHandler):
    """One contract endpoint; ``server.version`` and ``server.upstream`` say which and where."""

    server: ContractServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Zabbix behind a web server offers
    timeout = CLIENT_TIMEOUT

    def do_GET(self) -> None:
        self._send(412, b"", "text/html")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, b"", "text/html")
            self.close_connection = True
            return
        body = self.rfile.read(length)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            self._send(412, b"", "text/html")
            return
        try:
            request = json.loads(body)
        except ValueError:
            request = None  # the real 7.0 answers with its parse error
        if isinstance(request, dict):
            answer = self._answer(request)
            if answer is None:
                self._forward(self._passed_on(request))
            else:
                self._send_json(answer)
            return
        if isinstance(request, list) and request:  # a batch: each request on its own
            self._send(200, json.dumps([self._one(r) for r in request]).encode(), JSON_TYPE)
            return
        self._forward(body)

    def _answer(self, request: Mapping[str, Any]) -> dict[str, Any] | None:
        """The contract's own answer to ``request`` (a refusal, ``apiinfo.version``), or None
        when the real 7.0 answers it."""
        refused = violation(self.server.version, request)
        if refused is not None:
            answer, rule = refused
            self.log_message("refused %s (%s)", request.get("method"), rule)
            return answer
        if request.get("method") == "apiinfo.version":
            return {"jsonrpc": "2.0", "result": self.server.answer, "id": request.get("id")}
        return None

    def _passed_on(self, request: Mapping[str, Any]) -> bytes:
        """The body that goes to the real 7.0: ``request`` without what this version ignores."""
        kept, dropped = lenient(self.server.version, request)
        for rule in dropped:
            self.log_message("stripped %s (%s)", request.get("method"), rule)
        return json.dumps(kept).encode()

    def _one(self, request: Any) -> Any:
        """One request of a batch, answered as Zabbix answers it on its own."""
        if not isinstance(request, dict):
            return _error(-32600, "Invalid request.", "Invalid JSON-RPC request.", None)
        answer = self._answer(request)
        if answer is not None:
            return answer
        status, payload, _ = self._upstream(self._passed_on(request))
        try:
            return json.loads(payload) if status == 200 else _http_error(status, request)
        except ValueError:
            return _http_error(status, request)

    def _forward(self, body: bytes) -> None:
        status, payload, kind = self._upstream(body)
        self._send(status, payload, kind)

    def _upstream(self, body: bytes) -> tuple[int, bytes, str]:
        headers = {"Content-Type": self.headers.get("Content-Type", "application/json-rpc")}
        if self.headers.get("Authorization"):
            headers["Authorization"] = self.headers["Authorization"]
        upstream = urllib.request.Request(self.server.upstream, data=body, headers=headers)
        try:
            with urllib.request.urlopen(upstream, timeout=UPSTREAM_TIMEOUT) as answer:
                return answer.status, answer.read(), answer.headers.get("Content-Type", JSON_TYPE)
        except urllib.error.HTTPError as error:  # an HTTP status from 7.0 goes back as it is
            return error.code, error.read(), error.headers.get("Content-Type", "text/html")
        except (TimeoutError, OSError) as error:  # what a web server in front of it would say
            timed_out = isinstance(error, TimeoutError) or "timed out" in str(error)
            self.log_message("upstream %s: %s", self.server.upstream, error)
            return (504 if timed_out else 502), b"", "text/html"

    def _send_json(self, answer: dict[str, Any]) -> None:
        self._send(200, json.dumps(answer).encode(), JSON_TYPE)

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Refusals, stripped parameters and upstream failures only; request lines (and bodies)
        are not logged."""
        if format.startswith(("refused", "stripped", "upstream")):
            sys.stderr.write(f"zabbix-{self.server.version}-contract: {format % args}\n")
            sys.stderr.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class ContractServer(ThreadingHTTPServer):
    """A contract endpoint for one Zabbix version, on 127.0.0.1."""

    daemon_threads = True

    def __init__(self, version: str, port: int, upstream: str) -> None:
        if version not in VERSIONS:
            raise ValueError(f"no contract for Zabbix {version}: there are {', '.join(VERSIONS)}")
        self.version = version
        self.answer = VERSIONS[version]
        self.upstream = upstream
        super().__init__(("127.0.0.1", port), ContractHandler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="the real Zabbix 7.0 api_jsonrpc.php")
    parser.add_argument(
        "--serve", action="append", required=True, metavar="VERSION=PORT", help="e.g. 8.0=18080"
    )
    args = parser.parse_args(argv)
    servers = []
    for spec in args.serve:
        version, _, port = spec.partition("=")
        servers.append(ContractServer(version, int(port), args.upstream))
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        sys.stderr.write(
            f"zabbix-{server.version}-contract: contract endpoint over Zabbix 7.0 on "
            f"http://127.0.0.1:{server.server_address[1]}/api_jsonrpc.php\n"
        )
    sys.stderr.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
