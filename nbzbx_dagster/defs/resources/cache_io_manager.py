"""An IO manager whose storage is the state store's cache of Zabbix settings.

The import writes the cache inside its run transaction, so storing an output is a no-op, and
loading one reads the cache table: downstream steps, in any process or pod, see exactly what was
committed, and no run depends on local files.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd

from nbzbx_dagster.defs.resources.store import StateStoreResource
from nbzbx_dagster.settings.servers import DEFAULT_SERVER
from nbzbx_dagster.store.cache import KIND_OF_ASSET, cache_frame


class ZabbixCacheIOManager(dg.ConfigurableIOManager):
    state_store: StateStoreResource

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        context.log.debug(f"{context.asset_key.to_user_string()}: {len(obj)} rows in the cache")

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        kind = KIND_OF_ASSET[context.asset_key.path[-1]]
        server = context.asset_partition_key if context.has_asset_partitions else DEFAULT_SERVER
        with self.state_store.open().transaction() as conn:
            return cache_frame(conn, kind, server)
