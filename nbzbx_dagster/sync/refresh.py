"""One sync refresh: read the host configs, check the selected ones against Zabbix, store them.

Knows nothing of Dagster: the ``host_config_sync_refresh`` job (which picks the stale host
configs) and the partitioned ``host_config_sync_status`` asset (which checks the partitions it
was given) both call ``load_host_configs`` once, then per Zabbix server ``refresh_server`` and
``save_refresh`` in that server's transaction. Every host config belongs to one server (the
``zabbix_server`` custom field, the server rules, the default server); its names resolve through
that server's cache and its Zabbix host is read there only. Everything of a server is read and
compared before anything is written, so a NetBox or Zabbix failure leaves its statuses as they
were.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.inventory import HostConfig, read_host_configs
from nbzbx_dagster.netbox.writeback import missing_fields, write_back
from nbzbx_dagster.settings import Settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, cache_frame
from nbzbx_dagster.store.host_status import (
    delete_statuses,
    read_statuses_against,
    record_changes,
    save_statuses,
    stale_keys,
    touch_statuses,
)
from nbzbx_dagster.store.servers import check_server
from nbzbx_dagster.sync.check import HostCheck, check_hosts
from nbzbx_dagster.sync.desired import NEW_GROUP, ConfigError, ZabbixIndex, desired_host
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe
from nbzbx_dagster.zabbix.client import ZabbixClient

_OBJECT_NOUNS = {"device": ("device", "devices"), "vm": ("virtual machine", "virtual machines")}


@dataclass
class HostConfigs:
    """The selected host configs with their server and desired host (or configuration error)."""

    configs: list[HostConfig]
    desired: dict[str, dict[str, Any] | ConfigError]
    servers: dict[str, str]
    """Host config key to the name of the Zabbix server that monitors it."""
    indexes: dict[str, ZabbixIndex]
    """Per server, its names and ids (from its cache)."""
    requested: frozenset[str] | None = None
    """The keys a change run read (those gone from NetBox or the selection among them); None
    when every selected host config was read."""
    deleting: dict[str, str] = field(default_factory=dict)
    """Keys whose NetBox status ``status_mapping`` maps to ``delete``, with that status: they
    are not host configs, and the plan deletes their Zabbix hosts."""

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.configs]

    def of_server(self, server: str) -> list[HostConfig]:
        return [c for c in self.configs if self.servers[c.key] == server]

    def with_host_groups(
        self, server: str, groups: Mapping[str, str], settings: Settings
    ) -> HostConfigs:
        """These host configs once ``groups`` (name to id) exist on ``server``: its index knows
        them and its desired hosts that wanted them new are made again."""
        old = self.indexes[server]
        index = replace(old, host_groups={**old.host_groups, **groups})
        indexes = {**self.indexes, server: index}
        again = [
            c
            for c in self.of_server(server)
            if isinstance(d := self.desired[c.key], dict)
            and any(str(g).startswith(NEW_GROUP) for g in d["groups"])
        ]
        desired = {**self.desired, **desired_states(again, settings, self.servers, indexes)}
        return replace(self, desired=desired, indexes=indexes)


@dataclass
class Refresh:
    """What a refresh found, ready to be stored by ``save_refresh``."""

    host_configs: HostConfigs
    checks: list[HostCheck]
    stored: dict[str, dict[str, Any]]
    """The statuses as stored before the refresh; instead of its desired host, ``desired_same``
    where it was compared as it was read (``read_statuses_against``)."""
    checked_at: datetime
    summary: dict[str, Any]
    server: str

    def changed(self) -> list[HostCheck]:
        """The checks whose status, difference, error or server differs from the stored one (or
        that had none): what is worth a line in the host's history and an event in Dagster's."""
        return [c for c in self.checks if _changed(_status_row(c, self), self.stored)]


def load_index(store: StateStore, server: str) -> ZabbixIndex:
    """Zabbix names to ids from ``server``'s cache of Zabbix settings."""
    with store.connect() as conn:
        frames = {k: cache_frame(conn, KINDS[k], server).to_dict("records") for k in KINDS}
    return ZabbixIndex.from_rows(
        frames["templates"], frames["host_groups"], frames["proxies"], frames["proxy_groups"]
    )


def server_of(config: HostConfig, settings: Settings) -> str:
    chosen = config.custom_fields.get("zabbix_server") or None
    return settings.server_for(config.site, config.region, config.tenant, config.tags, chosen)


def desired_states(
    configs: Sequence[HostConfig],
    settings: Settings,
    servers: dict[str, str],
    indexes: dict[str, ZabbixIndex],
) -> dict[str, dict[str, Any] | ConfigError]:
    """Each host config's desired host, through its server's index. A name that exists only on
    another server is an error that names both servers."""
    desired: dict[str, dict[str, Any] | ConfigError] = {}
    for config in configs:
        server = servers[config.key]
        if server not in indexes:
            desired[config.key] = ConfigError(
                f"zabbix_server {server!r} is not one of the servers: {', '.join(indexes)}"
            )
            continue
        try:
            desired[config.key] = desired_host(config, settings, indexes[server])
        except ConfigError as exc:
            desired[config.key] = _elsewhere(exc, config, settings, server, indexes)
    return desired


