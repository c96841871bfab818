"""Host config sync status against the seeded lab: NetBox 4.7.3 with Zabbix 6.0 and 7.0, and the
7.2, 7.4 and 8.0 contract endpoints over 7.0 (which show 7.0's seeded data).

The demo data (nbzbx_dagster/lab/demo_data.py, lab-settings.yaml) has hosts in sync, hosts
drifting in one field each, a missing host and a decommissioning device that is no host config.
Tests that change the lab put it back.
"""

import json
import os
from typing import Any

import dagster as dg
import pytest
from stopping_zabbix import StoppingZabbix

from nbzbx_dagster.cli.run_in_process import RunOutcome, run_job
from nbzbx_dagster.defs.host_sync.assets import host_config_sync_status
from nbzbx_dagster.defs.partitions import HOST_CONFIGS
from nbzbx_dagster.defs.resources import build_resources
from nbzbx_dagster.lab import demo_data as demo
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.lab.seed import zabbix_index
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.host_status import read_statuses
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.sync.refresh import load_host_configs
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix import api as zapi

HOST_CONFIG_NAMES = {d[0] for d in demo.DEVICES if d[4] != "decommissioning"} | {
    v[0] for v in demo.VIRTUAL_MACHINES
}
IN_SYNC = {"sw-lab-a-01", "srv-lab-a-01", "vm-web-01", "srv-zürich-01"}


@pytest.fixture(autouse=True)
def _seeded(seeded_lab: dict) -> None:
    """Every test here starts from the demo data."""


def refresh(instance: dg.DagsterInstance, cutoff: int | None = 0) -> RunOutcome:
    config = (
        {}
        if cutoff is None
        else {"ops": {"refresh_host_config_sync_status": {"config": {"cutoff": cutoff}}}}
    )
    return run_job("host_config_sync_refresh", config, instance=instance)


def statuses() -> dict[str, dict[str, Any]]:
    store = StateStore(services_state_url())
    with store.connect() as conn:
        return {row["name"]: row for row in read_statuses(conn).values()}


def services_state_url() -> str:
    return os.environ["NBZBX_DATABASE_URL"]


def test_a_full_refresh_shows_every_status(imported: dg.DagsterInstance) -> None:
    outcome = refresh(imported, cutoff=0)
    assert outcome.success, outcome.error
    summary = outcome.summary
    assert summary["total"] == len(HOST_CONFIG_NAMES) == 10
    assert (summary["in_sync"], summary["out_of_sync"], summary["missing"]) == (4, 5, 1)
    assert (summary["updated"], summary["failed"], summary["cutoff_in_minutes"]) == (10, 0, 0)
    rows = statuses()
    assert set(rows) == HOST_CONFIG_NAMES  # the decommissioning device is not a host config
    assert {n for n, r in rows.items() if r["status"] == "in_sync"} == IN_SYNC
    assert rows["vm-db-01"]["status"] == "missing" and rows["vm-db-01"]["zabbix_hostid"] is None
    drift = {name: set(rows[name]["diff"]["differences"]) for name in demo.DRIFT}
    assert drift == {
        "rtr-lab-a-01": {"tags"},
        "srv-lab-a-02": {"templates"},
        "srv-lab-a-03": {"groups"},
        "sw-zürich-01": {"proxyid"},
        "vm-web-02": {"interface"},
    }
    assert rows["vm-web-02"]["diff"]["differences"]["interface"]["zabbix"]["ip"] == "203.0.113.99"
    # the technical name is ASCII, the visible one keeps the NetBox name
    assert rows["sw-zürich-01"]["desired"]["host"] == "sw-zurich-01"
    assert rows["sw-zürich-01"]["desired"]["name"] == "sw-zürich-01"


