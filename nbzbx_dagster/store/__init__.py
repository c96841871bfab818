"""The state store: Zabbix settings cache, host config status, maintenance registry, settings
overrides and event log (SQLAlchemy Core tables, Alembic migrations)."""

from nbzbx_dagster.store.state import StateStore, StoreError, upgrade, upsert
from nbzbx_dagster.store.tables import metadata, utc_now

__all__ = ["StateStore", "StoreError", "metadata", "upgrade", "upsert", "utc_now"]
