"""Reading the host configs from NetBox: the devices and VMs that should be monitored.

Only the fields the desired state needs are fetched, 1,000 per page, the devices' and the VMs'
pages from one pool of concurrent requests; decommissioning objects are never host configs.
Custom-field values are flattened (NetBox 4.7 returns a select value as ``{"value", "label"}``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from nbzbx_dagster.netbox.client import NetBoxClient, field_params

DEVICE_FIELDS = [
    "id",
    "name",
    "status",
    "site",
    "role",
    "platform",
    "tenant",
    "primary_ip4",
    "tags",
    "custom_fields",
    "oob_ip",
]
VM_FIELDS = [*(f for f in DEVICE_FIELDS if f != "oob_ip"), "cluster"]  # a VM has no oob_ip
DESCRIPTION_FIELDS = ["description", "comments"]  # read only with sync_description
INVENTORY_SOURCES: dict[str, tuple[str, ...]] = {
    # a value the ``inventory`` setting may map -> the device fields it is read from
    "serial": ("serial",),
    "asset_tag": ("asset_tag",),
    "site": (),
    "location": ("location",),
    "rack": ("rack",),
    "device_type": ("device_type",),
    "manufacturer": ("device_type",),  # NetBox nests it in the device type
    "platform": (),
    "tenant": (),
    "description": tuple(DESCRIPTION_FIELDS),
}
VM_INVENTORY_FIELDS = {"serial", *DESCRIPTION_FIELDS}  # a VM has no rack, type or asset tag
NONE_READ: Mapping[str, str] = MappingProxyType({})
CONTEXT_FIELDS = {"config_context", "local_context_data"}  # read only with config_context_key
EXCLUDED_STATUS = "decommissioning"
STATUSES = {  # NetBox's own status choices, per object type
    "device": ("offline", "active", "planned", "staged", "failed", "inventory", "decommissioning"),
    "vm": ("offline", "active", "planned", "staged", "failed", "decommissioning", "paused"),
}
# ids per read by id: 200 ids keep the request line under gunicorn's 4,094 bytes
IDS_PER_REQUEST = 200
OBJECT_TYPES = {"device": "dcim.device", "vm": "virtualization.virtualmachine"}


@dataclass(frozen=True)
class HostConfig:
    """A NetBox device or VM as the desired-state rules see it (slugs, names, flat values)."""

    object_type: str  # "device" | "vm"
    object_id: int
    name: str
    status: str
    site: str | None = None  # slug
    site_name: str | None = None
    role: str | None = None
    role_name: str | None = None
    platform: str | None = None
    platform_name: str | None = None
    cluster: str | None = None
    tenant: str | None = None  # slug
    tenant_name: str | None = None
    region: str | None = None  # slug of the site's region, read only when a server rule needs it
    tags: tuple[str, ...] = ()  # slugs
    tag_names: tuple[str, ...] = ()
    primary_ip: str | None = None  # address without prefix length
    primary_ip_id: int | None = None  # NetBox id of the address: its changes name this config
    oob_ip: str | None = None  # the out-of-band address (IPMI), without prefix length
    custom_fields: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    """NetBox's description, then its comments where set; read only with sync_description."""
    inventory_values: Mapping[str, str] = field(default_factory=lambda: NONE_READ)
    config_context: Any = None
    """The value at ``config_context_key`` in NetBox's rendered config context; None when the
    setting is off or the context has no such key."""
    config_context_local: bool = False
    """Whether that value comes from the object's own local config context data."""
    """The inventory sources NetBox answered (``serial``, ``rack``, ``manufacturer``, ...) by
    name; read only when the ``inventory`` setting maps them."""

    @property
    def key(self) -> str:
        """The partition key: stable across renames."""
        return f"{self.object_type}-{self.object_id}"


def _slug(obj: Any, key: str = "slug") -> str | None:
    return obj.get(key) if isinstance(obj, dict) else None


def _address(ip: Any) -> str | None:
    """An IP address object's address, without its prefix length."""
    return str(ipaddress.ip_interface(ip["address"]).ip) if isinstance(ip, dict) else None


def _flat(value: Any) -> Any:
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return value


