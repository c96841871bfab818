"""A maintenance window's targets, and their resolution to Zabbix hosts and host groups.

Targets are named the way operators know them: host configs by partition key (``device-<id>``,
``vm-<id>``), NetBox sites by slug and clusters by name, Zabbix host groups, proxies and proxy
groups by name. Host groups stay groups in the Zabbix maintenance (Zabbix follows their members);
everything else becomes hosts. A name that does not exist is an error naming it, never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import OBJECT_TYPES, host_config_from
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.settings.servers import DEFAULT_SERVER
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.sync.refresh import server_of
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
ZABBIX_KINDS = ("host_groups", "proxies", "proxy_groups")
# what picks a device's or VM's server too (site, tenant, tags, the zabbix_server custom field)
NETBOX_FIELDS = ["id", "name", "status", "site", "tenant", "tags", "custom_fields"]
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
    explicit: bool
    server: str


def where(server: str) -> str:
    """`` on <server>`` for a named server; nothing for the single-server environment."""
    return "" if server == DEFAULT_SERVER else f" on {server}"


class _Resolver:
    def __init__(
        self,
        targets: MaintenanceTargets,
        zabbix: Callable[[str], ZabbixClient],
        netbox: Callable[[], NetBoxClient],
        settings: Settings,
    ) -> None:
        self.targets = targets
        self.zabbix = zabbix
        self.settings = settings
        self._netbox_factory = netbox
        self._netbox: NetBoxClient | None = None
        self._regions: dict[str, str | None] | None = None
        self.unknown: list[str] = []

    @property
    def netbox(self) -> NetBoxClient:
        if self._netbox is None:
            self._netbox = self._netbox_factory()
        return self._netbox

    # -- NetBox targets -> devices and VMs, each on its server ---------------------------------

    def _object(self, kind: str, row: Mapping[str, Any], explicit: bool) -> _NetBoxObject:
        config = host_config_from(kind, dict(row))
        if any(rule.regions for rule in self.settings.server_rules):
            if self._regions is None:  # one listing of the sites, only when a rule needs it
                self._regions = {
                    site["slug"]: (site.get("region") or {}).get("slug")
                    for site in self.netbox.objects("dcim.sites")
                }
            config = replace(config, region=self._regions.get(config.site or ""))
        return _NetBoxObject(
            key=config.key,
            name=config.name,
            explicit=explicit,
            server=server_of(config, self.settings),
        )

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
                    obj = self._object(kind, row, explicit=True)
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
                    found.setdefault(f"device-{row['id']}", self._object("device", row, False))
                for row in self.netbox.virtual_machines({"site": slugs}, NETBOX_FIELDS):
                    found.setdefault(f"vm-{row['id']}", self._object("vm", row, False))
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
                found.setdefault(f"vm-{row['id']}", self._object("vm", row, False))
        return found

    def zabbix_hosts_of(
        self, server: str, objects: Mapping[str, _NetBoxObject]
    ) -> dict[str, dict[str, str]]:
        """Host config key -> its Zabbix host on ``server``, by technical name. NetBox's
        ``zabbix_hostid`` is not read: with several servers it may be another server's id, which
        can name an unrelated host here."""
        if not objects:
            return {}
        refs = zapi.host_refs(
            self.zabbix(server), names=[technical_name(o.name) for o in objects.values()]
        )
        by_name = {r["host"]: r for r in refs}
        hosts: dict[str, dict[str, str]] = {}
        for key, obj in objects.items():
            ref = by_name.get(technical_name(obj.name))
            if ref is not None:
                hosts[key] = ref
        return hosts

    # -- Zabbix targets: a name counts on every server that has it -----------------------------

    def zabbix_side(self) -> dict[str, tuple[list[str], list[dict[str, str]]]]:
        """Server -> (host group ids, hosts of the proxies and proxy groups) for every server
        that has one of the named ones; a name that no server has is unknown."""
        t = self.targets
        if not (t.host_groups or t.proxies or t.proxy_groups):
            return {}
        servers = self.settings.server_names
        clients = {server: self.zabbix(server) for server in servers}
        if t.proxy_groups and not any(c.zabbix_version.has_proxy_groups for c in clients.values()):
            versions = ", ".join(
                f"{'this' if s == DEFAULT_SERVER else s} is {c.version_str}"
                for s, c in clients.items()
            )
            raise MaintenanceError(
                f"proxy groups need Zabbix 7.0 or later ({versions}): "
                + ", ".join(_unknown("proxy_groups", t.proxy_groups))
            )
        seen: dict[str, set[str]] = {kind: set() for kind in ZABBIX_KINDS}
        found: dict[str, tuple[list[str], list[dict[str, str]]]] = {}
        for server, client in clients.items():
            ids = {
                "host_groups": self._ids(t.host_groups, client, zapi.host_groups, "groupid"),
                "proxies": self._ids(t.proxies, client, zapi.proxies, "proxyid"),
                "proxy_groups": self._ids(
                    t.proxy_groups if client.zabbix_version.has_proxy_groups else (),
                    client,
                    zapi.proxy_groups,
                    "proxy_groupid",
                ),
            }
            for kind, by_name in ids.items():
                seen[kind] |= set(by_name)
            proxy_hosts = (
                zapi.host_refs(
                    client,
                    proxyids=ids["proxies"].values(),
                    proxy_groupids=ids["proxy_groups"].values(),
                )
                if ids["proxies"] or ids["proxy_groups"]
                else []
            )
            if ids["host_groups"] or proxy_hosts:
                found[server] = (list(ids["host_groups"].values()), proxy_hosts)
        for kind in ZABBIX_KINDS:
            wanted = getattr(t, kind)
            self.unknown += _unknown(kind, [n for n in wanted if n not in seen[kind]])
        return found

    @staticmethod
    def _ids(
        wanted: Iterable[str],
        client: ZabbixClient,
        read: Callable[[ZabbixClient], list[Any]],
        id_key: str,
    ) -> dict[str, str]:
        """Name -> id of those of ``wanted`` that exist on ``client``'s server."""
        wanted = list(wanted)
        if not wanted:
            return {}
        ids = {row["name"]: row[id_key] for row in read(client)}
        return {n: ids[n] for n in wanted if n in ids}

    def objects_of_hosts(self, refs: Iterable[Mapping[str, str]]) -> list[str]:
        """NetBox devices and VMs behind Zabbix hosts: the visible name keeps the NetBox name,
        the technical name confirms the match (never the ``zabbix_hostid`` custom field, which
        may be another server's id)."""
        refs = list(refs)
        if not refs:
            return []
        by_host = {r["host"]: r["hostid"] for r in refs}
        names = sorted({r["name"] for r in refs})
        keys: list[str] = []
        for start in range(0, len(names), NAME_BATCH):
            batch = names[start : start + NAME_BATCH]
            for kind, rows in (
                ("device", self.netbox.devices({"name": batch}, NETBOX_FIELDS)),
                ("vm", self.netbox.virtual_machines({"name": batch}, NETBOX_FIELDS)),
            ):
                for row in rows:
                    if technical_name(str(row.get("name") or "")) in by_host:
                        keys.append(f"{kind}-{row['id']}")
        return keys


