"""The NetBox layer against a fake transport (a requests adapter): no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter

from nbzbx_dagster.common.progress import listening
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.netbox import NetBoxClient, NetBoxError
from nbzbx_dagster.netbox import client as netbox_client
from nbzbx_dagster.netbox.inventory import read_host_configs

URL = "http://netbox.test"
V2 = "nbt_abcdefghijkl." + "s3cr3t" * 6
V1 = "0123456789abcdef0123456789abcdef01234567"
STATUS = {"netbox-version": "4.7.3", "django-version": "6.1.2", "plugins": {}}
SCHEMA = {
    "paths": {
        "/api/dcim/devices/": {
            "get": {"parameters": [{"name": "status"}, {"name": "site"}, {"name": "fields"}]}
        },
        "/api/virtualization/virtual-machines/": {"get": {"parameters": [{"name": "status"}]}},
        "/api/extras/custom-field-choice-sets/": {"get": {"parameters": [{"name": "name"}]}},
        "/api/extras/custom-fields/": {"get": {"parameters": [{"name": "name"}]}},
    }
}

Answer = tuple[int, Any] | requests.Response


def answer(status: int, body: Any = None, text: str | None = None) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = (text if text is not None else json.dumps(body)).encode()
    resp.headers["Content-Type"] = "application/json"
    return resp


class FakeNetBox(BaseAdapter):
    """Routes requests by (method, path) to handlers; records every request."""

    def __init__(self, **routes: Callable[[requests.PreparedRequest], Answer] | Any) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.timeouts: list[Any] = []
        self.routes: dict[str, Any] = {
            "GET /api/status/": STATUS,
            "GET /api/": {},
            "GET /api/schema/": SCHEMA,
        }
        self.routes.update(routes)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        self.timeouts.append(kwargs.get("timeout"))
        key = f"{request.method} {urlsplit(request.url).path}"
        if key not in self.routes:
            raise AssertionError(f"unexpected request {key}")
        route = self.routes[key]
        if callable(route):
            result = route(request)
        else:
            result = route if isinstance(route, tuple) else (200, route)
        resp = result if isinstance(result, requests.Response) else answer(*result)
        resp.headers.setdefault("API-Version", "4.7")
        resp.request = request
        resp.url = request.url
        return resp

    def close(self) -> None:
        pass

    def paths(self) -> list[str]:
        return [f"{r.method} {urlsplit(r.url).path}" for r in self.sent]


def connect(fake: FakeNetBox, token: str = V2, **kwargs: Any) -> NetBoxClient:
    session = requests.Session()
    session.mount("http://", fake)
    return NetBoxClient.connect(URL, token, timeout=7, session=session, **kwargs)


@pytest.fixture(autouse=True)
def fresh_schema_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netbox_client, "_FILTER_SCHEMAS", {})


def query(request: requests.PreparedRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url).query)


def one_line_without_secrets(error: NetBoxError) -> str:
    text = str(error)
    assert "\n" not in text
    assert text.startswith(f"NetBox at {URL}: ")
    for secret in (V2, V1, "s3cr3t"):
        assert secret not in text
    return text


# -- connecting ------------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "scheme"), [(V2, "Bearer"), (V1, "Token")])
def test_connect_checks_status_with_the_right_header(token: str, scheme: str) -> None:
    fake = FakeNetBox()
    client = connect(fake, token)
    assert client.version == "4.7.3"
    assert fake.paths() == ["GET /api/status/"]
    assert fake.sent[0].headers["Authorization"] == f"{scheme} {token}"
    assert fake.timeouts == [7]
    assert client.calls == {"GET /api/status/": 1}
    assert client.status()["django-version"] == "6.1.2"


@pytest.mark.parametrize("url", [URL, URL + "/", URL + "/api", URL + "/api/"])
def test_url_with_or_without_api_suffix(url: str) -> None:
    fake = FakeNetBox()
    session = requests.Session()
    session.mount("http://", fake)
    NetBoxClient.connect(url, V2, session=session)
    assert fake.sent[0].url == URL + "/api/status/"


@pytest.mark.parametrize(
    ("url", "token", "text"),
    [
        ("netbox.test", V2, "must start with http"),
        (URL, "", "no API token"),
        (URL, V2, "CA bundle"),
    ],
)
def test_bad_input_is_refused_before_any_request(url: str, token: str, text: str) -> None:
    fake = FakeNetBox()
    session = requests.Session()
    session.mount("http://", fake)
    with pytest.raises(NetBoxError, match=text):
        NetBoxClient.connect(
            url,
            token,
            session=session,
            ca_bundle="/nonexistent.pem" if text == "CA bundle" else None,
        )
    assert fake.sent == []


def _refused(request: requests.PreparedRequest) -> Answer:
    inner = urllib3.exceptions.NewConnectionError(None, "Connection refused")
    inner.__cause__ = ConnectionRefusedError(111, "Connection refused")
    raise requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", inner))


def _timeout(request: requests.PreparedRequest) -> Answer:
    raise requests.ReadTimeout("read timed out")


def _tls(request: requests.PreparedRequest) -> Answer:
    raise requests.exceptions.SSLError("certificate verify failed")


@pytest.mark.parametrize(
    ("status_route", "cause"),
    [
        (
            lambda r: (403, {"detail": "Invalid v2 token"}),
            "HTTP 403: token rejected (Invalid v2 token) on GET /api/status/",
        ),
        (_refused, "unreachable: connection refused"),
        (_timeout, "timed out after 7s"),
        (_tls, "TLS failure"),
        (lambda r: answer(500, text=""), "HTTP 500 with an empty body on GET /api/status/"),
        (
            lambda r: answer(502, text="<html>Bad gateway</html>"),
            "HTTP 502 on GET /api/status/ (not a NetBox API answer)",
        ),
        (lambda r: answer(404, text="<html>nope</html>"), "HTTP 404: GET /api/status/ not found"),
        (
            lambda r: answer(200, text="<html>hello</html>"),
            "not a NetBox API: an answer is not JSON",
        ),
        (lambda r: (200, {"hello": "world"}), "not a NetBox API: /api/status/ has no"),
    ],
)
def test_failures_are_one_line_without_the_token(status_route: Any, cause: str) -> None:
    with pytest.raises(NetBoxError) as info:
        connect(FakeNetBox(**{"GET /api/status/": status_route}))
    assert cause in one_line_without_secrets(info.value)


def test_a_token_echoed_in_an_error_is_scrubbed() -> None:
    fake = FakeNetBox(**{"GET /api/status/": lambda r: (403, {"detail": f"bad token {V2}"})})
    with pytest.raises(NetBoxError) as info:
        connect(fake)
    assert "***" in one_line_without_secrets(info.value)
    assert info.value.status == 403


# -- reads -----------------------------------------------------------------------------------


def test_devices_page_by_1000_with_only_the_needed_fields() -> None:
    def devices(request: requests.PreparedRequest) -> Answer:
        offset = int(query(request).get("offset", ["0"])[0])
        rows = [{"id": i, "name": f"d{i}"} for i in range(offset, min(offset + 1000, 1500))]
        following = (
            None if offset + 1000 >= 1500 else f"{URL}/api/dcim/devices/?limit=1000&offset=1000"
        )
        return 200, {"count": 1500, "next": following, "previous": None, "results": rows}

    fake = FakeNetBox(**{"GET /api/dcim/devices/": devices})
    client = connect(fake)
    rows = client.devices({"status": "active", "site": ["a", "b"]}, ["id", "name"])
    assert len(rows) == 1500 and rows[0] == {"id": 0, "name": "d0"}
    pages = [r for r in fake.sent if urlsplit(r.url).path == "/api/dcim/devices/"]
    assert len(pages) == 2
    first = query(pages[0])
    assert first["limit"] == ["1000"]
    assert first["fields"] == ["id,name"]
    assert first["exclude"] == ["config_context"]
    assert first["status"] == ["active"] and first["site"] == ["a", "b"]
    assert client.calls["GET /api/dcim/devices/"] == 2
    seen: list[str] = []
    with listening(seen.append):
        client.devices({}, ["id", "name"])
    assert seen == ["NetBox dcim.devices: 1000 read"]  # one report per full page


def test_unknown_filter_is_refused_without_reading_devices() -> None:
    empty = {"count": 0, "next": None, "results": []}
    fake = FakeNetBox(
        **{"GET /api/dcim/devices/": empty, "GET /api/virtualization/virtual-machines/": empty}
    )
    client = connect(fake)
    with pytest.raises(NetBoxError) as info:
        client.devices({"stauts": "active"}, ["id"])
    assert one_line_without_secrets(info.value).endswith(
        "unknown filter stauts on /api/dcim/devices/"
    )
    assert "GET /api/dcim/devices/" not in fake.paths()
    # the schema is read once per process, not per client or per query
    assert client.devices({"status": "active"}) == []
    other = connect(fake)
    assert other.virtual_machines({"status": "active"}) == []
    assert fake.paths().count("GET /api/schema/") == 1


def test_strict_filters_can_be_switched_off() -> None:
    fake = FakeNetBox(
        **{"GET /api/dcim/devices/": (200, {"count": 0, "next": None, "results": []})}
    )
    client = connect(fake, strict_filters=False)
    assert client.devices({"anything": 1}) == []
    assert "GET /api/schema/" not in fake.paths()


def test_garbage_list_answers_are_errors() -> None:
    fake = FakeNetBox(**{"GET /api/virtualization/virtual-machines/": (200, [1, 2, 3])})
    client = connect(fake)
    with pytest.raises(NetBoxError, match="not a NetBox API: unexpected answer"):
        client.virtual_machines()


# -- writes ----------------------------------------------------------------------------------


class ChoiceSets:
    """A tiny stateful /api/extras/custom-field-choice-sets/."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.bodies: list[Any] = []

    def get(self, request: requests.PreparedRequest) -> Answer:
        name = query(request).get("name", [None])[0]
        rows = [r for r in self.rows if r["name"] == name]
        return 200, {"count": len(rows), "next": None, "results": rows}

    def post(self, request: requests.PreparedRequest) -> Answer:
        body = json.loads(request.body)
        self.bodies.append(body)
        self.rows.append({"id": 9, "description": "", **body})
        return 201, self.rows[-1]

    def patch(self, request: requests.PreparedRequest) -> Answer:
        body = json.loads(request.body)
        self.bodies.append(body)
        for change in body:
            next(r for r in self.rows if r["id"] == change["id"]).update(change)
        return 200, self.rows


