"""How an import's rows change the cache of one type, the ``max_deletions`` guard, and the
templates' dependencies in the metadata."""

from __future__ import annotations

import pandas as pd
import pytest

from nbzbx_dagster.defs.zabbix_settings.events import NAMES_SHOWN, output_metadata
from nbzbx_dagster.store.cache import KINDS
from nbzbx_dagster.store.cache_plan import CachePlan, TooManyDeletions, plan_cache


def group(groupid: str, name: str) -> dict[str, str]:
    return {"id": groupid, "name": name}


CACHED = {
    "2": group("2", "Linux servers"),
    "4": group("4", "Zabbix servers"),
    "10": group("10", "Old group"),
}


def test_added_updated_deleted_unchanged_and_names() -> None:
    remote = [group("2", "Linux servers"), group("4", "Zabbix Servers"), group("11", "New group")]
    plan = plan_cache("host_groups", CACHED, remote, max_deletions=3)
    assert [r["id"] for r in plan.added] == ["11"]
    assert [r["id"] for r in plan.updated] == ["4"]
    assert [r["id"] for r in plan.deleted] == ["10"]
    assert [r["id"] for r in plan.unchanged] == ["2"]
    assert plan.summary() == {
        "added": 1,
        "updated": 1,
        "deleted": 1,
        "unchanged": 1,
        "added_names": ["New group"],
        "updated_names": ["Zabbix Servers"],
        "deleted_names": ["Old group"],
    }
    # the cache after the plan, in numeric id order (not string order: "11" after "4")
    assert [r["id"] for r in plan.rows] == ["2", "4", "11"]
    assert plan.rows[1]["name"] == "Zabbix Servers"


def test_from_empty_everything_is_added() -> None:
    remote = list(CACHED.values())
    plan = plan_cache("host_groups", {}, remote, max_deletions=0)
    assert plan.summary()["added"] == 3
    assert plan.updated == plan.deleted == plan.unchanged == []


def test_same_rows_are_all_unchanged() -> None:
    plan = plan_cache("host_groups", CACHED, list(CACHED.values()), max_deletions=0)
    summary = plan.summary()
    assert (summary["added"], summary["updated"], summary["deleted"]) == (0, 0, 0)
    assert summary["unchanged"] == 3


def test_any_changed_field_is_an_update_also_an_emptied_one() -> None:
    # the reference ignores empty remote values; an emptied description is a real change
    cached = {"7": {"id": "7", "name": "p1", "description": "old", "proxy_groupid": "3"}}
    remote = [{"id": "7", "name": "p1", "description": "", "proxy_groupid": None}]
    plan = plan_cache("proxies", cached, remote, max_deletions=3)
    assert plan.updated == remote


def test_duplicate_remote_ids_count_once() -> None:
    remote = [group("11", "New group"), group("11", "New group")]
    plan = plan_cache("host_groups", {}, remote, max_deletions=3)
    assert len(plan.added) == 1


def test_name_key_picks_the_reported_name() -> None:
    remote = [{"id": "5", "host": "tpl-tech", "name": "Visible"}]
    plan = plan_cache("templates", {}, remote, max_deletions=3, name_key="host")
    assert plan.summary()["added_names"] == ["tpl-tech"]


def test_guard_allows_exactly_max_deletions() -> None:
    plan = plan_cache("host_groups", CACHED, [], max_deletions=3)
    assert [r["name"] for r in plan.deleted] == ["Linux servers", "Zabbix servers", "Old group"]
    assert plan.rows == []


def test_guard_refuses_one_over_and_names_the_objects() -> None:
    with pytest.raises(TooManyDeletions) as info:
        plan_cache("host_groups", CACHED, [], max_deletions=2)
    text = str(info.value)
    assert text.startswith("host_groups: 3 cached objects are gone from Zabbix")
    assert "max_deletions=2" in text
    assert "nothing was changed" in text
    for name, groupid in (("Linux servers", "2"), ("Zabbix servers", "4"), ("Old group", "10")):
        assert f"{name} ({groupid})" in text
    assert info.value.kind == "host_groups"
    assert [r["id"] for r in info.value.stale] == ["2", "4", "10"]


def test_max_deletions_zero_allows_imports_without_deletions_only() -> None:
    # the reference's ">=" made 0 fail every import; here 0 means "never prune"
    remote = [*CACHED.values(), group("11", "New group")]
    plan = plan_cache("host_groups", CACHED, remote, max_deletions=0)
    assert isinstance(plan, CachePlan)
    assert len(plan.added) == 1 and plan.deleted == []
    with pytest.raises(TooManyDeletions, match="1 cached objects are gone"):
        plan_cache("host_groups", CACHED, list(CACHED.values())[:2], max_deletions=0)


def test_template_metadata_names_the_dependencies_capped() -> None:
    rows = [
        {"templateid": "1", "name": "Template A", "dependencies": ["3", "2"]},
        {"templateid": "2", "name": "Template B", "dependencies": []},
        {"templateid": "3", "name": "Template C", "dependencies": ["99"]},
    ]
    frame = pd.DataFrame(rows)
    plan = plan_cache("templates", {}, [], max_deletions=0)
    metadata = output_metadata(KINDS["templates"], frame, plan)
    assert metadata["dependencies"].value == [
        "Template A → Template B, Template C",
        "Template C → 99",
    ]
    assert "dependencies" not in output_metadata(KINDS["host_groups"], frame, plan)
    many = pd.DataFrame(
        [{"templateid": str(i), "name": f"T{i:04d}", "dependencies": ["0"]} for i in range(1, 150)]
        + [{"templateid": "0", "name": "Base", "dependencies": []}]
    )
    shown = output_metadata(KINDS["templates"], many, plan)["dependencies"].value
    assert len(shown) == NAMES_SHOWN + 1 and shown[0] == "T0001 → Base"
    assert shown[-1] == f"… and {149 - NAMES_SHOWN} more"
