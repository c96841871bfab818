"""Both lab Zabbix servers at once: site Zürich on 6.0 (``zbx60``), the rest on 7.0 (``zbx70``).

Each server has its own cache, statuses and event-log rows; a server that is down fails only
its own part; a store filled from one Zabbix is never used for another.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from nbzbx_dagster.cli.run_in_process import RunOutcome, run_job
from nbzbx_dagster.lab import services
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.cache import KINDS, cache_frame
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix import api as zapi

REFRESH_ALL = {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": 0}}}}
ZURICH = {"sw-zürich-01", "srv-zürich-01"}


@pytest.fixture(autouse=True)
def _seeded(seeded_lab: dict) -> None:
    """Every test here starts from the demo data on both servers."""


class Project:
    """The project pointed at the lab with a state store of its own (both servers, or one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store_path: Path, zabbix: str | None):
        for key in list(services.zabbix_env(None)) + list(services.zabbix_env("7.0")):
            monkeypatch.delenv(key, raising=False)
        for key, value in services.env(zabbix).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NBZBX_DATABASE_URL", f"sqlite:///{store_path}")
        monkeypatch.setenv("NBZBX_NETBOX_WRITEBACK", "false")
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        self.url = f"sqlite:///{store_path}"
        self.monkeypatch = monkeypatch

    def run(self, instance: dg.DagsterInstance, job: str, config: Any = None) -> RunOutcome:
        return run_job(job, config, instance=instance)

    def statuses(self) -> dict[str, dict[str, Any]]:
        store = StateStore(self.url)
        try:
            with store.connect() as conn:
                return {r["name"]: r for r in read_statuses(conn).values()}
        finally:
            store.dispose()

    def events(self, run_id: str) -> list[dict[str, Any]]:
        store = StateStore(self.url)
        try:
            return store.list_events(run_id=run_id)
        finally:
            store.dispose()

    def cache(self, server: str, key: str) -> set[str]:
        store = StateStore(self.url)
        try:
            with store.connect() as conn:
                frame = cache_frame(conn, KINDS[key], server)
                return set(frame[KINDS[key].name_column])
        finally:
            store.dispose()


@pytest.fixture
def both(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Project:
    return Project(monkeypatch, tmp_path / "both.db", None)


def test_import_fills_each_servers_cache_with_its_own_objects(
    both: Project, instance: dg.DagsterInstance, zabbix_of: Callable[[str], ZabbixClient]
) -> None:
    outcome = both.run(instance, "import_zabbix_settings")
    assert outcome.success, outcome.error
    for name, version in services.LAB_SERVERS.items():
        client = zabbix_of(version)
        assert both.cache(name, "host_groups") == {g["name"] for g in zapi.host_groups(client)}
        assert both.cache(name, "proxy_groups") == {g["name"] for g in zapi.proxy_groups(client)}
    assert both.cache("zbx60", "proxy_groups") == set()  # 6.0 has none
    assert both.cache("zbx70", "proxy_groups")
    rows = {e["server"]: e for e in both.events(outcome.run_id)}
    assert set(rows) == {"zbx60", "zbx70"}
    assert all(r["status"] == "success" for r in rows.values())
    partitions = instance.get_dynamic_partitions("zabbix_servers")
    assert partitions == ["zbx60", "zbx70"]
    materialized = instance.fetch_materializations(dg.AssetKey("zabbix_host_groups"), limit=10)
    assert {r.asset_materialization.partition for r in materialized.records} == set(partitions)


def test_netbox_offers_every_servers_names_and_the_servers(
    both: Project, instance: dg.DagsterInstance
) -> None:
    assert both.run(instance, "import_zabbix_settings").success
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token())
    sets = {s["name"]: s for s in netbox.objects("extras.custom_field_choice_sets")}
    servers = [c[0] for c in sets["zabbix_server"]["extra_choices"]]
    assert servers == ["zbx60", "zbx70"]
    proxy_groups = {c[0] for c in sets["zabbix_proxy_group"]["extra_choices"]}
    assert proxy_groups == both.cache("zbx70", "proxy_groups")  # kept: 6.0 has none