def test_ensure_choice_set_creates_updates_and_leaves_alone() -> None:
    sets = ChoiceSets()
    path = "/api/extras/custom-field-choice-sets/"
    client = connect(
        FakeNetBox(
            **{f"GET {path}": sets.get, f"POST {path}": sets.post, f"PATCH {path}": sets.patch}
        )
    )
    first = client.ensure_choice_set("zabbix_templates", ["a", ("b", "B")])
    assert (first.id, first.action) == (9, "created")
    assert sets.bodies[0]["extra_choices"] == [["a", "a"], ["b", "B"]]
    assert client.ensure_choice_set("zabbix_templates", ["a", ("b", "B")]).action == "unchanged"
    assert client.ensure_choice_set("zabbix_templates", ["a"]).action == "updated"
    assert sets.bodies[-1] == [{"id": 9, "extra_choices": [["a", "a"]]}]


def test_ensure_custom_field_compares_netbox_answer_shapes() -> None:
    existing = {
        "id": 4,
        "name": "zabbix_hostid",
        "type": {"value": "integer", "label": "Integer"},
        "object_types": ["virtualization.virtualmachine", "dcim.device"],
        "label": "Zabbix host",
        "description": "",
        "choice_set": None,
    }
    patches: list[Any] = []
    path = "/api/extras/custom-fields/"
    client = connect(
        FakeNetBox(
            **{
                f"GET {path}": (200, {"count": 1, "next": None, "results": [existing]}),
                f"PATCH {path}": lambda r: (patches.append(json.loads(r.body)), (200, [existing]))[
                    1
                ],
            }
        )
    )
    same = client.ensure_custom_field(
        "zabbix_hostid",
        type="integer",
        label="Zabbix host",
        object_types=["dcim.device", "virtualization.virtualmachine"],
    )
    assert same.action == "unchanged"
    changed = client.ensure_custom_field(
        "zabbix_hostid", type="integer", label="Zabbix host id", object_types=["dcim.device"]
    )
    assert changed.action == "updated"
    assert patches == [[{"id": 4, "object_types": ["dcim.device"], "label": "Zabbix host id"}]]