def _elsewhere(
    exc: ConfigError,
    config: HostConfig,
    settings: Settings,
    server: str,
    indexes: dict[str, ZabbixIndex],
) -> ConfigError:
    for other, index in indexes.items():
        if other == server:
            continue
        try:
            desired_host(config, settings, index)
        except ConfigError:
            continue
        return ConfigError(f"{exc} on server {server} (this host's server); server {other} has it")
    return ConfigError(f"{exc} on server {server}")


def load_host_configs(
    netbox: NetBoxClient,
    store: StateStore,
    settings: Settings,
    timings: Timings | None = None,
    keys: Collection[str] | None = None,
) -> HostConfigs:
    """The selected host configs, or only those of ``keys`` (a change run: read by id)."""
    timings = timings or Timings()
    with timings.section("netbox_read"):
        configs = read_host_configs(
            netbox,
            settings.device_filters,
            settings.vm_filters,
            settings.sync_vms,
            with_regions=any(r.regions for r in settings.server_rules),
            with_description=settings.sync_description,
            inventory_sources=set(settings.inventory.values()),
            config_context_key=settings.config_context_key,
            keys=keys,
        )
    deleting = {
        c.key: c.status
        for c in configs
        if settings.status_action(c.object_type, c.status) == "delete"
    }
    configs = [c for c in configs if c.key not in deleting]
    with timings.section("desired_state"):
        picked = {c.key: server_of(c, settings) for c in configs}
        indexes = {name: load_index(store, name) for name in settings.server_names}
        desired = desired_states(configs, settings, picked, indexes)
    # a host config naming an unknown server is checked (as an error) with the default one
    fallback = settings.server_for(None, None, None)
    servers = {k: name if name in indexes else fallback for k, name in picked.items()}
    requested = frozenset(keys) if keys is not None else None
    return HostConfigs(configs, desired, servers, indexes, requested, deleting)


class NetBoxRead:
    """The host configs, read from NetBox once for every server, inside the first server's
    scope: NetBox down fails each server's part with its own event-log row, and is asked once.
    The refresh and the repair both read through it."""

    def __init__(self, load: Callable[[], HostConfigs]) -> None:
        self.load = load
        self.result: HostConfigs | None = None
        self.error: Exception | None = None

    def __call__(self) -> HostConfigs:
        if self.result is None and self.error is None:
            try:
                self.result = self.load()
            except Exception as exc:
                self.error = exc
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


def write_back_checks(
    client: NetBoxClient,
    configs: Sequence[HostConfig],
    checks: Sequence[HostCheck],
    log: logging.Logger,
) -> None:
    """Write the checks' host ids and statuses to NetBox where they changed; the refresh and
    the repair both end with it. Without the custom fields (no import yet) nothing is written,
    and `log` says why; `log` also names the objects deleted in NetBox meanwhile (skipped)."""
    absent = missing_fields(client)
    if absent:
        log.warning(
            f"NetBox has no custom field {', '.join(absent)}: run import_zabbix_settings first; "
            "nothing written back"
        )
        return
    outcome = {c.config.key: (c.zabbix_hostid, c.status) for c in checks}
    result = write_back(client, configs, outcome)
    log.info(f"written back to NetBox (changed values only): {result.written}")
    names = {(c.object_type, c.object_id): c.name for c in configs}
    for object_type, ids in result.gone.items():
        if ids:
            log.info(_gone_line(object_type, [names.get((object_type, i), f"id {i}") for i in ids]))


def _gone_line(object_type: str, names: Sequence[str]) -> str:
    """Like "3 devices were deleted in NetBox during the run (srv-a, srv-b, srv-c): their status
    was not written"."""
    one, many = _OBJECT_NOUNS[object_type]
    if len(names) == 1:
        return (
            f"1 {one} was deleted in NetBox during the run ({names[0]}): its status was not written"
        )
    return (
        f"{len(names)} {many} were deleted in NetBox during the run "
        f"({', '.join(names)}): their status was not written"
    )


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


def combined_summary(summaries: Sequence[dict[str, Any]], servers: Sequence[str]) -> dict:
    """The refresh job's summary (contract) over its servers, with each server's beside it when
    there are several."""
    counts = ("total", "updated", "failed", "in_sync", "out_of_sync", "missing")
    out: dict[str, Any] = {k: sum(s[k] for s in summaries) for k in counts}
    if summaries:
        out["cutoff_in_minutes"] = summaries[0]["cutoff_in_minutes"]
        out["cutoff"] = summaries[0]["cutoff"]
    if len(servers) > 1:
        out["servers"] = {s["server"]: {k: s[k] for k in counts} for s in summaries}
    return out


