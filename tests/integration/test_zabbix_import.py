"""The ``import_zabbix_settings`` job against the lab: Zabbix 6.0.14 and 7.0, the 7.2, 7.4 and
8.0 contract endpoints over 7.0, and NetBox 4.7.3.

Each test has its own SQLite state store and Dagster instance, but Zabbix and NetBox are shared
with other test runs: objects made here carry a unique ``it-<uuid8>-`` prefix and are deleted
afterwards, and assertions are about those objects, or about counts relative to a first import.
The zabbix_version fixture is module-scoped here, so all tests of one version run before the next
version's (every switch rewrites the shared NetBox choice sets).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import requests
from lab_objects import ZabbixCleanup
from lab_objects import netbox_device as make_netbox_device
from sqlalchemy import select, update
from stopping_zabbix import StoppingZabbix

from nbzbx_dagster.cli.run_in_process import RunOutcome, run_job
from nbzbx_dagster.defs.zabbix_settings.events import IMPORT_JOB
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.netbox.choices import publish_choices
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, to_row
from nbzbx_dagster.store.tables import zabbix_server
from nbzbx_dagster.sync.zabbix_import import choice_names, fetch_zabbix_settings
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError

pytestmark = pytest.mark.integration

Snapshot = dict[str, dict[str, dict[str, Any]]]  # kind -> id -> cache row


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=services.SUITE_ZABBIX_VERSIONS, ids=services.zabbix_id)
def zabbix_version(request: pytest.FixtureRequest) -> str:
    """The conftest's version, module-scoped here."""
    body = {"jsonrpc": "2.0", "method": "apiinfo.version", "params": {}, "id": 1}
    url = services.zabbix_url(request.param)
    try:
        requests.post(url, json=body, timeout=5).raise_for_status()
        requests.get(services.netbox_url() + "/api/", timeout=5)
    except requests.RequestException as error:
        pytest.fail(f"the lab is not answering ({error}); run `nbzbx lab up`")
    return request.param


@dataclass
class Lab:
    """One test's view of the lab: its own state store and instance, the shared services."""

    version: str
    database_url: str
    instance: dg.DagsterInstance
    zabbix: ZabbixClient
    cleanup: ZabbixCleanup
    prefix: str
    monkeypatch: pytest.MonkeyPatch

    @property
    def since_7(self) -> bool:
        """Zabbix 7.0 or later (7.0 names, template and proxy groups); the lab's other is 6.0."""
        return self.zabbix.version >= (7, 0, 0)

    def run(self, max_deletions: int | None = None) -> RunOutcome:
        if max_deletions is not None:
            self.monkeypatch.setenv("NBZBX_MAX_DELETIONS", str(max_deletions))
        return run_job(IMPORT_JOB, instance=self.instance)

    def ok(self, max_deletions: int | None = None) -> dict[str, dict[str, Any]]:
        outcome = self.run(max_deletions)
        assert outcome.success, outcome.error
        assert outcome.error is None
        return outcome.summary["data"]

    def store(self) -> StateStore:
        return StateStore(self.database_url)

    def cache(self) -> dict[str, list[dict[str, Any]]]:
        """Every cache table, every column (``last_synced`` too), in id order."""
        store = self.store()
        try:
            with store.connect() as conn:
                return {
                    key: [
                        dict(r)
                        for r in conn.execute(
                            select(kind.table).order_by(kind.table.c[kind.id_column])
                        ).mappings()
                    ]
                    for key, kind in KINDS.items()
                }
        finally:
            store.dispose()

    def cached(self, key: str, objectid: str) -> dict[str, Any] | None:
        kind = KINDS[key]
        rows = [r for r in self.cache()[key] if r[kind.id_column] == objectid]
        return rows[0] if rows else None

    def events(self, run_id: str) -> list[dict[str, Any]]:
        store = self.store()
        try:
            return store.list_events(run_id=run_id)
        finally:
            store.dispose()

    # -- making objects in Zabbix (all deleted after the test) ---------------------------------

    def host_group(self, name: str) -> str:
        groupid = lab_zabbix.create_host_group(self.zabbix, self.prefix + name)
        self.cleanup.add("hostgroup", groupid)
        return groupid

    def template_group(self, name: str) -> str:
        """A template group (a host group on 6.0)."""
        groupid = lab_zabbix.create_template_group(self.zabbix, self.prefix + name)
        self.cleanup.add("templategroup" if self.since_7 else "hostgroup", groupid)
        return groupid

    def template(
        self, host: str, groupid: str, name: str | None = None, parents: list[str] | None = None
    ) -> str:
        templateid = lab_zabbix.create_template(
            self.zabbix, self.prefix + host, [groupid], name=name, templates=parents
        )
        self.cleanup.add("template", templateid)
        return templateid

    def proxy(self, name: str, mode: str = "passive", address: str = "127.0.0.1", **kw: Any) -> str:
        proxyid = lab_zabbix.create_proxy(
            self.zabbix, self.prefix + name, mode, address if mode == "passive" else None, **kw
        )
        self.cleanup.add("proxy", proxyid)
        return proxyid

    def proxy_group(self, name: str) -> str:
        groupid = lab_zabbix.create_proxy_group(self.zabbix, self.prefix + name)
        self.cleanup.add("proxygroup", groupid)
        return groupid

    def delete(self, kind: str, objectid: str) -> None:
        lab_zabbix.delete_objects(self.zabbix, kind, [objectid])
        self.cleanup.forget(kind, objectid)

    def snapshot(self) -> Snapshot:
        """What Zabbix has now, as the import would cache it."""
        remote = fetch_zabbix_settings(self.zabbix)
        return {
            key: {row["id"]: row for row in (to_row(kind, obj) for obj in remote[key])}
            for key, kind in KINDS.items()
        }


