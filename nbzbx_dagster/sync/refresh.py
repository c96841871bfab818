"""One sync refresh: read the host configs, keep the partitions equal to them, check, store.

Shared by the ``host_config_sync_refresh`` job (which picks the stale host configs itself) and
the partitioned ``host_config_sync_status`` asset (which checks the partitions it was given).
Everything is read and compared before the single state-store transaction, so a NetBox or
Zabbix failure as a whole leaves every stored status as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg

from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.host_configs import HostConfig, read_host_configs
from nbzbx_dagster.partitions import HOST_CONFIGS
from nbzbx_dagster.runs import system_job_run
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, cache_frame
from nbzbx_dagster.store.host_status import delete_statuses, read_statuses, save_checks, stale_keys
from nbzbx_dagster.sync.check import HostCheck, check_hosts
from nbzbx_dagster.sync.desired import ConfigError, ZabbixIndex, desired_host
from nbzbx_dagster.timings import Timings
from nbzbx_dagster.zabbix.client import ZabbixClient


@dataclass
class HostConfigs:
    """The selected host configs with their desired hosts (or configuration errors)."""

    configs: list[HostConfig]
    desired: dict[str, dict[str, Any] | ConfigError]
    added: list[str]
    removed: list[str]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.configs]


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


def sync_partitions(
    instance: dg.DagsterInstance, keys: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Make the ``host_configs`` partitions equal to ``keys``; returns (added, removed)."""
    existing = instance.get_dynamic_partitions(HOST_CONFIGS.name)
    present = set(existing)
    added = [k for k in keys if k not in present]
    wanted = set(keys)
    removed = [k for k in existing if k not in wanted]
    if added:
        instance.add_dynamic_partitions(HOST_CONFIGS.name, added)
    for key in removed:
        instance.delete_dynamic_partition(HOST_CONFIGS.name, key)
    return added, removed


def load_host_configs(
    instance: dg.DagsterInstance,
    netbox: NetBoxClient,
    store: StateStore,
    settings: Settings,
    timings: Timings | None = None,
) -> HostConfigs:
    timings = timings or Timings()
    with timings.section("netbox_read"):
        configs = read_host_configs(
            netbox, settings.device_filters, settings.vm_filters, settings.sync_vms
        )
    with timings.section("desired_state"):
        desired = desired_states(configs, settings, load_index(store))
    with timings.section("dagster_partitions"):
        added, removed = sync_partitions(instance, [c.key for c in configs])
    return HostConfigs(configs, desired, added, removed)


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
    context: dg.OpExecutionContext | dg.AssetExecutionContext,
    netbox: Callable[[], NetBoxClient],
    zabbix: Callable[[], ZabbixClient],
    store: StateStore,
    settings: Settings,
    *,
    cutoff_minutes: int | None = None,
    only_keys: Sequence[str] | None = None,
    timings: Timings | None = None,
) -> tuple[list[HostCheck], dict[str, Any], HostConfigs]:
    """Check the stale host configs (or ``only_keys``) and store the outcome in one transaction.

    ``netbox`` and ``zabbix`` give the clients (the resources' ``client``), called inside the
    run so that a system that is down fails the run with an event-log row. ``timings`` collects
    the seconds per section (NetBox read, desired state, partitions, Zabbix read, compare, state
    store)."""
    timings = timings or Timings()
    now = datetime.now(UTC)
    minutes = settings.cutoff_host_config_sync if cutoff_minutes is None else cutoff_minutes
    cutoff = now - timedelta(minutes=minutes)
    job = context.job_name if hasattr(context, "job_name") else context.run.job_name
    with system_job_run(context, store, settings, job) as run:
        with timings.section("netbox_read"):
            client = netbox()
        host_configs = load_host_configs(context.instance, client, store, settings, timings)
        with timings.section("store_read"), store.connect() as conn:
            stored = read_statuses(conn)
        if only_keys is None:
            selected = set(stale_keys(host_configs.keys, stored, cutoff))
        else:
            selected = set(only_keys)
        configs = [c for c in host_configs.configs if c.key in selected]
        known = {
            c.key: (stored.get(c.key) or {}).get("zabbix_hostid") or _cf_hostid(c) for c in configs
        }
        with timings.section("zabbix_read"):
            zabbix_client = zabbix()
        checks = check_hosts(
            zabbix_client, configs, host_configs.desired, known, settings.compare_mode, timings
        )
        with timings.section("store_write"):
            wanted = set(host_configs.keys)
            delete_statuses(run.conn, [k for k in stored if k not in wanted])
            save_checks(run.conn, checks, stored, now)
        run.summary = refresh_summary(checks, minutes, cutoff)
    return checks, run.summary, host_configs


def _cf_hostid(config: HostConfig) -> str | None:
    value = config.custom_fields.get("zabbix_hostid")
    return str(value) if value not in (None, "") else None
