"""The settings a host config's status depends on, as digests: when one changes, every status
was compared against what is no longer asked for, so the change sync asks for a full refresh.

A setting is compared unless it is in ``UNCOMPARED`` (when and how the jobs run, the guards of
their writes, where they report): a new setting is compared until someone says otherwise, which
costs at worst one full refresh more, never a status left stale.
"""

from __future__ import annotations

import hashlib
import json

from nbzbx_dagster.settings import Settings

UNCOMPARED = frozenset(
    {
        "zabbix_import_interval",
        "host_config_sync_interval",
        "cutoff_host_config_sync",
        "change_sync",
        "reconcile_changes",
        "maintenance_cleanup_interval",
        "max_deletions",
        "event_log_enabled",
        "event_log_retention_days",
        "dead_run_after",
        "netbox_writeback",
        "journal_enabled",
        "cleanup_unmanaged_maintenances",
        "unmanaged_maintenance_pattern",
        "max_host_deletions",
        "reconcile_interval",
        "reconcile_auto_actions",
        "template_unlink",
        "notify",
    }
)


def digests(settings: Settings) -> dict[str, str]:
    """Setting name -> a short digest of its value, for the compared settings (the settings
    hold no secret: credentials come from the environment)."""
    values = settings.model_dump(mode="json")
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:12]
        for name, value in values.items()
        if name not in UNCOMPARED
    }


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The names of the compared settings whose values differ, sorted."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
