"""The settings model and its layers.

Two models live here:

- `Settings`: what the jobs do (intervals, guards, host selection, mapping rules, tags, switches).
  Layers, lowest first: built-in defaults, the YAML file named by `NBZBX_CONFIG`, environment
  variables `NBZBX_<SETTING>`, overrides stored in the state store. Every run and every sensor
  tick reads the effective settings afresh (`load_settings` / `effective_settings`).
- `Connections`: where NetBox, Zabbix and the state store are and how to authenticate. Only from
  the environment (`Connections.from_env`), never from the YAML file or the state store, so that
  secrets stay in the deployment's secret store.

Any invalid value becomes a `SettingsError` with one line naming the setting, the value and what
is allowed, never pydantic's multi-line report.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url

CONFIG_ENV = "NBZBX_CONFIG"
HOME_ENV = "NBZBX_HOME"
SETTING_ENV_PREFIX = "NBZBX_"

Layer = Literal["default", "file", "env", "override"]

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})

ManagedTagField = Literal[
    "site",
    "region",
    "location",
    "role",
    "platform",
    "tenant",
    "cluster",
    "manufacturer",
    "device_type",
    "status",
]
FilterValue = str | int | bool | list[str | int]


class SettingsError(ValueError):
    """An invalid setting or connection value; the message is one line, safe to show."""


class HostMapping(BaseModel):
    """What a host config gets in Zabbix: the result of a mapping rule."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    host_groups: list[str] = Field(min_length=1)
    """Zabbix host group names; Zabbix needs at least one per host."""
    templates: list[str] = Field(default_factory=list)
    """Zabbix template names (visible or technical), linked to the host."""
    proxy: str | None = None
    """Name of the Zabbix proxy that monitors the host; None: the server itself."""
    proxy_group: str | None = None
    """Name of the Zabbix proxy group (Zabbix 7.0+); exclusive with `proxy`."""

    @model_validator(mode="after")
    def _one_monitor(self) -> HostMapping:
        if self.proxy is not None and self.proxy_group is not None:
            raise ValueError("proxy and proxy_group are exclusive")
        return self


class MappingRule(HostMapping):
    """A mapping that applies to host configs matching every given criterion.

    Each criterion is a list of NetBox slugs; an absent criterion matches anything. A host config
    matches `tags` if it carries at least one of them. The first matching rule wins entirely (no
    merging with later rules or with `default_mapping`).
    """

    sites: list[str] | None = Field(default=None, min_length=1)
    """NetBox site slugs."""
    roles: list[str] | None = Field(default=None, min_length=1)
    """NetBox device role (or VM role) slugs."""
    platforms: list[str] | None = Field(default=None, min_length=1)
    """NetBox platform slugs."""
    tags: list[str] | None = Field(default=None, min_length=1)
    """NetBox tag slugs; any one of them is enough."""

    def matches(
        self,
        site: str | None,
        role: str | None,
        platform: str | None,
        tags: list[str] | tuple[str, ...] = (),
    ) -> bool:
        """Whether an object with these slugs falls under this rule."""
        return (
            (self.sites is None or site in self.sites)
            and (self.roles is None or role in self.roles)
            and (self.platforms is None or platform in self.platforms)
            and (self.tags is None or any(tag in self.tags for tag in tags))
        )


