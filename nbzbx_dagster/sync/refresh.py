"""One sync refresh: read the host configs, check the selected ones against Zabbix, store them.

Knows nothing of Dagster: the ``host_config_sync_refresh`` job (which picks the stale host
configs) and the partitioned ``host_config_sync_status`` asset (which checks the partitions it
was given) both call ``refresh`` and then ``save_refresh`` in their transaction. Everything is
read and compared before anything is written, so a NetBox or Zabbix failure as a whole leaves
every stored status as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import HostConfig, read_host_configs
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, cache_frame
from nbzbx_dagster.store.host_status import (
    delete_statuses,
    read_statuses,
    save_statuses,
    stale_keys,
)
from nbzbx_dagster.sync.check import HostCheck, check_hosts
from nbzbx_dagster.sync.desired import ConfigError, ZabbixIndex, desired_host
from nbzbx_dagster.timings import Timings
from nbzbx_dagster.zabbix.client import ZabbixClient


@dataclass
class HostConfigs:
    """The selected host configs with their desired hosts (or configuration errors)."""

    configs: list[HostConfig]
    desired: dict[str, dict[str, Any] | ConfigError]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.configs]


@dataclass
class Refresh:
    """What a refresh found, ready to be stored by ``save_refresh``."""

    host_configs: HostConfigs
    checks: list[HostCheck]
    stored: dict[str, dict[str, Any]]
    """The statuses as stored before the refresh."""
    checked_at: datetime
    summary: dict[str, Any]


def load_index(store: StateStore) -> ZabbixIndex:
    """Zabbix names to ids from the cache of Zabbix settings."""
    with store.connect() as conn:
        frames = {k: cache_frame(conn, KINDS[k]).to_dict("records") for k in KINDS}
    return ZabbixIndex.from_rows(
        frames["templates"], frames["host_groups"], frames["proxies"], frames["proxy_groups"]
    )


def desired_states(
    configs: Sequence[HostConfig], settings: Settings, index: ZabbixIndex
) -> dict[str, dict[str, Any] | ConfigError]:
    desired: dict[str, dict[str, Any] | ConfigError] = {}
    for config in configs:
        try:
            desired[config.key] = desired_host(config, settings, index)
        except ConfigError as exc:
            desired[config.key] = exc
    return desired


def load_host_configs(
    netbox: NetBoxClient, store: StateStore, settings: Settings, timings: Timings | None = None
) -> HostConfigs:
    timings = timings or Timings()
    with timings.section("netbox_read"):
        configs = read_host_configs(
            netbox, settings.device_filters, settings.vm_filters, settings.sync_vms
        )
    with timings.section("desired_state"):
        desired = desired_states(configs, settings, load_index(store))
    return HostConfigs(configs, desired)


def refresh_summary(
    checks: Sequence[HostCheck], cutoff_minutes: int, cutoff: datetime
) -> dict[str, Any]:
    """The refresh job's summary (contract)."""
    counts = Counter(c.status for c in checks)
    return {
        "total": len(checks),
        "updated": len(checks) - counts["error"],
        "failed": counts["error"],
        "in_sync": counts["in_sync"],
        "out_of_sync": counts["out_of_sync"],
        "missing": counts["missing"],
        "cutoff_in_minutes": cutoff_minutes,
        "cutoff": cutoff.strftime("%Y-%m-%d %H:%M"),
    }


def refresh(
    netbox: Callable[[], NetBoxClient],
    zabbix: Callable[[], ZabbixClient],
    store: StateStore,
    settings: Settings,
    *,
    cutoff_minutes: int | None = None,
    only_keys: Sequence[str] | None = None,
    timings: Timings | None = None,
) -> Refresh:
    """Check the stale host configs (or ``only_keys``); nothing is written yet.

    ``netbox`` and ``zabbix`` are client factories, called here so that a caller inside its run
    scope records a system that is down. ``timings`` collects the seconds per section (NetBox
    read, desired state, Zabbix read, compare, state store)."""
    timings = timings or Timings()
    now = datetime.now(UTC)
    minutes = settings.cutoff_host_config_sync if cutoff_minutes is None else cutoff_minutes
    cutoff = now - timedelta(minutes=minutes)
    with timings.section("netbox_read"):
        client = netbox()
    host_configs = load_host_configs(client, store, settings, timings)
    with timings.section("store_read"), store.connect() as conn:
        stored = read_statuses(conn)
    selected = set(
        stale_keys(host_configs.keys, stored, cutoff) if only_keys is None else only_keys
    )
    configs = [c for c in host_configs.configs if c.key in selected]
    known = {
        c.key: (stored.get(c.key) or {}).get("zabbix_hostid") or _cf_hostid(c) for c in configs
    }
    with timings.section("zabbix_read"):
        zabbix_client = zabbix()
    checks = check_hosts(
        zabbix_client, configs, host_configs.desired, known, settings.compare_mode, timings
    )
    return Refresh(host_configs, checks, stored, now, refresh_summary(checks, minutes, cutoff))


def save_refresh(conn: Connection, result: Refresh, timings: Timings | None = None) -> None:
    """Store the checks (an error keeps the last good status it replaces) and forget the
    statuses of host configs that are gone, through the caller's transaction."""
    with (timings or Timings()).section("store_write"):
        wanted = set(result.host_configs.keys)
        delete_statuses(conn, [k for k in result.stored if k not in wanted])
        save_statuses(conn, [_status_row(c, result) for c in result.checks])


def _status_row(check: HostCheck, result: Refresh) -> dict[str, Any]:
    before = result.stored.get(check.config.key) or {}
    last_good = None
    if check.status == "error":
        previous = before.get("status")
        last_good = previous if previous and previous != "error" else before.get("last_good_status")
    return {
        "partition_key": check.config.key,
        "object_type": check.config.object_type,
        "object_id": check.config.object_id,
        "name": check.config.name,
        "zabbix_hostid": check.zabbix_hostid,
        "status": check.status,
        "last_good_status": last_good,
        "diff": check.diff,
        "error": check.error,
        "checked_at": result.checked_at,
        "desired": check.desired,
    }


def _cf_hostid(config: HostConfig) -> str | None:
    value = config.custom_fields.get("zabbix_hostid")
    return str(value) if value not in (None, "") else None
