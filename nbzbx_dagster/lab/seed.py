"""``nbzbx lab seed``: fresh lab databases, then the demo data set in NetBox and each lab Zabbix.

NetBox objects are made through the REST API (as a user would); Zabbix objects through the
project's version-aware Zabbix layer, so the same seed works on 6.0 and 7.0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nbzbx_dagster.lab import demo_data as demo
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import HostConfig, read_host_configs
from nbzbx_dagster.settings import Settings, load_settings
from nbzbx_dagster.sync.desired import ZabbixIndex, desired_host
from nbzbx_dagster.sync.names import marker_tag
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.client import ZabbixClient


def seed_lab(zabbix_versions: Iterable[str], reset: bool = True) -> dict[str, dict[str, int]]:
    """Reset the lab databases (unless ``reset`` is false) and load the demo data.

    A contract endpoint (7.2, 7.4, 8.0) has no database of its own: asking for it seeds 7.0.
    """
    if reset and services.run_script("reset") != 0:
        raise RuntimeError("resetting the lab databases failed (see the lines above)")
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token())
    result = {"netbox": seed_netbox(netbox)}
    settings = load_settings(env={"NBZBX_CONFIG": str(services.LAB_SETTINGS)})
    configs = read_host_configs(netbox, settings.device_filters, settings.vm_filters, True)
    for version in dict.fromkeys(services.zabbix_server(v) for v in zabbix_versions):
        client = ZabbixClient.connect(
            services.zabbix_url(version),
            user=services.ZABBIX_USER,
            password=services.ZABBIX_PASSWORD,
        )
        try:
            result[f"zabbix-{version}"] = seed_zabbix(client)
            result[f"zabbix-{version}"]["hosts"] = seed_hosts(client, configs, settings, version)
        finally:
            client.close()
    return result


# ------------------------------------------------------------------------------ NetBox
def _get_or_create(endpoint: Any, lookup: dict[str, Any], **fields: Any) -> Any:
    found = endpoint.get(**lookup)
    return found if found is not None else endpoint.create({**lookup, **fields})


def seed_netbox(client: NetBoxClient) -> dict[str, int]:
    nb = client.api
    sites = {s: _get_or_create(nb.dcim.sites, {"slug": s}, name=n) for n, s in demo.SITES}
    roles = {
        s: _get_or_create(nb.dcim.device_roles, {"slug": s}, name=n, vm_role=True)
        for n, s in demo.ROLES
    }
    platforms = {
        s: _get_or_create(nb.dcim.platforms, {"slug": s}, name=n) for n, s in demo.PLATFORMS
    }
    for name, slug in demo.TAGS:
        _get_or_create(nb.extras.tags, {"slug": slug}, name=name)
    maker = _get_or_create(
        nb.dcim.manufacturers, {"slug": demo.MANUFACTURER[1]}, name=demo.MANUFACTURER[0]
    )
    types = {
        s: _get_or_create(nb.dcim.device_types, {"slug": s}, model=n, manufacturer=maker.id)
        for n, s in demo.DEVICE_TYPES
    }
    ctype = _get_or_create(
        nb.virtualization.cluster_types, {"slug": demo.CLUSTER_TYPE[1]}, name=demo.CLUSTER_TYPE[0]
    )
    cluster = _get_or_create(
        nb.virtualization.clusters,
        {"name": demo.CLUSTER},
        type=ctype.id,
        scope_type="dcim.site",
        scope_id=sites["lab-a"].id,
    )

    for name, site, role, platform, status, ip, tags in demo.DEVICES:
        device = _get_or_create(
            nb.dcim.devices,
            {"name": name, "site_id": sites[site].id},
            site=sites[site].id,
            role=roles[role].id,
            device_type=types[demo.TYPE_OF_ROLE[role]].id,
            platform=platforms[platform].id,
            status=status,
            tags=[{"slug": t} for t in tags],
        )
        iface = _get_or_create(
            nb.dcim.interfaces,
            {"device_id": device.id, "name": "mgmt0"},
            device=device.id,
            type="virtual",
        )
        _assign_primary(nb, device, ip, "dcim.interface", iface.id)

    for name, role, platform, status, ip, tags in demo.VIRTUAL_MACHINES:
        vm = _get_or_create(
            nb.virtualization.virtual_machines,
            {"name": name},
            cluster=cluster.id,
            role=roles[role].id,
            platform=platforms[platform].id,
            status=status,
            tags=[{"slug": t} for t in tags],
        )
        iface = _get_or_create(
            nb.virtualization.interfaces,
            {"virtual_machine_id": vm.id, "name": "eth0"},
            virtual_machine=vm.id,
        )
        _assign_primary(nb, vm, ip, "virtualization.vminterface", iface.id)

    return {
        "sites": len(demo.SITES),
        "devices": len(demo.DEVICES),
        "virtual_machines": len(demo.VIRTUAL_MACHINES),
    }


def _assign_primary(nb: Any, obj: Any, cidr: str | None, iface_type: str, iface_id: int) -> None:
    if cidr is None:
        return
    ip = _get_or_create(
        nb.ipam.ip_addresses,
        {"address": cidr},
        assigned_object_type=iface_type,
        assigned_object_id=iface_id,
    )
    obj.primary_ip4 = ip.id
    obj.save()


def reset_zabbix_hosts(version: str) -> int:
    """Give the lab Zabbix of ``version`` (7.0 for a contract endpoint) the demo's hosts again,
    and only them, leaving NetBox and the rest of Zabbix as they are: seconds, where a new seed
    takes a minute. For tests that change hosts."""
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token())
    settings = load_settings(env={"NBZBX_CONFIG": str(services.LAB_SETTINGS)})
    configs = read_host_configs(netbox, settings.device_filters, settings.vm_filters, True)
    real = services.zabbix_server(version)
    client = ZabbixClient.connect(
        services.zabbix_url(real), user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD
    )
    try:
        hosts = client.call("host.get", {"output": ["hostid"]})
        lab_zabbix.delete_hosts(client, [h["hostid"] for h in hosts])
        return seed_hosts(client, configs, settings, real)
    finally:
        client.close()


# ------------------------------------------------------------------------------ Zabbix
def seed_zabbix(client: ZabbixClient) -> dict[str, int]:
    caps = zapi.capabilities(client)
    groups = {name: lab_zabbix.create_host_group(client, name) for name in demo.HOST_GROUPS}
    templates: dict[str, str] = {}
    for host, visible, parents, item_types in demo.TEMPLATES:
        templateid = lab_zabbix.create_template(
            client,
            host,
            groups=[demo.TEMPLATE_GROUP],
            name=visible,
            templates=[templates[p] for p in parents],
        )
        templates[host] = templateid
        for n, item_type in enumerate(item_types):
            lab_zabbix.create_template_item(client, templateid, item_type, f"nbzbx.item.{n}")
    proxy_groups = {}
    if caps.has_proxy_groups:
        proxy_groups = {
            name: lab_zabbix.create_proxy_group(client, name) for name in demo.PROXY_GROUPS
        }
    for name, mode, address, port, group in demo.PROXIES:
        lab_zabbix.create_proxy(
            client,
            name,
            mode,
            address=address,
            port=port,
            proxy_groupid=proxy_groups.get(group) if group else None,
        )
    for m in demo.maintenances():
        zapi.create_maintenance(
            client,
            name=str(m["name"]),
            since=m["since"],
            till=m["till"],
            groupids=[groups["Lab A"]],
            hostids=[],
            with_data_collection=True,
        )
    return {
        "host_groups": len(groups),
        "templates": len(templates),
        "proxies": len(demo.PROXIES),
        "proxy_groups": len(proxy_groups),
        "maintenances": len(demo.maintenances()),
    }


def zabbix_index(client: ZabbixClient) -> ZabbixIndex:
    """Names to ids read from Zabbix itself (the lab has no cache yet when it is seeded)."""
    templates = zapi.templates(client)
    types = zapi.template_interface_types(client, templates)
    for template in templates:
        template["interface_type"] = types.get(template["templateid"], ("any", []))[0]
    return ZabbixIndex.from_rows(
        templates, zapi.host_groups(client), zapi.proxies(client), zapi.proxy_groups(client)
    )


def lab_version(config: HostConfig) -> str:
    """The Zabbix version whose server monitors ``config`` when the lab runs both servers."""
    rules = services.LAB_SERVER_RULES
    server = next((r["server"] for r in rules if config.site in r["sites"]), None)
    return services.LAB_SERVERS[server or services.LAB_DEFAULT_SERVER]


def seed_hosts(
    client: ZabbixClient, configs: list[HostConfig], settings: Settings, version: str
) -> int:
    """Hosts as the settings want them, except the drift and the missing ones of the demo. Each
    Zabbix has every host (so that it can serve alone), but the project's marker only on the
    hosts its server monitors with both servers: the others are not the project's there."""
    index = zabbix_index(client)
    specs = []
    for config in configs:
        if config.name in demo.MISSING:
            continue
        spec = desired_host(config, settings, index)
        drift = demo.DRIFT.get(config.name, {})
        if "templates" in drift:
            spec["templates"] = [index.templates[n] for n in drift["templates"]]
        if "drop_groups" in drift:
            dropped = {index.host_groups[n] for n in drift["drop_groups"]}
            spec["groups"] = [g for g in spec["groups"] if g not in dropped]
        if "proxy" in drift:
            spec.update(monitored_by="proxy", proxyid=index.proxies[drift["proxy"]])
        if "ip" in drift:
            spec["interfaces"] = [{**spec["interfaces"][0], "ip": drift["ip"]}]
        spec["tags"] = spec["tags"] + drift.get("extra_tags", [])
        if config.name not in demo.UNMARKED and lab_version(config) == version:
            spec["tags"].append({"tag": marker_tag(settings.tag_prefix), "value": config.key})
        specs.append(spec)
    specs.append(
        {
            "host": demo.UNMANAGED_HOST,
            "groups": [index.host_groups["Lab A"]],
            "status": "enabled",
            "monitored_by": "server",
        }
    )
    return len(lab_zabbix.create_hosts(client, specs))