def test_bulk_update_sends_batches_of_250() -> None:
    bodies: list[Any] = []
    client = connect(
        FakeNetBox(
            **{
                "PATCH /api/dcim/devices/": lambda r: (
                    bodies.append(json.loads(r.body)),
                    (200, []),
                )[1],
            }
        )
    )
    rows = [{"id": i, "custom_fields": {"zabbix_sync_status": "in_sync"}} for i in range(600)]
    assert client.bulk_update("dcim.devices", rows) == 600
    assert [len(b) for b in bodies] == [250, 250, 100]
    assert bodies[0][0] == {"id": 0, "custom_fields": {"zabbix_sync_status": "in_sync"}}
    assert client.bulk_update("dcim.devices", []) == 0
    assert client.calls["PATCH /api/dcim/devices/"] == 3
    with pytest.raises(NetBoxError, match="a row has no id"):
        client.bulk_update("dcim.devices", [{"name": "x"}])


def test_bulk_update_failure_names_the_request() -> None:
    client = connect(
        FakeNetBox(
            **{
                "PATCH /api/dcim/devices/": lambda r: (400, [{"custom_fields": ["bad value"]}]),
            }
        )
    )
    with pytest.raises(NetBoxError) as info:
        client.bulk_update("dcim.devices", [{"id": 1, "custom_fields": {"x": 1}}])
    assert "HTTP 400 on PATCH /api/dcim/devices/: " in one_line_without_secrets(info.value)
    assert "bad value" in str(info.value)