def resolve_targets(
    targets: MaintenanceTargets,
    zabbix: Callable[[str], ZabbixClient],
    netbox: Callable[[], NetBoxClient],
    settings: Settings,
    *,
    map_objects: bool = True,
) -> dict[str, Resolution]:
    """Resolve ``targets`` on each Zabbix server: server -> its host and group ids, only for
    the servers that have something to cover. Every unknown name is reported at once.

    Devices and VMs (host configs, and those of sites and clusters) are looked up on their own
    server (:func:`server_of`); host groups, proxies and proxy groups on every server that has
    them. ``zabbix`` gives a server's client (connected on first use): a server is logged into
    only when it is needed. NetBox is asked only when a NetBox-side target is given, or when
    ``map_objects`` asks for the devices and VMs behind the Zabbix-side targets (for journal
    entries).
    """
    if targets.is_empty():
        raise MaintenanceError("no targets: a maintenance window needs at least one target")
    resolver = _Resolver(targets, zabbix, netbox, settings)
    objects = resolver.netbox_objects()
    zabbix_side = resolver.zabbix_side()
    if resolver.unknown:
        raise MaintenanceError("unknown target(s): " + ", ".join(resolver.unknown))
    elsewhere = [
        f"{key} ({obj.name}) names zabbix_server {obj.server!r}"
        for key, obj in objects.items()
        if obj.server not in settings.server_names
    ]
    if elsewhere:
        raise MaintenanceError(
            f"host config(s) on no configured server ({', '.join(settings.server_names)}): "
            + ", ".join(elsewhere)
        )
    hosts_of: dict[str, dict[str, dict[str, str]]] = {}
    for server in settings.server_names:
        mine = {k: o for k, o in objects.items() if o.server == server}
        if mine:
            hosts_of[server] = resolver.zabbix_hosts_of(server, mine)

    def monitored(key: str, obj: _NetBoxObject) -> bool:
        return key in hosts_of.get(obj.server, {})

    unmonitored_explicit = [
        f"{key} ({obj.name}){where(obj.server)}"
        for key, obj in objects.items()
        if obj.explicit and not monitored(key, obj)
    ]
    if unmonitored_explicit:
        raise MaintenanceError(
            "host config(s) without a Zabbix host: " + ", ".join(unmonitored_explicit)
        )

    resolutions: dict[str, Resolution] = {}
    for server in settings.server_names:
        groupids, proxy_refs = zabbix_side.get(server, ([], []))
        hosts = hosts_of.get(server, {})
        refs = {r["hostid"]: r for r in [*hosts.values(), *proxy_refs]}
        if not refs and not groupids:
            continue
        keys = set(hosts)
        if map_objects:
            mapped = list(proxy_refs)
            if groupids:
                mapped += zapi.host_refs(zabbix(server), groupids=groupids)
            keys |= set(resolver.objects_of_hosts(mapped))
        resolutions[server] = Resolution(
            hostids=sorted(refs, key=int),
            groupids=sorted(set(groupids), key=int),
            hosts=sorted(r["host"] for r in refs.values()),
            objects=sorted(keys, key=_key_order),
            unmonitored=sorted(
                f"{key} ({obj.name})"
                for key, obj in objects.items()
                if obj.server == server and key not in hosts
            ),
        )
    if not resolutions:
        unmonitored = sorted(f"{key} ({obj.name})" for key, obj in objects.items())
        raise MaintenanceError(
            "the targets select no Zabbix host and no host group"
            + (f" (without a Zabbix host: {', '.join(unmonitored)})" if unmonitored else "")
        )
    return resolutions


def merged(resolutions: Mapping[str, Resolution]) -> dict[str, Any]:
    """The resolution of a window across its servers, for the registry and for output: the
    hosts, NetBox objects and unmonitored ones of every server, each server's detail under
    ``servers``; a window of one server also keeps its ``hostids`` and ``groupids`` at the
    top, as single-server readers know them."""
    result: dict[str, Any] = {
        "hosts": sorted({h for r in resolutions.values() for h in r.hosts}),
        "objects": sorted({o for r in resolutions.values() for o in r.objects}, key=_key_order),
        "unmonitored": sorted({u for r in resolutions.values() for u in r.unmonitored}),
        "servers": {server: r.as_dict() for server, r in resolutions.items()},
    }
    if len(resolutions) == 1:
        [only] = resolutions.values()
        result.update(hostids=only.hostids, groupids=only.groupids)
    return result


def _key_order(key: str) -> tuple[str, int]:
    kind, object_id = parse_host_config_key(key)
    return kind, object_id
