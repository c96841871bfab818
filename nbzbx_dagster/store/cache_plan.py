"""How one import changes the cache of one Zabbix object type: what is added, updated, pruned.

Pure functions over rows keyed by Zabbix id, so the rules (and the ``max_deletions`` guard) are
decided before anything is written and can be tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


class TooManyDeletions(RuntimeError):
    """An import would prune more cached objects of one type than ``max_deletions`` allows."""

    def __init__(self, kind: str, stale: list[Row], name_key: str, limit: int) -> None:
        names = ", ".join(f"{row.get(name_key)!s} ({row['id']})" for row in stale)
        super().__init__(
            f"{kind}: {len(stale)} cached objects are gone from Zabbix, more than max_deletions="
            f"{limit} allows; nothing was changed. Gone: {names}. If this is intended, raise "
            f"max_deletions (nbzbx settings set max_deletions {len(stale)}) and import again."
        )
        self.kind = kind
        self.stale = stale


@dataclass
class CachePlan:
    """The changes for one object type; ``rows`` is the cache's content after applying them."""

    kind: str
    added: list[Row] = field(default_factory=list)
    updated: list[Row] = field(default_factory=list)
    deleted: list[Row] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)
    name_key: str = "name"

    @property
    def rows(self) -> list[Row]:
        return sorted(self.added + self.updated + self.unchanged, key=lambda r: _id_order(r["id"]))

    def summary(self) -> dict[str, Any]:
        """Counts plus the names of what changed (contract of the import summary)."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "deleted": len(self.deleted),
            "unchanged": len(self.unchanged),
            "added_names": [r[self.name_key] for r in self.added],
            "updated_names": [r[self.name_key] for r in self.updated],
            "deleted_names": [r[self.name_key] for r in self.deleted],
        }


def _id_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)


def plan_cache(
    kind: str,
    cached: Mapping[str, Row],
    remote: Iterable[Row],
    *,
    max_deletions: int,
    name_key: str = "name",
) -> CachePlan:
    """Compare the cache with what Zabbix returned; refuse before writing if too much would go.

    Rows carry their Zabbix id under ``"id"``; the remaining keys are the compared content.
    Unlike the reference, an update is any changed field (not only non-empty ones), and the
    guard allows exactly ``max_deletions`` prunes.
    """
    plan = CachePlan(kind=kind, name_key=name_key)
    seen: set[str] = set()
    for row in remote:
        key = row["id"]
        if key in seen:
            continue
        seen.add(key)
        old = cached.get(key)
        if old is None:
            plan.added.append(row)
        elif old != row:
            plan.updated.append(row)
        else:
            plan.unchanged.append(row)
    plan.deleted = [row for key, row in cached.items() if key not in seen]
    plan.deleted.sort(key=lambda r: _id_order(r["id"]))
    if len(plan.deleted) > max_deletions:
        raise TooManyDeletions(kind, plan.deleted, name_key, max_deletions)
    return plan
