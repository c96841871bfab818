"""The Zabbix host features beyond the main fields, against the lab on every Zabbix it serves:
user macros (``sync_macros``), host groups made on demand (``create_host_groups``) and
``status_mapping`` (enabled, delete, and the maintenance window). On lab instance 2
(``own_lab``), beside the other repair tests."""

import json
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml
from click.testing import CliRunner
from repair_runs import apply, host, plan, refresh, status_row, statuses, stored_text
from sqlalchemy import delete

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.lab.seed import reset_zabbix_hosts
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.tables import zabbix_host_group
from nbzbx_dagster.store.url import state_store_url
from nbzbx_dagster.sync.diff_words import MINUS
from nbzbx_dagster.sync.status_window import window_name
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix import api as zapi

pytestmark = [pytest.mark.integration, pytest.mark.own_lab]


DB_PASSWORD = "db-4713-secret"
MACROS = {"{$SNMP_COMMUNITY}": "lab", "{$DB_PASSWORD}": {"secret_env": "NBZBX_MACRO_DB_PASSWORD"}}


def zabbix_macros(zabbix: ZabbixClient, name: str) -> dict[str, tuple[str, str, str]]:
    """The host's macros as Zabbix holds them: name to (type, value, description)."""
    (ref,) = zapi.host_refs(zabbix, names=[name])
    rows = zabbix.call("usermacro.get", {"hostids": [ref["hostid"]], "output": "extend"})
    return {r["macro"]: (r["type"], r.get("value", ""), r["description"]) for r in rows}


