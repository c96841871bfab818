"""The state store and the config resource as Dagster resources.

Both read their connection from the environment at run time (``NBZBX_DATABASE_URL``,
``NBZBX_CONFIG``), so loading the definitions needs no service and shows no secret.
"""

import dagster as dg
from pydantic import PrivateAttr

from nbzbx_dagster.settings import Settings, load_settings, state_store_url
from nbzbx_dagster.store import StateStore


class StateStoreResource(dg.ConfigurableResource):
    """The project's state store (SQLAlchemy); migrations are applied when a run first opens it."""

    database_url: str | None = None

    _store: StateStore | None = PrivateAttr(default=None)

    def open(self) -> StateStore:
        if self._store is None:
            url = self.database_url or state_store_url()
            store = StateStore(url)
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
