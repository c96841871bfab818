"""The Zabbix connection as a Dagster resource: configured in the UI, connected on first use.

Left unconfigured (as in the project's definitions), it reads the ``NBZBX_ZABBIX_*`` environment
when a run first uses it; configured by hand, give ``token`` or ``password`` as
``dagster.EnvVar(...)`` so the UI shows the variable name, not the value. Building the resource
touches no network, so definitions load with Zabbix down.
"""

from __future__ import annotations

from dagster import ConfigurableResource, InitResourceContext
from pydantic import Field, PrivateAttr

from nbzbx_dagster.settings import Connections
from nbzbx_dagster.zabbix.client import ZabbixClient
from nbzbx_dagster.zabbix.errors import ZabbixError


class ZabbixResource(ConfigurableResource):
    """Zabbix API access: one connected client (one login) per resource instance."""

    url: str | None = Field(
        default=None,
        description="Zabbix frontend URL, or the full .../api_jsonrpc.php URL "
        "(default: the NBZBX_ZABBIX_* environment).",
    )
    token: str | None = Field(
        default=None, repr=False, description="API token (preferred over a password)."
    )
    user: str | None = Field(default=None, description="User name, when no token is given.")
    password: str | None = Field(default=None, repr=False, description="Password of `user`.")
    timeout_seconds: float = Field(default=30.0, gt=0, description="HTTP timeout per request.")
    verify_tls: bool = Field(default=True, description="Verify the server's TLS certificate.")
    ca_bundle: str | None = Field(default=None, description="CA bundle file for TLS checks.")

    _client: ZabbixClient | None = PrivateAttr(default=None)

    def client(self) -> ZabbixClient:
        """The connected client, created on the first call and reused afterwards."""
        if self._client is None and self.url is None:
            conns = Connections.from_env()
            self._client = ZabbixClient.connect(
                conns.zabbix_url,
                token=conns.zabbix_token.get_secret_value() if conns.zabbix_token else None,
                user=conns.zabbix_user,
                password=conns.zabbix_password.get_secret_value()
                if conns.zabbix_password
                else None,
                timeout=conns.timeout_seconds,
                verify=conns.verify_tls,
                ca_bundle=str(conns.ca_bundle) if conns.ca_bundle else None,
            )
        elif self._client is None:
            self._client = ZabbixClient.connect(
                self.url,
                token=self.token or None,
                user=self.user or None,
                password=self.password or None,
                timeout=self.timeout_seconds,
                verify=self.verify_tls,
                ca_bundle=self.ca_bundle or None,
            )
        return self._client

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        """Log a password session out at the end of the run's step."""
        if self._client is not None:
            client, self._client = self._client, None
            try:
                client.close()
            except ZabbixError as error:  # a failed logout must not fail a finished run
                context.log.warning(f"Zabbix logout failed: {error}")
