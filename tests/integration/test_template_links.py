"""Template dependencies and item-key conflicts against the lab: the import caches them and names
them in the metadata, and ``link_problems`` says why Zabbix refuses a set of templates exactly
when the real Zabbix refuses it (6.0, 7.0, and the 7.2, 7.4, 8.0 contract endpoints over 7.0).

Templates made here (prefix ``it-<uuid8>-``):

- A: a trigger that depends on a trigger of B;
- B and C: the same item key;
- D nests B; E nests A and B (so it holds both ends of the dependency);
- F and G: the same discovery rule key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest
from lab_objects import ZabbixCleanup
from sqlalchemy import select

from nbzbx_dagster.defs.partitions import ZABBIX_SERVERS, sync_partitions
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.defs.zabbix_settings.assets import zabbix_settings_import
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import zabbix_template
from nbzbx_dagster.sync.template_links import TemplateLinks, link_problems
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError

pytestmark = pytest.mark.integration

SERVER = "default"  # the single-server environment
AGENT = [{"type": 1, "main": 1, "useip": 1, "ip": "192.0.2.10", "dns": "", "port": "10050"}]


@dataclass
class Templates:
    prefix: str
    ids: dict[str, str]  # "A" .. "E" -> templateid
    hostgroup: str
    cleanup: ZabbixCleanup

    def name(self, letter: str) -> str:
        return f"{self.prefix}Template {letter}"


@pytest.fixture
def made(zabbix: ZabbixClient) -> Iterator[Templates]:
    cleanup = ZabbixCleanup(zabbix)
    prefix = f"it-{uuid.uuid4().hex[:8]}-"
    since_7 = zabbix.version >= (7, 0, 0)
    try:
        group = lab_zabbix.create_template_group(zabbix, prefix + "tg")
        cleanup.add("templategroup" if since_7 else "hostgroup", group)
        hostgroup = lab_zabbix.create_host_group(zabbix, prefix + "hg")
        cleanup.add("hostgroup", hostgroup)
        ids: dict[str, str] = {}

        def template(letter: str, *parents: str) -> None:
            ids[letter] = lab_zabbix.create_template(
                zabbix,
                f"{prefix}{letter}",
                [group],
                name=f"{prefix}Template {letter}",
                templates=[ids[p] for p in parents],
            )
            cleanup.add("template", ids[letter])

        for letter in "ABC":
            template(letter)
        lab_zabbix.create_template_item(zabbix, ids["A"], "agent", f"{prefix}a")
        for letter in "BC":
            lab_zabbix.create_template_item(zabbix, ids[letter], "agent", f"{prefix}shared")
        (down_a,) = zabbix.call(
            "trigger.create",
            {"description": "A down", "expression": f"last(/{prefix}A/{prefix}a)=0"},
        )["triggerids"]
        (down_b,) = zabbix.call(
            "trigger.create",
            {"description": "B down", "expression": f"last(/{prefix}B/{prefix}shared)=0"},
        )["triggerids"]
        dependency = {"triggerid": down_a, "dependencies": [{"triggerid": down_b}]}
        zabbix.call("trigger.update", dependency)
        template("D", "B")
        template("E", "A", "B")
        for letter in "FG":
            template(letter)
            rule = {"hostid": ids[letter], "name": "discovery", "key_": f"{prefix}lld"}
            zabbix.call("discoveryrule.create", {**rule, "type": 0, "delay": "1h"})
        yield Templates(prefix, ids, hostgroup, cleanup)
    finally:
        cleanup.run()


@pytest.fixture
def imported(
    zabbix_version: str, made: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dg.ExecuteInProcessResult, StateStore]]:
    """``zabbix_templates`` alone materialized (no NetBox), into a fresh state store."""
    for key, value in services.env(zabbix_version).items():
        monkeypatch.setenv(key, value)
    database_url = f"sqlite:///{tmp_path}/state.db"
    monkeypatch.setenv("NBZBX_DATABASE_URL", database_url)
    for key in ("DAGSTER_HOME", "NBZBX_CONFIG", "NBZBX_ZABBIX_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    with dg.instance_for_test() as instance:
        sync_partitions(instance, [SERVER], ZABBIX_SERVERS)
        result = dg.materialize(
            [zabbix_settings_import],
            selection=[dg.AssetKey("zabbix_templates")],
            partition_key=SERVER,
            instance=instance,
            resources=build_resources(),
        )
    store = StateStore(database_url)
    yield result, store
    store.dispose()


def test_the_import_caches_dependencies_and_shared_keys_and_names_them(
    made: Templates, imported: tuple[dg.ExecuteInProcessResult, StateStore]
) -> None:
    result, store = imported
    assert result.success
    (event,) = result.get_asset_materialization_events()
    shown = event.materialization.metadata["dependencies"].value
    assert f"{made.name('A')} → {made.name('B')}" in shown
    assert not [line for line in shown if line.startswith(made.name("E"))]  # nests both ends
    with store.connect() as conn:
        query = select(zabbix_template).where(
            zabbix_template.c.server == SERVER,
            zabbix_template.c.templateid.in_(list(made.ids.values())),
        )
        rows = {r["host"][len(made.prefix) :]: r for r in conn.execute(query).mappings()}
    assert rows["A"]["dependencies"] == [made.ids["B"]]
    assert [rows[t]["dependencies"] for t in "BCDE"] == [[], [], [], []]
    shared = f"{made.prefix}shared"
    assert [shared in rows[t]["shared_item_keys"] for t in "ABCDE"] == [
        False,
        True,
        True,
        False,  # inherited from B: the key is B's
        False,
    ]


# which template sets to link, and whether the check finds a problem
SETS = {
    "A": True,  # A needs B
    "AB": False,
    "BC": True,  # the same item key
    "AD": True,  # B nested in D does not satisfy A
    "BD": True,  # B linked twice
    "E": False,  # E holds both ends of A's dependency
    "CE": True,  # the same item key, through B nested in E
    "FG": True,  # the same discovery rule key
}


def test_link_problems_mirror_what_zabbix_refuses(
    zabbix: ZabbixClient, made: Templates, imported: tuple[dg.ExecuteInProcessResult, StateStore]
) -> None:
    result, store = imported
    assert result.success
    with store.connect() as conn:
        links = TemplateLinks.load(conn, SERVER)
    a, b, c = (made.name(x) for x in "ABC")
    assert link_problems([made.ids["A"]], links) == [
        f'template "{a}" needs "{b}" (trigger dependencies)'
    ]
    assert link_problems([made.ids["B"], made.ids["C"]], links) == [
        f'templates "{b}" and "{c}" both have item key "{made.prefix}shared"'
    ]
    refused: dict[str, str] = {}
    for letters, problem in SETS.items():
        templateids = [made.ids[x] for x in letters]
        assert bool(link_problems(templateids, links)) is problem, letters
        try:
            (hostid,) = zabbix.call(
                "host.create",
                {
                    "host": f"{made.prefix}host-{letters}",
                    "groups": [{"groupid": made.hostgroup}],
                    "interfaces": AGENT,
                    "templates": [{"templateid": t} for t in templateids],
                },
            )["hostids"]
            made.cleanup.add("host", hostid)
        except ZabbixError as error:
            refused[letters] = str(error)
    expected = {letters for letters, problem in SETS.items() if problem}
    if zabbix.version < (7, 0, 0):
        # 6.0 creates a host with two templates of the same item or discovery rule key; it
        # refuses them on update
        expected -= {"BC", "CE", "FG"}
    assert set(refused) == expected, refused
    assert f'"{made.prefix}A"' in refused["A"] and f'"{made.prefix}B"' in refused["A"]
    # the same key refused on every version when a host that has one gets the other
    (hostid,) = zabbix.call(
        "host.get", {"output": ["hostid"], "filter": {"host": [f"{made.prefix}host-AB"]}}
    )
    with pytest.raises(ZabbixError, match=f"{made.prefix}shared"):
        zabbix.call(
            "host.update",
            {
                "hostid": hostid["hostid"],
                "templates": [{"templateid": made.ids[x]} for x in "ABC"],
            },
        )
    (hostid,) = zabbix.call(
        "host.create",
        {
            "host": f"{made.prefix}host-F",
            "groups": [{"groupid": made.hostgroup}],
            "interfaces": AGENT,
            "templates": [{"templateid": made.ids["F"]}],
        },
    )["hostids"]
    made.cleanup.add("host", hostid)
    with pytest.raises(ZabbixError, match=f"{made.prefix}lld"):
        zabbix.call(
            "host.update",
            {"hostid": hostid, "templates": [{"templateid": made.ids[x]} for x in "FG"]},
        )
