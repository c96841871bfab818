"""A maintenance window's targets, and their resolution to Zabbix hosts and host groups.

Targets are named the way operators know them: host configs by partition key (``device-<id>``,
``vm-<id>``), NetBox sites by slug and clusters by name, Zabbix host groups, proxies and proxy
groups by name. Host groups stay groups in the Zabbix maintenance (Zabbix follows their members);
everything else becomes hosts. A name that does not exist is an error naming it, never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import OBJECT_TYPES
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient

TARGET_KINDS = ("host_configs", "sites", "host_groups", "proxies", "proxy_groups", "clusters")
TARGET_LABELS = {
    "host_configs": "host config",
    "sites": "site",
    "host_groups": "host group",
    "proxies": "proxy",
    "proxy_groups": "proxy group",
    "clusters": "cluster",
}
HOST_CONFIG_KEY = re.compile(r"(device|vm)-([1-9][0-9]*)")
NETBOX_FIELDS = ["id", "name", "custom_fields"]
# names per NetBox request when mapping Zabbix hosts back (keeps the query string short)
NAME_BATCH = 100


class MaintenanceError(ValueError):
    """A maintenance request refused before anything was created: one line saying why."""


@dataclass(frozen=True)
class MaintenanceTargets:
    """What a window covers; each list names targets of one kind."""

    host_configs: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    host_groups: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()
    proxy_groups: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Iterable[str]]) -> MaintenanceTargets:
        unknown = sorted(set(data) - set(TARGET_KINDS))
        if unknown:
            raise MaintenanceError(f"unknown target kind(s): {', '.join(unknown)}")
        return cls(
            **{
                kind: tuple(dict.fromkeys(v.strip() for v in data.get(kind, ()) if v.strip()))
                for kind in TARGET_KINDS
            }
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {kind: list(getattr(self, kind)) for kind in TARGET_KINDS}

    def is_empty(self) -> bool:
        return not any(getattr(self, kind) for kind in TARGET_KINDS)


@dataclass
class Resolution:
    """The Zabbix side of a window, and the NetBox devices and VMs it affects."""

    hostids: list[str] = field(default_factory=list)
    groupids: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    """technical names of the hosts (not of the groups' members)"""
    objects: list[str] = field(default_factory=list)
    """host config keys of the affected NetBox devices and VMs (for journal entries)"""
    unmonitored: list[str] = field(default_factory=list)
    """devices and VMs of a selected site or cluster that have no Zabbix host"""

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "hostids": self.hostids,
            "groupids": self.groupids,
            "hosts": self.hosts,
            "objects": self.objects,
            "unmonitored": self.unmonitored,
        }


def parse_host_config_key(key: str) -> tuple[str, int]:
    """``"device-12"`` -> ``("device", 12)``; anything else is refused."""
    match = HOST_CONFIG_KEY.fullmatch(key)
    if not match:
        raise MaintenanceError(f"host config {key!r} is not a key like device-<id> or vm-<id>")
    return match.group(1), int(match.group(2))


def journal_target(key: str) -> tuple[str, int]:
    """The NetBox object type and id of a host config key, for a journal entry."""
    kind, object_id = parse_host_config_key(key)
    return OBJECT_TYPES[kind], object_id


def _unknown(kind: str, names: Iterable[str]) -> list[str]:
    return [f"{TARGET_LABELS[kind]} {name!r}" for name in names]


@dataclass
class _NetBoxObject:
    key: str
    name: str
    zabbix_hostid: str | None
    explicit: bool


def _netbox_object(kind: str, row: Mapping[str, Any], explicit: bool) -> _NetBoxObject:
    hostid = (row.get("custom_fields") or {}).get("zabbix_hostid")
    return _NetBoxObject(
        key=f"{kind}-{row['id']}",
        name=str(row.get("name") or ""),
        zabbix_hostid=str(hostid) if hostid not in (None, "") else None,
        explicit=explicit,
    )


