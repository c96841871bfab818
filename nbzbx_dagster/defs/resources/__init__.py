"""Dagster resources: Zabbix, NetBox, the state store and the config resource."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import dagster as dg

from nbzbx_dagster.common.connections import NetBoxConnection, ZabbixConnection
from nbzbx_dagster.defs.resources.cache_io_manager import ZabbixCacheIOManager
from nbzbx_dagster.defs.resources.netbox import NetBoxResource
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.resources.zabbix import ZabbixResource
from nbzbx_dagster.store.url import DATABASE_ENV

__all__ = [
    "NetBoxResource",
    "SettingsResource",
    "StateStoreResource",
    "ZabbixResource",
    "build_resources",
]


def env_fields(
    names: Mapping[str, str], required: Iterable[str], env: Mapping[str, str] = os.environ
) -> dict[str, dg.EnvVar]:
    """``dg.EnvVar`` per field: the required ones always (a run then fails naming an unset one),
    the optional ones where their variable is set, so an unset one keeps its default."""
    required = set(required)
    return {
        field: dg.EnvVar(var)
        for field, var in names.items()
        if field in required or env.get(var, "").strip()
    }


def build_resources() -> dict[str, object]:
    """Every connection field comes from its ``NBZBX_*`` variable, read when a run starts."""
    state_store = StateStoreResource(**env_fields({"database_url": DATABASE_ENV}, ()))
    return {
        # the single-server environment is optional: with zabbix_servers it may be unset
        "zabbix": ZabbixResource(**env_fields(ZabbixConnection.ENV, ())),
        "netbox": NetBoxResource(**env_fields(NetBoxConnection.ENV, ("url", "token"))),
        "state_store": state_store,
        "settings": SettingsResource(store=state_store),
        "zabbix_cache_io_manager": ZabbixCacheIOManager(state_store=state_store),
    }
