"""The write-back when NetBox objects are deleted during the run, against NetBox 4.7's answers.

NetBox 4.7 refuses a bulk PATCH naming an id it has no object for: HTTP 400 with
``{"detail": "N of M objects could not be found.", "errors": [{"id": ..., "errors": {"id":
["Object with ID ... does not exist"]}}]}`` (``get_missing_objects_response`` in
netbox/api/viewsets/mixins.py). The fake transport answers in those shapes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from nbzbx_dagster.netbox import NetBoxClient, NetBoxError
from nbzbx_dagster.netbox import client as netbox_client
from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import write_back_checks

URL = "http://netbox.test"
TOKEN = "nbt_abcdefghijkl." + "s3cr3t" * 6
DEVICES = "/api/dcim/devices/"
STATUS = {"netbox-version": "4.7.3", "django-version": "6.1.2", "plugins": {}}
SCHEMA = {"paths": {"/api/extras/custom-fields/": {"get": {"parameters": [{"name": "name"}]}}}}
CUSTOM_FIELDS = {
    "count": 2,
    "next": None,
    "results": [{"id": 1, "name": "zabbix_hostid"}, {"id": 2, "name": "zabbix_sync_status"}],
}

Answer = tuple[int, Any]


def not_found(missing: Sequence[int], total: int) -> Answer:
    """NetBox 4.7's answer to a bulk update naming ids it has no object for."""
    return 400, {
        "detail": f"{len(missing)} of {total} objects could not be found.",
        "errors": [
            {"id": i, "errors": {"id": [f"Object with ID {i} does not exist"]}} for i in missing
        ],
    }


def page(ids: Sequence[int]) -> Answer:
    """A brief listing of devices."""
    results = [{"id": i, "url": f"{URL}{DEVICES}{i}/", "display": f"d{i}"} for i in ids]
    return 200, {"count": len(results), "next": None, "previous": None, "results": results}


class FakeNetBox(BaseAdapter):
    """Answers each (method, path) from a queue of answers; records every request."""

    def __init__(self, **answers: list[Answer | Callable[[requests.PreparedRequest], Answer]]):
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.answers = answers

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        key = f"{request.method} {urlsplit(request.url).path}"
        if key == "GET /api/status/":
            status, body = 200, STATUS
        elif key == "GET /api/":
            status, body = 200, {}
        elif key == "GET /api/schema/":
            status, body = 200, SCHEMA
        elif self.answers.get(key):
            found = self.answers[key].pop(0)
            status, body = found(request) if callable(found) else found
        else:
            raise AssertionError(f"unexpected request {key}")
        resp = requests.Response()
        resp.status_code = status
        resp._content = json.dumps(body).encode()
        resp.headers["Content-Type"] = "application/json"
        resp.headers["API-Version"] = "4.7"
        resp.request = request
        resp.url = request.url
        return resp

    def close(self) -> None:
        pass

    def patched(self) -> list[list[int]]:
        """The ids of each bulk PATCH, in order."""
        return [[r["id"] for r in json.loads(s.body)] for s in self.sent if s.method == "PATCH"]

    def reads(self) -> list[dict[str, list[str]]]:
        """The query of each device listing."""
        return [
            parse_qs(urlsplit(s.url).query)
            for s in self.sent
            if s.method == "GET" and urlsplit(s.url).path == DEVICES
        ]


@pytest.fixture(autouse=True)
def fresh_schema_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netbox_client, "_FILTER_SCHEMAS", {})


def connect(fake: FakeNetBox) -> NetBoxClient:
    session = requests.Session()
    session.mount("http://", fake)
    return NetBoxClient.connect(URL, TOKEN, timeout=7, session=session)


def rows(*ids: int) -> list[dict[str, Any]]:
    return [{"id": i, "custom_fields": {"zabbix_sync_status": "in_sync"}} for i in ids]


def test_a_deleted_device_is_left_out_and_the_rest_of_its_batch_written() -> None:
    fake = FakeNetBox(
        **{
            f"PATCH {DEVICES}": [not_found([2], 3), (200, [])],
            f"GET {DEVICES}": [page([1, 3])],
        }
    )
    client = connect(fake)
    gone: list[int] = []
    assert client.bulk_update("dcim.devices", rows(1, 2, 3), gone=gone) == 2
    assert gone == [2]
    assert fake.patched() == [[1, 2, 3], [1, 3]]
    (read,) = fake.reads()
    assert read["id"] == ["1", "2", "3"] and read["brief"] == ["1"]
    assert client.calls == {"GET /api/status/": 1, f"PATCH {DEVICES}": 2, f"GET {DEVICES}": 1}