def test_partitions_carry_the_status_and_the_name(imported: dg.DagsterInstance) -> None:
    assert refresh(imported, cutoff=0).success
    keys = imported.get_dynamic_partitions(HOST_CONFIGS.name)
    assert len(keys) == 10 and all(k.split("-")[0] in ("device", "vm") for k in keys)
    record = imported.get_latest_materialization_event(dg.AssetKey("host_config_sync_status"))
    assert record is not None
    event = imported.fetch_materializations(
        dg.AssetKey("host_config_sync_status"), limit=100
    ).records
    by_name = {
        e.asset_materialization.metadata["name"].value: e.asset_materialization for e in event
    }
    assert by_name["vm-db-01"].metadata["status"].value == "missing"
    assert by_name["srv-lab-a-02"].partition in keys
    check = imported.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("host_config_sync_status"), "host_configs_in_sync")]
    )
    assert check  # the at-a-glance check was evaluated


def test_relaxed_mode_tolerates_extra_zabbix_tags(
    imported: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBZBX_COMPARE_MODE", "relaxed")
    assert refresh(imported, cutoff=0).success
    rows = statuses()
    assert rows["rtr-lab-a-01"]["status"] == "in_sync"
    assert rows["rtr-lab-a-01"]["diff"]["extra"] == {"tags": [["netbox.role", "Legacy"]]}
    assert rows["srv-lab-a-02"]["status"] == "out_of_sync"  # missing template: drift in any mode


def test_cutoff_skips_what_was_checked_lately(imported: dg.DagsterInstance) -> None:
    assert refresh(imported, cutoff=0).summary["total"] == 10
    second = refresh(imported, cutoff=None)  # the setting: 60 minutes
    assert second.success and second.summary["total"] == 0
    assert second.summary["cutoff_in_minutes"] == 60
    assert refresh(imported, cutoff=0).summary["total"] == 10


def test_unknown_template_is_an_error_for_that_host_only(
    imported: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert refresh(imported, cutoff=0).success
    rules = load_settings().model_dump()["mapping_rules"]
    rules.insert(0, {"tags": ["critical"], "host_groups": ["NetBox"], "templates": ["no-such-tpl"]})
    monkeypatch.setenv("NBZBX_MAPPING_RULES", json.dumps(rules))
    outcome = refresh(imported, cutoff=0)
    assert outcome.success  # one host's failure does not fail the run
    assert (outcome.summary["failed"], outcome.summary["updated"]) == (1, 9)
    row = statuses()["srv-lab-a-01"]  # the only device tagged critical
    assert row["status"] == "error" and "no-such-tpl" in row["error"]
    assert row["last_good_status"] == "in_sync"


def test_host_deleted_in_zabbix_after_it_was_linked(
    imported: dg.DagsterInstance, zabbix: ZabbixClient, netbox: NetBoxClient
) -> None:
    assert refresh(imported, cutoff=0).success
    hostid = statuses()["vm-web-01"]["zabbix_hostid"]
    assert hostid
    lab_zabbix.delete_hosts(zabbix, [hostid])
    try:
        assert refresh(imported, cutoff=0).success
        row = statuses()["vm-web-01"]
        assert row["status"] == "missing" and row["zabbix_hostid"] is None
    finally:
        _recreate(zabbix, netbox, "vm-web-01")


STEADY_ROWS = 30  # event-log rows of a refresh that finds nothing new, whatever N


def materialized(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    """The host_config_sync_status partitions the run materialized."""
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    return {
        e.dagster_event.partition
        for e in events
        if e.dagster_event.asset_key == dg.AssetKey("host_config_sync_status")
    }


def in_sync_check(instance: dg.DagsterInstance, run_id: str) -> dict[str, Any]:
    (event,) = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    data = event.dagster_event.event_specific_data
    return {k: v.value for k, v in data.metadata.items()}


@pytest.mark.parametrize("zabbix_version", ["7.0"], indirect=True)
def test_a_steady_state_refresh_records_only_what_changed(
    imported: dg.DagsterInstance, zabbix: ZabbixClient, netbox: NetBoxClient
) -> None:
    first = refresh(imported, cutoff=0)
    assert first.success
    keys = set(imported.get_dynamic_partitions(HOST_CONFIGS.name))
    assert materialized(imported, first.run_id) == keys and len(keys) == 10
    checked = statuses()["vm-web-01"]["checked_at"]

    same = refresh(imported, cutoff=0)
    assert same.success and same.summary["total"] == 10
    assert materialized(imported, same.run_id) == set()
    steady = len(imported.all_logs(same.run_id))
    assert steady <= STEADY_ROWS
    rows = statuses()
    assert rows["vm-web-01"]["checked_at"] > checked  # when it was last checked, in the store
    report = in_sync_check(imported, same.run_id)
    assert (report["checked"], report["recorded"]) == (10, 0)
    assert report["checked_since"] == rows["vm-web-01"]["checked_at"].strftime("%Y-%m-%d %H:%M")

    lab_zabbix.delete_hosts(zabbix, [rows["vm-web-01"]["zabbix_hostid"]])
    try:
        changed = refresh(imported, cutoff=0)
        assert changed.success
        key = next(k for k in keys if statuses()["vm-web-01"]["partition_key"] == k)
        assert materialized(imported, changed.run_id) == {key}
        assert len(imported.all_logs(changed.run_id)) <= STEADY_ROWS + 1  # progress lines vary
    finally:
        _recreate(zabbix, netbox, "vm-web-01")


def _recreate(zabbix: ZabbixClient, netbox: NetBoxClient, name: str) -> None:
    settings = load_settings()
    store = StateStore(services_state_url())
    configs = load_host_configs(netbox, store, settings).configs
    config = next(c for c in configs if c.name == name)
    lab_zabbix.create_host(zabbix, desired_host(config, settings, zabbix_index(zabbix)))


def test_netbox_objects_added_renamed_deleted(
    imported: dg.DagsterInstance, netbox: NetBoxClient
) -> None:
    site = netbox.api.dcim.sites.get(slug="lab-a")
    device = netbox.api.dcim.devices.create(
        name="it-new-device",
        site=site.id,
        role=netbox.api.dcim.device_roles.get(slug="server").id,
        device_type=netbox.api.dcim.device_types.get(slug="server-1u").id,
        status="active",
    )
    key = f"device-{device.id}"
    try:
        assert refresh(imported, cutoff=0).success
        assert key in imported.get_dynamic_partitions(HOST_CONFIGS.name)
        assert statuses()["it-new-device"]["status"] == "missing"
        device.name = "it-renamed-device"
        device.save()
        assert refresh(imported, cutoff=0).success
        assert key in imported.get_dynamic_partitions(HOST_CONFIGS.name)
        assert "it-renamed-device" in statuses() and "it-new-device" not in statuses()
    finally:
        device.delete()
    assert refresh(imported, cutoff=0).success
    assert key not in imported.get_dynamic_partitions(HOST_CONFIGS.name)
    assert "it-renamed-device" not in statuses()


def test_write_back_to_netbox_only_when_changed(
    imported: dg.DagsterInstance, netbox: NetBoxClient
) -> None:
    assert refresh(imported, cutoff=0).success
    rows = statuses()
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    assert device.custom_fields["zabbix_sync_status"] in (
        "out_of_sync",
        {"value": "out_of_sync", "label": "out_of_sync"},
    )
    assert str(device.custom_fields["zabbix_hostid"]) == rows["srv-lab-a-02"]["zabbix_hostid"]
    before = device.last_updated
    assert refresh(imported, cutoff=0).success
    assert netbox.api.dcim.devices.get(name="srv-lab-a-02").last_updated == before


@pytest.mark.parametrize("zabbix_version", ["7.0"], indirect=True)
def test_proxy_group_drift(imported: dg.DagsterInstance, netbox: NetBoxClient) -> None:
    device = netbox.api.dcim.devices.get(name="sw-lab-a-01")
    device.update({"custom_fields": {"zabbix_proxy_group": "pg-lab"}})
    try:
        assert refresh(imported, cutoff=0).success
        row = statuses()["sw-lab-a-01"]
        assert row["status"] == "out_of_sync"
        assert {"monitored_by", "proxy_groupid"} <= set(row["diff"]["differences"])
    finally:
        device.update({"custom_fields": {"zabbix_proxy_group": None}})


def test_zabbix_stopping_mid_run_keeps_every_status(
    imported: dg.DagsterInstance, zabbix_version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert refresh(imported, cutoff=0).success
    before = statuses()
    with StoppingZabbix(services.zabbix_url(zabbix_version), limit=3) as proxy:
        monkeypatch.setenv("NBZBX_ZABBIX_URL", proxy.url)
        outcome = refresh(imported, cutoff=0)
    assert not outcome.success and "Zabbix" in (outcome.error or "")
    assert statuses() == before


def test_technical_names_of_the_seed_are_in_zabbix(zabbix: ZabbixClient) -> None:
    names = {technical_name(n) for n in HOST_CONFIG_NAMES - demo.MISSING}
    found = {h["host"] for h in zapi.hosts(zabbix, names=sorted(names))}
    assert found == names


def test_materializing_a_partition_checks_that_host_config_only(
    imported: dg.DagsterInstance,
) -> None:
    assert refresh(imported, cutoff=0).success
    before = statuses()
    key = before["srv-lab-a-02"]["partition_key"]
    result = dg.materialize(
        [host_config_sync_status],
        partition_key=key,
        instance=imported,
        resources=build_resources(),
    )
    assert result.success
    after = statuses()
    assert after["srv-lab-a-02"]["checked_at"] > before["srv-lab-a-02"]["checked_at"]
    assert after["srv-lab-a-02"]["status"] == "out_of_sync"
    assert after["vm-web-01"]["checked_at"] == before["vm-web-01"]["checked_at"]
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "host_configs_in_sync" and not evaluation.passed
    # not a system job run: no event-log row, least of all under Dagster's implicit job name
    events = StateStore(services_state_url()).list_events(run_id=result.run_id)
    assert events == []


def test_the_interface_choice_and_extra_zabbix_interfaces_are_visible(
    imported: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A device loses its primary IP and an in-sync Zabbix host gets a second interface: the
    stored diff says which interface was used and why, strict mode counts the extra interface
    as drift, relaxed mode reports it; no_primary_ip: error makes the device an error."""
    device = netbox.api.dcim.devices.get(name="srv-lab-a-01")
    ipid = device.primary_ip4.id
    (host,) = zabbix.call(
        "host.get",
        {"output": ["hostid"], "selectInterfaces": ["type"], "filter": {"host": ["sw-lab-a-01"]}},
    )
    agent = any(str(i["type"]) == "1" for i in host["interfaces"])
    extra = {"hostid": host["hostid"], "main": 1, "useip": 1, "ip": "192.0.2.2", "dns": ""}
    if agent:
        extra |= {"type": 2, "port": "161", "details": {"version": 2, "community": "public"}}
    else:
        extra |= {"type": 1, "port": "10050"}
    (interfaceid,) = zabbix.call("hostinterface.create", extra)["interfaceids"]
    device.update({"primary_ip4": None})
    try:
        assert refresh(imported, cutoff=0).success
        rows = statuses()
        assert rows["srv-lab-a-01"]["diff"]["interface_used"] == (
            "interface: agent on DNS name srv-lab-a-01 (no primary IP)"
        )
        assert rows["srv-lab-a-01"]["status"] == "out_of_sync"  # Zabbix still uses the IP
        assert rows["vm-web-01"]["diff"]["interface_used"] == (
            "interface: agent on primary IP 203.0.113.1"
        )
        assert rows["sw-lab-a-01"]["status"] == "out_of_sync"
        assert set(rows["sw-lab-a-01"]["diff"]["differences"]) == {"interfaces"}
        assert len(rows["sw-lab-a-01"]["diff"]["differences"]["interfaces"]["zabbix"]) == 2

        monkeypatch.setenv("NBZBX_COMPARE_MODE", "relaxed")
        monkeypatch.setenv("NBZBX_NO_PRIMARY_IP", "error")
        assert refresh(imported, cutoff=0).success
        rows = statuses()
        assert rows["srv-lab-a-01"]["status"] == "error"
        assert "no primary IP" in rows["srv-lab-a-01"]["error"]
        assert rows["srv-lab-a-01"]["last_good_status"] == "out_of_sync"
        assert rows["sw-lab-a-01"]["status"] == "in_sync"
        assert [i["port"] for i in rows["sw-lab-a-01"]["diff"]["extra"]["interfaces"]] == [
            extra["port"]
        ]
    finally:
        device.update({"primary_ip4": ipid})
        zabbix.call("hostinterface.delete", [interfaceid])
