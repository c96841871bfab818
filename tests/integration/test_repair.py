"""Repair against the lab, on every Zabbix it serves (6.0, 7.0, and the 7.2, 7.4 and 8.0 contract
endpoints over 7.0): the plan (``zabbix_host_plan``), then ``reconcile_zabbix_hosts``.

The demo's seeded hosts carry the project's marker where their server (with both lab servers)
monitors them; ``srv-lab-a-03`` is unmarked everywhere, as if made by hand. Each test starts from
the demo's hosts (``reset_zabbix_hosts``, seconds), every host config checked unless the test
starts with its own refresh (``refreshes_first``); the module puts the demo's hosts back at its end.
"""

import json
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from click.testing import CliRunner
from repair_runs import apply, host, plan, refresh, status_row, statuses

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.cli.run_in_process import run_job
from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_writes as lab_zabbix
from nbzbx_dagster.netbox import NetBoxClient
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.repair_plan import read_plan
from nbzbx_dagster.store.url import state_store_url
from nbzbx_dagster.sync.diff_words import MINUS
from nbzbx_dagster.zabbix import ZabbixClient
from nbzbx_dagster.zabbix import api as zapi

MARKER = "netbox.host_config"
# What the plan does with each demo host, by the real Zabbix behind the version: the project's
# own hosts are updated, unmarked ones of the same address adopted, the missing one created.
EXPECTED = {
    "7.0": {
        "vm-db-01": "create",
        "rtr-lab-a-01": "update",
        "srv-lab-a-02": "update",
        "vm-web-02": "update",
        "srv-lab-a-03": "adopt",
        "sw-zürich-01": "adopt",  # unmarked here: with both servers, 6.0 monitors it
    },
    "6.0": {
        "vm-db-01": "create",
        "sw-zürich-01": "update",
        "rtr-lab-a-01": "adopt",
        "srv-lab-a-02": "adopt",
        "srv-lab-a-03": "adopt",
        "vm-web-02": "blocked",  # unmarked, and its Zabbix IP is not the NetBox one
    },
}


def test_one_apply_brings_the_planned_hosts_in_sync_and_a_second_writes_nothing(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, zabbix_version: str, netbox: NetBoxClient
) -> None:
    expected = EXPECTED[services.zabbix_server(zabbix_version)]
    rows = plan(lab)
    assert {n: r["action"] for n, r in rows.items()} == expected
    assert rows["srv-lab-a-03"]["changes"][:2] == [
        "link: tag netbox.host_config=device-5",
        "host groups: + Servers",
    ]
    applicable = {n for n, a in expected.items() if a != "blocked"}

    first = apply(lab)
    assert first.success, first.error
    summary = first.summary
    assert (summary["planned"], summary["applied"], summary["failed"]) == (6, len(applicable), 0)
    assert summary["created"] == 1 and summary["zabbix_writes"] > 0
    assert {r["name"]: r["result"] for r in summary["results"]} == {
        n: {"create": "created", "update": "updated", "adopt": "adopted"}[expected[n]]
        for n in applicable
    }
    created = host(zabbix, "vm-db-01")
    assert (MARKER, "vm-3") in created["tag_pairs"]
    # the touched hosts were checked again in the run, and a new refresh agrees
    after = statuses()
    assert all(after[n] == "in_sync" for n in applicable), after
    assert refresh(lab).success
    assert all(statuses()[n] == "in_sync" for n in applicable)
    # NetBox got the new host id and a journal entry
    vm = netbox.objects("virtualization.virtual_machines", {"name": "vm-db-01"})[0]
    assert str(vm["custom_fields"]["zabbix_hostid"]) == created["hostid"]
    entries = netbox.objects(
        "extras.journal_entries",
        {"assigned_object_type": "virtualization.virtualmachine", "assigned_object_id": vm["id"]},
    )
    assert any("Zabbix host created" in e["comments"] for e in entries)

    left = plan(lab)
    assert {n: r["action"] for n, r in left.items()} == {
        n: a for n, a in expected.items() if a == "blocked"
    }
    second = apply(lab)
    assert second.success, second.error
    assert (second.summary["applied"], second.summary["zabbix_writes"]) == (0, 0)