def refresh_server(
    server: str,
    host_configs: HostConfigs,
    zabbix: Callable[[], ZabbixClient],
    store: StateStore,
    settings: Settings,
    *,
    cutoff_minutes: int | None = None,
    only_keys: Sequence[str] | None = None,
    hostids: Mapping[str, str | None] | None = None,
    timings: Timings | None = None,
) -> Refresh:
    """Check ``server``'s stale host configs (or those of ``only_keys``; of a change run's
    host configs, every one read); nothing is written.

    ``zabbix`` is the server's client factory, called here so that a caller inside its run
    scope records a server that is down. ``timings`` collects the seconds per section (Zabbix
    read, compare, state store). A stored host id is used only where it was found on this
    server; ``hostids`` (those a reconcile just wrote) come before the stored ones."""
    timings = timings or Timings()
    now = datetime.now(UTC)
    minutes = settings.cutoff_host_config_sync if cutoff_minutes is None else cutoff_minutes
    cutoff = now - timedelta(minutes=minutes)
    with timings.section("store_read"), store.connect() as conn:
        stored = read_statuses_against(conn, host_configs.desired, host_configs.requested)
    mine = host_configs.of_server(server)
    if only_keys is None and host_configs.requested is not None:
        only_keys = [c.key for c in mine]
    elif only_keys is None:
        only_keys = stale_keys([c.key for c in mine], stored, cutoff)
    selected = set(only_keys)
    configs = [c for c in mine if c.key in selected]
    known = {
        c.key: row.get("zabbix_hostid")
        for c in configs
        if (row := stored.get(c.key) or {}).get("server") == server
    } | {k: h for k, h in (hostids or {}).items() if h and k in selected}
    with timings.section("zabbix_read"):
        zabbix_client = zabbix() if configs else None
    if zabbix_client is not None:
        with store.connect() as conn:
            check_server(conn, server, zabbix_client.url)  # never another server's cache
    checks = (
        check_hosts(
            zabbix_client,
            configs,
            host_configs.desired,
            known,
            settings.compare_mode,
            timings,
            settings.tag_prefix,
        )
        if zabbix_client is not None
        else []
    )
    names = ZabbixNames.from_index(host_configs.indexes[server])
    for check in checks:
        if check.diff.get("differences") or check.diff.get("extra"):
            check.diff["in_words"] = describe(check.diff, names)
    summary = {"server": server, **refresh_summary(checks, minutes, cutoff)}
    return Refresh(host_configs, checks, stored, now, summary, server)


def save_refresh(conn: Connection, result: Refresh, timings: Timings | None = None) -> None:
    """Store the server's checks (an error keeps the last good status it replaces) and forget
    its statuses of host configs that are gone or moved to another server (of a change run,
    only among those it read), through the caller's transaction."""
    with (timings or Timings()).section("store_write"):
        wanted = {c.key for c in result.host_configs.of_server(result.server)}
        gone = [
            k
            for k, row in result.stored.items()
            if row.get("server") == result.server and k not in wanted
        ]
        delete_statuses(conn, gone)
        rows = [_status_row(c, result) for c in result.checks]
        same = [r for r in rows if _same(r, result.stored)]
        touch_statuses(conn, [r["partition_key"] for r in same], result.checked_at)
        kept = {id(r) for r in same}
        save_statuses(conn, [r for r in rows if id(r) not in kept])
        record_changes(conn, [_change(r) for r in rows if _changed(r, result.stored)])


def _status_row(check: HostCheck, result: Refresh) -> dict[str, Any]:
    before = result.stored.get(check.config.key) or {}
    last_good = None
    if check.status == "error":
        previous = before.get("status")
        last_good = previous if previous and previous != "error" else before.get("last_good_status")
    return {
        "partition_key": check.config.key,
        "server": result.server,
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
        "primary_ip_id": check.config.primary_ip_id,
    }


def _same(row: dict[str, Any], stored: dict[str, dict[str, Any]]) -> bool:
    """Every stored column but ``checked_at`` as it would be written (JSON compared as read)."""
    before = stored.get(row["partition_key"])
    if before is None:
        return False
    for key, value in row.items():
        if key == "desired" and "desired_same" in before:
            same = bool(before["desired_same"])
        else:
            same = key == "checked_at" or before.get(key) == value
        if not same:
            return False
    return True


def _words(row: dict[str, Any]) -> list[str]:
    return list((row.get("diff") or {}).get("in_words", []))


def _changed(row: dict[str, Any], stored: dict[str, dict[str, Any]]) -> bool:
    """A new status, a new difference or a new error: worth a line in the host's history."""
    before = stored.get(row["partition_key"])
    if before is None:
        return True
    return (before["status"], _words(before), before.get("error"), before.get("server")) != (
        row["status"],
        _words(row),
        row["error"],
        row["server"],
    )


def _change(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "partition_key": row["partition_key"],
        "server": row["server"],
        "name": row["name"],
        "status": row["status"],
        "difference": _words(row),
        "error": row["error"],
        "changed_at": row["checked_at"],
    }
