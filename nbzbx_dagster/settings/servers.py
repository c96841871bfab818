"""The Zabbix servers of the settings, and the rules that pick each host config's server.

A server's URL, TLS and timeout are settings; its credentials never are: they come from the
environment variables named after it (``NBZBX_ZABBIX_<NAME>_TOKEN``, or ``..._USER`` and
``..._PASSWORD``). With no servers configured, the single-server environment
(``NBZBX_ZABBIX_URL``, ...) is one server named ``default``.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_SERVER = "default"
SERVER_NAME = r"^[a-z][a-z0-9_-]{0,31}$"


def http_url(value: str) -> str:
    """An http(s) URL without its trailing slash; ValueError (for pydantic) otherwise."""
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError("an http:// or https:// URL")
    return value.rstrip("/")


def server_env_prefix(name: str) -> str:
    """``NBZBX_ZABBIX_<NAME>_`` with the name upper-cased and ``-`` as ``_``."""
    return f"NBZBX_ZABBIX_{name.upper().replace('-', '_')}_"


class ZabbixServer(BaseModel):
    """One named Zabbix server."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: str = Field(pattern=SERVER_NAME)
    """Lower-case letters, digits, _ and -; names its credentials' variables."""
    url: str
    """Zabbix frontend URL, or the full .../api_jsonrpc.php URL."""
    verify_tls: bool = True
    ca_bundle: str | None = None
    """CA bundle file for verifying the server's TLS certificate."""
    timeout_seconds: float = Field(30.0, gt=0, le=600)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)


class ServerRule(BaseModel):
    """Host configs matching every given criterion (lists of NetBox slugs; tags: any one) are
    monitored by ``server``. The first matching rule wins."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    server: str
    sites: list[str] | None = Field(default=None, min_length=1)
    regions: list[str] | None = Field(default=None, min_length=1)
    tenants: list[str] | None = Field(default=None, min_length=1)
    tags: list[str] | None = Field(default=None, min_length=1)

    def matches(
        self,
        site: str | None,
        region: str | None,
        tenant: str | None,
        tags: tuple[str, ...] | list[str] = (),
    ) -> bool:
        return (
            (self.sites is None or site in self.sites)
            and (self.regions is None or region in self.regions)
            and (self.tenants is None or tenant in self.tenants)
            and (self.tags is None or any(t in self.tags for t in tags))
        )
