"""What a device's or VM's NetBox config context says of its Zabbix host (``config_context_key``).

NetBox merges the config contexts that apply to an object (by site, role, platform, tag, ...,
then its own local data) into one rendered object; the value at the configured key may give::

    {"templates": ["Linux by Zabbix agent"], "host_groups": ["Servers"], "proxy": "proxy-a",
     "proxy_group": "pg-a", "macros": {"{$X}": "1"}, "tags": {"owner": "noc"},
     "inventory": {"contact": "noc@example.org"},
     "interface": {"type": "snmp", "port": "1161", "snmp": {"version": 3, ...}}}

Every key is checked with its type before anything is resolved: a bad one is the host's own
configuration error, naming the key and where it comes from (NetBox does not say which of the
merged contexts gave a value, only whether the object's local data has the key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nbzbx_dagster.netbox.inventory import HostConfig
from nbzbx_dagster.settings.model import SnmpSettings
from nbzbx_dagster.zabbix.inventory_fields import FIELD_LENGTHS

INTERFACE_TYPES = ("agent", "snmp")


class ContextError(ValueError):
    """A config context value the project cannot use; the message names key and source."""


@dataclass(frozen=True)
class ContextMapping:
    """The parts of a Zabbix host a config context gives; None or empty: it gives none."""

    templates: list[str] | None = None
    host_groups: list[str] | None = None
    proxy: str | None = None
    proxy_group: str | None = None
    macros: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    inventory: dict[str, str] = field(default_factory=dict)
    interface_type: str | None = None
    port: str | None = None
    snmp: dict[str, Any] = field(default_factory=dict)


NONE = ContextMapping()


def _names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise TypeError("a list of names")
    return list(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError("a name")
    return value


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) for k, v in value.items()
    ):
        raise TypeError("an object of names to text")
    return {k: str(v) for k, v in value.items()}


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("an object")
    return dict(value)


READERS = {
    "templates": _names,
    "host_groups": _names,
    "proxy": _text,
    "proxy_group": _text,
    "macros": _object,
    "tags": _texts,
    "inventory": _texts,
    "interface": _object,
}


def context_mapping(hc: HostConfig, key: str) -> ContextMapping:
    """The host config's config context at ``key``, checked; ``NONE`` when it has none."""
    value = hc.config_context
    if value is None:
        return NONE
    source = "local config context" if hc.config_context_local else "config context"
    where = f"{source} {key!r}"
    if not isinstance(value, Mapping):
        raise ContextError(f"{where}: must be an object, not {type(value).__name__}")
    if unknown := sorted(set(value) - set(READERS)):
        raise ContextError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(READERS)})")
    read: dict[str, Any] = {}
    for name, item in value.items():
        try:
            read[name] = READERS[name](item)
        except TypeError as error:
            raise ContextError(f"{where}: {name} must be {error}") from None
    if bad := sorted(set(read.get("inventory", {})) - set(FIELD_LENGTHS)):
        raise ContextError(f"{where}: inventory: {bad[0]!r} is not a Zabbix inventory field")
    interface = read.pop("interface", {})
    return ContextMapping(**read, **_interface(interface, where))


def _interface(value: dict[str, Any], where: str) -> dict[str, Any]:
    """The interface part: its type, port and SNMP details (never secrets: SNMPv3 passphrases
    come from the environment only, so SnmpSettings refuses them here too)."""
    if unknown := sorted(set(value) - {"type", "port", "snmp"}):
        raise ContextError(f"{where}: interface: unknown key {unknown[0]!r} (type, port, snmp)")
    kind = value.get("type")
    if kind is not None and kind not in INTERFACE_TYPES:
        raise ContextError(f"{where}: interface type must be agent or snmp, not {kind!r}")
    port = value.get("port")
    if port is not None and not (str(port).isdigit() and 0 < int(port) < 65536):
        raise ContextError(f"{where}: interface port must be 1..65535, not {port!r}")
    snmp = value.get("snmp") or {}
    try:
        SnmpSettings.model_validate(snmp)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"])
        raise ContextError(f"{where}: interface snmp {name}: {first['msg']}") from None
    return {
        "interface_type": kind,
        "port": None if port is None else str(port),
        "snmp": dict(snmp),
    }
