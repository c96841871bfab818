"""The state store and the config resource as Dagster resources.

The store's URL is bound to ``NBZBX_DATABASE_URL`` by ``build_resources`` (the UI shows the
variable, not the password in it); unset, the store is the default SQLite file. Loading the
definitions needs no service.
"""

import dagster as dg
from pydantic import Field, PrivateAttr

from nbzbx_dagster.settings import Settings, load_settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.url import default_database_url


class StateStoreResource(dg.ConfigurableResource):
    """The project's state store (SQLAlchemy); migrations are applied when a run first opens it."""

    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty: a SQLite file under NBZBX_HOME."
    )

    _store: StateStore | None = PrivateAttr(default=None)

    def open(self) -> StateStore:
        if self._store is None:
            store = StateStore(self.database_url.strip() or default_database_url())
            store.upgrade()
            self._store = store
        return self._store

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._store is not None:
            self._store.dispose()


class SettingsResource(dg.ConfigurableResource):
    """The config resource: the effective settings, read afresh on every call.

    Layers: built-in defaults, the YAML file (``NBZBX_CONFIG``), the environment, and the
    overrides stored in the state store (``nbzbx settings set``, the ``update_settings`` job).
    """

    store: StateStoreResource

    def effective(self) -> Settings:
        return load_settings(overrides=self.store.open().get_overrides())
