"""Writing ``zabbix_hostid`` and ``zabbix_sync_status`` back to NetBox, only where they changed.

NetBox writes are slow (about 45 objects per second per request on the 2-core lab) and each
lands in its change log, so only changed values are sent, in bulk PATCH batches per object type,
two batches at a time (about 85 objects per second on the lab).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import HostConfig

ENDPOINTS = {"device": "dcim.devices", "vm": "virtualization.virtual_machines"}
FIELDS = ("zabbix_hostid", "zabbix_sync_status")
WORKERS = 2  # concurrent PATCH requests: twice the rate, and NetBox keeps workers for others


def changed_values(
    configs: Sequence[HostConfig], outcome: dict[str, tuple[str | None, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Per object type, the PATCH rows for configs whose NetBox values differ from ``outcome``
    (key -> (zabbix hostid, sync status))."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in ENDPOINTS}
    for config in configs:
        if config.key not in outcome:
            continue
        hostid, status = outcome[config.key]
        want = {"zabbix_hostid": int(hostid) if hostid else None, "zabbix_sync_status": status}
        have = {f: config.custom_fields.get(f) for f in FIELDS}
        if want != have:
            rows[config.object_type].append({"id": config.object_id, "custom_fields": want})
    return rows


def missing_fields(client: NetBoxClient) -> list[str]:
    names = {f["name"] for f in client.objects("extras.custom_fields", {"name": list(FIELDS)})}
    return [f for f in FIELDS if f not in names]


@dataclass(frozen=True)
class WrittenBack:
    """Per object type, how many objects were written and the ids of those skipped because
    they were deleted in NetBox since the refresh read them (nothing left to write)."""

    written: dict[str, int]
    gone: dict[str, list[int]]


def write_back(
    client: NetBoxClient,
    configs: Sequence[HostConfig],
    outcome: dict[str, tuple[str | None, str]],
) -> WrittenBack:
    """PATCH the changed values; an object deleted meanwhile is skipped, not a failure of the
    others in its batch."""
    rows = changed_values(configs, outcome)
    gone: dict[str, list[int]] = {t: [] for t in rows}
    written = {
        t: client.bulk_update(ENDPOINTS[t], r, workers=WORKERS, gone=gone[t])
        for t, r in rows.items()
    }
    return WrittenBack(written, gone)