def test_refresh_across_servers_equals_each_server_alone(
    both: Project,
    instance: dg.DagsterInstance,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Each host config's status from the two-server run is the one its server gives alone."""
    assert both.run(instance, "import_zabbix_settings").success
    outcome = both.run(instance, "host_config_sync_refresh", REFRESH_ALL)
    assert outcome.success, outcome.error
    together = both.statuses()
    assert outcome.summary["servers"]["zbx60"]["total"] == len(ZURICH)
    assert {n for n, r in together.items() if r["server"] == "zbx60"} == ZURICH
    alone = {}
    for version in ("6.0", "7.0"):
        single = Project(monkeypatch, tmp_path / f"alone-{version}.db", version)
        with dg.instance_for_test() as other:
            assert single.run(other, "import_zabbix_settings").success
            assert single.run(other, "host_config_sync_refresh", REFRESH_ALL).success
        alone[version] = single.statuses()
    for name, row in together.items():
        expected = alone["6.0" if name in ZURICH else "7.0"][name]
        assert (row["status"], row["zabbix_hostid"]) == (
            expected["status"],
            expected["zabbix_hostid"],
        ), name


def test_one_server_down_fails_only_its_part(
    both: Project, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert both.run(instance, "import_zabbix_settings").success
    assert both.run(instance, "host_config_sync_refresh", REFRESH_ALL).success
    before = both.statuses()
    servers = json.loads(services.zabbix_env(None)["NBZBX_ZABBIX_SERVERS"])
    servers[0]["url"] = "http://127.0.0.1:9/api_jsonrpc.php"  # zbx60: refused
    monkeypatch.setenv("NBZBX_ZABBIX_SERVERS", json.dumps(servers))
    outcome = both.run(instance, "host_config_sync_refresh", REFRESH_ALL)
    assert not outcome.success
    assert outcome.error is not None and "\n" not in outcome.error
    assert outcome.error.startswith("server zbx60: ")
    assert "stored for zbx70" in outcome.error
    rows = {e["server"]: e for e in both.events(outcome.run_id)}
    assert rows["zbx60"]["status"] == "failure" and rows["zbx70"]["status"] == "success"
    after = both.statuses()
    for name in ZURICH:  # zbx60's statuses as they were
        assert after[name]["checked_at"] == before[name]["checked_at"]
    others = set(after) - ZURICH
    assert all(after[n]["checked_at"] > before[n]["checked_at"] for n in others)


def test_a_store_filled_from_another_server_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The defect: a store filled from 7.0, then the environment pointed at 6.0."""
    store_path = tmp_path / "shared.db"
    seven = Project(monkeypatch, store_path, "7.0")
    with dg.instance_for_test() as instance:
        assert seven.run(instance, "import_zabbix_settings").success
        assert seven.run(instance, "host_config_sync_refresh", REFRESH_ALL).success
        before = seven.statuses()
        six = Project(monkeypatch, store_path, "6.0")
        six.monkeypatch.setenv("NBZBX_NETBOX_WRITEBACK", "true")
        written = netbox_statuses()
        for job, config in (
            ("import_zabbix_settings", None),
            ("host_config_sync_refresh", REFRESH_ALL),
        ):
            outcome = six.run(instance, job, config)
            assert not outcome.success, job
            assert outcome.error is not None and "\n" not in outcome.error
            assert "http://127.0.0.1:18070" in outcome.error, outcome.error
            assert "http://127.0.0.1:18060" in outcome.error
            assert "nbzbx servers forget default" in outcome.error
        assert six.statuses() == before  # nothing stored
        assert netbox_statuses() == written  # and nothing written back


def netbox_statuses() -> dict[str, Any]:
    netbox = NetBoxClient.connect(services.netbox_url(), services.netbox_token())
    rows = netbox.devices({}, ["name", "custom_fields"]) + netbox.virtual_machines(
        {}, ["name", "custom_fields"]
    )
    return {
        r["name"]: {
            k: (r.get("custom_fields") or {}).get(k)
            for k in ("zabbix_hostid", "zabbix_sync_status")
        }
        for r in rows
    }


def test_hosts_reads_in_names_and_keeps_each_hosts_history(
    both: Project, instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nbzbx hosts` and `hosts show`: the demo's drifts in names, a history that grows only
    when a status or a difference changes, and the last change NetBox has of the host."""
    from click.testing import CliRunner

    from nbzbx_dagster.cli.main import main

    assert both.run(instance, "import_zabbix_settings").success
    for _ in range(2):  # the second refresh changes nothing: no new history line
        assert both.run(instance, "host_config_sync_refresh", REFRESH_ALL).success
    listed = CliRunner().invoke(main, ["hosts", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {r["name"]: r for r in json.loads(listed.output)}
    assert rows["srv-lab-a-03"]["difference"] == "host groups: + Servers"
    assert rows["srv-lab-a-02"]["difference"].startswith("templates: ")
    assert "nbzbx Base" in rows["srv-lab-a-02"]["difference"]
    assert rows["sw-zürich-01"]["difference"] == "proxy: proxy-lab-a → proxy-zurich"
    assert rows["sw-zürich-01"]["server"] == "zbx60"
    assert rows["vm-db-01"]["difference"] == "no Zabbix host"
    only = CliRunner().invoke(main, ["hosts", "--status", "missing", "--json"])
    assert [r["name"] for r in json.loads(only.output)] == ["vm-db-01"]
    shown = CliRunner().invoke(main, ["hosts", "show", "srv-lab-a-03", "--json"])
    assert shown.exit_code == 0, shown.output
    history = json.loads(shown.output)["history"]
    assert [(h["status"], h["difference"]) for h in history] == [
        ("out_of_sync", "host groups: + Servers")
    ]
    last = json.loads(shown.output)["last_netbox_change"]
    assert last["id"] > 0 and last["action"] in ("create", "update") and last["user"], last
    text = CliRunner().invoke(main, ["hosts", "show", "srv-lab-a-03"]).output
    assert "srv-lab-a-03 (device-" in text and "on zbx70: out_of_sync" in text
    assert f"UTC (change-log entry {last['id']})" in text, text
    monkeypatch.setenv("NBZBX_NETBOX_URL", "http://127.0.0.1:9")  # nothing listens: still shown
    offline = CliRunner().invoke(main, ["hosts", "show", "srv-lab-a-03"])
    assert offline.exit_code == 0 and "last NetBox change: not known (" in offline.output
    missing = CliRunner().invoke(main, ["hosts", "show", "no-such-host"])
    assert missing.exit_code == 1
    assert missing.output.strip() == "error: no host config named 'no-such-host' in the state store"