def test_only_the_batch_with_a_deleted_device_is_sent_again() -> None:
    def batch(request: requests.PreparedRequest) -> Answer:
        ids = [r["id"] for r in json.loads(request.body)]
        return not_found([4], len(ids)) if 4 in ids else (200, [])

    fake = FakeNetBox(**{f"PATCH {DEVICES}": [batch] * 4, f"GET {DEVICES}": [page([3])]})
    gone: list[int] = []
    client = connect(fake)
    sent = client.bulk_update("dcim.devices", rows(1, 2, 3, 4, 5), batch=2, workers=2, gone=gone)
    assert sent == 4
    assert gone == [4]
    assert sorted(map(sorted, fake.patched())) == [[1, 2], [3], [3, 4], [5]]
    assert [r["id"] for r in fake.reads()] == [["3", "4"]]


def test_a_batch_of_deleted_devices_sends_nothing_more_and_is_no_error() -> None:
    fake = FakeNetBox(**{f"PATCH {DEVICES}": [not_found([7, 8], 2)], f"GET {DEVICES}": [page([])]})
    gone: list[int] = []
    assert connect(fake).bulk_update("dcim.devices", rows(7, 8), gone=gone) == 0
    assert gone == [7, 8]
    assert fake.patched() == [[7, 8]]


def test_another_400_still_fails_with_its_message() -> None:
    invalid = {
        "detail": "1 of 2 objects could not be updated.",
        "errors": [
            {
                "id": 5,
                "errors": {
                    "custom_fields": {
                        "zabbix_sync_status": [
                            "Invalid choice (bogus) for choice set zabbix_sync_status."
                        ]
                    }
                },
            }
        ],
    }
    fake = FakeNetBox(**{f"PATCH {DEVICES}": [(400, invalid)]})
    gone: list[int] = []
    with pytest.raises(NetBoxError) as info:
        connect(fake).bulk_update("dcim.devices", rows(5, 6), gone=gone)
    assert info.value.status == 400
    assert str(info.value).endswith(
        "HTTP 400 on PATCH /api/dcim/devices/: 1 of 2 objects could not be updated."
    )
    assert gone == []
    assert fake.reads() == []


def test_a_batch_refused_again_fails() -> None:
    fake = FakeNetBox(
        **{
            # device 3 is deleted between the read of the ids and the second PATCH
            f"PATCH {DEVICES}": [not_found([2], 3), not_found([3], 2)],
            f"GET {DEVICES}": [page([1, 3])],
        }
    )
    gone: list[int] = []
    with pytest.raises(NetBoxError, match="1 of 2 objects could not be found"):
        connect(fake).bulk_update("dcim.devices", rows(1, 2, 3), gone=gone)
    assert fake.patched() == [[1, 2, 3], [1, 3]]
    assert gone == []


def test_without_a_gone_list_a_deleted_device_fails_the_batch() -> None:
    fake = FakeNetBox(**{f"PATCH {DEVICES}": [not_found([2], 2)]})
    with pytest.raises(NetBoxError, match="1 of 2 objects could not be found"):
        connect(fake).bulk_update("dcim.devices", rows(1, 2))
    assert fake.reads() == []


def check(object_type: str, object_id: int) -> HostCheck:
    name = f"srv-{object_type}-{object_id}"
    config = HostConfig(object_type=object_type, object_id=object_id, name=name, status="active")
    return HostCheck(config=config, status="in_sync", zabbix_hostid="10500")


def test_the_refresh_log_names_the_devices_deleted_during_the_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeNetBox(
        **{
            "GET /api/extras/custom-fields/": [(200, CUSTOM_FIELDS)],
            f"PATCH {DEVICES}": [not_found([2, 4, 5], 4), (200, [])],
            f"GET {DEVICES}": [page([1])],
            "PATCH /api/virtualization/virtual-machines/": [(200, [])],
        }
    )
    checks = [check("device", i) for i in (1, 2, 4, 5)] + [check("vm", 9)]
    log = logging.getLogger("test_writeback_gone_objects")
    with caplog.at_level(logging.INFO, logger=log.name):
        write_back_checks(connect(fake), [c.config for c in checks], checks, log)
    assert caplog.messages == [
        "written back to NetBox (changed values only): {'device': 1, 'vm': 1}",
        "3 devices were deleted in NetBox during the run (srv-device-2, srv-device-4, "
        "srv-device-5): their status was not written",
    ]
    assert fake.patched() == [[1, 2, 4, 5], [1], [9]]


def test_one_deleted_virtual_machine_is_named_in_the_singular(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeNetBox(
        **{
            "GET /api/extras/custom-fields/": [(200, CUSTOM_FIELDS)],
            "PATCH /api/virtualization/virtual-machines/": [not_found([9], 1)],
            "GET /api/virtualization/virtual-machines/": [page([])],
        }
    )
    checks = [check("vm", 9)]
    log = logging.getLogger("test_writeback_gone_objects")
    with caplog.at_level(logging.INFO, logger=log.name):
        write_back_checks(connect(fake), [c.config for c in checks], checks, log)
    assert caplog.messages[-1] == (
        "1 virtual machine was deleted in NetBox during the run (srv-vm-9): "
        "its status was not written"
    )