def test_journal_entry() -> None:
    bodies: list[Any] = []
    client = connect(
        FakeNetBox(
            **{
                "POST /api/extras/journal-entries/": lambda r: (
                    bodies.append(json.loads(r.body)),
                    (201, {"id": 12}),
                )[1],
            }
        )
    )
    assert client.journal("dcim.device", 5, "warning", "**drift**") == 12
    assert bodies == [
        {
            "assigned_object_type": "dcim.device",
            "assigned_object_id": 5,
            "kind": "warning",
            "comments": "**drift**",
        }
    ]
    with pytest.raises(NetBoxError, match="journal kind must be one of"):
        client.journal("dcim.device", 5, "loud", "x")


# -- resource --------------------------------------------------------------------------------


def test_resource_builds_without_network_and_hides_the_token() -> None:
    resource = NetBoxResource(url="http://127.0.0.1:9", token=V2)
    assert V2 not in repr(resource)
    assert resource._client is None


def test_resource_connects_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[tuple[Any, ...]] = []

    def fake_connect(url: str, token: str, **kwargs: Any) -> str:
        made.append((url, token, kwargs))
        return "client"

    monkeypatch.setattr(NetBoxClient, "connect", staticmethod(fake_connect))
    resource = NetBoxResource(url=URL, token=V2, timeout_seconds="3")
    assert resource.client() == resource.client() == "client"
    assert made == [(URL, V2, {"timeout": 3, "verify": True, "ca_bundle": None})]


def test_bulk_update_with_two_workers_sends_every_batch_once() -> None:
    bodies: list[Any] = []
    client = connect(
        FakeNetBox(
            **{
                "PATCH /api/dcim/devices/": lambda r: (
                    bodies.append(json.loads(r.body)),
                    (200, []),
                )[1],
            }
        )
    )
    rows = [{"id": i, "custom_fields": {"zabbix_sync_status": "missing"}} for i in range(600)]
    assert client.bulk_update("dcim.devices", rows, workers=2) == 600
    assert sorted(len(b) for b in bodies) == [100, 250, 250]
    assert sorted(r["id"] for b in bodies for r in b) == list(range(600))
    assert client.calls["PATCH /api/dcim/devices/"] == 3