class _Resolver:
    def __init__(
        self,
        targets: MaintenanceTargets,
        zabbix: ZabbixClient,
        netbox: Callable[[], NetBoxClient],
    ) -> None:
        self.targets = targets
        self.zabbix = zabbix
        self._netbox_factory = netbox
        self._netbox: NetBoxClient | None = None
        self.unknown: list[str] = []

    @property
    def netbox(self) -> NetBoxClient:
        if self._netbox is None:
            self._netbox = self._netbox_factory()
        return self._netbox

    # -- NetBox targets -> devices and VMs ----------------------------------------------------

    def netbox_objects(self) -> dict[str, _NetBoxObject]:
        found: dict[str, _NetBoxObject] = {}
        t = self.targets
        if t.host_configs:
            ids: dict[str, list[int]] = {"device": [], "vm": []}
            for key in t.host_configs:
                kind, object_id = parse_host_config_key(key)
                ids[kind].append(object_id)
            rows = {
                "device": self.netbox.devices({"id": ids["device"]}, NETBOX_FIELDS)
                if ids["device"]
                else [],
                "vm": self.netbox.virtual_machines({"id": ids["vm"]}, NETBOX_FIELDS)
                if ids["vm"]
                else [],
            }
            for kind, kind_rows in rows.items():
                for row in kind_rows:
                    obj = _netbox_object(kind, row, explicit=True)
                    found[obj.key] = obj
            self.unknown += _unknown("host_configs", [k for k in t.host_configs if k not in found])
        cluster_ids: list[int] = []
        if t.sites:
            sites = self.netbox.objects("dcim.sites", {"slug": list(t.sites)})
            known = {s["slug"] for s in sites}
            self.unknown += _unknown("sites", [s for s in t.sites if s not in known])
            if known:
                slugs = sorted(known)
                for row in self.netbox.devices({"site": slugs}, NETBOX_FIELDS):
                    found.setdefault(f"device-{row['id']}", _netbox_object("device", row, False))
                for row in self.netbox.virtual_machines({"site": slugs}, NETBOX_FIELDS):
                    found.setdefault(f"vm-{row['id']}", _netbox_object("vm", row, False))
                # VMs of clusters scoped to the site, whatever their own site field says
                clusters = self.netbox.objects("virtualization.clusters", {"site": slugs})
                cluster_ids += [int(c["id"]) for c in clusters]
        if t.clusters:
            clusters = self.netbox.objects("virtualization.clusters", {"name": list(t.clusters)})
            known = {c["name"] for c in clusters}
            self.unknown += _unknown("clusters", [c for c in t.clusters if c not in known])
            cluster_ids += [int(c["id"]) for c in clusters]
        if cluster_ids:
            vms = self.netbox.virtual_machines(
                {"cluster_id": sorted(set(cluster_ids))}, NETBOX_FIELDS
            )
            for row in vms:
                found.setdefault(f"vm-{row['id']}", _netbox_object("vm", row, False))
        return found

    def zabbix_hosts_of(self, objects: Mapping[str, _NetBoxObject]) -> dict[str, dict[str, str]]:
        """Host config key -> its Zabbix host: by the ``zabbix_hostid`` custom field when set,
        else by technical name."""
        if not objects:
            return {}
        refs = zapi.host_refs(
            self.zabbix,
            hostids=[o.zabbix_hostid for o in objects.values() if o.zabbix_hostid],
            names=[technical_name(o.name) for o in objects.values() if not o.zabbix_hostid],
        )
        by_id = {r["hostid"]: r for r in refs}
        by_name = {r["host"]: r for r in refs}
        hosts: dict[str, dict[str, str]] = {}
        for key, obj in objects.items():
            ref = by_id.get(obj.zabbix_hostid) if obj.zabbix_hostid else None
            ref = ref or by_name.get(technical_name(obj.name))
            if ref is not None:
                hosts[key] = ref
        return hosts

    # -- Zabbix targets --------------------------------------------------------------------

    def _ids_by_name(self, kind: str, rows: list[Any], id_key: str) -> list[str]:
        wanted = getattr(self.targets, kind)
        if not wanted:
            return []
        ids = {row["name"]: row[id_key] for row in rows}
        self.unknown += _unknown(kind, [n for n in wanted if n not in ids])
        return [ids[n] for n in wanted if n in ids]

    def groupids(self) -> list[str]:
        if not self.targets.host_groups:
            return []
        return self._ids_by_name("host_groups", zapi.host_groups(self.zabbix), "groupid")

    def proxy_hosts(self) -> list[dict[str, str]]:
        t = self.targets
        proxyids = (
            self._ids_by_name("proxies", zapi.proxies(self.zabbix), "proxyid") if t.proxies else []
        )
        proxy_groupids: list[str] = []
        if t.proxy_groups:
            if not self.zabbix.zabbix_version.has_proxy_groups:
                raise MaintenanceError(
                    f"proxy groups need Zabbix 7.0 or later (this is {self.zabbix.version_str}): "
                    + ", ".join(_unknown("proxy_groups", t.proxy_groups))
                )
            proxy_groupids = self._ids_by_name(
                "proxy_groups", zapi.proxy_groups(self.zabbix), "proxy_groupid"
            )
        if not proxyids and not proxy_groupids:
            return []
        return zapi.host_refs(self.zabbix, proxyids=proxyids, proxy_groupids=proxy_groupids)

    def objects_of_hosts(self, refs: Iterable[Mapping[str, str]]) -> list[str]:
        """NetBox devices and VMs behind Zabbix hosts: the visible name keeps the NetBox name,
        the technical name (or the ``zabbix_hostid`` custom field) confirms the match."""
        refs = list(refs)
        if not refs:
            return []
        by_host = {r["host"]: r["hostid"] for r in refs}
        hostids = set(by_host.values())
        names = sorted({r["name"] for r in refs})
        keys: list[str] = []
        for start in range(0, len(names), NAME_BATCH):
            batch = names[start : start + NAME_BATCH]
            for kind, rows in (
                ("device", self.netbox.devices({"name": batch}, NETBOX_FIELDS)),
                ("vm", self.netbox.virtual_machines({"name": batch}, NETBOX_FIELDS)),
            ):
                for row in rows:
                    obj = _netbox_object(kind, row, False)
                    if obj.zabbix_hostid in hostids or (
                        not obj.zabbix_hostid and technical_name(obj.name) in by_host
                    ):
                        keys.append(obj.key)
        return keys