@pytest.mark.refreshes_first
def test_with_sync_description_the_netbox_description_is_planned_written_and_then_in_sync(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    zabbix_version: str,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    before = (device.description, device.comments)
    text = f"Lab A application server (Zabbix {zabbix_version})"
    device.description, device.comments = text, "Rack 4, **unit 12**"
    device.save()
    try:
        monkeypatch.setenv("NBZBX_SYNC_DESCRIPTION", "true")
        assert refresh(lab).success
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert "description: (none) → 'Lab A application server (" in " ".join(changes), changes
        outcome = apply(lab, only=["srv-lab-a-02"])
        assert outcome.success, outcome.error
        (written,) = zabbix.call(
            "host.get", {"filter": {"host": ["srv-lab-a-02"]}, "output": ["description"]}
        )
        assert written["description"] == f"{text}\n\nRack 4, **unit 12**"
        assert refresh(lab).success
        assert statuses()["srv-lab-a-02"] == "in_sync"
        again = apply(lab, only=["srv-lab-a-02"])
        assert again.success, again.error
        assert again.summary["zabbix_writes"] == 0
        monkeypatch.delenv("NBZBX_SYNC_DESCRIPTION")  # off: Zabbix's description is no drift
        assert refresh(lab).success
        assert statuses()["srv-lab-a-02"] == "in_sync"
    finally:
        device.description, device.comments = before
        device.save()


def zabbix_inventory(zabbix: ZabbixClient, name: str) -> tuple[str, dict[str, str]]:
    (row,) = zabbix.call(
        "host.get",
        {
            "filter": {"host": [name]},
            "output": ["inventory_mode"],
            "selectInventory": ["serialno_a", "vendor", "model", "location", "notes", "contact"],
        },
    )
    return row["inventory_mode"], row["inventory"] or {}


@pytest.mark.refreshes_first
def test_with_inventory_the_mapped_fields_are_written_the_others_stay(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mapping = {
        "serialno_a": "serial",
        "vendor": "manufacturer",
        "model": "device_type",
        "location": "site",
    }
    monkeypatch.setenv("NBZBX_INVENTORY", json.dumps(mapping))
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    serial = device.serial
    (ref,) = zapi.host_refs(zabbix, names=["srv-lab-a-02"])
    by_hand = {"serialno_a": "OLD", "notes": "rack 4"}
    lab_zabbix.update_host(
        zabbix, ref["hostid"], {"inventory_mode": "manual", "inventory": by_hand}
    )
    device.update({"serial": "SN-LAB-02"})
    try:
        assert refresh(lab).success
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert "inventory serialno_a: 'OLD' → 'SN-LAB-02'" in changes, changes
        assert f"inventory vendor: (none) → {device.device_type.manufacturer.name!r}" in changes
        assert f"inventory location: (none) → {device.site.name!r}" in changes, changes
        outcome = apply(lab, only=["srv-lab-a-02"])
        assert outcome.success, outcome.error
        mode, inventory = zabbix_inventory(zabbix, "srv-lab-a-02")
        assert mode == "0" and inventory == {
            "serialno_a": "SN-LAB-02",
            "vendor": device.device_type.manufacturer.name,
            "model": device.device_type.model,
            "location": device.site.name,
            "notes": "rack 4",  # not mapped: not the project's
            "contact": "",
        }
        assert refresh(lab).success and statuses()["srv-lab-a-02"] == "in_sync"
        again = apply(lab, only=["srv-lab-a-02"])
        assert again.success and again.summary["zabbix_writes"] == 0, again.summary

        # a disabled inventory holds nothing: it becomes manual, said in words
        lab_zabbix.update_host(zabbix, ref["hostid"], {"inventory_mode": "disabled"})
        assert refresh(lab).success and statuses()["srv-lab-a-02"] == "out_of_sync"
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert "inventory mode: disabled → manual" in changes, changes
        assert apply(lab, only=["srv-lab-a-02"]).success
        assert zabbix_inventory(zabbix, "srv-lab-a-02")[1]["serialno_a"] == "SN-LAB-02"
    finally:
        device.update({"serial": serial})


@pytest.mark.refreshes_first
def test_config_contexts_on_a_site_and_a_role_give_the_host_the_heavier_wins(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NBZBX_CONFIG_CONTEXT_KEY", "zabbix")
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    contexts = [
        netbox.api.extras.config_contexts.create(
            name=f"it zabbix {what}",
            weight=weight,
            data={"zabbix": data},
            **{f"{what}s": [getattr(device, what).id]},
        )
        for what, weight, data in [
            (
                "site",
                1000,
                {
                    "templates": ["nbzbx Base"],  # the rule says nbzbx Linux agent
                    "host_groups": ["NetBox", "Servers"],
                    "tags": {"owner": "site team"},
                },
            ),
            ("role", 2000, {"tags": {"owner": "role team"}, "inventory": {"contact": "noc"}}),
        ]
    ]
    try:
        assert refresh(lab).success
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert f"host groups: {MINUS} Lab A" in changes, changes
        assert "tags: + netbox.owner=role team" in changes, changes  # the role's weighs more
        assert "inventory contact: (none) → 'noc'" in changes, changes
        assert not [c for c in changes if c.startswith("templates")], changes
        outcome = apply(lab, only=["srv-lab-a-02"], actions=["update", "adopt"])
        assert outcome.success and outcome.summary["applied"] == 1, outcome.summary
        written = host(zabbix, "srv-lab-a-02")
        assert written["group_names"] == {"NetBox", "Servers"}
        assert ("netbox.owner", "role team") in written["tag_pairs"]
        inventory = zabbix_inventory(zabbix, "srv-lab-a-02")[1]
        assert (inventory["contact"], inventory["location"]) == ("noc", "")  # location: not mapped
        assert refresh(lab).success and statuses()["srv-lab-a-02"] == "in_sync"

        contexts[1].data = {"zabbix": {"tags": "role team"}}  # a wrong type: the host's error
        contexts[1].save()
        assert refresh(lab).success
        row = status_row("srv-lab-a-02")
        assert row["status"] == "error"
        assert "config context 'zabbix': tags must be an object of names to text" in row["error"]
    finally:
        for context in contexts:
            context.delete()


@pytest.mark.refreshes_first
def test_templates_with_ipmi_and_jmx_items_get_ipmi_on_the_out_of_band_ip_and_jmx_beside(
    lab: dg.DagsterInstance,
    zabbix: ZabbixClient,
    netbox: NetBoxClient,
) -> None:
    bmc = lab_zabbix.create_template(zabbix, "it BMC by IPMI", ["Templates"])
    lab_zabbix.create_template_item(zabbix, bmc, "ipmi", "it.power", "Power")
    java = lab_zabbix.create_template(zabbix, "it Java by JMX", ["Templates"])
    uptime = 'jmx["java.lang:type=Runtime",Uptime]'
    lab_zabbix.create_template_item(zabbix, java, "jmx", uptime, "JVM uptime")
    device = netbox.api.dcim.devices.get(name="srv-lab-a-02")
    port = netbox.api.dcim.interfaces.create(device=device.id, name="bmc", type="1000base-t")
    address = netbox.api.ipam.ip_addresses.create(
        address="192.0.2.250/24", assigned_object_type="dcim.interface", assigned_object_id=port.id
    )
    templates = ["nbzbx Linux agent", "it BMC by IPMI", "it Java by JMX"]
    try:
        assert run_job("import_zabbix_settings", instance=lab).success  # the new template
        device.update({"custom_fields": {"zabbix_templates": templates}})
        assert refresh(lab).success
        assert "no out-of-band IP (oob_ip)" in status_row("srv-lab-a-02")["error"]
        device.update({"oob_ip": address.id})
        assert refresh(lab).success
        changes = plan(lab)["srv-lab-a-02"]["changes"]
        assert "IPMI interface: ipmi interface missing in Zabbix" in changes, changes
        assert "JMX interface: jmx interface missing in Zabbix" in changes, changes
        outcome = apply(lab, only=["srv-lab-a-02"], actions=["update", "adopt"])
        assert outcome.success, outcome.error
        (written,) = zapi.hosts(zabbix, names=["srv-lab-a-02"])
        ipmi = [
            (i["ip"], i["port"], i["main"]) for i in written["interfaces"] if i["type"] == "ipmi"
        ]
        assert ipmi == [("192.0.2.250", "623", True)]
        (agent,) = [i for i in written["interfaces"] if i["type"] == "agent"]
        jmx = [(i["ip"], i["port"]) for i in written["interfaces"] if i["type"] == "jmx"]
        assert jmx == [(agent["ip"], "12345")]  # where the main interface is
        assert {"it BMC by IPMI", "it Java by JMX"} <= {t["name"] for t in written["templates"]}
        assert refresh(lab).success and statuses()["srv-lab-a-02"] == "in_sync"
        again = apply(lab, only=["srv-lab-a-02"])
        assert again.success and again.summary["zabbix_writes"] == 0, again.summary
    finally:
        device.update({"oob_ip": None, "custom_fields": {"zabbix_templates": None}})
        address.delete()
        port.delete()
        lab_zabbix.delete_objects(zabbix, "template", [bmc, java])


@pytest.mark.refreshes_first
def test_adoption_keeps_the_macros_tags_and_relaxed_groups_the_project_does_not_manage(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBZBX_COMPARE_MODE", "relaxed")
    before = host(zabbix, "srv-lab-a-03")
    web = zapi.host_groups(zabbix)
    web_id = next(g["groupid"] for g in web if g["name"] == "Web")
    groups = zabbix.call("hostgroup.get", {"hostids": [before["hostid"]], "output": ["groupid"]})
    zabbix.call(
        "host.update",
        {
            "hostid": before["hostid"],
            "groups": [{"groupid": g["groupid"]} for g in groups] + [{"groupid": web_id}],
            "tags": [*before["tags"], {"tag": "owner", "value": "noc"}],
            "macros": [{"macro": "{$OWNER}", "value": "noc"}],
            # PSK encryption set up by hand: the project never sends TLS settings
            "tls_connect": 2,
            "tls_accept": 2,
            "tls_psk_identity": "srv-lab-a-03",
            "tls_psk": "1f87b595725ac58dd977beef14b97461",
        },
    )
    assert refresh(lab).success
    rows = plan(lab)
    assert rows["srv-lab-a-03"]["action"] == "adopt"

    outcome = apply(lab, only=["srv-lab-a-03"])
    assert outcome.success, outcome.error
    assert outcome.summary["applied"] == outcome.summary["adopted"] == 1  # --only: that one
    after = host(zabbix, "srv-lab-a-03")
    assert {"Web", "Servers", "Lab A"} <= after["group_names"]
    assert {("owner", "noc"), (MARKER, "device-5")} <= after["tag_pairs"]
    assert {(m["macro"], m["value"]) for m in after["macros"]} == {("{$OWNER}", "noc")}
    tls = zabbix.call(
        "host.get", {"hostids": [after["hostid"]], "output": ["tls_connect", "tls_accept"]}
    )[0]
    assert (tls["tls_connect"], tls["tls_accept"]) == ("2", "2")
    assert statuses()["srv-lab-a-03"] == "in_sync"


@pytest.mark.refreshes_first
def test_a_name_taken_by_another_host_is_blocked_and_a_stale_plan_is_made_again(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, zabbix_version: str
) -> None:
    lab_a = next(g["groupid"] for g in zapi.host_groups(zabbix) if g["name"] == "Lab A")
    lab_zabbix.create_host(
        zabbix,
        {
            "host": "vm-db-01",
            "groups": [lab_a],
            "interfaces": [{"type": "agent", "ip": "10.9.9.9", "main": True, "useip": True}],
        },
    )
    target = "sw-zürich-01" if services.zabbix_server(zabbix_version) == "6.0" else "rtr-lab-a-01"
    assert refresh(lab).success
    rows = plan(lab)
    assert rows["vm-db-01"]["action"] == "blocked"
    assert "name taken" in rows["vm-db-01"]["reason"] and "10.9.9.9" in rows["vm-db-01"]["reason"]
    assert rows[target]["action"] == "update"
    reviewed = rows[target]["digest"]

    # someone changes the host in Zabbix after the plan was reviewed
    technical = "sw-zurich-01" if target == "sw-zürich-01" else target
    current = host(zabbix, technical)
    zabbix.call(
        "host.update",
        {
            "hostid": current["hostid"],
            "tags": [*current["tags"], {"tag": "netbox.x", "value": "1"}],
        },
    )
    stale = apply(lab, only=[target])
    assert stale.success, stale.error
    assert (stale.summary["applied"], stale.summary["changed_since_plan"]) == (0, 1)
    assert ("netbox.x", "1") in host(zabbix, technical)["tag_pairs"]  # not applied
    with StateStore(state_store_url()).connect() as conn:
        again = {r["name"]: r for r in read_plan(conn)}
    assert again[target]["digest"] != reviewed  # the plan was made again and stored
    assert "netbox.x=1" in "; ".join(again[target]["changes"])

    fresh = apply(lab, only=[target])  # the new plan, now the one shown
    assert fresh.success and fresh.summary["applied"] == 1
    assert ("netbox.x", "1") not in host(zabbix, technical)["tag_pairs"]
    assert host(zabbix, "vm-db-01")["hostid"]  # the other host was never touched


def test_removed_host_configs_are_disabled_and_deletions_over_the_guard_are_refused(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab_a = next(g["groupid"] for g in zapi.host_groups(zabbix) if g["name"] == "Lab A")
    gone = [f"gone-{n}" for n in range(3)]
    for n, name in enumerate(gone):
        tags = [{"tag": MARKER, "value": f"device-{900000 + n}"}]
        lab_zabbix.create_host(zabbix, {"host": name, "groups": [lab_a], "tags": tags})
    lab_zabbix.create_host(zabbix, {"host": "not-ours", "groups": [lab_a]})  # never the project's

    rows = plan(lab)
    assert {rows[n]["action"] for n in gone} == {"disable"} and "not-ours" not in rows
    disabled = apply(lab, actions=["disable"])
    assert disabled.success and disabled.summary["disabled"] == 3
    assert {host(zabbix, n)["status"] for n in gone} == {"1"}

    monkeypatch.setenv("NBZBX_REMOVED_HOST_ACTION", "delete")
    monkeypatch.setenv("NBZBX_MAX_HOST_DELETIONS", "2")
    rows = plan(lab)
    assert {rows[n]["action"] for n in gone} == {"blocked"}
    assert "3 Zabbix hosts to delete, more than max_host_deletions=2" in rows["gone-0"]["reason"]
    refused = apply(lab, actions=["delete"])
    assert not refused.success
    assert "removals refused" in refused.error and "max_host_deletions=2" in refused.error
    assert all(host(zabbix, n) for n in gone)  # nothing deleted

    monkeypatch.setenv("NBZBX_MAX_HOST_DELETIONS", "3")
    assert {r["action"] for n, r in plan(lab).items() if n in gone} == {"delete"}
    deleted = apply(lab, actions=["delete"])
    assert deleted.success and deleted.summary["deleted"] == 3
    assert zapi.host_refs(zabbix, names=gone) == []
    assert zapi.host_refs(zabbix, names=["not-ours"])


@pytest.mark.refreshes_first
def test_a_host_zabbix_refuses_fails_alone_and_the_run_fails_with_the_count(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, netbox: NetBoxClient
) -> None:
    doomed = lab_zabbix.create_host_group(zabbix, "nbzbx-doomed")
    vm = netbox.api.virtualization.virtual_machines.get(name="vm-db-01")
    try:
        assert run_job("import_zabbix_settings", instance=lab).success  # knows the group now
        vm.update({"custom_fields": {"zabbix_host_groups": ["nbzbx-doomed"]}})
        made = ["srv-lab-a-01", "vm-web-01", "sw-lab-a-01"]
        lab_zabbix.delete_hosts(zabbix, [r["hostid"] for r in zapi.host_refs(zabbix, names=made)])
        assert refresh(lab).success
        rows = plan(lab)
        creates = {n for n, r in rows.items() if r["action"] == "create"}
        assert creates == {"vm-db-01", *made}
        zabbix.call("hostgroup.delete", [doomed])  # behind the cache's back

        outcome = apply(lab, actions=["create"])
        assert not outcome.success
        assert outcome.error.startswith("1 of 4 hosts failed (vm-db-01: ")
        results = {r["name"]: r for r in outcome.summary["results"]}
        assert results["vm-db-01"]["result"] == "failed" and results["vm-db-01"]["error"]
        assert {results[n]["result"] for n in made} == {"created"}
        assert len(zapi.host_refs(zabbix, names=made)) == 3
        assert zapi.host_refs(zabbix, names=["vm-db-01"]) == []
        # the switch's SNMP interface carries its details, the community as a macro
        (switch,) = zapi.hosts(zabbix, names=["sw-lab-a-01"])
        details = switch["interfaces"][0]["details"]
        assert (details["version"], details["community"]) == ("2", "{$SNMP_COMMUNITY}")
        # what succeeded was committed: checked again and stored
        assert statuses()["vm-web-01"] == "in_sync" and statuses()["vm-db-01"] == "missing"
    finally:
        vm.update({"custom_fields": {"zabbix_host_groups": None}})


SNMPV3 = {
    "version": 3,
    "securityname": "nbzbx-lab",
    "securitylevel": "authPriv",
    "authprotocol": "SHA256",
    "privprotocol": "AES128",
}
PASSPHRASES = {"authpassphrase": "auth-4711-secret", "privpassphrase": "priv-4712-secret"}


def snmp_interfaces(zabbix: ZabbixClient, name: str) -> list[dict[str, Any]]:
    """The host's SNMP interfaces as Zabbix holds them, passphrases included (the project never
    reads those back)."""
    (ref,) = zapi.host_refs(zabbix, names=[name])
    rows = zabbix.call("hostinterface.get", {"hostids": [ref["hostid"]], "output": "extend"})
    return [r for r in rows if r["type"] == "2"]


@pytest.mark.refreshes_first
def test_an_snmpv3_interface_is_updated_in_place_with_passphrases_from_the_environment(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NBZBX_SNMP", json.dumps(SNMPV3))
    monkeypatch.setenv("NBZBX_SNMPV3_AUTHPASSPHRASE", PASSPHRASES["authpassphrase"])
    monkeypatch.setenv("NBZBX_SNMPV3_PRIVPASSPHRASE", PASSPHRASES["privpassphrase"])
    (before,) = snmp_interfaces(zabbix, "sw-lab-a-01")
    assert before["details"]["version"] == "2"
    assert refresh(lab).success
    rows = plan(lab)
    switch = rows["sw-lab-a-01"]
    assert switch["action"] in ("update", "adopt"), switch  # adopt where it is unmarked
    assert any(w.startswith("interface: SNMP version 2 → 3") for w in switch["changes"]), switch[
        "changes"
    ]
    stored = json.dumps(rows, default=str)
    assert not [p for p in PASSPHRASES.values() if p in stored]

    outcome = apply(lab, only=["sw-lab-a-01"], actions=["update", "adopt"])
    assert outcome.success, outcome.error
    assert outcome.summary["applied"] == 1
    (after,) = snmp_interfaces(zabbix, "sw-lab-a-01")
    assert after["interfaceid"] == before["interfaceid"]  # in place: its items stay bound
    details = after["details"]
    assert (details["version"], details["securityname"]) == ("3", "nbzbx-lab")
    assert (details["securitylevel"], details["authprotocol"]) == ("2", "3")  # authPriv, SHA256
    assert {k: details[k] for k in PASSPHRASES} == PASSPHRASES
    assert statuses()["sw-lab-a-01"] == "in_sync"  # checked again in the run, as configured
    logs = json.dumps([str(e) for e in lab.all_logs(outcome.run_id)])
    assert not [p for p in PASSPHRASES.values() if p in logs + json.dumps(outcome.summary)]


@pytest.mark.refreshes_first
def test_a_missing_main_interface_is_created_before_its_template_is_linked(
    lab: dg.DagsterInstance, zabbix: ZabbixClient
) -> None:
    """The project's switch, remade by hand with an agent interface only: the update adds its
    SNMP interface, then links the SNMP template whose items need it, and keeps the agent one,
    which strict mode then reports and never removes."""
    (old,) = zapi.hosts(zabbix, names=["sw-lab-a-01"])
    groups = [{"groupid": g["groupid"]} for g in old["groups"]]
    lab_zabbix.delete_hosts(zabbix, [old["hostid"]])
    agent = {"type": 1, "main": 1, "useip": 1, "ip": "192.0.2.2", "dns": "", "port": "10050"}
    made = zabbix.call(
        "host.create",
        {"host": "sw-lab-a-01", "groups": groups, "tags": old["tags"], "interfaces": [agent]},
    )
    assert refresh(lab).success
    switch = plan(lab)["sw-lab-a-01"]
    assert switch["action"] in ("update", "adopt"), switch
    assert "nbzbx SNMP device" in " ".join(switch["changes"]), switch["changes"]

    outcome = apply(lab, only=["sw-lab-a-01"], actions=["update", "adopt"])
    assert outcome.success, outcome.error
    (now,) = zapi.hosts(zabbix, names=["sw-lab-a-01"])
    assert now["hostid"] == made["hostids"][0]
    assert sorted(i["type"] for i in now["interfaces"]) == ["agent", "snmp"]
    assert "nbzbx SNMP device" in {t["name"] for t in now["templates"]}
    # strict mode (the lab's): the agent interface left is drift the project never repairs
    after = plan(lab)["sw-lab-a-01"]
    assert after["action"] == "blocked", after
    assert after["reason"].startswith("only extra Zabbix interfaces differ"), after["reason"]


@pytest.mark.parametrize("zabbix_version", ["7.0"])
def test_nbzbx_plan_and_apply_speak_in_names(
    lab: dg.DagsterInstance, zabbix: ZabbixClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy("dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    shown = CliRunner().invoke(main, ["plan"])
    assert shown.exit_code == 0, shown.output
    assert "adopt    srv-lab-a-03 (device-5, server default)" in shown.output
    assert "         link: tag netbox.host_config=device-5" in shown.output
    assert shown.output.rstrip().endswith("6 actions: 1 create, 3 update, 2 adopt")
    as_json = json.loads(CliRunner().invoke(main, ["plan", "--json"]).output)
    assert {r["name"] for r in as_json if r["action"] == "update"} == {
        "rtr-lab-a-01",
        "srv-lab-a-02",
        "vm-web-02",
    }

    unchanged = CliRunner().invoke(main, ["plan", "--diff"])
    assert unchanged.exit_code == 0, unchanged.output
    assert unchanged.output.strip() == "since the last plan: 0 new, 0 changed, 0 gone"

    wrong = CliRunner().invoke(main, ["apply", "--actions", "remove"])
    assert wrong.exit_code == 1 and "unknown actions remove" in wrong.output
    applied = CliRunner().invoke(main, ["apply", "--actions", "create,adopt"])
    assert applied.exit_code == 0, applied.output
    assert "created   vm-db-01 (vm-3)" in applied.output
    assert "adopted   srv-lab-a-03 (device-5)" in applied.output
    assert "planned 6, applied 3, failed 0" in applied.output

    # behind the reviewer's back: a host in sync deleted, a drifted one drifts further
    lab_zabbix.delete_hosts(
        zabbix, [r["hostid"] for r in zapi.host_refs(zabbix, names=["vm-web-01"])]
    )
    (ref,) = zapi.host_refs(zabbix, names=["rtr-lab-a-01"])
    zabbix.call("host.update", {"hostid": ref["hostid"], "name": "rtr renamed by hand"})
    assert refresh(lab).success
    review = CliRunner().invoke(main, ["plan", "--diff"])
    assert review.exit_code == 0, review.output
    assert "new      create   vm-web-01 (vm-1, server default)" in review.output
    assert "changed  update   rtr-lab-a-01 (device-1, server default)" in review.output
    assert "visible name: rtr renamed by hand → rtr-lab-a-01" in review.output
    assert review.output.rstrip().endswith("since the last plan: 1 new, 1 changed, 0 gone")