@pytest.mark.refreshes_first
def test_with_sync_macros_the_netbox_macros_are_written_hand_made_ones_stay_the_secret_unseen(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("NBZBX_SYNC_MACROS", "true")
    monkeypatch.setenv("NBZBX_MACRO_DB_PASSWORD", DB_PASSWORD)
    (ref,) = zapi.host_refs(zabbix, names=["srv-lab-a-02"])
    zabbix.call("usermacro.create", {"hostid": ref["hostid"], "macro": "{$OWNER}", "value": "noc"})
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    device.update({"custom_fields": {"zabbix_macros": MACROS}})
    runs = [refresh(lab)]
    try:
        assert runs[0].success
        assert statuses()["srv-lab-a-02"] in ("out_of_sync", "missing")
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert "macro {$DB_PASSWORD}: + (secret)" in changes, changes
        assert "macro {$SNMP_COMMUNITY}: + 'lab'" in changes, changes
        assert "macros kept, not managed: {$OWNER}" in changes, changes
        shutil.copy("dagster.yaml", tmp_path / "dagster.yaml")
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the CLI's own instance
        listed = CliRunner().invoke(main, ["plan", "--json"])
        assert listed.exit_code == 0 and "{$DB_PASSWORD}" in listed.output, listed.output
        runs.append(outcome := apply(lab, only=["srv-lab-a-02"]))
        assert outcome.success, outcome.error
        written = zabbix_macros(zabbix, "srv-lab-a-02")
        mark = "Managed by nbzbx from NetBox (netbox)"
        assert written["{$SNMP_COMMUNITY}"] == ("0", "lab", mark)
        assert written["{$DB_PASSWORD}"][::2] == ("1", mark)  # secret: Zabbix never says it
        assert written["{$OWNER}"][:2] == ("0", "noc")
        runs.append(checked := refresh(lab))
        assert checked.success and statuses()["srv-lab-a-02"] == "in_sync"
        runs.append(again := apply(lab, only=["srv-lab-a-02"]))
        assert again.success and again.summary["zabbix_writes"] == 0, again.summary

        device.update(
            {"custom_fields": {"zabbix_macros": {"{$DB_PASSWORD}": MACROS["{$DB_PASSWORD}"]}}}
        )
        runs.append(refresh(lab))
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert f"macro {{$SNMP_COMMUNITY}}: {MINUS} 'lab' (no longer in NetBox)" in changes, changes
        runs.append(removed := apply(lab, only=["srv-lab-a-02"]))
        assert removed.success, removed.error
        assert set(zabbix_macros(zabbix, "srv-lab-a-02")) == {"{$DB_PASSWORD}", "{$OWNER}"}

        shown = CliRunner().invoke(main, ["hosts", "show", "srv-lab-a-02", "--json"])
        seen = [
            stored_text(),
            *(str(e) for r in runs for e in lab.all_logs(r.run_id)),
            *(json.dumps(r.summary) for r in runs),
            shown.output,
            listed.output,
        ]
        assert shown.exit_code == 0, shown.output
        assert not [text for text in seen if DB_PASSWORD in text]
    finally:
        device.update({"custom_fields": {"zabbix_macros": None}})


def test_a_status_mapped_to_delete_deletes_the_host_one_mapped_to_enabled_enables_it(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapping = {"device": {"planned": "enabled", "offline": "delete"}}
    monkeypatch.setenv("NBZBX_STATUS_MAPPING", json.dumps(mapping))
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    plan(lab)
    made_ours = apply(lab, only=["srv-lab-a-02"], actions=["update", "adopt"])
    assert made_ours.success and made_ours.summary["applied"] == 1, made_ours.summary
    try:
        device.update({"status": "planned"})
        assert refresh(lab).success
        row = status_row("srv-lab-a-02")
        assert row["status"] == "in_sync", row["diff"]
        assert host(zabbix, "srv-lab-a-02")["status"] == "0"  # enabled, as mapped

        device.update({"status": "offline"})
        assert refresh(lab).success
        assert "srv-lab-a-02" not in statuses()  # not a host config while offline
        planned = plan(lab)["srv-lab-a-02"]
        assert planned["action"] == "delete", planned
        assert planned["changes"] == [
            f"host config device-{device.id} is offline in NetBox, which status_mapping maps "
            "to delete"
        ]
        outcome = apply(lab, only=[f"device-{device.id}"], actions=["delete"])
        assert outcome.success, outcome.error
        assert zapi.host_refs(zabbix, names=["srv-lab-a-02"]) == []
    finally:
        device.update({"status": "active"})


def status_window(zabbix: ZabbixClient) -> set[str]:
    """The technical names of the hosts in the project's status window; empty: no window."""
    found = zapi.maintenances(zabbix, names=[window_name("netbox")])
    return {h["host"] for m in found for h in m["hosts"]}


def test_a_status_mapped_to_maintenance_puts_the_host_in_the_window_until_it_changes(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapping = {"device": {"planned": "maintenance"}, "vm": {"staged": "maintenance"}}
    mapping["vm"]["offline"] = "delete"
    monkeypatch.setenv("NBZBX_STATUS_MAPPING", json.dumps(mapping))
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    vm = netbox.api.virtualization.virtual_machines.get(name="vm-web-01")
    names = ["srv-lab-a-02", "vm-web-01"]
    plan(lab)
    assert apply(lab, only=names, actions=["update", "adopt"]).success  # the demo's drift
    try:
        device.update({"status": "planned"})
        vm.update({"status": "staged"})
        assert refresh(lab).success
        assert {n: status_row(n)["status"] for n in names} == dict.fromkeys(names, "out_of_sync")
        planned = plan(lab)
        for name in names:  # adopted where the lab's host is not the project's yet (6.0)
            assert planned[name]["action"] in ("update", "adopt"), planned[name]
            assert [c for c in planned[name]["changes"] if not c.startswith("link: ")] == [
                "maintenance: not in → in the NetBox status window"
            ]
        outcome = apply(lab, only=names, actions=["update", "adopt"])
        assert outcome.success and outcome.summary["applied"] == 2, outcome.summary
        assert status_window(zabbix) == set(names)
        assert {n: status_row(n)["status"] for n in names} == dict.fromkeys(names, "in_sync")
        assert {host(zabbix, n)["status"] for n in names} == {"0"}  # enabled, in maintenance
        again = apply(lab, only=names)
        assert again.success and again.summary["zabbix_writes"] == 0, again.summary

        device.update({"status": "active"})
        assert refresh(lab).success
        back = plan(lab)["srv-lab-a-02"]
        assert back["changes"] == ["maintenance: in → not in the NetBox status window"], back
        assert apply(lab, only=["srv-lab-a-02"]).success
        assert status_window(zabbix) == {"vm-web-01"}
        assert status_row("srv-lab-a-02")["status"] == "in_sync"

        # the window's last host is deleted: it leaves the window (then gone) first, or
        # Zabbix would refuse the deletion
        vm.update({"status": "offline"})
        assert refresh(lab).success
        (vm_host,) = zapi.host_refs(zabbix, names=["vm-web-01"])
        now = int(time.time())
        theirs = zapi.create_maintenance(
            zabbix, "it change 4711", now, now + 3600, [vm_host["hostid"]]
        )
        try:  # someone else's maintenance of that one host: Zabbix would refuse, so the plan does
            blocked = plan(lab)["vm-web-01"]
            assert blocked["action"] == "blocked", blocked
            assert "maintenance 'it change 4711' would have no host left" in blocked["reason"]
        finally:
            zapi.delete_maintenances(zabbix, [theirs])
        assert plan(lab)["vm-web-01"]["action"] == "delete"
        gone = apply(lab, only=[f"vm-{vm.id}"], actions=["delete"])
        assert gone.success and gone.summary["deleted"] == 1, gone.summary
        assert zapi.host_refs(zabbix, names=["vm-web-01"]) == []
        assert status_window(zabbix) == set()
    finally:
        device.update({"status": "active"})
        vm.update({"status": "active"})
        left = zapi.maintenances(zabbix, names=[window_name("netbox")])
        zapi.delete_maintenances(zabbix, [m["maintenanceid"] for m in left])


@pytest.mark.refreshes_first
def test_with_create_host_groups_a_format_group_zabbix_lacks_is_made_before_its_host(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    zabbix_version: str,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = yaml.safe_load(Path("nbzbx_dagster/lab/lab-settings.yaml").read_text())
    rules = settings["mapping_rules"]
    rules[-1]["host_groups"] = [*rules[-1]["host_groups"], "{site}/{role}"]  # srv-lab-a-02's
    monkeypatch.setenv("NBZBX_MAPPING_RULES", json.dumps(rules))
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    group = f"{device.site.name}/{device.role.name}"
    try:
        assert refresh(lab).success
        row = status_row("srv-lab-a-02")
        assert row["status"] == "error" and f"unknown Zabbix host group: {group!r}" in row["error"]

        monkeypatch.setenv("NBZBX_CREATE_HOST_GROUPS", "true")
        assert refresh(lab).success
        changes = " ".join(plan(lab)["srv-lab-a-02"]["changes"])
        assert f"+ {group} (new: made by the apply)" in changes, changes
        outcome = apply(lab, only=["srv-lab-a-02"])
        assert outcome.success, outcome.error
        assert outcome.summary["host_groups_made"] == [group]
        assert group in host(zabbix, "srv-lab-a-02")["group_names"]
        assert statuses()["srv-lab-a-02"] == "in_sync"  # checked again in the run
        assert refresh(lab).success and statuses()["srv-lab-a-02"] == "in_sync"  # cached
        again = apply(lab, only=["srv-lab-a-02"])
        assert again.success and again.summary["zabbix_writes"] == 0, again.summary
    finally:
        reset_zabbix_hosts(zabbix_version)
        made = zabbix.call("hostgroup.get", {"filter": {"name": [group]}, "output": ["groupid"]})
        if made:
            zabbix.call("hostgroup.delete", [g["groupid"] for g in made])
        with StateStore(state_store_url()).transaction() as conn:
            conn.execute(delete(zabbix_host_group).where(zabbix_host_group.c.name == group))
