"""The Zabbix API functions of the project, in one namespace: ``from nbzbx_dagster.zabbix import
api as zapi``.

They take a connected :class:`ZabbixClient` and return normalised plain dicts with string ids,
the same on Zabbix 6.0 LTS to 7.4. Nothing outside ``nbzbx_dagster.zabbix`` branches on versions.
"""

from nbzbx_dagster.zabbix.capabilities import ZabbixVersion
from nbzbx_dagster.zabbix.catalog import (
    Group,
    Proxy,
    ProxyGroup,
    Template,
    host_groups,
    proxies,
    proxy_groups,
    template_dependencies,
    template_groups,
    template_interface_types,
    template_shared_item_keys,
    templates,
)
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.hosts_api import (
    Host,
    Interface,
    host_refs,
    hosts,
)
from nbzbx_dagster.zabbix.maintenance_api import (
    Maintenance,
    MaintenanceDeletion,
    create_maintenance,
    delete_maintenances,
    maintenances,
    set_maintenance_hosts,
)


def capabilities(client: ZabbixClient) -> ZabbixVersion:
    """What the connected Zabbix can do (template groups, proxy groups, field names)."""
    return client.zabbix_version


__all__ = [
    "Group",
    "Host",
    "Interface",
    "Maintenance",
    "MaintenanceDeletion",
    "Proxy",
    "ProxyGroup",
    "Template",
    "capabilities",
    "create_maintenance",
    "delete_maintenances",
    "host_groups",
    "host_refs",
    "hosts",
    "maintenances",
    "proxies",
    "proxy_groups",
    "set_maintenance_hosts",
    "template_dependencies",
    "template_groups",
    "template_interface_types",
    "template_shared_item_keys",
    "templates",
]
