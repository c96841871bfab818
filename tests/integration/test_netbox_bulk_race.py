"""NetBox 4.7.3's bulk PATCH against a person's edit saved meanwhile, on the real lab NetBox:
the race change sync names as a lost edit. A module of its own, with no daemon alive: a daemon's
write-back to the same new devices would race it too (and bring deleted ones back)."""

import threading
import time
from typing import Any

import pytest
from lab_objects import netbox_device

from nbzbx_dagster.lab import services
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.netbox.changelog import changes_after, latest_change
from nbzbx_dagster.netbox.choices import publish_choices
from nbzbx_dagster.sync.changes import affected

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]


@pytest.fixture(scope="module")
def nb() -> NetBoxClient:
    return NetBoxClient.connect(services.netbox_url(), services.netbox_token(), timeout=60)


def platform_of(api: Any, device_id: int) -> int | None:
    platform = api.dcim.devices.get(device_id).platform
    return platform.id if platform else None


def test_an_edit_a_concurrent_write_back_undoes_is_named_as_lost(nb: NetBoxClient) -> None:
    """NetBox's bulk PATCH reads its objects first and saves each whole (netbox#12531): a
    person's edit saved in between is undone. The write-back's entry then starts from the data
    before the edit, and the mapping names the edit as lost; an edit NetBox kept is not named.

    The race is timed from a bulk PATCH of the same rows measured just before (the edit lands
    partway through the next one, at another point each try, from the last one's duration), and
    tried again with other values when the edit was kept: a loaded machine moves the window."""
    publish_choices(nb, {}, sources={"sync_status"})  # the write-back's field, for the PATCHes
    with netbox_device(nb, "nbzbx-lost") as device:
        api = nb.api
        others = api.dcim.devices.create(
            [
                {
                    "name": f"nbzbx-lost-{n}",
                    "site": device.site.id,
                    "device_type": device.device_type.id,
                    "role": device.role.id,
                }
                for n in range(100)
            ]
        )
        platforms = [api.dcim.platforms.get(slug=s).id for s in ("ios", "linux")]
        statuses = ["missing", "out_of_sync"] * 4
        points = [0.5, 0.3, 0.7, 0.4, 0.6, 0.2, 0.8]  # of the bulk PATCH's time, the edit's
        try:
            undone = []
            for attempt, status in enumerate(statuses):
                rows = [
                    {"id": o.id, "custom_fields": {"zabbix_sync_status": status}} for o in others
                ]
                rows.append({"id": device.id, "custom_fields": {"zabbix_sync_status": status}})
                if attempt == 0:  # the first write measures how long a bulk PATCH takes here
                    began = time.monotonic()
                    nb.bulk_update("dcim.devices", rows)
                    took = time.monotonic() - began
                    continue
                before = platform_of(api, device.id)
                start = latest_change(nb)
                writer = threading.Thread(target=nb.bulk_update, args=("dcim.devices", rows))
                began = time.monotonic()
                writer.start()
                # after the read, while the others are saved: the device is saved last
                time.sleep(took * points[attempt - 1])
                device.platform = platforms[attempt % 2]
                device.save()
                writer.join(60)
                took = time.monotonic() - began
                kept = platform_of(api, device.id)
                batch = changes_after(nb, start).changes
                found = affected(batch, lambda ids: {}, lambda f, i: [])
                if kept == platforms[attempt % 2]:
                    assert found.lost == [], f"NetBox kept the edit, yet: {found.lost}"
                    continue
                assert kept == before, "the write-back saved something else than it read"
                (edit,) = [
                    c
                    for c in batch
                    if c.object_id == device.id and "platform" in c.changed_fields()
                ]
                assert found.lost == [f"nbzbx-lost-dev platform (entry {edit.id})"], found.lost
                undone.append(attempt)
                break
            assert undone, (
                f"no bulk PATCH undid the edit in {len(statuses) - 1} tries (the last {took:.1f} s)"
            )
        finally:
            api.dcim.devices.delete(others)