def host_config_from(object_type: str, raw: dict[str, Any], context_key: str = "") -> HostConfig:
    """A host config from NetBox's answer; with ``context_key``, that key's config context."""
    status = raw.get("status")
    ip = raw.get("primary_ip4")
    tags = raw.get("tags") or []
    return HostConfig(
        object_type=object_type,
        object_id=int(raw["id"]),
        name=str(raw["name"]),
        status=str(status.get("value") if isinstance(status, dict) else status),
        site=_slug(raw.get("site")),
        site_name=_slug(raw.get("site"), "name"),
        role=_slug(raw.get("role")),
        role_name=_slug(raw.get("role"), "name"),
        platform=_slug(raw.get("platform")),
        platform_name=_slug(raw.get("platform"), "name"),
        cluster=_slug(raw.get("cluster"), "name"),
        tenant=_slug(raw.get("tenant")),
        tenant_name=_slug(raw.get("tenant"), "name"),
        tags=tuple(t["slug"] for t in tags),
        tag_names=tuple(t["name"] for t in tags),
        primary_ip=_address(ip),
        primary_ip_id=int(ip["id"]) if isinstance(ip, dict) and "id" in ip else None,
        oob_ip=_address(raw.get("oob_ip")),
        custom_fields={k: _flat(v) for k, v in (raw.get("custom_fields") or {}).items()},
        description="\n\n".join(
            text for name in DESCRIPTION_FIELDS if (text := str(raw.get(name) or "").strip())
        ),
        inventory_values=_inventory_values(raw),
        config_context=(raw.get("config_context") or {}).get(context_key) if context_key else None,
        config_context_local=bool(context_key)
        and context_key in (raw.get("local_context_data") or {}),
    )


def _inventory_values(raw: dict[str, Any]) -> Mapping[str, str]:
    """The inventory sources ``raw`` holds, as text (nested objects by name); most objects have
    none of them read, and share one empty mapping."""
    device_type = raw.get("device_type")
    values = {
        "serial": raw.get("serial"),
        "asset_tag": raw.get("asset_tag"),
        "location": _slug(raw.get("location"), "name"),
        "rack": _slug(raw.get("rack"), "name"),
        "device_type": _slug(device_type, "model"),
        "manufacturer": _slug(_slug(device_type, "manufacturer"), "name"),
    }
    return {k: str(v) for k, v in values.items() if v} or NONE_READ


def read_host_configs(
    client: NetBoxClient,
    device_filters: dict[str, Any],
    vm_filters: dict[str, Any],
    with_vms: bool,
    *,
    with_regions: bool = False,
    with_description: bool = False,
    inventory_sources: Collection[str] = (),
    config_context_key: str = "",
    keys: Collection[str] | None = None,
) -> list[HostConfig]:
    """Every selected device, then every selected VM (when ``with_vms``), in NetBox id order;
    with ``keys``, only those of them (read by id, ``IDS_PER_REQUEST`` at a time).

    Only the configured filters are checked against NetBox's schema (without any, it is not
    fetched): the exclusion of decommissioning objects is the project's own. ``with_regions``
    adds each site's region (one more listing, of the sites); ``with_description`` reads each
    object's description and comments too, ``inventory_sources`` the fields those inventory
    sources come from; ``config_context_key`` has NetBox render each object's config context
    (a cost per object: only then) and keeps that key of it."""
    exclude = {"status__n": EXCLUDED_STATUS}
    kinds = [("device", "dcim.devices", device_filters, DEVICE_FIELDS)]
    if with_vms:
        kinds.append(("vm", "virtualization.virtual_machines", vm_filters, VM_FIELDS))
    reads = []
    more = {f for source in inventory_sources for f in INVENTORY_SOURCES.get(source, ())}
    more |= set(DESCRIPTION_FIELDS) if with_description else set()
    more |= set(CONTEXT_FIELDS) if config_context_key else set()
    for object_type, endpoint, filters, fields in kinds:
        extra = more & (VM_INVENTORY_FIELDS | CONTEXT_FIELDS) if object_type == "vm" else more
        fields = [*fields, *sorted(extra)]
        params = {**field_params(fields), **exclude}
        if config_context_key:
            del params["exclude"]  # NetBox renders it only when not excluded
        if keys is None:
            reads.append((object_type, endpoint, filters, params))
            continue
        ids = sorted(int(k.split("-")[1]) for k in keys if k.startswith(f"{object_type}-"))
        for start in range(0, len(ids), IDS_PER_REQUEST):
            chunk = ids[start : start + IDS_PER_REQUEST]
            reads.append((object_type, endpoint, filters, {**params, "id": chunk}))
    listings = client.listings(
        [(endpoint, filters, params) for _, endpoint, filters, params in reads],
        lambda i, raw: host_config_from(reads[i][0], raw, config_context_key),
    )
    unique = {c.key: c for listing in listings for c in listing}  # a page re-read keeps one
    configs = sorted(
        unique.values(),
        key=lambda c: (c.object_type != "device", c.object_id),
    )
    configs = [c for c in configs if c.status != EXCLUDED_STATUS]
    if with_regions:
        regions = {site["slug"]: _slug(site.get("region")) for site in client.objects("dcim.sites")}
        configs = [replace(c, region=regions.get(c.site or "")) for c in configs]
    return configs