class Settings(BaseModel):
    """The operational settings, validated; names follow the reference plugin where it has one."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, use_attribute_docstrings=True
    )

    zabbix_import_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between imports of Zabbix settings; 0 disables the job."""
    host_config_sync_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between host config sync refreshes; 0 disables the job."""
    cutoff_host_config_sync: int = Field(60, ge=0, le=525600, strict=True)
    """A refresh re-checks host configs last checked more than this many minutes ago."""
    maintenance_cleanup_interval: int = Field(1440, ge=0, le=43200, strict=True)
    """Minutes between maintenance cleanups; 0 disables the job."""
    max_deletions: int = Field(3, ge=0, le=10000, strict=True)
    """An import prunes at most this many stale objects of one type per run (3 allows 3)."""
    event_log_enabled: bool = Field(True, strict=True)
    """Write an event-log row per system job run (on by default, unlike the reference)."""
    event_log_retention_days: int = Field(90, ge=1, le=3650, strict=True)
    """Event-log rows older than this many days are pruned."""
    compare_mode: Literal["strict", "relaxed"] = "strict"
    """strict: extra Zabbix-side groups, templates, tags or interfaces are drift; relaxed: only
    reported."""
    no_primary_ip: Literal["dns", "skip", "error"] = "dns"
    """A host config without a primary IP: dns: an interface on its DNS name; skip: no interface
    (Zabbix-side interfaces are extra); error: status error "no primary IP"."""
    sync_vms: bool = Field(True, strict=True)
    """Virtual machines are host configs too."""
    device_filters: dict[str, FilterValue] = Field(default_factory=dict)
    """NetBox REST filters selecting devices; decommissioning ones are always out."""
    vm_filters: dict[str, FilterValue] = Field(default_factory=dict)
    """NetBox filters selecting virtual machines; decommissioning ones are always out."""
    mapping_rules: list[MappingRule] = Field(default_factory=list)
    """Rules tried in order; the first whose criteria match gives host groups, templates, proxy."""
    default_mapping: HostMapping = Field(
        default_factory=lambda: HostMapping(host_groups=["NetBox"])
    )
    """The mapping for host configs no rule matches: host group "NetBox", no templates, no proxy."""
    managed_tags: list[ManagedTagField] = Field(
        default_factory=lambda: ["site", "role", "platform"]
    )
    """NetBox fields published as Zabbix tags named `<tag_prefix>.<field>`, valued by name."""
    netbox_tags: bool = Field(True, strict=True)
    """Publish each NetBox tag of a host config as a Zabbix tag `<tag_prefix>.tag`."""
    tag_prefix: str = Field("netbox", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:/-]+$")
    """Zabbix tags whose name starts with this prefix are the project's; others are left alone."""
    netbox_writeback: bool = Field(True, strict=True)
    """Write `zabbix_hostid` and `zabbix_sync_status` back to NetBox (only changed values)."""
    journal_enabled: bool = Field(True, strict=True)
    """Add NetBox journal entries when the project writes to a NetBox object."""
    cleanup_unmanaged_maintenances: bool = Field(False, strict=True)
    """Maintenance cleanup also deletes expired Zabbix maintenances not in the registry."""
    unmanaged_maintenance_pattern: str = "^nbzbx-"
    """Regex (re.search) an unregistered Zabbix maintenance's name must match to be cleaned."""

    @field_validator("unmanaged_maintenance_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("managed_tags")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("device_filters", "vm_filters")
    @classmethod
    def _filter_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            if not re.fullmatch(r"[A-Za-z0-9_]+", key):
                raise ValueError(f"bad filter name {key!r}")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise SettingsError(_one_line(exc, {name: value})) from None

    def deletion_allowed(self, count: int) -> bool:
        """Whether pruning `count` stale objects of one type is within `max_deletions`."""
        return count <= self.max_deletions

    def mapping_for(
        self,
        site: str | None,
        role: str | None,
        platform: str | None,
        tags: list[str] | tuple[str, ...] = (),
    ) -> HostMapping:
        """The first matching rule's mapping, else `default_mapping`."""
        for rule in self.mapping_rules:
            if rule.matches(site, role, platform, tags):
                return rule
        return self.default_mapping


SETTING_NAMES: tuple[str, ...] = tuple(Settings.model_fields)

_ALLOWED_TEXT = {
    "device_filters": "a mapping of NetBox filter name to a value or a list of values",
    "vm_filters": "a mapping of NetBox filter name to a value or a list of values",
    "mapping_rules": (
        "a list of rules: sites, roles, platforms, tags (slug lists), host_groups, templates, "
        "proxy or proxy_group"
    ),
    "default_mapping": "host_groups (at least one), templates, proxy or proxy_group",
    "managed_tags": "a list of: " + ", ".join(get_args(ManagedTagField)),
    "tag_prefix": "1..64 characters of letters, digits and _ . : / -",
    "unmanaged_maintenance_pattern": "a regular expression",
}


def allowed_values(name: str) -> str:
    """What a setting accepts, in words, for error messages and `nbzbx settings show`."""
    if name in _ALLOWED_TEXT:
        return _ALLOWED_TEXT[name]
    field = Settings.model_fields[name]
    if field.annotation is bool:
        return "true or false"
    if get_origin(field.annotation) is Literal:
        return " or ".join(get_args(field.annotation))
    if field.annotation is int:
        bounds = {type(m).__name__: m for m in field.metadata}
        return f"{bounds['Ge'].ge}..{bounds['Le'].le}"
    return str(field.annotation)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
    return f"{name}: unknown setting" + (f" (did you mean {close[0]}?)" if close else "")


def _one_line(exc: ValidationError, given: MappingABC[str, Any], source: str | None = None) -> str:
    """Turn pydantic's report into one line about the first problem."""
    err = exc.errors()[0]
    loc = err["loc"]
    name = str(loc[0])
    suffix = f" [from {source}]" if source else ""
    if err["type"] == "extra_forbidden" and len(loc) == 1:
        return _unknown(name) + suffix
    value = _short(given.get(name, err["input"]))
    allowed = allowed_values(name)
    if len(loc) > 1:  # the nested reason is more precise than the field's summary
        detail = f"{_loc_path(loc)}: {_reason(err)}"
    elif err["type"] == "value_error":
        detail = f"allowed: {allowed}; {_reason(err)}"
    else:
        detail = f"allowed: {allowed}"
    return f"{name}: {value} is not allowed ({detail}){suffix}"


def _reason(err: Any) -> str:
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    return err["msg"][0].lower() + err["msg"][1:]


def _validate_layer(values: MappingABC[str, Any], source: str | None) -> None:
    """Validate one layer on its own, so that an error names the layer it came from."""
    try:
        Settings.model_validate(dict(values))
    except ValidationError as exc:
        raise SettingsError(_one_line(exc, values, source)) from None


def _kind(name: str) -> str:
    annotation = Settings.model_fields[name].annotation
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is str or get_origin(annotation) is Literal:
        return "str"
    return "json"


def parse_raw(name: str, raw: str, source: str | None = None) -> Any:
    """Parse a raw string (environment, CLI) to the type of setting `name`; lists/dicts as JSON."""
    suffix = f" [from {source}]" if source else ""
    if name not in Settings.model_fields:
        raise SettingsError(_unknown(name) + suffix)
    kind = _kind(name)
    text = raw.strip()
    if kind == "int" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind == "bool" and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if kind == "str":
        return raw
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{name}: {_short(raw)} is not allowed (allowed: JSON, {allowed_values(name)};"
                f" {exc.msg} at character {exc.pos}){suffix}"
            ) from None
    raise SettingsError(
        f"{name}: {_short(raw)} is not allowed (allowed: {allowed_values(name)}){suffix}"
    )


def validate_override(name: str, raw_value: Any) -> Any:
    """Check a value for `nbzbx settings set NAME VALUE` / `update_settings`; return it as JSON.

    Strings are parsed to the setting's type (lists and mappings as JSON); other values are
    validated as given. Nothing is stored here.
    """
    value = parse_raw(name, raw_value) if isinstance(raw_value, str) else raw_value
    _validate_layer({name: value}, None)
    return Settings.model_validate({name: value}).model_dump(mode="json")[name]


def read_settings_file(path: str | Path) -> dict[str, Any]:
    """The YAML settings file as a mapping; an empty file is an empty mapping."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"settings file {path} ({CONFIG_ENV}): not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"settings file {path} ({CONFIG_ENV}): unreadable: {reason}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise SettingsError(f"settings file {path}: not valid YAML: {problem}{at}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(
            f"settings file {path}: must be a mapping of setting to value,"
            f" not {type(data).__name__}"
        )
    return {str(key): value for key, value in data.items()}


@dataclass(frozen=True)
class SettingSource:
    """One setting's effective value and the layer it came from."""

    name: str
    value: Any
    layer: Layer
    origin: str
    """The file path, environment variable, "state store" or "built-in"."""


def _layers(
    overrides: MappingABC[str, Any] | None, env: MappingABC[str, str]
) -> list[tuple[Layer, dict[str, Any], dict[str, str]]]:
    """Every layer above the defaults, each validated: (layer, values, per-setting origin)."""
    layers: list[tuple[Layer, dict[str, Any], dict[str, str]]] = []
    path = env.get(CONFIG_ENV, "").strip()
    if path:
        values = read_settings_file(path)
        _validate_layer(values, path)
        layers.append(("file", values, dict.fromkeys(values, path)))
    env_values: dict[str, Any] = {}
    env_origin: dict[str, str] = {}
    for name in SETTING_NAMES:
        var = SETTING_ENV_PREFIX + name.upper()
        if var in env:
            env_values[name] = parse_raw(name, env[var], var)
            env_origin[name] = var
            _validate_layer({name: env_values[name]}, var)
    layers.append(("env", env_values, env_origin))
    stored = dict(overrides or {})
    _validate_layer(stored, "state store override")
    layers.append(("override", stored, dict.fromkeys(stored, "state store")))
    return layers


def _resolve(
    overrides: MappingABC[str, Any] | None, env: MappingABC[str, str]
) -> tuple[Settings, dict[str, tuple[Layer, str]]]:
    source: dict[str, tuple[Layer, str]] = dict.fromkeys(SETTING_NAMES, ("default", "built-in"))
    merged: dict[str, Any] = {}
    for layer, values, origin in _layers(overrides, env):
        merged.update(values)
        source.update({name: (layer, origin[name]) for name in values})
    try:
        return Settings.model_validate(merged), source
    except ValidationError as exc:
        raise SettingsError(_one_line(exc, merged)) from None


def load_settings(
    overrides: MappingABC[str, Any] | None = None, env: MappingABC[str, str] = os.environ
) -> Settings:
    """The effective settings: defaults < YAML file < environment < stored overrides."""
    return _resolve(overrides, env)[0]


def describe_layers(
    overrides: MappingABC[str, Any] | None = None, env: MappingABC[str, str] = os.environ
) -> list[SettingSource]:
    """Per setting, the effective value (as JSON) and its layer, for `nbzbx settings show`."""
    settings, source = _resolve(overrides, env)
    effective = settings.model_dump(mode="json")
    return [SettingSource(name, effective[name], *source[name]) for name in SETTING_NAMES]


class OverrideSource(Protocol):
    """Anything that holds stored overrides, e.g. `nbzbx_dagster.store.StateStore`."""

    def get_overrides(self) -> dict[str, Any]: ...


def effective_settings(store: OverrideSource, env: MappingABC[str, str] = os.environ) -> Settings:
    """The effective settings with the overrides stored in `store`."""
    return load_settings(store.get_overrides(), env)


# --- connections -----------------------------------------------------------------------------


def mask_url(url: str) -> str:
    """A database URL with its password replaced by ***, safe for logs and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", url)


def default_database_url(env: MappingABC[str, str] = os.environ) -> str:
    """A SQLite file under `NBZBX_HOME` (default ~/.nbzbx)."""
    home = Path(env.get(HOME_ENV) or Path("~/.nbzbx")).expanduser().resolve()
    return f"sqlite:///{home / 'state.db'}"


def state_store_url(env: MappingABC[str, str] = os.environ) -> str:
    """`NBZBX_DATABASE_URL`, else the default SQLite file; needs no NetBox or Zabbix variable."""
    return env.get("NBZBX_DATABASE_URL", "").strip() or default_database_url(env)


CONNECTION_ENV: dict[str, str] = {
    "netbox_url": "NBZBX_NETBOX_URL",
    "netbox_token": "NBZBX_NETBOX_TOKEN",
    "zabbix_url": "NBZBX_ZABBIX_URL",
    "zabbix_token": "NBZBX_ZABBIX_TOKEN",
    "zabbix_user": "NBZBX_ZABBIX_USER",
    "zabbix_password": "NBZBX_ZABBIX_PASSWORD",
    "database_url": "NBZBX_DATABASE_URL",
    "ca_bundle": "NBZBX_CA_BUNDLE",
    "verify_tls": "NBZBX_VERIFY_TLS",
    "timeout_seconds": "NBZBX_TIMEOUT",
}
_SECRET_FIELDS = frozenset({"netbox_token", "zabbix_token", "zabbix_password"})


class Connections(BaseModel):
    """Where NetBox, Zabbix and the state store are, and the credentials; secrets stay hidden.

    Zabbix takes an API token (preferred when both are set) or a user and password.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    netbox_url: str
    """NetBox base URL, e.g. https://netbox.example.com."""
    netbox_token: SecretStr
    zabbix_url: str
    """Zabbix frontend URL; pyzabbix appends /api_jsonrpc.php when missing."""
    zabbix_token: SecretStr | None = None
    zabbix_user: str | None = None
    zabbix_password: SecretStr | None = None
    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL of the state store (SQLite or PostgreSQL)."""
    ca_bundle: Path | None = None
    """CA bundle for verifying NetBox and Zabbix TLS certificates."""
    verify_tls: bool = True
    timeout_seconds: float = Field(30.0, gt=0, le=600)
    """HTTP timeout for every NetBox and Zabbix request."""

    @field_validator("netbox_url", "zabbix_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"https?://[^/\s]+", value):
            raise ValueError("an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("ca_bundle")
    @classmethod
    def _ca_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError("an existing CA bundle file")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Connections:
        if self.zabbix_token is None and not (self.zabbix_user and self.zabbix_password):
            raise ValueError(
                "set NBZBX_ZABBIX_TOKEN, or NBZBX_ZABBIX_USER and NBZBX_ZABBIX_PASSWORD"
            )
        if self.ca_bundle is not None and not self.verify_tls:
            raise ValueError("NBZBX_CA_BUNDLE is set but NBZBX_VERIFY_TLS is false")
        return self

    @field_serializer("database_url")
    def _masked_database_url(self, value: str) -> str:
        return mask_url(value)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            yield name, mask_url(value) if name == "database_url" else value

    @property
    def zabbix_auth(self) -> Literal["token", "password"]:
        """How the Zabbix client logs in."""
        return "token" if self.zabbix_token is not None else "password"

    @property
    def tls_verify(self) -> bool | str:
        """The `verify` argument for requests: the CA bundle path, or True/False."""
        return str(self.ca_bundle) if self.ca_bundle is not None else self.verify_tls

    @classmethod
    def from_env(cls, env: MappingABC[str, str] = os.environ) -> Connections:
        """Read the connections from the NBZBX_* environment variables (DESIGN section 3)."""
        values: dict[str, Any] = {"database_url": default_database_url(env)}
        for name, var in CONNECTION_ENV.items():
            raw = env.get(var, "")
            if raw.strip():
                values[name] = raw if name in _SECRET_FIELDS else raw.strip()
        missing = [
            CONNECTION_ENV[n]
            for n in ("netbox_url", "netbox_token", "zabbix_url")
            if n not in values
        ]
        if missing:
            raise SettingsError(f"not set: {', '.join(missing)}")
        if "verify_tls" in values:
            flag = values["verify_tls"].lower()
            if flag not in _TRUE | _FALSE:
                raise SettingsError(
                    f"NBZBX_VERIFY_TLS: {_short(values['verify_tls'])} is not allowed"
                    " (allowed: true or false)"
                )
            values["verify_tls"] = flag in _TRUE
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else ""
            reason = _reason(err)
            if name not in CONNECTION_ENV:
                raise SettingsError(f"connections: {reason}") from None
            shown = "<hidden>" if name in _SECRET_FIELDS else _short(values.get(name))
            detail = f"allowed: {reason}" if err["type"] == "value_error" else reason
            raise SettingsError(
                f"{CONNECTION_ENV[name]}: {shown} is not allowed ({detail})"
            ) from None
