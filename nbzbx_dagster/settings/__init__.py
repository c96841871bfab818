"""The settings: what the jobs do, validated, from four layers (``layers``).

Connections (URLs and credentials) are not settings: ``nbzbx_dagster.common.connections``.
"""

from nbzbx_dagster.settings.layers import describe_layers, load_settings, validate_override
from nbzbx_dagster.settings.messages import allowed_values
from nbzbx_dagster.settings.model import (
    SETTING_NAMES,
    HostMapping,
    MappingRule,
    Settings,
    SettingsError,
)

__all__ = [
    "SETTING_NAMES",
    "HostMapping",
    "MappingRule",
    "Settings",
    "SettingsError",
    "allowed_values",
    "describe_layers",
    "load_settings",
    "validate_override",
]
