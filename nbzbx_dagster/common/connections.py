"""Where NetBox, Zabbix and the state store are, how to log in, and the one factory of clients.

Connections come from ``NBZBX_*`` environment variables only (through the Dagster resources'
``EnvVar`` fields, or read directly by ``nbzbx doctor`` and the CLI), never from the settings
file or the state store, so secrets stay in the deployment's secret store. Every caller turns
raw values into a validated connection here and calls ``open()``: a bad value is one line that
names its variable and hides secrets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.settings.layers import FALSE_WORDS, TRUE_WORDS
from nbzbx_dagster.settings.messages import reason, short
from nbzbx_dagster.settings.model import SettingsError
from nbzbx_dagster.settings.servers import ZabbixServer, http_url, server_env_prefix
from nbzbx_dagster.zabbix.client import ZabbixClient

TRANSPORT_ENV: dict[str, str] = {
    "timeout_seconds": "NBZBX_TIMEOUT",
    "verify_tls": "NBZBX_VERIFY_TLS",
    "ca_bundle": "NBZBX_CA_BUNDLE",
}


class _Connection(BaseModel):
    """What every HTTP connection has: a URL, a timeout and TLS verification."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    ENV: ClassVar[dict[str, str]]
    """Field name to the environment variable it comes from (named in error messages)."""
    SECRETS: ClassVar[frozenset[str]]

    url: str
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    """HTTP timeout for every request."""
    verify_tls: bool = True
    ca_bundle: Path | None = None
    """CA bundle for verifying the server's TLS certificate."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("ca_bundle")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError("an existing CA bundle file")
        return value

    @model_validator(mode="after")
    def _tls_consistent(self, info: ValidationInfo) -> _Connection:
        if self.ca_bundle is not None and not self.verify_tls:
            env = _names(self, info)
            raise ValueError(f"{env['ca_bundle']} is set but {env['verify_tls']} is false")
        return self

    @property
    def tls_verify(self) -> bool | str:
        """The ``verify`` argument for requests: the CA bundle path, or True/False."""
        return str(self.ca_bundle) if self.ca_bundle is not None else self.verify_tls

    @classmethod
    def from_values(
        cls, raw: Mapping[str, str | None], names: Mapping[str, str] | None = None
    ) -> Self:
        """Validate raw text values (environment or resource fields) by field name; empty ones
        take their defaults. Raises SettingsError naming the variable (``names``: field to the
        variable or setting it came from), never showing a secret."""
        names = {**cls.ENV, **(names or {})}
        values: dict[str, Any] = {}
        for name, text in raw.items():
            if text is None or not str(text).strip():
                continue
            values[name] = text if name in cls.SECRETS else str(text).strip()
        missing = [names[n] for n in cls.required() if n not in values]
        if missing:
            raise SettingsError(f"not set: {', '.join(missing)}")
        if "verify_tls" in values:
            flag = values["verify_tls"].lower()
            if flag not in TRUE_WORDS | FALSE_WORDS:
                raise SettingsError(
                    f"{names['verify_tls']}: {short(values['verify_tls'])} is not allowed"
                    " (allowed: true or false)"
                )
            values["verify_tls"] = flag in TRUE_WORDS
        try:
            return cls.model_validate(values, context={"names": names})
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else ""
            why = reason(err)
            if name not in names:
                raise SettingsError(f"connection: {why}") from None
            shown = "<hidden>" if name in cls.SECRETS else short(values.get(name))
            detail = f"allowed: {why}" if err["type"] == "value_error" else why
            raise SettingsError(f"{names[name]}: {shown} is not allowed ({detail})") from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Self:
        """Read the connection from its ``NBZBX_*`` variables."""
        return cls.from_values({name: env.get(var) for name, var in cls.ENV.items()})

    @classmethod
    def required(cls) -> list[str]:
        return [n for n, f in cls.model_fields.items() if f.is_required()]


def _names(connection: _Connection, info: ValidationInfo) -> Mapping[str, str]:
    """Field to the variable it came from, for messages: from the validation context."""
    return (info.context or {}).get("names") or connection.ENV


class NetBoxConnection(_Connection):
    """NetBox's base URL and API token (v2 ``nbt_<key>.<secret>``, or v1)."""

    ENV: ClassVar[dict[str, str]] = {
        "url": "NBZBX_NETBOX_URL",
        "token": "NBZBX_NETBOX_TOKEN",
        **TRANSPORT_ENV,
    }
    SECRETS: ClassVar[frozenset[str]] = frozenset({"token"})

    token: SecretStr

    def open(self) -> NetBoxClient:
        """A connected client whose token NetBox has accepted."""
        return NetBoxClient.connect(
            self.url,
            self.token.get_secret_value(),
            timeout=self.timeout_seconds,
            verify=self.verify_tls,
            ca_bundle=str(self.ca_bundle) if self.ca_bundle else None,
        )


class ZabbixConnection(_Connection):
    """A Zabbix frontend URL (or the full ``.../api_jsonrpc.php``) with an API token (preferred
    when both are set) or a user and password."""

    ENV: ClassVar[dict[str, str]] = {
        "url": "NBZBX_ZABBIX_URL",
        "token": "NBZBX_ZABBIX_TOKEN",
        "user": "NBZBX_ZABBIX_USER",
        "password": "NBZBX_ZABBIX_PASSWORD",
        **TRANSPORT_ENV,
    }
    SECRETS: ClassVar[frozenset[str]] = frozenset({"token", "password"})

    token: SecretStr | None = None
    user: str | None = None
    password: SecretStr | None = None

    @model_validator(mode="after")
    def _credentials(self, info: ValidationInfo) -> ZabbixConnection:
        if self.token is None and not (self.user and self.password):
            env = _names(self, info)
            raise ValueError(f"set {env['token']}, or {env['user']} and {env['password']}")
        return self

    @classmethod
    def for_server(cls, server: ZabbixServer, env: Mapping[str, str] = os.environ) -> Self:
        """A named server of the settings: URL, TLS and timeout from there, credentials from
        its own variables ``NBZBX_ZABBIX_<NAME>_TOKEN`` or ``..._USER`` and ``..._PASSWORD``."""
        prefix = server_env_prefix(server.name)
        where = f"zabbix_servers[{server.name}]"
        names = {
            "url": f"{where}.url",
            "timeout_seconds": f"{where}.timeout_seconds",
            "verify_tls": f"{where}.verify_tls",
            "ca_bundle": f"{where}.ca_bundle",
            **{field: prefix + field.upper() for field in ("token", "user", "password")},
        }
        raw = {
            "url": server.url,
            "timeout_seconds": str(server.timeout_seconds),
            "verify_tls": str(server.verify_tls),
            "ca_bundle": server.ca_bundle,
            **{field: env.get(names[field]) for field in ("token", "user", "password")},
        }
        return cls.from_values(raw, names)

    @property
    def auth(self) -> Literal["token", "password"]:
        """How the client logs in."""
        return "token" if self.token is not None else "password"

    def open(self) -> ZabbixClient:
        """A connected client: the version read and one login done."""
        token = self.token.get_secret_value() if self.token else None
        return ZabbixClient.connect(
            self.url,
            token=token,
            user=None if token else self.user,
            password=None if token or not self.password else self.password.get_secret_value(),
            timeout=self.timeout_seconds,
            verify=self.verify_tls,
            ca_bundle=str(self.ca_bundle) if self.ca_bundle else None,
        )
