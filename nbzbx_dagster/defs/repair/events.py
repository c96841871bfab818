"""What Dagster records of the repair plan, shared by the ``zabbix_host_plan`` asset and the
``reconcile_zabbix_hosts`` job: the asset key and the plan as a table a person reviews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
import pandas as pd

from nbzbx_dagster.common.vocabulary import ACTIONS
from nbzbx_dagster.sync.repair_plan import counts

PLAN_ASSET = dg.AssetKey("zabbix_host_plan")
SHOWN = 200  # rows of the plan table
LISTED = 50  # hosts named per action


def plan_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The plan in Markdown: per action, the host, its server and what changes (or why not)."""
    if not rows:
        return "Nothing to do: every host config is in sync."
    order = {a: i for i, a in enumerate(ACTIONS)}
    frame = pd.DataFrame(
        [
            {
                "action": r["action"],
                "host": r["name"],
                "key": r["partition_key"],
                "server": r["server"],
                "what changes": r["reason"]
                if r["action"] == "blocked"
                else "; ".join(r["changes"]),
            }
            for r in sorted(rows, key=lambda r: (order[r["action"]], r["name"]))
        ]
    ).head(SHOWN)
    more = len(rows) - len(frame)
    table = frame.to_markdown(index=False)
    return table + (f"\n\n… and {more} more (`nbzbx plan --json`)" if more else "")


def plan_metadata(rows: Sequence[Mapping[str, Any]], servers: Sequence[str]) -> dict[str, Any]:
    """Counts per action (every action, 0 included); per action, its hosts with what changes
    (``adopt_hosts``: shown as they are in the asset's page, where the table takes a click);
    per server when there are several; and the table."""
    meta: dict[str, Any] = {**counts(rows), "plan": dg.MetadataValue.md(plan_table(rows))}
    for action in ACTIONS:
        named = [_line(r) for r in rows if r["action"] == action]
        if named:
            meta[f"{action}_hosts"] = dg.MetadataValue.json(named[:LISTED])
    if len(servers) > 1:
        meta["servers"] = dg.MetadataValue.json(
            {s: counts([r for r in rows if r["server"] == s]) for s in servers}
        )
    return meta


def _line(row: Mapping[str, Any]) -> str:
    what = row["reason"] if row["action"] == "blocked" else "; ".join(row["changes"])
    return f"{row['name']} ({row['partition_key']}, {row['server']}): {what}"
