"""Pydantic's multi-line validation report, reworded as one line naming the setting, the value
and what it allows."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from nbzbx_dagster.settings.model import SETTING_NAMES, ManagedTagField, Settings

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
    "zabbix_servers": "a list of servers: name, url, verify_tls, ca_bundle, timeout_seconds",
    "server_rules": "a list of rules: server, and sites, regions, tenants, tags (slug lists)",
    "default_server": "the name of one of zabbix_servers",
    "inventory": (
        "a mapping of Zabbix inventory field to a NetBox value: serial, asset_tag, site, "
        "location, rack, device_type, manufacturer, platform, tenant, description or "
        "custom_fields.<name>"
    ),
    "inventory_mode": "disabled, manual or automatic (unset: each host keeps its own)",
    "status_mapping": (
        "per object type (device, vm), a mapping of NetBox status to enabled, disabled, delete "
        "or maintenance"
    ),
    "notify": (
        "a list of targets: name, events (run_failed, dead_run, drift, blocked, applied) and "
        "email {host, port, starttls, from, to, user} or webhook {url_env: NBZBX_WEBHOOK_<NAME>}"
    ),
}
UNSHOWN = frozenset({"notify"})
"""Settings whose value an error never repeats: a webhook URL put where its variable's name
belongs would be shown."""


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


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def unknown(name: str) -> str:
    close = difflib.get_close_matches(name, SETTING_NAMES, n=1)
    return f"{name}: unknown setting" + (f" (did you mean {close[0]}?)" if close else "")


def one_line(exc: ValidationError, given: Mapping[str, Any], source: str | None = None) -> str:
    """Turn pydantic's report into one line about the first problem."""
    err = exc.errors()[0]
    loc = err["loc"]
    suffix = f" [from {source}]" if source else ""
    name = str(loc[0])
    if err["type"] == "extra_forbidden" and len(loc) == 1:
        return unknown(name) + suffix
    value = "this value" if name in UNSHOWN else short(given.get(name, err["input"]))
    allowed = allowed_values(name)
    if len(loc) > 1:  # the nested reason is more precise than the field's summary
        detail = f"{_loc_path(loc)}: {reason(err)}"
    elif err["type"] == "value_error":
        detail = f"allowed: {allowed}; {reason(err)}"
    else:
        detail = f"allowed: {allowed}"
    return f"{name}: {value} is not allowed ({detail}){suffix}"


def reason(err: Any) -> str:
    if err["type"] == "value_error":
        return str(err["ctx"]["error"])
    return err["msg"][0].lower() + err["msg"][1:]
