"""The version-aware Zabbix layer: the only place that knows how Zabbix versions differ.

Connect with :meth:`ZabbixClient.connect`; the API functions are in :mod:`nbzbx_dagster.zabbix.api`.
"""

from nbzbx_dagster.zabbix.capabilities import ZabbixVersion
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError

__all__ = ["ZabbixClient", "ZabbixError", "ZabbixVersion"]
