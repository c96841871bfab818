"""The Zabbix connection as a Dagster resource, connected (one login) on first use.

``build_resources`` binds the fields to their ``NBZBX_ZABBIX_*`` variables with ``dg.EnvVar``,
so the UI shows the variable's name, never a token or password. The fields hold raw text and are
validated by ``ZabbixConnection`` when a run first asks for the client, inside the run. Building
the resource touches no network, so the definitions load with Zabbix down.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field, PrivateAttr

from nbzbx_dagster.connections import ZabbixConnection
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError


class ZabbixResource(dg.ConfigurableResource):
    """Zabbix API access: one connected client (one login) per resource instance."""

    url: str = Field(description="Zabbix frontend URL, or the full .../api_jsonrpc.php URL.")
    token: str = Field(default="", repr=False, description="API token (preferred).")
    user: str = Field(default="", description="User name, when no token is given.")
    password: str = Field(default="", repr=False, description="Password of `user`.")
    timeout_seconds: str = Field(default="30", description="HTTP timeout per request, seconds.")
    verify_tls: str = Field(default="true", description="Verify TLS certificates: true or false.")
    ca_bundle: str = Field(default="", description="CA bundle file for TLS checks.")

    _client: ZabbixClient | None = PrivateAttr(default=None)

    def connection(self) -> ZabbixConnection:
        return ZabbixConnection.from_values(self.model_dump())

    def client(self) -> ZabbixClient:
        """The connected client, created on the first call and reused afterwards."""
        if self._client is None:
            self._client = self.connection().open()
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Log a password session out at the end of the run's step."""
        if self._client is not None:
            client, self._client = self._client, None
            try:
                client.close()
            except ZabbixError as error:  # a failed logout must not fail a finished run
                context.log.warning(f"Zabbix logout failed: {error}")
