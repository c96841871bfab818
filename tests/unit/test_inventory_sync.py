"""``inventory`` and ``inventory_mode``: Zabbix inventory fields filled from NetBox. Unset (the
default), the inventory is neither read nor compared. Set, only the mapped fields are compared
and written, the others stay; a disabled inventory becomes manual to hold them; a value Zabbix
would refuse is the host's own configuration error, and a bad setting is refused by name."""

import pytest
from test_change_mapping import change
from test_plan import marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.netbox.inventory import host_config_from
from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.sync.changes import affected
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ConfigError, desired_host
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe, describe_new

NAMES = ZabbixNames.from_index(INDEX)
MAPPING = {
    "serialno_a": "serial",
    "site_rack": "rack",
    "vendor": "manufacturer",
    "model": "device_type",
    "location": "site",
    "contract_number": "custom_fields.contract",
}
RAW = {
    "id": 12,
    "name": "srv-zürich-01",
    "status": {"value": "active"},
    "site": {"slug": "zurich", "name": "Zürich"},
    "serial": "SN-0042",
    "rack": {"id": 3, "name": "R1"},
    "device_type": {"model": "PowerEdge R650", "manufacturer": {"name": "Dell"}},
    "custom_fields": {"contract": "C-7", "other": "x"},
}


def wanted(**values) -> tuple:
    hc = host_config_from("device", RAW)
    return hc, desired_host(hc, settings(inventory=MAPPING, **values), INDEX)


def test_the_mapped_netbox_values_are_the_desired_fields_by_name() -> None:
    _, want = wanted()
    assert want["inventory"] == {
        "serialno_a": "SN-0042",
        "site_rack": "R1",
        "vendor": "Dell",
        "model": "PowerEdge R650",
        "location": "Zürich",
        "contract_number": "C-7",
    }
    assert "inventory_mode" not in want  # unset: the host's own mode stays
    hc = host_config_from("device", {**RAW, "serial": "", "rack": None, "custom_fields": {}})
    blank = desired_host(hc, settings(inventory=MAPPING), INDEX)["inventory"]
    assert blank["serialno_a"] == blank["site_rack"] == blank["contract_number"] == ""
    assert "inventory" not in desired_host(config(), settings(), INDEX)  # off: not desired


def test_only_mapped_fields_differ_and_a_disabled_inventory_becomes_manual() -> None:
    _, want = wanted()
    zabbix = {
        **actual_from(want),
        "inventory_mode": "automatic",
        "inventory": {**want["inventory"], "serialno_a": "OLD", "notes": "by hand"},
    }
    diff = compare_hosts(want, zabbix, "strict")
    assert diff["differences"] == {
        "inventory": {"netbox": {"serialno_a": "SN-0042"}, "zabbix": {"serialno_a": "OLD"}}
    }
    assert describe(diff, NAMES) == ["inventory serialno_a: 'OLD' → 'SN-0042'"]
    disabled = {**zabbix, "inventory_mode": "disabled", "inventory": {}}
    diff = compare_hosts(want, disabled, "strict")["differences"]
    assert diff["inventory_mode"] == {"netbox": "manual", "zabbix": "disabled"}
    assert len(diff["inventory"]["netbox"]) == len(MAPPING)
    _, strict = wanted(inventory_mode="automatic")
    diff = compare_hosts(strict, {**zabbix, "inventory_mode": "manual"}, "strict")["differences"]
    assert describe({"differences": diff}, NAMES)[0] == "inventory mode: manual → automatic"


def test_the_plan_writes_the_differing_fields_only_and_a_new_host_gets_them_all() -> None:
    hc, want = wanted()
    zabbix = marked(
        {
            **actual_from(want),
            "inventory_mode": "disabled",
            "inventory": {},
        }
    )
    action = planner(inventory=MAPPING).action(hc, want, zabbix)
    assert action is not None and action.action == "update"
    assert action.write == {
        "hostid": "10500",
        "inventory_mode": "manual",
        "inventory": want["inventory"],
    }
    one = {**zabbix, "inventory_mode": "manual", "inventory": {**want["inventory"], "vendor": ""}}
    action = planner(inventory=MAPPING).action(hc, want, one)
    assert action is not None and action.write == {
        "hostid": "10500",
        "inventory": {"vendor": "Dell"},
    }
    created = planner(inventory=MAPPING).action(hc, want, None)
    assert created is not None and created.write["inventory_mode"] == "manual"
    assert "inventory: serialno_a 'SN-0042', site_rack 'R1', vendor 'Dell'" in " ".join(
        describe_new(want, NAMES)
    )


def test_a_value_zabbix_would_refuse_is_the_hosts_error_a_bad_setting_is_refused() -> None:
    hc = host_config_from("device", {**RAW, "serial": "S" * 70})
    with pytest.raises(ConfigError, match="inventory serialno_a: 70 characters, Zabbix takes 64"):
        desired_host(hc, settings(inventory=MAPPING), INDEX)
    for bad, words in [
        ({"inventory": {"serial": "serial"}}, "'serial' is not a Zabbix inventory field"),
        ({"inventory": {"serialno": "serial"}}, "did you mean serialno_[ab]"),
        ({"inventory": {"tag": "colour"}}, "'colour' is not a NetBox value"),
        ({"inventory": {"tag": "custom_fields.Bad Name"}}, "is not a NetBox value"),
        ({"inventory": {"tag": "serial"}, "inventory_mode": "disabled"}, "inventory_mode is"),
        ({"inventory_mode": "on"}, "inventory_mode"),
    ]:
        with pytest.raises(SettingsError, match=words):
            load_settings(overrides=bad, env={})


def test_a_rack_renamed_touches_its_devices_only_when_the_inventory_reads_racks() -> None:
    renamed = change("dcim.rack", 3, name="R1", before={"name": "R1"}, after={"name": "R1-new"})
    users = {("rack_id", 3): ["device-12"]}

    def users_of(filter_name: str, object_id: int) -> list[str]:
        return users[filter_name, object_id]

    found = affected([renamed], lambda ids: {}, users_of, {"rack", "serial"})
    assert found.keys == {"device-12"} and found.seen == ["rack R1 name changed: 1 host config"]
    assert affected([renamed], lambda ids: {}, users_of).keys == set()
