"""link_problems: the reasons Zabbix refuses a set of templates on one host, from the cache."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import insert

from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import zabbix_template
from nbzbx_dagster.sync.template_links import TemplateLinks, link_problems


def links(
    parents: dict[str, list[str]] | None = None,
    dependencies: dict[str, list[str]] | None = None,
    keys: dict[str, list[str]] | None = None,
) -> TemplateLinks:
    """Templates 1..9 named "T1".."T9"."""
    ids = [str(i) for i in range(1, 10)]
    return TemplateLinks(
        names={i: f"T{i}" for i in ids},
        parents={i: tuple((parents or {}).get(i, ())) for i in ids},
        dependencies={i: tuple((dependencies or {}).get(i, ())) for i in ids},
        item_keys={i: frozenset((keys or {}).get(i, ())) for i in ids},
    )


def test_nothing_to_say() -> None:
    cache = links(dependencies={"1": ["2"]}, keys={"3": ["k"], "4": ["k"]})
    assert link_problems([], cache) == []
    assert link_problems(["1", "2"], cache) == []
    assert link_problems(["3"], cache) == []


def test_a_missing_dependency_in_names() -> None:
    cache = links(dependencies={"1": ["2"]})
    assert link_problems(["1"], cache) == ['template "T1" needs "T2" (trigger dependencies)']


def test_dependencies_are_followed_transitively() -> None:
    cache = links(dependencies={"1": ["2"], "2": ["3"], "3": ["1"]})
    assert link_problems(["1"], cache) == ['template "T1" needs "T2", "T3" (trigger dependencies)']
    assert link_problems(["1", "2"], cache) == ['template "T2" needs "T3" (trigger dependencies)']
    assert link_problems(["1", "2", "3"], cache) == []


def test_a_needed_template_nested_elsewhere_does_not_count() -> None:
    """As Zabbix 6.0 and 7.0 refuse it: the needed template must be linked to the host."""
    cache = links(parents={"4": ["2"]}, dependencies={"1": ["2"]})
    assert link_problems(["1", "4"], cache) == ['template "T1" needs "T2" (trigger dependencies)']


def test_a_template_nesting_both_ends_needs_nothing() -> None:
    # the cache holds no dependency of 5 on others: its trigger copies depend on its own
    cache = links(parents={"5": ["1", "2"]}, dependencies={"1": ["2"]})
    assert link_problems(["5"], cache) == []


def test_the_same_item_key_from_two_templates() -> None:
    cache = links(keys={"1": ["agent.ping"], "2": ["agent.ping"]})
    assert link_problems(["2", "1"], cache) == [
        'templates "T1" and "T2" both have item key "agent.ping"'
    ]


def test_the_same_item_key_through_a_nested_template() -> None:
    cache = links(parents={"4": ["2"]}, keys={"2": ["k"], "3": ["k"]})
    assert link_problems(["3", "4"], cache) == ['templates "T3" and "T4" both have item key "k"']
    assert link_problems(["4"], cache) == []


def test_many_keys_are_counted_and_three_templates_named() -> None:
    keys = [f"k{i}" for i in range(7)]
    cache = links(keys={"1": keys, "2": keys, "3": ["k0"]})
    assert link_problems(["1", "2"], cache) == [
        'templates "T1" and "T2" both have item keys "k0", "k1", "k2", "k3", "k4" and 2 more'
    ]
    assert 'templates "T1", "T2" and "T3" all have item key "k0"' in link_problems(
        ["1", "2", "3"], cache
    )


def test_a_template_linked_twice() -> None:
    cache = links(parents={"4": ["2"], "5": ["2"]}, keys={"2": ["k"]})
    assert link_problems(["4", "5"], cache) == [
        'template "T2" would be linked twice: through "T4" and through "T5"'
    ]
    assert link_problems(["2", "4"], cache) == [
        'template "T2" would be linked twice: directly and through "T4"'
    ]


def test_every_reason_at_once_and_unknown_ids_ignored() -> None:
    cache = links(dependencies={"1": ["2"]}, keys={"1": ["k"], "3": ["k"]})
    assert link_problems(["1", "3", "999"], cache) == [
        'template "T1" needs "T2" (trigger dependencies)',
        'templates "T1" and "T3" both have item key "k"',
    ]
    assert link_problems(["999"], cache) == []


def test_memoized_by_set_and_fast() -> None:
    cache = links(dependencies={"1": ["2"]}, keys={"3": ["k"], "4": ["k"]})
    sets = [["1"], ["3", "4"], ["4", "3"], ["1", "2"]]
    started = time.perf_counter()
    for i in range(100_000):
        link_problems(sets[i % 4], cache)
    assert time.perf_counter() - started < 2.0
    assert len(cache._memo) == 3  # the order of the ids does not matter
    first = link_problems(["1"], cache)
    first.append("changed by a caller")
    assert link_problems(["1"], cache) == ['template "T1" needs "T2" (trigger dependencies)']


def test_load_reads_one_servers_cache(tmp_path) -> None:
    store = StateStore(f"sqlite:///{tmp_path}/state.db")
    store.upgrade()
    now = datetime.now(UTC)

    def row(server: str, templateid: str, name: str, **extra: list[str]) -> dict:
        return {
            "server": server,
            "templateid": templateid,
            "host": name,
            "name": name,
            "last_synced": now,
            "parents": [],
            "dependencies": [],
            "shared_item_keys": [],
            **extra,
        }

    with store.connect() as conn:
        conn.execute(
            insert(zabbix_template),
            [
                row("a", "1", "A", dependencies=["2"], shared_item_keys=["k"]),
                row("a", "2", "B", parents=["3"]),
                row("a", "3", "C", shared_item_keys=["k"]),
                row("b", "1", "other server's"),
            ],
        )
        conn.commit()
        cache = TemplateLinks.load(conn, "a")
    store.dispose()
    assert cache.names == {"1": "A", "2": "B", "3": "C"}
    assert cache.parents["2"] == ("3",) and cache.dependencies["1"] == ("2",)
    assert cache.item_keys["1"] == frozenset({"k"})
    assert link_problems(["1", "2"], cache) == ['templates "A" and "B" both have item key "k"']
