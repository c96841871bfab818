"""Change-driven sync with a real daemon on Zabbix 6.0 and on the 8.0 contract endpoint (over
the real 7.0): a NetBox edit and a host disabled by hand in Zabbix reach their stored status
within 60 s. ``test_change_sync.py`` proves every kind of change on 7.0; what differs by version
is the Zabbix side (the audit log's answers, ``host.get``'s parameters), so one edit of each
system per version."""

from collections.abc import Iterator

import pytest
from lab_objects import netbox_device
from soak import Deployment
from test_change_sync import change_sync, disabled_by_hand_reaches_its_status, groups, reached

from nbzbx_dagster.lab import services

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]
VERSIONS = [v for v in services.SUITE_ZABBIX_VERSIONS if v != "7.0"]


@pytest.fixture(scope="module", params=VERSIONS, ids=services.zabbix_id)
def version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def d(seeded_lab: dict, version: str) -> Iterator[Deployment]:
    with change_sync(version) as dep:
        yield dep


def test_a_netbox_edit_reaches_its_status(d: Deployment, netbox) -> None:
    with netbox_device(netbox, "nbzbx-chv") as device:
        key = f"device-{device.id}"
        row = reached(d, key, lambda r: r is not None, "a new device's status")
        assert row["status"] == "missing", row
        device.platform = netbox.api.dcim.platforms.get(slug="ios").id
        device.save()
        row = reached(d, key, lambda r: "Switches" in groups(d, r), "a platform edit's host groups")
        assert groups(d, row) == {"NetBox", "Lab A", "Switches"}, row["desired"]
    assert reached(d, key, lambda r: r is None, "a deleted device's status removed") is None


def test_a_host_disabled_by_hand_in_zabbix_reaches_its_status(d: Deployment, version: str) -> None:
    disabled_by_hand_reaches_its_status(d, version)