def resolve_targets(
    targets: MaintenanceTargets,
    zabbix: ZabbixClient,
    netbox: Callable[[], NetBoxClient],
    *,
    map_objects: bool = True,
) -> Resolution:
    """Resolve ``targets`` to Zabbix host and group ids; every unknown name is reported at once.

    NetBox is asked only when a NetBox-side target is given, or when ``map_objects`` asks for
    the devices and VMs behind the Zabbix-side targets (for journal entries).
    """
    if targets.is_empty():
        raise MaintenanceError("no targets: a maintenance window needs at least one target")
    resolver = _Resolver(targets, zabbix, netbox)
    objects = resolver.netbox_objects()
    hosts_of = resolver.zabbix_hosts_of(objects)
    unmonitored_explicit = [
        f"{key} ({obj.name})"
        for key, obj in objects.items()
        if obj.explicit and key not in hosts_of
    ]
    groupids = resolver.groupids()
    proxy_refs = resolver.proxy_hosts()
    if resolver.unknown:
        raise MaintenanceError("unknown target(s): " + ", ".join(resolver.unknown))
    if unmonitored_explicit:
        raise MaintenanceError(
            "host config(s) without a Zabbix host: " + ", ".join(unmonitored_explicit)
        )

    refs = {r["hostid"]: r for r in [*hosts_of.values(), *proxy_refs]}
    keys = set(hosts_of)
    if map_objects:
        zabbix_side = list(proxy_refs)
        if groupids:
            zabbix_side += zapi.host_refs(zabbix, groupids=groupids)
        keys |= set(resolver.objects_of_hosts(zabbix_side))
    resolution = Resolution(
        hostids=sorted(refs, key=int),
        groupids=sorted(set(groupids), key=int),
        hosts=sorted(r["host"] for r in refs.values()),
        objects=sorted(keys, key=_key_order),
        unmonitored=sorted(
            (f"{key} ({obj.name})" for key, obj in objects.items() if key not in hosts_of),
        ),
    )
    if not resolution.hostids and not resolution.groupids:
        raise MaintenanceError(
            "the targets select no Zabbix host and no host group"
            + (
                f" (without a Zabbix host: {', '.join(resolution.unmonitored)})"
                if resolution.unmonitored
                else ""
            )
        )
    return resolution


def _key_order(key: str) -> tuple[str, int]:
    kind, object_id = parse_host_config_key(key)
    return kind, object_id
