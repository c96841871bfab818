"""Changing the stored setting overrides: validated as a whole first, then one transaction.

Shared by `nbzbx settings set|unset` and the `update_settings` job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nbzbx_dagster.settings.layers import load_settings, parse_raw, validate_override
from nbzbx_dagster.settings.model import SETTING_NAMES, SettingsError
from nbzbx_dagster.store import StateStore


def apply_overrides(
    store: StateStore, changes: Mapping[str, Any], unset: Sequence[str], by: str
) -> dict[str, Any]:
    """Validate `changes` (values as strings or JSON-like values) and `unset`, then store them
    in one transaction; the summary {"set": {name: value}, "unset": [...], "not_set": [...]}."""
    if not changes and not unset:
        raise SettingsError("nothing to change: give at least one setting to set or unset")
    both = sorted(set(changes) & set(unset))
    if both:
        raise SettingsError(f"{', '.join(both)}: both set and unset")
    values = {name: validate_override(name, raw) for name, raw in changes.items()}
    with store.transaction() as conn:
        stored = store.get_overrides(conn)
        for name in unset:
            if name not in SETTING_NAMES and name not in stored:  # a stale one can go
                parse_raw(name, "")  # raises the one-line "unknown setting (did you mean ...?)"
        merged = {k: v for k, v in stored.items() if k not in unset}
        load_settings(merged | values)  # the overrides stay readable as a whole
        for name, value in values.items():
            store.set_override(name, value, by, connection=conn)
        removed = [name for name in unset if store.delete_override(name, connection=conn)]
    return {
        "set": values,
        "unset": removed,
        "not_set": [name for name in unset if name not in removed],
    }
