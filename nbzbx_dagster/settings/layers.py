"""The layers of the settings, lowest first: built-in defaults, the YAML file named by
``NBZBX_CONFIG``, environment variables ``NBZBX_<SETTING>``, and the overrides stored in the state
store. Each layer is validated on its own, so that an error names the layer it came from.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_origin

import yaml
from pydantic import ValidationError

from nbzbx_dagster.settings.messages import UNSHOWN, allowed_values, one_line, short, unknown
from nbzbx_dagster.settings.model import SETTING_NAMES, Settings, SettingsError

CONFIG_ENV = "NBZBX_CONFIG"
SETTING_ENV_PREFIX = "NBZBX_"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})

Layer = Literal["default", "file", "env", "override"]


def _validate_layer(values: Mapping[str, Any], source: str | None) -> None:
    """Validate one layer on its own, so that an error names the layer it came from."""
    try:
        Settings.model_validate(dict(values))
    except ValidationError as exc:
        raise SettingsError(one_line(exc, values, source)) from None


def _kind(name: str) -> str:
    annotation = Settings.model_fields[name].annotation
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation in (str, str | None) or get_origin(annotation) is Literal:
        return "str"
    return "json"


def parse_raw(name: str, raw: str, source: str | None = None) -> Any:
    """Parse a raw string (environment, CLI) to the type of setting `name`; lists/dicts as JSON."""
    suffix = f" [from {source}]" if source else ""
    if name not in Settings.model_fields:
        raise SettingsError(unknown(name) + suffix)
    kind = _kind(name)
    text = raw.strip()
    shown = "this value" if name in UNSHOWN else short(raw)
    if kind == "int" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind == "bool" and text.lower() in TRUE_WORDS | FALSE_WORDS:
        return text.lower() in TRUE_WORDS
    if kind == "str":
        return raw
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(
                f"{name}: {shown} is not allowed (allowed: JSON, {allowed_values(name)};"
                f" {exc.msg} at character {exc.pos}){suffix}"
            ) from None
    raise SettingsError(f"{name}: {shown} is not allowed (allowed: {allowed_values(name)}){suffix}")


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
    overrides: Mapping[str, Any] | None, env: Mapping[str, str]
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
    overrides: Mapping[str, Any] | None, env: Mapping[str, str]
) -> tuple[Settings, dict[str, tuple[Layer, str]]]:
    source: dict[str, tuple[Layer, str]] = dict.fromkeys(SETTING_NAMES, ("default", "built-in"))
    merged: dict[str, Any] = {}
    for layer, values, origin in _layers(overrides, env):
        merged.update(values)
        source.update({name: (layer, origin[name]) for name in values})
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        raise SettingsError(one_line(exc, merged)) from None
    settings.check_together()
    return settings, source


def load_settings(
    overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] = os.environ
) -> Settings:
    """The effective settings: defaults < YAML file < environment < stored overrides."""
    return _resolve(overrides, env)[0]


def describe_layers(
    overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] = os.environ
) -> list[SettingSource]:
    """Per setting, the effective value (as JSON) and its layer, for `nbzbx settings show`."""
    settings, source = _resolve(overrides, env)
    effective = settings.model_dump(mode="json")
    return [SettingSource(name, effective[name], *source[name]) for name in SETTING_NAMES]
