"""What Dagster records of a sync refresh, shared by the ``host_config_sync_status`` asset and
the ``host_config_sync_refresh`` job: the asset keys, the partitions, the metadata and the
``host_configs_in_sync`` check.

A refresh records a materialization only for the partitions whose status or difference changed,
and for partitions new to the instance (so a first run materializes every one): a refresh that
finds nothing new adds a constant number of event-log rows, whatever the number of host configs.
When each host config was last checked is in the state store (``nbzbx hosts``); the check's
metadata says when the refresh ran and since when every host config has been checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import dagster as dg
import pandas as pd

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.defs.dagster_internals import BATCH_SIZE, log_materializations
from nbzbx_dagster.defs.partitions import sync_partitions
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_report_rows
from nbzbx_dagster.sync.check import HostCheck
from nbzbx_dagster.sync.refresh import HostConfigs, Refresh

GROUP = "host_configs"
STATUS_ASSET = dg.AssetKey("host_config_sync_status")
CONFIGS_ASSET = dg.AssetKey("netbox_host_configs")
IN_SYNC_CHECK = "host_configs_in_sync"
LISTED = 50  # host configs named per status in metadata
REPORTED = 200  # rows of the status report table


def host_configs_metadata(
    host_configs: HostConfigs, added: Sequence[str], removed: Sequence[str]
) -> dict[str, Any]:
    errors = {k: str(v) for k, v in host_configs.desired.items() if isinstance(v, Exception)}
    kinds = Counter(c.object_type for c in host_configs.configs)
    return {
        "host_configs": len(host_configs.configs),
        "devices": kinds["device"],
        "virtual_machines": kinds["vm"],
        "partitions_added": dg.MetadataValue.json(list(added[:LISTED])),
        "partitions_removed": dg.MetadataValue.json(list(removed[:LISTED])),
        "configuration_errors": dg.MetadataValue.json(dict(list(errors.items())[:LISTED])),
    }


def record_host_configs(
    instance: dg.DagsterInstance, host_configs: HostConfigs, timings: Timings | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Keep the ``host_configs`` partitions equal to the host configs (of a change run, among
    the keys it read); their metadata and the partitions added."""
    with (timings or Timings()).section("dagster_partitions"):
        added, removed = sync_partitions(instance, host_configs.keys, within=host_configs.requested)
    return host_configs_metadata(host_configs, added, removed), added


def worth_recording(results: Sequence[Refresh], new_partitions: Collection[str]) -> list[HostCheck]:
    """The checks that get a materialization: those of partitions new to the instance, and those
    whose status, difference, error or server changed."""
    new = set(new_partitions)
    picked = []
    for result in results:
        changed = {id(c) for c in result.changed()}
        picked.extend(c for c in result.checks if id(c) in changed or c.config.key in new)
    return picked


def check_metadata(check: HostCheck, server: str) -> dict[str, Any]:
    """One partition's materialization metadata: the NetBox name is here, not in the key. The
    structured diff only where there is a difference: Dagster serializes JSON metadata node by
    node, the largest cost of a first refresh's events, and an in-sync diff says only which
    interface was used."""
    meta: dict[str, Any] = {
        "name": check.config.name,
        "server": server,
        "status": check.status,
        "zabbix_hostid": check.zabbix_hostid or "",
        "difference": "; ".join(check.diff.get("in_words", [])) or "-",
    }
    if check.diff.get("differences") or check.diff.get("extra"):
        meta["diff"] = dg.MetadataValue.json(check.diff)
    elif "interface_used" in check.diff:
        meta["interface_used"] = str(check.diff["interface_used"])
    if check.error:
        meta["error"] = check.error
    return meta


def record_statuses(
    context: dg.OpExecutionContext, checks: Sequence[HostCheck], servers: dict[str, str]
) -> None:
    """One ``host_config_sync_status`` materialization per given check, made and stored
    ``BATCH_SIZE`` at a time (a first refresh of 100,000 host configs never holds them all)."""
    batched = False
    for start in range(0, len(checks), BATCH_SIZE):
        materializations = [
            dg.AssetMaterialization(
                STATUS_ASSET,
                partition=c.config.key,
                metadata=check_metadata(c, servers[c.config.key]),
            )
            for c in checks[start : start + BATCH_SIZE]
        ]
        batched = log_materializations(context, materializations)
    if checks and not batched:
        context.log.info(
            f"{len(checks)} materializations stored one by one: set DAGSTER_EVENT_BATCH_SIZE "
            "where Dagster starts to store them in batches"
        )


def status_report(stored: dict[str, dict[str, Any]]) -> str:
    """The host configs that are not in sync, as a Markdown table an operator reads at a glance:
    name, key, server, status and what differs, in names."""
    rows = [
        {
            "host": row["name"],
            "key": key,
            "server": row.get("server") or "",
            "status": row["status"],
            "checked": _minute(row.get("checked_at")),
            "difference": row["error"]
            if row["status"] == "error"
            else "; ".join((row.get("diff") or {}).get("in_words", []))
            or ("no Zabbix host" if row["status"] == "missing" else ""),
        }
        for key, row in stored.items()
        if row["status"] != "in_sync"
    ]
    if not rows:
        return "Every host config is in sync."
    frame = pd.DataFrame(rows).sort_values(["status", "host"]).head(REPORTED)
    more = len(rows) - len(frame)
    table = frame.to_markdown(index=False)
    return table + (f"\n\n… and {more} more (`nbzbx hosts --status ...`)" if more else "")


def _minute(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else ""


def in_sync_evaluation(
    store: StateStore, run: dict[str, Any] | None = None
) -> dg.AssetCheckEvaluation:
    """Over every stored status: passes when all host configs are in sync, warns otherwise;
    its metadata has the report of those that are not, the oldest and newest check
    (``checked_since``: every host config was checked at or after it), and ``run``'s figures."""
    with store.connect() as conn:
        stored = read_report_rows(conn)
    by_status: dict[str, list[str]] = {}
    for row in stored.values():
        by_status.setdefault(row["status"], []).append(f"{row['name']} ({row['partition_key']})")
    bad = {s: sorted(v) for s, v in by_status.items() if s != "in_sync"}
    times = [t for row in stored.values() if (t := row.get("checked_at"))]
    return dg.AssetCheckEvaluation(
        asset_key=STATUS_ASSET,
        check_name=IN_SYNC_CHECK,
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "not_in_sync": dg.MetadataValue.md(status_report(stored)),
            "checked_since": _minute(min(times, default=None)),
            "last_checked": _minute(max(times, default=None)),
            **(run or {}),
            **{s: len(v) for s, v in by_status.items()},
            **{f"{s}_hosts": dg.MetadataValue.json(v[:LISTED]) for s, v in bad.items()},
        },
    )
