"""The NetBox connection as a Dagster resource: configured in the UI, connected on first use.

Left unconfigured (as in the project's definitions), it reads the ``NBZBX_NETBOX_*`` environment
when a run first uses it; configured by hand, give ``token`` as
``dagster.EnvVar("NBZBX_NETBOX_TOKEN")`` so the UI shows the variable name, not the value.
Building the resource touches no network, so definitions load with NetBox down.
"""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field, PrivateAttr

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.settings import Connections


class NetBoxResource(ConfigurableResource):
    """NetBox REST access: one checked client per resource instance."""

    url: str | None = Field(
        default=None,
        description="NetBox base URL, e.g. https://netbox.example.org "
        "(default: the NBZBX_NETBOX_* environment).",
    )
    token: str | None = Field(
        default=None, repr=False, description="API token (v2 nbt_<key>.<secret>, or v1)."
    )
    timeout_seconds: float = Field(default=30.0, gt=0, description="HTTP timeout per request.")
    verify_tls: bool = Field(default=True, description="Verify the server's TLS certificate.")
    ca_bundle: str | None = Field(default=None, description="CA bundle file for TLS checks.")

    _client: NetBoxClient | None = PrivateAttr(default=None)

    def client(self) -> NetBoxClient:
        """The connected client, created on the first call and reused afterwards."""
        if self._client is None and self.url is None:
            conns = Connections.from_env()
            self._client = NetBoxClient.connect(
                conns.netbox_url,
                conns.netbox_token.get_secret_value(),
                timeout=conns.timeout_seconds,
                verify=conns.verify_tls,
                ca_bundle=str(conns.ca_bundle) if conns.ca_bundle else None,
            )
        elif self._client is None:
            self._client = NetBoxClient.connect(
                self.url,
                self.token or "",
                timeout=self.timeout_seconds,
                verify=self.verify_tls,
                ca_bundle=self.ca_bundle or None,
            )
        return self._client
