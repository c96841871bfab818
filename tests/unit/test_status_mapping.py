"""``status_mapping``: what a NetBox status makes of the Zabbix host, per object type. Unset,
active is enabled and any other status disabled; a status mapped to ``delete`` takes the host
config out, and the plan deletes its Zabbix host under the same guard as a host config gone."""

import pytest
from test_plan import gone
from test_sync import INDEX, config, settings

from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.repair_plan import _removals

MAPPING = {"device": {"planned": "enabled", "active": "disabled", "offline": "delete"}}


def test_a_mapped_status_gives_the_hosts_status_an_unmapped_one_keeps_the_default() -> None:
    mapped = settings(status_mapping=MAPPING)
    for status, want in [("planned", "enabled"), ("active", "disabled"), ("failed", "disabled")]:
        assert desired_host(config(status=status), mapped, INDEX)["status"] == want
    vm = config(object_type="vm", status="planned")
    assert desired_host(vm, mapped, INDEX)["status"] == "disabled"  # the device's map only
    assert desired_host(config(status="active"), settings(), INDEX)["status"] == "enabled"
    assert mapped.status_action("device", "offline") == "delete"


def test_a_status_mapped_to_delete_deletes_whatever_removed_host_action_says_guarded() -> None:
    hosts = gone(3)
    keep = settings(removed_host_action="keep", max_host_deletions=5)
    plan = _removals(hosts, keep, {"device-1": "offline"})
    assert [(p.key, p.action) for p in plan] == [("device-1", "delete")]
    assert plan[0].changes == [
        "host config device-1 is offline in NetBox, which status_mapping maps to delete"
    ]
    both = _removals(hosts, settings(max_host_deletions=2), {"device-1": "offline"})
    assert {p.action for p in both} == {"blocked"}
    assert both[0].reason.startswith("3 Zabbix hosts to delete or disable, more than")


def test_a_status_netbox_does_not_have_is_refused_by_name() -> None:
    for bad, words in [
        ({"device": {"paused": "disabled"}}, "device: 'paused' is not a NetBox status"),
        ({"vm": {"decommissioning": "delete"}}, "decommissioning objects are never host configs"),
        ({"device": {"planned": "maintained"}}, "status_mapping"),
        ({"rack": {"planned": "enabled"}}, "status_mapping"),
    ]:
        with pytest.raises(SettingsError, match=words):
            load_settings(overrides={"status_mapping": bad}, env={})
    vm = load_settings(overrides={"status_mapping": {"vm": {"paused": "delete"}}}, env={})
    assert vm.status_action("vm", "paused") == "delete"