def test_host_configs_read_pages_concurrently_in_id_order_without_the_schema() -> None:
    def listing(prefix: str, total: int) -> Callable[[requests.PreparedRequest], Answer]:
        def page(request: requests.PreparedRequest) -> Answer:
            params = query(request)
            assert params["status__n"] == ["decommissioning"]
            offset = int(params.get("offset", ["0"])[0])
            rows = [
                {"id": i + 1, "name": f"{prefix}{i}", "status": {"value": "active"}}
                for i in range(offset, min(offset + 1000, total))
            ]
            following = f"{URL}/api/x/?limit=1000&offset={offset + 1000}"
            return 200, {
                "count": total,
                "next": following if offset + 1000 < total else None,
                "results": rows,
            }

        return page

    fake = FakeNetBox(
        **{
            "GET /api/dcim/devices/": listing("d", 3500),
            "GET /api/virtualization/virtual-machines/": listing("v", 10),
        }
    )
    client = connect(fake)
    configs = read_host_configs(client, {}, {}, True)
    assert [c.key for c in configs] == [f"device-{i}" for i in range(1, 3501)] + [
        f"vm-{i}" for i in range(1, 11)
    ]
    assert client.calls["GET /api/dcim/devices/"] == 4
    assert "GET /api/schema/" not in fake.paths()  # no configured filter to check
    assert len(read_host_configs(client, {"status": "active"}, {}, False)) == 3500
    assert fake.paths().count("GET /api/schema/") == 1


def paged(prefix: str, totals: list[int]) -> Callable[[requests.PreparedRequest], Answer]:
    """A listing whose count is ``totals[k]`` at its k-th first page (a NetBox changing)."""
    firsts: list[int] = []

    def page(request: requests.PreparedRequest) -> Answer:
        params = query(request)
        assert params["ordering"] == ["id"]
        offset = int(params.get("offset", ["0"])[0])
        if offset == 0:
            firsts.append(0)
        total = totals[min(len(firsts), len(totals)) - 1]
        if offset and len(firsts) == 1 and len(totals) > 1:
            total = totals[1]  # the count changed after the first page
        rows = [
            {"id": i + 1, "name": f"{prefix}{i}", "status": {"value": "active"}}
            for i in range(offset, min(offset + 1000, total))
        ]
        return 200, {"count": total, "next": None, "results": rows}

    return page


def test_host_config_pages_share_one_pool_first_pages_first() -> None:
    fake = FakeNetBox(
        **{
            "GET /api/dcim/devices/": paged("d", [2500]),
            "GET /api/virtualization/virtual-machines/": paged("v", [1200]),
        }
    )
    client = connect(fake)
    configs = read_host_configs(client, {}, {}, True)
    assert len(configs) == 3700
    pages = [(urlsplit(r.url).path, query(r).get("offset", ["0"])[0]) for r in fake.sent[1:]]
    assert sorted(pages[:2]) == [
        ("/api/dcim/devices/", "0"),
        ("/api/virtualization/virtual-machines/", "0"),
    ]
    assert sorted(pages[2:]) == [
        ("/api/dcim/devices/", "1000"),
        ("/api/dcim/devices/", "2000"),
        ("/api/virtualization/virtual-machines/", "1000"),
    ]


def test_a_count_changing_during_the_read_reads_again_once() -> None:
    fake = FakeNetBox(**{"GET /api/dcim/devices/": paged("d", [1500, 1600])})
    client = connect(fake)
    configs = read_host_configs(client, {}, {}, False)
    assert [c.object_id for c in configs] == list(range(1, 1601))  # the second read, no twins
    assert client.calls["GET /api/dcim/devices/"] == 4


def test_a_failing_later_page_fails_the_read_in_one_line() -> None:
    def devices(request: requests.PreparedRequest) -> Answer:
        if query(request).get("offset", ["0"])[0] != "0":
            return 500, {"detail": "database is gone"}
        rows = [{"id": i, "name": f"d{i}", "status": "active"} for i in range(1, 1001)]
        return 200, {"count": 3000, "next": None, "results": rows}

    client = connect(FakeNetBox(**{"GET /api/dcim/devices/": devices}))
    with pytest.raises(NetBoxError) as info:
        read_host_configs(client, {}, {}, False)
    assert "HTTP 500" in one_line_without_secrets(info.value)
