"""The Zabbix servers as a Dagster resource: one client (one login) per server, on first use.

The fields are the single-server environment's server ``default``: ``build_resources`` binds
them to their ``NBZBX_ZABBIX_*`` variables with ``dg.EnvVar``, so the UI shows the variable's
name, never a token or password. The named servers of the ``zabbix_servers`` setting are read
afresh by every run, so their credentials come from their own variables
(``NBZBX_ZABBIX_<NAME>_TOKEN``, ...) when the run first asks for them. Either way the values are
validated by ``ZabbixConnection`` inside the run, and building the resource touches no network.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import dagster as dg
from pydantic import Field, PrivateAttr

from nbzbx_dagster.common.connections import ZabbixConnection
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.settings.servers import DEFAULT_SERVER
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError


class ZabbixResource(dg.ConfigurableResource):
    """Zabbix API access: one connected client (one login) per resource instance."""

    url: str = Field(
        default="", description="Zabbix frontend URL, or the full .../api_jsonrpc.php URL."
    )
    token: str = Field(default="", repr=False, description="API token (preferred).")
    user: str = Field(default="", description="User name, when no token is given.")
    password: str = Field(default="", repr=False, description="Password of `user`.")
    timeout_seconds: str = Field(default="30", description="HTTP timeout per request, seconds.")
    verify_tls: str = Field(default="true", description="Verify TLS certificates: true or false.")
    ca_bundle: str = Field(default="", description="CA bundle file for TLS checks.")

    _clients: dict[str, ZabbixClient] = PrivateAttr(default_factory=dict)

    def connection(
        self, server: str = DEFAULT_SERVER, settings: Settings | None = None
    ) -> ZabbixConnection:
        """The validated connection of ``server``: a named server of ``settings``, else the
        fields' (the single-server environment)."""
        named = settings.server(server) if settings is not None else None
        if named is not None:
            return ZabbixConnection.for_server(named)
        return ZabbixConnection.from_values(self.model_dump())

    def client(
        self, server: str = DEFAULT_SERVER, settings: Settings | None = None
    ) -> ZabbixClient:
        """The connected client of ``server``, created on the first call and reused; a version
        newer than the newest tested is said once, in the run's log."""
        if server not in self._clients:
            client = self._clients[server] = self.connection(server, settings).open()
            if client.zabbix_version.untested:
                dg.get_dagster_logger().warning(
                    f"{server}: {client.zabbix_version.untested} (at {client.url})"
                )
        return self._clients[server]

    def factory(self, server: str, settings: Settings) -> Callable[[], ZabbixClient]:
        """A client factory for ``server``, as the core's entry points take them."""
        return lambda: self.client(server, settings)

    def api_calls(self) -> dict[str, int]:
        """Requests per method, over every server connected so far."""
        total: Counter[str] = Counter()
        for client in self._clients.values():
            total.update(client.calls)
        return dict(total)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Log password sessions out at the end of the run's step."""
        clients, self._clients = self._clients, {}
        for name, client in clients.items():
            try:
                client.close()
            except ZabbixError as error:  # a failed logout must not fail a finished run
                context.log.warning(f"Zabbix logout failed ({name}): {error}")
