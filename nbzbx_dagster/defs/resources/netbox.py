"""The NetBox connection as a Dagster resource, connected on first use.

``build_resources`` binds every field to its ``NBZBX_NETBOX_*`` variable with ``dg.EnvVar``, so
the UI shows the variable's name, never its value. The fields hold the variables' raw text and
are validated by ``NetBoxConnection`` when a run first asks for the client, inside the run: a
bad value fails the run with one line naming the variable. Building the resource touches no
network, so the definitions load with NetBox down.
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field, PrivateAttr

from nbzbx_dagster.common.connections import NetBoxConnection
from nbzbx_dagster.netbox.client import NetBoxClient


class NetBoxResource(dg.ConfigurableResource):
    """NetBox REST access: one checked client per resource instance."""

    url: str = Field(description="NetBox base URL, e.g. https://netbox.example.org.")
    token: str = Field(repr=False, description="API token (v2 nbt_<key>.<secret>, or v1).")
    timeout_seconds: str = Field(default="30", description="HTTP timeout per request, seconds.")
    verify_tls: str = Field(default="true", description="Verify TLS certificates: true or false.")
    ca_bundle: str = Field(default="", description="CA bundle file for TLS checks.")

    _client: NetBoxClient | None = PrivateAttr(default=None)

    def connection(self) -> NetBoxConnection:
        return NetBoxConnection.from_values(self.model_dump())

    def client(self) -> NetBoxClient:
        """The connected client, created on the first call and reused afterwards."""
        if self._client is None:
            self._client = self.connection().open()
        return self._client
