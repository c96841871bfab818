"""Resources for running a job in a unit test: a real state store, servers nothing answers at."""

from typing import Any

from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.store import StateStore


def offline_resources(store: StateStore) -> dict[str, Any]:
    """A job's resources over ``store``, with a NetBox and a Zabbix nothing answers at."""
    state = StateStoreResource(database_url=store.url)
    return {
        "zabbix": ZabbixResource(url="http://127.0.0.1:9", user="u", password="p"),
        "netbox": NetBoxResource(url="http://127.0.0.1:9", token="t"),
        "state_store": state,
        "settings": SettingsResource(store=state),
    }
