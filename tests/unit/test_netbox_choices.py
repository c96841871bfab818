"""Publishing the cache as NetBox choices, against an in-memory stand-in for NetBox."""

from __future__ import annotations

from typing import Any

from nbzbx_dagster.common.vocabulary import SYNC_STATUSES
from nbzbx_dagster.netbox.choices import FIELDS, publish_choices
from nbzbx_dagster.netbox.client import Ensured


class Obj:
    def __init__(self, store: dict[str, Obj], **attrs: Any) -> None:
        self.__dict__.update(attrs)
        self._store = store

    def save(self) -> bool:
        return True

    def delete(self) -> bool:
        del self._store[self.name]
        return True


class Endpoint:
    def __init__(self) -> None:
        self.objects: dict[str, Obj] = {}

    def get(self, name: str) -> Obj | None:
        return self.objects.get(name)

    def create(self, data: dict[str, Any] | None = None, **attrs: Any) -> Obj:
        attrs = {**(data or {}), **attrs}
        obj = Obj(self.objects, id=len(self.objects) + 1, **attrs)
        self.objects[attrs["name"]] = obj
        return obj


class Extras:
    def __init__(self) -> None:
        self.custom_field_choice_sets = Endpoint()
        self.custom_fields = Endpoint()


class Api:
    def __init__(self) -> None:
        self.extras = Extras()


class FakeNetBox:
    """Choice sets and custom fields in memory; devices and VMs with custom-field values."""

    def __init__(self, devices: list[dict[str, Any]] | None = None) -> None:
        self.api = Api()
        self.rows = {"devices": devices or [], "vms": []}
        self.listings: list[tuple[str, dict[str, Any]]] = []

    def _list(self, kind: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
        self.listings.append((kind, filters))
        (key,) = filters
        field = key.removeprefix("cf_").removesuffix("__empty")
        return [r for r in self.rows[kind] if r["custom_fields"].get(field) not in (None, [], "")]

    def devices(self, filters: dict[str, Any], fields: list[str]) -> list[dict[str, Any]]:
        return self._list("devices", filters)

    def virtual_machines(self, filters: dict[str, Any], fields: list[str]) -> list[dict[str, Any]]:
        return self._list("vms", filters)

    def _endpoint(self, endpoint: str) -> Endpoint:
        return getattr(self.api.extras, endpoint.removeprefix("extras."))

    def objects(self, endpoint: str, filters: dict[str, Any]) -> list[dict[str, Any]]:
        found = self._endpoint(endpoint).get(filters["name"])
        return [dict(vars(found))] if found else []

    def _ensure(self, endpoint: str, name: str, desired: dict[str, Any]) -> Ensured:
        target = self._endpoint(endpoint)
        found = target.get(name)
        if found is None:
            return Ensured(target.create(desired).id, "created")
        if all(getattr(found, k, None) == v for k, v in desired.items()):
            return Ensured(found.id, "unchanged")
        found.__dict__.update(desired)
        return Ensured(found.id, "updated")

    def ensure_choice_set(self, name: str, choices: list[str], **attrs: Any) -> Ensured:
        desired = {"name": name, "extra_choices": [[c, c] for c in choices], **attrs}
        return self._ensure("extras.custom_field_choice_sets", name, desired)

    def ensure_custom_field(self, name: str, **attrs: Any) -> Ensured:
        return self._ensure("extras.custom_fields", name, {"name": name, **attrs})

    def choices(self, field: str) -> list[str]:
        return [v for v, _ in self.api.extras.custom_field_choice_sets.objects[field].extra_choices]


NAMES = {
    "servers": ["default"],
    "templates": ["Linux by Zabbix agent"],
    "host_groups": ["Linux servers", "Zabbix servers"],
    "proxies": ["proxy-1"],
    "proxy_groups": ["pg-1"],
}


def test_first_publish_creates_every_field_and_set() -> None:
    netbox = FakeNetBox()
    report = publish_choices(netbox, NAMES)
    assert set(netbox.api.extras.custom_fields.objects) == {f.name for f in FIELDS}
    assert netbox.choices("zabbix_host_groups") == ["Linux servers", "Zabbix servers"]
    assert netbox.choices("zabbix_sync_status") == list(SYNC_STATUSES)
    assert report["zabbix_host_groups"]["added"] == ["Linux servers", "Zabbix servers"]
    assert all(entry.get("field_created") for entry in report.values())
    assert netbox.listings == []  # nothing removed: no need to look for values in use


def test_many_removed_choices_cost_one_listing_per_object_type() -> None:
    gone = [f"group-{i}" for i in range(500)]
    device = {
        "id": 1,
        "custom_fields": {"zabbix_host_groups": [{"value": "group-7", "label": "group-7"}]},
    }
    netbox = FakeNetBox([device])
    publish_choices(netbox, {**NAMES, "host_groups": ["Linux servers", *gone]})
    report = publish_choices(netbox, NAMES)
    entry = report["zabbix_host_groups"]
    assert entry["kept_in_use"] == ["group-7"]
    assert len(entry["removed"]) == 499 and "group-7" not in entry["removed"]
    assert netbox.choices("zabbix_host_groups") == ["Linux servers", "Zabbix servers", "group-7"]
    assert netbox.listings == [
        ("devices", {"cf_zabbix_host_groups__empty": "false"}),
        ("vms", {"cf_zabbix_host_groups__empty": "false"}),
    ]


def test_bare_select_values_count_as_in_use_too() -> None:
    netbox = FakeNetBox([{"id": 1, "custom_fields": {"zabbix_proxy": "proxy-1"}}])
    publish_choices(netbox, NAMES)
    report = publish_choices(netbox, {**NAMES, "proxies": ["proxy-2"]})
    assert report["zabbix_proxy"]["kept_in_use"] == ["proxy-1"]
    assert netbox.choices("zabbix_proxy") == ["proxy-2", "proxy-1"]


def test_no_choices_left_removes_the_field_and_its_set() -> None:
    netbox = FakeNetBox()
    publish_choices(netbox, NAMES)
    report = publish_choices(netbox, {**NAMES, "proxies": []})
    assert report["zabbix_proxy"]["removed"] == ["proxy-1"]
    assert report["zabbix_proxy"]["field_removed"] is True
    assert "zabbix_proxy" not in netbox.api.extras.custom_fields.objects
    assert "zabbix_proxy" not in netbox.api.extras.custom_field_choice_sets.objects
    # and it comes back with the first proxy
    publish_choices(netbox, NAMES)
    assert netbox.choices("zabbix_proxy") == ["proxy-1"]
    assert "zabbix_proxy" in netbox.api.extras.custom_fields.objects


def test_no_choices_ever_creates_nothing() -> None:
    netbox = FakeNetBox()
    report = publish_choices(netbox, {**NAMES, "proxy_groups": []})
    assert report["zabbix_proxy_group"]["choices"] == 0
    assert "field_removed" not in report["zabbix_proxy_group"]
    assert "zabbix_proxy_group" not in netbox.api.extras.custom_fields.objects
