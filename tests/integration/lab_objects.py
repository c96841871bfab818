"""Throwaway objects in the shared lab: made with a unique name, removed even when a test fails."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError


class ZabbixCleanup:
    """Deletes what a test created in Zabbix, newest first; an object already gone is fine."""

    def __init__(self, client: ZabbixClient) -> None:
        self.client = client
        self.todo: list[tuple[str, list[str]]] = []

    def add(self, kind: str, *ids: str) -> None:
        self.todo.append((kind, list(ids)))

    def forget(self, kind: str, objectid: str) -> None:
        """A test deleted it itself."""
        self.todo = [
            (k, [i for i in ids if not (k == kind and i == objectid)]) for k, ids in self.todo
        ]

    def run(self) -> None:
        for kind, ids in reversed(self.todo):
            if not ids:
                continue
            try:
                self.client.call(f"{kind}.delete", ids)
            except ZabbixError as error:
                if not error.is_not_found:
                    raise


@contextmanager
def netbox_device(client: NetBoxClient, tag: str) -> Iterator[Any]:
    """A throwaway site, manufacturer, device type, role and active device named ``<tag>-dev``."""
    api = client.api
    made: list[Any] = []
    try:
        site = api.dcim.sites.create(name=tag, slug=tag)
        made.append(site)
        maker = api.dcim.manufacturers.create(name=tag, slug=tag)
        made.append(maker)
        dtype = api.dcim.device_types.create(model=tag, slug=tag, manufacturer=maker.id)
        made.append(dtype)
        role = api.dcim.device_roles.create(name=tag, slug=tag)
        made.append(role)
        device = api.dcim.devices.create(
            name=f"{tag}-dev", site=site.id, device_type=dtype.id, role=role.id, status="active"
        )
        made.append(device)
        yield device
    finally:
        for obj in reversed(made):
            obj.delete()
