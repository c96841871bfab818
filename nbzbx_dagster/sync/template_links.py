"""What Zabbix checks when templates are linked to one host, from one server's cache, so that a
plan blocks a link Zabbix would refuse before Zabbix is asked.

The rules, as the lab's Zabbix 6.0 and 7.0 apply them (tests/integration/test_template_links.py):

- a template whose triggers depend on triggers of another template needs that template linked
  to the host too, and directly: nested in another linked template does not count (``host.create``
  is refused on both versions). A template that nests both ends of a dependency holds both
  trigger copies and needs nothing; a dependency within one template needs nothing;
- two linked templates that bring the same item key (their own or a nested template's) are
  refused (7.0 on create and update; 6.0 on update only: its ``host.create`` accepts them); a
  discovery rule's or an item prototype's key counts as an item key;
- a template linked twice (directly and nested, or nested in two linked templates) is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy
from sqlalchemy import select

from nbzbx_dagster.store.tables import zabbix_template

KEYS_SHOWN = 5  # item keys named per conflict; the rest are counted
Namer = Callable[[str], str]


@dataclass(frozen=True)
class TemplateLinks:
    """What Zabbix checks when templates are linked to a host, from one server's cache."""

    names: Mapping[str, str]  # templateid -> visible name
    parents: Mapping[str, tuple[str, ...]]  # templateid -> the templates nested (linked) in it
    dependencies: Mapping[str, tuple[str, ...]]  # templateid -> templates its triggers depend on
    item_keys: Mapping[str, frozenset[str]]  # templateid -> own item keys another one has too
    # link_problems per set of templateids: plans ask for the same few sets for every host
    _memo: dict[frozenset[str], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def load(cls, conn: sqlalchemy.Connection, server: str) -> TemplateLinks:
        t = zabbix_template.c
        query = select(t.templateid, t.name, t.parents, t.dependencies, t.shared_item_keys).where(
            t.server == server
        )
        names: dict[str, str] = {}
        parents: dict[str, tuple[str, ...]] = {}
        dependencies: dict[str, tuple[str, ...]] = {}
        item_keys: dict[str, frozenset[str]] = {}
        for row in conn.execute(query).mappings():
            templateid = str(row["templateid"])
            names[templateid] = row["name"]
            parents[templateid] = tuple(str(p) for p in row["parents"] or ())
            dependencies[templateid] = tuple(str(d) for d in row["dependencies"] or ())
            item_keys[templateid] = frozenset(row["shared_item_keys"] or ())
        return cls(names, parents, dependencies, item_keys)


def link_problems(templateids: Iterable[str], links: TemplateLinks) -> list[str]:
    """Why Zabbix would refuse linking exactly these templates to one host, in names; [] when it
    would not. Unknown templateids are ignored (the desired state reports unknown names)."""
    chosen = frozenset(str(t) for t in templateids if str(t) in links.names)
    problems = links._memo.get(chosen)
    if problems is None:
        problems = links._memo[chosen] = tuple(_problems(chosen, links))
    return list(problems)


def _problems(chosen: frozenset[str], links: TemplateLinks) -> list[str]:
    def name(templateid: str) -> str:
        return links.names.get(templateid, templateid)

    members = sorted(chosen, key=lambda t: (name(t), t))
    lineage = {m: _closure([m], links.parents, links.names) for m in members}
    return [
        *_linked_twice(members, lineage, name),
        *_missing_dependencies(members, chosen, links, name),
        *_same_item_keys(members, lineage, links, name),
    ]


def _closure(
    start: Iterable[str], edges: Mapping[str, Iterable[str]], known: Mapping[str, str]
) -> set[str]:
    """``start`` and everything reachable from it along ``edges``, known templates only."""
    seen: set[str] = set()
    todo = [t for t in start if t in known]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(t for t in edges.get(current, ()) if t in known)
    return seen


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _linked_twice(members: list[str], lineage: Mapping[str, set[str]], name: Namer) -> list[str]:
    through: dict[str, list[str]] = {}
    for member in members:
        for templateid in lineage[member]:
            through.setdefault(templateid, []).append(member)
    problems = []
    for templateid in sorted(through, key=lambda t: (name(t), t)):
        via = through[templateid]
        if len(via) > 1:
            ways = [
                "directly" if m == templateid else f'through "{name(m)}"'
                for m in sorted(via, key=lambda m: m != templateid)
            ]
            problems.append(f'template "{name(templateid)}" would be linked twice: {_and(ways)}')
    return problems


def _missing_dependencies(
    members: list[str], chosen: frozenset[str], links: TemplateLinks, name: Namer
) -> list[str]:
    problems = []
    for member in members:
        missing = {t for t in links.dependencies.get(member, ()) if t in links.names} - chosen
        if missing:
            needed = _closure(missing, links.dependencies, links.names) - chosen - {member}
            shown = sorted(name(t) for t in needed)
            problems.append(
                f'template "{name(member)}" needs {_quoted(shown)} (trigger dependencies)'
            )
    return problems


def _same_item_keys(
    members: list[str], lineage: Mapping[str, set[str]], links: TemplateLinks, name: Namer
) -> list[str]:
    origins: dict[str, set[str]] = {}  # item key -> the templates it comes from
    for templateid in set().union(*lineage.values()):
        for key in links.item_keys.get(templateid, ()):
            origins.setdefault(key, set()).add(templateid)
    clashes: dict[tuple[str, ...], list[str]] = {}  # the members bringing them -> item keys
    for key, sources in origins.items():
        if len(sources) > 1:
            bringing = tuple(m for m in members if lineage[m] & sources)
            if len(bringing) > 1:
                clashes.setdefault(bringing, []).append(key)
    problems = []
    for bringing, keys in sorted(clashes.items(), key=lambda c: [name(m) for m in c[0]]):
        keys.sort()
        templates = _and([f'"{name(m)}"' for m in bringing])
        shown = _quoted(keys[:KEYS_SHOWN]) + (
            f" and {len(keys) - KEYS_SHOWN} more" if len(keys) > KEYS_SHOWN else ""
        )
        both = "both" if len(bringing) == 2 else "all"
        plural = "s" if len(keys) > 1 else ""
        problems.append(f"templates {templates} {both} have item key{plural} {shown}")
    return problems
