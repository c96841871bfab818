"""Zabbix's host inventory: its fields, how long a value each takes, and its modes.

The fields and lengths are those of the ``host_inventory`` table, the same on 6.0 and 7.0
except ``url_a``-``url_c`` (255 characters on 6.0, 2,048 from 7.0): the shorter limit is kept,
so a value that fits is written on every server a host may move to. ``None``: a text field
(64 KiB), never too long for a NetBox value.
"""

from __future__ import annotations

_64, _128, _255 = 64, 128, 255
FIELD_LENGTHS: dict[str, int | None] = {
    "type": _64,
    "type_full": _64,
    "name": _128,
    "alias": _128,
    "os": _128,
    "os_full": _255,
    "os_short": _128,
    "serialno_a": _64,
    "serialno_b": _64,
    "tag": _64,
    "asset_tag": _64,
    "macaddress_a": _64,
    "macaddress_b": _64,
    "hardware": _255,
    "hardware_full": None,
    "software": _255,
    "software_full": None,
    **{f"software_app_{x}": _64 for x in "abcde"},
    "contact": None,
    "location": None,
    "location_lat": 16,
    "location_lon": 16,
    "notes": None,
    "chassis": _64,
    "model": _64,
    "hw_arch": 32,
    "vendor": _64,
    "contract_number": _64,
    "installer_name": _64,
    "deployment_status": _64,
    **{f"url_{x}": _255 for x in "abc"},
    "host_networks": None,
    **{name: 39 for name in ("host_netmask", "host_router", "oob_ip", "oob_netmask", "oob_router")},
    **{f"date_hw_{x}": _64 for x in ("purchase", "install", "expiry", "decomm")},
    **{f"site_address_{x}": _128 for x in "abc"},
    "site_city": _128,
    "site_state": _64,
    "site_country": _64,
    "site_zip": _64,
    "site_rack": _128,
    "site_notes": None,
    **{
        f"poc_{n}_{field}": length
        for n in (1, 2)
        for field, length in (
            ("name", _128),
            ("email", _128),
            ("phone_a", _64),
            ("phone_b", _64),
            ("cell", _64),
            ("screen", _64),
            ("notes", None),
        )
    },
}
MODES = {"-1": "disabled", "0": "manual", "1": "automatic"}
MODE_CODES = {name: int(code) for code, name in MODES.items()}


def too_long(field: str, value: str) -> str | None:
    """Why Zabbix would refuse ``value`` in ``field``; None when it fits."""
    limit = FIELD_LENGTHS[field]
    if limit is None or len(value) <= limit:
        return None
    return f"inventory {field}: {len(value)} characters, Zabbix takes {limit}"
