"""IPMI and JMX interfaces: a template whose items are IPMI or JMX items needs an interface of
that type beside the main one. IPMI goes on the device's out-of-band IP (none: the host's own
configuration error, naming the template), JMX where the main interface is; each is compared,
planned in words and created or updated in place, and extra Zabbix interfaces are still never
removed."""

from dataclasses import replace

import pytest
from test_plan import marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.netbox.inventory import host_config_from
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ConfigError, desired_host
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe, describe_new

BMC = replace(
    INDEX,
    templates={**INDEX.templates, "BMC by IPMI": "102", "tpl-bmc": "102", "tpl-java": "103"},
    template_types={**INDEX.template_types, "102": "agent", "103": "any"},
    template_extras={"102": ("ipmi",), "103": ("jmx",)},
)
NAMES = ZabbixNames.from_index(BMC)
RULES = [{"roles": ["server"], "host_groups": ["NetBox"], "templates": ["tpl-bmc", "tpl-java"]}]


def wanted(**fields) -> dict:
    return desired_host(config(**fields), settings(mapping_rules=RULES), BMC)


def test_ipmi_goes_on_the_out_of_band_ip_jmx_beside_the_main_interface() -> None:
    want = wanted(oob_ip="192.0.2.200")
    assert [(i["type"], i["ip"], i["port"], i["main"]) for i in want["interfaces"]] == [
        ("agent", "192.0.2.10", "10050", True),
        ("ipmi", "192.0.2.200", "623", True),
        ("jmx", "192.0.2.10", "12345", True),
    ]
    assert "interface: ipmi on IP 192.0.2.200:623" in describe_new(want, NAMES)
    with pytest.raises(ConfigError, match="BMC by IPMI needs an IPMI interface: no out-of-band IP"):
        wanted()
    read = host_config_from(
        "device", {"id": 1, "name": "a", "oob_ip": {"id": 9, "address": "192.0.2.200/24"}}
    )
    assert read.oob_ip == "192.0.2.200"


def test_a_missing_or_moved_ipmi_interface_is_planned_the_main_one_untouched() -> None:
    want = wanted(oob_ip="192.0.2.200")
    zabbix = marked(
        actual_from({**want, "interfaces": [want["interfaces"][0], want["interfaces"][2]]})
    )
    diff = compare_hosts(want, zabbix, "strict")
    assert set(diff["differences"]) == {"interface.ipmi"}
    assert describe(diff, NAMES) == ["IPMI interface: ipmi interface missing in Zabbix"]
    action = planner(mapping_rules=RULES).action(config(oob_ip="192.0.2.200"), want, zabbix)
    assert action is not None and action.write == {
        "hostid": "10500",
        "interfaces_create": [{**want["interfaces"][1], "hostid": "10500"}],
    }
    moved = marked(
        actual_from(
            {
                **want,
                "interfaces": [
                    want["interfaces"][0],
                    {**want["interfaces"][1], "ip": "192.0.2.99"},
                    want["interfaces"][2],
                ],
            }
        )
    )
    moved["interfaces"][1]["interfaceid"] = "77"
    action = planner(mapping_rules=RULES).action(config(oob_ip="192.0.2.200"), want, moved)
    assert action is not None
    assert action.write["interfaces_update"] == [{**want["interfaces"][1], "interfaceid": "77"}]
    assert "interfaces_create" not in action.write
    extra = {
        "type": "snmp",
        "main": True,
        "useip": True,
        "ip": "192.0.2.5",
        "dns": "",
        "port": "161",
    }
    relaxed = compare_hosts(
        want, {**zabbix, "interfaces": [*zabbix["interfaces"], extra]}, "relaxed"
    )
    assert relaxed["extra"]["interfaces"][0]["type"] == "snmp"  # kept, only reported
