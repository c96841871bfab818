"""Dagster resources: Zabbix, NetBox, the state store and the config resource."""

from __future__ import annotations

from nbzbx_dagster.resources.cache_io_manager import ZabbixCacheIOManager
from nbzbx_dagster.resources.netbox import NetBoxResource
from nbzbx_dagster.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.resources.zabbix import ZabbixResource


def build_resources() -> dict[str, object]:
    """Resources read their connections from the environment at run time, never at load."""
    state_store = StateStoreResource()
    return {
        "zabbix": ZabbixResource(),
        "netbox": NetBoxResource(),
        "state_store": state_store,
        "settings": SettingsResource(store=state_store),
        "zabbix_cache_io_manager": ZabbixCacheIOManager(state_store=state_store),
    }