@pytest.fixture
def lab(
    zabbix_version: str, zabbix: ZabbixClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Lab]:
    for key, value in services.env(zabbix_version).items():
        monkeypatch.setenv(key, value)
    database_url = f"sqlite:///{tmp_path}/state.db"
    monkeypatch.setenv("NBZBX_DATABASE_URL", database_url)
    monkeypatch.setenv("NBZBX_HOME", str(tmp_path))
    for key in ("DAGSTER_HOME", "NBZBX_CONFIG", "NBZBX_MAX_DELETIONS", "NBZBX_ZABBIX_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    cleanup = ZabbixCleanup(zabbix)
    prefix = f"it-{uuid.uuid4().hex[:8]}-"
    try:
        with dg.instance_for_test() as instance:
            yield Lab(zabbix_version, database_url, instance, zabbix, cleanup, prefix, monkeypatch)
    finally:
        cleanup.run()


def names(summary: dict[str, Any], key: str, what: str) -> set[str]:
    return set(summary[key][f"{what}_names"])


def stable(before: Snapshot, after: Snapshot, key: str, name_key: str) -> set[str]:
    """Names of objects the same in both snapshots: other test runs did not touch them."""
    return {row[name_key] for i, row in before[key].items() if after[key].get(i) == row}


# -- import, re-import, changes ----------------------------------------------------------------


def test_import_from_empty_adds_what_zabbix_has(lab: Lab) -> None:
    groupid = lab.host_group("hg")
    tgroupid = lab.template_group("tg")
    templateid = lab.template("tpl", tgroupid)
    proxyid = lab.proxy("proxy")
    before = lab.snapshot()

    outcome = lab.run()
    assert outcome.success, outcome.error
    after = lab.snapshot()
    data = outcome.summary["data"]
    assert outcome.summary["message"].startswith("imported zabbix configuration")
    assert set(data) == set(KINDS)
    cache = lab.cache()
    for key, kind in KINDS.items():
        counts = data[key]
        assert counts["added"] == len(cache[key]), key
        assert counts["updated"] == counts["deleted"] == counts["unchanged"] == 0, key
        ids = {row[kind.id_column] for row in cache[key]}
        # what Zabbix had during the run (other test runs may add or remove their own objects)
        assert set(before[key]) & set(after[key]) <= ids <= set(before[key]) | set(after[key])
        for row in cache[key]:
            assert to_row(kind, row) == (
                after[key].get(row[kind.id_column]) or before[key][row[kind.id_column]]
            )
    assert lab.prefix + "hg" in names(data, "host_groups", "added")
    assert lab.prefix + "tpl" in names(data, "templates", "added")
    assert lab.prefix + "proxy" in names(data, "proxies", "added")
    if lab.since_7:
        assert lab.prefix + "tg" in names(data, "template_groups", "added")
        assert data["template_groups"]["added"] >= 1
    else:  # no template groups before 6.2: a host group holding only templates, not offered
        assert data["template_groups"]["added"] == 0
        assert lab.prefix + "tg" not in names(data, "host_groups", "added")
        assert data["proxy_groups"]["added"] == 0
    assert lab.cached("host_groups", groupid)["name"] == lab.prefix + "hg"
    assert lab.cached("templates", templateid)["host"] == lab.prefix + "tpl"
    assert lab.cached("proxies", proxyid)["name"] == lab.prefix + "proxy"

    (event,) = lab.events(outcome.run_id)
    assert event["job"] == IMPORT_JOB
    assert event["status"] == "success"
    assert event["error"] is None
    assert event["summary"]["data"]["host_groups"]["added"] == data["host_groups"]["added"]


def test_second_import_without_change_reports_all_unchanged(lab: Lab) -> None:
    lab.host_group("hg")
    tgroupid = lab.template_group("tg")
    lab.template("tpl", tgroupid, name="Visible tpl")
    lab.proxy("proxy")
    before = lab.snapshot()
    first = lab.ok()
    cache_first = lab.cache()
    second = lab.ok()
    after = lab.snapshot()

    for key, kind in KINDS.items():
        counts = second[key]
        # every cached row is accounted for, every object in Zabbix too
        assert counts["unchanged"] + counts["updated"] + counts["deleted"] == first[key]["added"]
        assert counts["added"] + counts["updated"] + counts["unchanged"] == len(lab.cache()[key])
        # changes, if any, come from other test runs touching their own objects, never ours
        untouched = stable(before, after, key, kind.name_column)
        changed = set().union(*(names(second, key, w) for w in ("added", "updated", "deleted")))
        assert not changed & untouched, key
        assert counts["unchanged"] >= len(untouched), key
    assert {lab.prefix + "hg", lab.prefix + "tpl"} <= stable(
        before, after, "host_groups", "name"
    ) | stable(before, after, "templates", "host")
    # unchanged rows keep their content; only last_synced moves on
    cache_second = lab.cache()
    for key, kind in KINDS.items():
        first_rows = {r[kind.id_column]: r for r in cache_first[key]}
        for row in cache_second[key]:
            old = first_rows.get(row[kind.id_column])
            if old is not None and old[kind.name_column] in stable(
                before, after, key, kind.name_column
            ):
                assert {**old, "last_synced": None} == {**row, "last_synced": None}
                assert row["last_synced"] > old["last_synced"]


def test_added_renamed_deleted_objects(lab: Lab) -> None:
    z = lab.zabbix
    hg_renamed, hg_deleted = lab.host_group("hg-old"), lab.host_group("hg-gone")
    tgroupid = lab.template_group("tg")
    tpl_renamed, tpl_deleted = lab.template("tpl-old", tgroupid), lab.template("tpl-gone", tgroupid)
    px_renamed, px_deleted = lab.proxy("px-old"), lab.proxy("px-gone")
    if lab.since_7:
        tg_renamed, tg_deleted = lab.template_group("tg-old"), lab.template_group("tg-gone")
        pg_renamed, pg_deleted = lab.proxy_group("pg-old"), lab.proxy_group("pg-gone")
    lab.ok()

    p = lab.prefix
    lab.host_group("hg-new")
    z.call("hostgroup.update", {"groupid": hg_renamed, "name": p + "hg-renamed"})
    lab.delete("hostgroup", hg_deleted)
    lab.template("tpl-new", tgroupid)
    z.call("template.update", {"templateid": tpl_renamed, "host": p + "tpl-renamed"})
    lab.delete("template", tpl_deleted)
    lab.proxy("px-new")
    name_field = "name" if lab.since_7 else "host"
    z.call("proxy.update", {"proxyid": px_renamed, name_field: p + "px-renamed"})
    lab.delete("proxy", px_deleted)
    if lab.since_7:
        lab.template_group("tg-new")
        z.call("templategroup.update", {"groupid": tg_renamed, "name": p + "tg-renamed"})
        lab.delete("templategroup", tg_deleted)
        lab.proxy_group("pg-new")
        z.call("proxygroup.update", {"proxy_groupid": pg_renamed, "name": p + "pg-renamed"})
        lab.delete("proxygroup", pg_deleted)

    # a high limit: this test is about reporting, other runs may delete their objects meanwhile
    data = lab.ok(max_deletions=100)
    kinds = ["host_groups", "templates", "proxies"]
    if lab.since_7:
        kinds += ["template_groups", "proxy_groups"]
    short = {
        "host_groups": "hg",
        "templates": "tpl",
        "proxies": "px",
        "template_groups": "tg",
        "proxy_groups": "pg",
    }
    for key in kinds:
        s = short[key]
        assert p + f"{s}-new" in names(data, key, "added"), key
        assert p + f"{s}-renamed" in names(data, key, "updated"), key
        assert p + f"{s}-gone" in names(data, key, "deleted"), key
        mine = {
            n
            for w in ("added", "updated", "deleted")
            for n in names(data, key, w)
            if n.startswith(p)
        }
        assert mine == {p + f"{s}-new", p + f"{s}-renamed", p + f"{s}-gone"}, key
        assert data[key]["added"] >= 1 and data[key]["updated"] >= 1 and data[key]["deleted"] >= 1
    # the same ids, with the new names; the deleted ones are gone from the cache
    assert lab.cached("host_groups", hg_renamed)["name"] == p + "hg-renamed"
    assert lab.cached("templates", tpl_renamed)["host"] == p + "tpl-renamed"
    assert lab.cached("proxies", px_renamed)["name"] == p + "px-renamed"
    assert lab.cached("host_groups", hg_deleted) is None
    assert lab.cached("templates", tpl_deleted) is None
    assert lab.cached("proxies", px_deleted) is None
    if lab.since_7:
        assert lab.cached("template_groups", tg_renamed)["name"] == p + "tg-renamed"
        assert lab.cached("proxy_groups", pg_renamed)["name"] == p + "pg-renamed"
        assert lab.cached("template_groups", tg_deleted) is None
        assert lab.cached("proxy_groups", pg_deleted) is None
        # a renamed template group is an update of its templates too (they list group names)
        assert lab.cached("templates", tpl_renamed)["template_groups"] == [p + "tg"]


# -- the deletion guard --------------------------------------------------------------------------


def _three_proxies_gone(lab: Lab) -> list[str]:
    """Three cached proxies deleted in Zabbix after a first import; their names."""
    ids = [lab.proxy(f"prune-{i}") for i in range(3)]
    lab.ok()
    for proxyid in ids:
        lab.delete("proxy", proxyid)
    return [f"{lab.prefix}prune-{i}" for i in range(3)]


def test_pruning_just_at_the_limit(lab: Lab) -> None:
    gone = _three_proxies_gone(lab)
    data = lab.ok(max_deletions=3)
    assert data["proxies"]["deleted"] == 3
    assert set(data["proxies"]["deleted_names"]) == set(gone)
    assert not {r["name"] for r in lab.cache()["proxies"]} & set(gone)


def test_pruning_just_over_the_limit_fails_and_changes_nothing(lab: Lab) -> None:
    gone = _three_proxies_gone(lab)
    lab.host_group("hg-new")  # a change the refused import must not write either
    before = lab.cache()

    outcome = lab.run(max_deletions=2)
    assert not outcome.success
    assert "proxies: 3 cached objects are gone from Zabbix" in outcome.error
    assert "max_deletions=2" in outcome.error
    assert "nothing was changed" in outcome.error
    for name in gone:
        assert name in outcome.error
    assert lab.cache() == before
    (event,) = lab.events(outcome.run_id)
    assert event["status"] == "failure"
    assert "TooManyDeletions" in event["error"] and gone[0] in event["error"]
    run = lab.instance.get_run_by_id(outcome.run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE

    # raising the limit lets the same import through
    data = lab.ok(max_deletions=3)
    assert set(data["proxies"]["deleted_names"]) == set(gone)
    assert lab.prefix + "hg-new" in names(data, "host_groups", "added")


# -- object shapes -------------------------------------------------------------------------------


def test_proxy_addresses_dns_name_ip_and_active(lab: Lab) -> None:
    dns = f"{lab.prefix}proxy.example.org"
    by_dns = lab.proxy("dns", address=dns, port=10052)
    by_ip = lab.proxy("ip", address="192.0.2.10")
    active = lab.proxy("active", mode="active", allowed_addresses="192.0.2.20,proxy.example.net")
    data = lab.ok()
    assert {lab.prefix + n for n in ("dns", "ip", "active")} <= names(data, "proxies", "added")

    row = lab.cached("proxies", by_dns)
    assert (row["mode"], row["address"], row["port"]) == ("passive", dns, "10052")
    row = lab.cached("proxies", by_ip)
    assert (row["mode"], row["address"], row["port"]) == ("passive", "192.0.2.10", "10051")
    row = lab.cached("proxies", active)
    assert (row["mode"], row["address"], row["port"]) == ("active", None, None)
    assert row["allowed_addresses"] == "192.0.2.20,proxy.example.net"
    # and they stay unchanged on the next import
    again = lab.ok()
    assert not {lab.prefix + n for n in ("dns", "ip", "active")} & (
        names(again, "proxies", "updated") | names(again, "proxies", "added")
    )


def test_names_with_non_ascii_characters(lab: Lab, netbox: NetBoxClient) -> None:
    hg_name = "hg-Zürich-Ωmega-東京"
    groupid = lab.host_group(hg_name)
    tgroupid = lab.template_group("tg-Ünïcödé")
    visible = f"{lab.prefix}Überwachung café 東京"
    templateid = lab.template("tpl", tgroupid, name=visible)
    data = lab.ok()
    assert lab.prefix + hg_name in names(data, "host_groups", "added")
    assert lab.cached("host_groups", groupid)["name"] == lab.prefix + hg_name
    row = lab.cached("templates", templateid)
    assert (row["host"], row["name"]) == (lab.prefix + "tpl", visible)
    if lab.since_7:
        assert row["template_groups"] == [lab.prefix + "tg-Ünïcödé"]
    # the same names come back from the state store: a second import sees no change
    again = lab.ok()
    assert lab.prefix + hg_name not in names(again, "host_groups", "updated")
    assert lab.prefix + "tpl" not in names(again, "templates", "updated")
    choices = netbox.api.extras.custom_field_choice_sets.get(name="zabbix_host_groups")
    assert [lab.prefix + hg_name] * 2 in choices.extra_choices


def test_parent_templates_and_interface_types(lab: Lab) -> None:
    tgroupid = lab.template_group("tg")
    agent = lab.template("agent", tgroupid)
    lab_zabbix.create_template_item(lab.zabbix, agent, "agent", "it.agent.item")
    snmp = lab.template("snmp", tgroupid)
    lab_zabbix.create_template_item(lab.zabbix, snmp, "snmp", "it.snmp.item")
    both = lab.template("both", tgroupid, parents=[agent, snmp])
    child_of_agent = lab.template("child-agent", tgroupid, parents=[agent])
    grandchild = lab.template("grandchild-snmp", tgroupid, parents=[lab.template("x", tgroupid)])
    lab_zabbix.create_template_item(lab.zabbix, grandchild, "snmp", "it.snmp.own")
    empty = lab.template("empty", tgroupid)
    lab.ok()

    def cached(templateid: str) -> tuple[list[str], str]:
        row = lab.cached("templates", templateid)
        return row["parents"], row["interface_type"]

    assert cached(agent) == ([], "agent")
    assert cached(snmp) == ([], "snmp")
    assert cached(both) == (sorted([agent, snmp], key=str), "any")
    assert cached(child_of_agent) == ([agent], "agent")
    assert cached(grandchild)[1] == "snmp"
    assert cached(empty) == ([], "any")

    # an item added to a parent changes the child's interface type: an update of both
    lab_zabbix.create_template_item(lab.zabbix, agent, "snmp", "it.snmp.late")
    data = lab.ok()
    assert {lab.prefix + "agent", lab.prefix + "child-agent"} <= names(data, "templates", "updated")
    assert cached(agent) == ([], "any")
    assert cached(child_of_agent) == ([agent], "any")
    assert lab.prefix + "snmp" not in names(data, "templates", "updated")


def test_proxy_to_proxy_group_link(lab: Lab) -> None:
    if not lab.since_7:
        # before 7.0 there are no proxy groups: none cached, no link on proxies
        proxyid = lab.proxy("px")
        with pytest.raises(ZabbixError, match=r"proxy groups need Zabbix 7\.0"):
            lab_zabbix.create_proxy_group(lab.zabbix, lab.prefix + "pg")
        data = lab.ok()
        assert data["proxy_groups"]["added"] == 0 and lab.cache()["proxy_groups"] == []
        assert lab.cached("proxies", proxyid)["proxy_groupid"] is None
        return
    groupid = lab.proxy_group("pg")
    member = lab.proxy("member", proxy_groupid=groupid)
    loner = lab.proxy("loner")
    data = lab.ok()
    assert lab.prefix + "pg" in names(data, "proxy_groups", "added")
    assert lab.cached("proxy_groups", groupid)["name"] == lab.prefix + "pg"
    assert lab.cached("proxies", member)["proxy_groupid"] == groupid
    assert lab.cached("proxies", loner)["proxy_groupid"] is None

    lab.zabbix.call("proxy.update", {"proxyid": member, "proxy_groupid": "0"})
    lab.zabbix.call(
        "proxy.update", {"proxyid": loner, "proxy_groupid": groupid, "local_address": "127.0.0.1"}
    )
    data = lab.ok()
    assert {lab.prefix + "member", lab.prefix + "loner"} <= names(data, "proxies", "updated")
    assert lab.cached("proxies", member)["proxy_groupid"] is None
    assert lab.cached("proxies", loner)["proxy_groupid"] == groupid


# -- Zabbix stopping in the middle of a run ------------------------------------------------------


def test_zabbix_stopping_mid_run_fails_the_run_and_keeps_the_cache(lab: Lab) -> None:
    lab.ok()
    lab.host_group("hg-new")  # would be added by a run that got through
    before = lab.cache()
    # version, login, template.get, item.get answered; the next read (the templates' trigger
    # dependencies) finds Zabbix gone
    with StoppingZabbix(services.zabbix_url(lab.version), limit=4) as zabbix:
        lab.monkeypatch.setenv("NBZBX_ZABBIX_URL", zabbix.url)
        # the same Zabbix behind a relay: the store would refuse a server at a new URL
        with lab.store().transaction() as conn:
            conn.execute(
                update(zabbix_server).values(url=zabbix.url.removesuffix("/api_jsonrpc.php"))
            )
        outcome = lab.run()
    assert zabbix.forwarded == ["apiinfo.version", "user.login", "template.get", "item.get"]
    assert zabbix.dropped and zabbix.dropped[0] == "trigger.get"
    assert not outcome.success
    cause = f"Zabbix at {zabbix.url}: connection reset by the server"
    assert outcome.error.endswith(cause)
    assert lab.cache() == before
    run = lab.instance.get_run_by_id(outcome.run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE
    (event,) = lab.events(outcome.run_id)
    assert event["status"] == "failure"
    assert event["job"] == IMPORT_JOB
    assert event["error"].endswith(cause)
    assert event["summary"] in ({}, None)


# -- NetBox choices ------------------------------------------------------------------------------


@pytest.fixture
def netbox_device(netbox: NetBoxClient, lab: Lab) -> Iterator[Any]:
    """A throwaway site, manufacturer, device type, role and device in NetBox."""
    with make_netbox_device(netbox, lab.prefix.rstrip("-")) as device:
        yield device


def _choices(netbox: NetBoxClient, field: str) -> set[str]:
    """The values of a choice set; none when the set is gone (its last choice went)."""
    choice_set = netbox.api.extras.custom_field_choice_sets.get(name=field)
    return {value for value, _label in choice_set.extra_choices} if choice_set else set()


def _choices_report(lab: Lab) -> dict[str, Any]:
    event = lab.instance.get_latest_materialization_event(dg.AssetKey("netbox_zabbix_choices"))
    metadata = event.asset_materialization.metadata
    return {k: v.value for k, v in metadata.items()}


def test_netbox_choices_follow_the_cache(
    lab: Lab, netbox: NetBoxClient, netbox_device: Any
) -> None:
    p = lab.prefix
    lab.host_group("hg-keep")
    gone = lab.host_group("hg-gone")
    used = lab.host_group("hg-used")
    tgroupid = lab.template_group("tg")
    lab.template("tpl", tgroupid)
    proxyid = lab.proxy("px")
    lab.ok()
    assert {p + "hg-keep", p + "hg-gone", p + "hg-used"} <= _choices(netbox, "zabbix_host_groups")
    assert p + "tpl" in _choices(netbox, "zabbix_templates")
    assert p + "px" in _choices(netbox, "zabbix_proxy")
    assert set(_choices(netbox, "zabbix_sync_status")) == {
        "in_sync",
        "out_of_sync",
        "missing",
        "error",
    }
    fields = {f.name: f for f in netbox.api.extras.custom_fields.filter(name__isw="zabbix_")}
    for name, kind in (
        ("zabbix_templates", "multiselect"),
        ("zabbix_host_groups", "multiselect"),
        ("zabbix_proxy", "select"),
        ("zabbix_sync_status", "select"),
        ("zabbix_hostid", "integer"),
    ):
        assert fields[name].type.value == kind
        assert set(fields[name].object_types) == {"dcim.device", "virtualization.virtualmachine"}

    # a NetBox device uses one host group; then two groups and the proxy go from Zabbix
    netbox_device.custom_fields = {"zabbix_host_groups": [p + "hg-used"]}
    assert netbox_device.save()
    lab.delete("hostgroup", gone)
    lab.delete("hostgroup", used)
    lab.delete("proxy", proxyid)
    data = lab.ok(max_deletions=100)
    assert {p + "hg-gone", p + "hg-used"} <= names(data, "host_groups", "deleted")

    choices = _choices(netbox, "zabbix_host_groups")
    assert p + "hg-keep" in choices
    assert p + "hg-gone" not in choices
    assert p + "hg-used" in choices  # still used in NetBox: kept, and reported
    assert p + "px" not in _choices(netbox, "zabbix_proxy")
    report = _choices_report(lab)["zabbix_host_groups"]
    assert p + "hg-used" in report["kept_in_use"]
    assert p + "hg-gone" in report["removed"]
    assert p + "hg-used" not in report["removed"]


def test_publishing_unchanged_choices_writes_nothing_to_netbox(
    lab: Lab, netbox: NetBoxClient
) -> None:
    lab.ok()
    with lab.store().connect() as conn:
        names = choice_names(conn, ["default"])
    netbox.calls.clear()
    report = publish_choices(netbox, {**names, "servers": ["default"]})
    writes = {call: n for call, n in netbox.calls.items() if not call.startswith("GET")}
    assert writes == {}
    assert not any(entry.get("added") or entry.get("removed") for entry in report.values())
