"""The NetBox layer against the lab NetBox 4.7.3 (http://127.0.0.1:18001).

Objects a test creates carry a unique ``it-<uuid8>`` name and are deleted afterwards.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from lab_objects import netbox_device

from nbzbx_dagster.netbox import NetBoxClient, NetBoxError

pytestmark = pytest.mark.integration

URL = "http://127.0.0.1:18001"
TOKEN_FILE = Path("/var/cache/nbzbx-lab/netbox-token")
TOKEN_V1_FILE = Path("/var/cache/nbzbx-lab/netbox-token-v1")


@pytest.fixture(scope="module")
def token() -> str:
    try:
        requests.get(URL + "/api/", timeout=5)
    except requests.RequestException as error:
        pytest.fail(f"lab NetBox at {URL} is not answering ({error}); run `nbzbx lab up`")
    if not TOKEN_FILE.is_file() or not TOKEN_FILE.read_text().strip():
        pytest.fail(f"no NetBox token in {TOKEN_FILE}; run `nbzbx lab up`")
    return TOKEN_FILE.read_text().strip()


@pytest.fixture(scope="module")
def client(token: str) -> NetBoxClient:
    return NetBoxClient.connect(URL, token, timeout=30)


@pytest.fixture
def tag() -> str:
    return f"it-{uuid.uuid4().hex[:8]}"


def assert_one_line_without(error: NetBoxError, *secret_values: str) -> str:
    text = str(error)
    assert "\n" not in text
    assert text.startswith("NetBox at ")
    for value in secret_values:
        assert value not in text
    return text


# -- connecting ------------------------------------------------------------------------------


def test_status_and_version_with_the_v2_token(client: NetBoxClient, token: str) -> None:
    assert token.startswith("nbt_")
    assert client.version == "4.7.3"
    status = client.status()
    assert status["netbox-version"] == "4.7.3"
    assert "django-version" in status
    assert client.calls["GET /api/status/"] >= 2


def test_v1_token_still_works_on_4_7_3(token: str) -> None:
    # The 4.5 release notes announced the removal of v1 tokens for 4.7; 4.7.3 still accepts them
    # (observed). If the lab could not make one, NetBox no longer issues them.
    if not TOKEN_V1_FILE.is_file() or not TOKEN_V1_FILE.read_text().strip():
        pytest.fail(
            f"{TOKEN_V1_FILE} is missing: check whether NetBox 4.7.3 still issues v1 tokens"
        )
    v1 = TOKEN_V1_FILE.read_text().strip()
    assert not v1.startswith("nbt_")
    client = NetBoxClient.connect(URL, v1)
    assert client.version == "4.7.3"


@pytest.mark.parametrize("shape", ["v2", "v1"])
def test_bad_token_is_rejected(token: str, shape: str) -> None:
    bad = (
        f"nbt_{secrets.token_hex(6)}.{secrets.token_hex(20)}"
        if shape == "v2"
        else secrets.token_hex(20)
    )
    with pytest.raises(NetBoxError) as info:
        NetBoxClient.connect(URL, bad)
    text = assert_one_line_without(info.value, bad, bad.rsplit(".", 1)[-1], token)
    assert "HTTP 403: token rejected" in text
    assert info.value.status == 403


def test_unreachable_url() -> None:
    token = "nbt_abcdefghijkl." + secrets.token_hex(20)
    with pytest.raises(NetBoxError) as info:
        NetBoxClient.connect("http://127.0.0.1:9/", token, timeout=5)
    text = assert_one_line_without(info.value, token)
    assert text == "NetBox at http://127.0.0.1:9: unreachable: connection refused"


def test_not_a_netbox(token: str) -> None:
    # the lab Zabbix frontend answers /api/status/ with a PHP 404 page
    with pytest.raises(NetBoxError) as info:
        NetBoxClient.connect("http://127.0.0.1:18060", token, timeout=10)
    text = assert_one_line_without(info.value, token)
    assert "HTTP 404" in text or "not a NetBox API" in text


# -- reads -----------------------------------------------------------------------------------


@pytest.fixture
def device(client: NetBoxClient, tag: str) -> Iterator[dict[str, Any]]:
    """A throwaway site, manufacturer, device type, role and device."""
    with netbox_device(client, tag) as dev:
        yield {"id": dev.id, "name": dev.name, "site": tag}


def test_devices_with_fields_and_filters(client: NetBoxClient, device: dict[str, Any]) -> None:
    rows = client.devices({"site": device["site"], "status": "active"}, ["id", "name", "status"])
    assert rows == [
        {
            "id": device["id"],
            "name": device["name"],
            "status": {"value": "active", "label": "Active"},
        }
    ]
    assert client.devices({"site": device["site"], "status": "offline"}, ["id"]) == []
    assert client.virtual_machines({"status": "active", "name": "no-such-vm-it"}, ["id"]) == []


def test_unknown_filter_is_refused(client: NetBoxClient) -> None:
    with pytest.raises(NetBoxError) as info:
        client.devices({"stauts": "active"}, ["id"])
    assert str(info.value).endswith("unknown filter stauts on /api/dcim/devices/")


# -- writes ----------------------------------------------------------------------------------


def test_choice_set_custom_field_bulk_update_and_journal(
    client: NetBoxClient, device: dict[str, Any], tag: str
) -> None:
    name = tag.replace("-", "_")
    api = client.api
    choice_set = field = None
    try:
        choice_set = client.ensure_choice_set(name, ["Linux servers", ("agent", "Agent")])
        assert choice_set.action == "created"
        assert client.ensure_choice_set(name, ["Linux servers", ("agent", "Agent")]).action == (
            "unchanged"
        )
        assert client.ensure_choice_set(name, ["Linux servers", "SNMP"]).action == "updated"
        (stored,) = client.objects("extras.custom_field_choice_sets", {"name": name})
        assert stored["extra_choices"] == [["Linux servers", "Linux servers"], ["SNMP", "SNMP"]]

        field = client.ensure_custom_field(
            name,
            object_types=["dcim.device", "virtualization.virtualmachine"],
            type="select",
            label="IT field",
            choice_set=choice_set.id,
        )
        assert field.action == "created"
        again = client.ensure_custom_field(
            name,
            object_types=["virtualization.virtualmachine", "dcim.device"],
            type="select",
            label="IT field",
            choice_set=choice_set.id,
        )
        assert again == type(field)(field.id, "unchanged")

        sent = client.bulk_update(
            "dcim.devices", [{"id": device["id"], "custom_fields": {name: "SNMP"}}], batch=250
        )
        assert sent == 1
        (row,) = client.devices({"id": device["id"]}, ["id", "custom_fields"])
        # NetBox 4.7.3 answers a select custom field as {value, label}, not as the bare value
        assert row["custom_fields"][name] == {"value": "SNMP", "label": "SNMP"}

        entry = client.journal("dcim.device", device["id"], "info", f"{tag}: checked")
        stored_entry = api.extras.journal_entries.get(entry)
        assert stored_entry.comments == f"{tag}: checked"
        assert stored_entry.assigned_object_id == device["id"]
        stored_entry.delete()

        with pytest.raises(NetBoxError) as info:
            client.bulk_update(
                "dcim.devices", [{"id": device["id"], "custom_fields": {name: "not-a-choice"}}]
            )
        assert "HTTP 400 on PATCH /api/dcim/devices/" in str(info.value)
    finally:
        if field is not None:
            api.extras.custom_fields.delete([field.id])
        if choice_set is not None:
            api.extras.custom_field_choice_sets.delete([choice_set.id])
