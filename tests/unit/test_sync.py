"""Desired state, comparison and staleness, without a network."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from nbzbx_dagster.common.timings import Timings
from nbzbx_dagster.netbox.inventory import HostConfig, host_config_from
from nbzbx_dagster.netbox.writeback import changed_values
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.store.host_status import stale_keys
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ConfigError, ZabbixIndex, desired_host, interface_note
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe
from nbzbx_dagster.sync.names import technical_name
from nbzbx_dagster.zabbix.hosts_api import snmp_detail_names

INDEX = ZabbixIndex.from_rows(
    templates=[
        {
            "templateid": "100",
            "host": "tpl-agent",
            "name": "Agent template",
            "interface_type": "agent",
        },
        {
            "templateid": "101",
            "host": "tpl-snmp",
            "name": "SNMP template",
            "interface_type": "snmp",
        },
    ],
    host_groups=[{"groupid": "1", "name": "NetBox"}, {"groupid": "2", "name": "Servers"}],
    proxies=[{"proxyid": "500", "name": "proxy-a"}],
    proxy_groups=[{"proxy_groupid": "7", "name": "pg-a"}],
)


def settings(**values):
    rules = values.pop(
        "mapping_rules",
        [
            {
                "roles": ["server"],
                "host_groups": ["NetBox", "Servers"],
                "templates": ["tpl-agent"],
                "proxy": "proxy-a",
            },
        ],
    )
    return load_settings(overrides={"mapping_rules": rules, **values}, env={})


def config(**fields) -> HostConfig:
    base = dict(
        object_type="device",
        object_id=12,
        name="srv-zürich-01",
        status="active",
        site="zurich",
        site_name="Zürich",
        role="server",
        role_name="Server",
        platform="linux",
        platform_name="Linux",
        tags=("web",),
        tag_names=("Web",),
        primary_ip="192.0.2.10",
    )
    return HostConfig(**{**base, **fields})


def actual_from(desired: dict) -> dict:
    """A Zabbix host (normalised shape) exactly as desired."""
    return {
        **desired,
        "hostid": "10500",
        "groups": [{"groupid": g, "name": "x"} for g in desired["groups"]],
        "templates": [{"templateid": t, "name": "x"} for t in desired["templates"]],
        "interfaces": [
            {**i, "interfaceid": "9", "details": i.get("details", {})}
            for i in desired["interfaces"]
        ],
    }


def test_technical_name_folds_accents_and_replaces_what_zabbix_refuses():
    assert technical_name("srv-zürich-01") == "srv-zurich-01"
    assert technical_name("東京/sw 1") == "___sw 1"
    assert technical_name("a" * 200) == "a" * 128


def test_desired_host_from_the_first_matching_rule():
    want = desired_host(config(), settings(), INDEX)
    assert want["host"] == "srv-zurich-01" and want["name"] == "srv-zürich-01"
    assert want["groups"] == ["1", "2"] and want["templates"] == ["100"]
    assert (want["monitored_by"], want["proxyid"]) == ("proxy", "500")
    assert want["interfaces"] == [
        {
            "type": "agent",
            "main": True,
            "useip": True,
            "ip": "192.0.2.10",
            "dns": "",
            "port": "10050",
        }
    ]
    assert {"tag": "netbox.site", "value": "Zürich"} in want["tags"]
    assert {"tag": "netbox.tag", "value": "Web"} in want["tags"]


def test_custom_fields_override_the_rule_and_snmp_templates_give_an_snmp_interface():
    want = desired_host(
        config(custom_fields={"zabbix_templates": ["SNMP template"], "zabbix_proxy_group": "pg-a"}),
        settings(),
        INDEX,
    )
    assert want["templates"] == ["101"]
    assert want["interfaces"][0]["type"] == "snmp" and want["interfaces"][0]["port"] == "161"
    assert (want["monitored_by"], want["proxyid"], want["proxy_groupid"]) == (
        "proxy_group",
        None,
        "7",
    )


def test_no_primary_ip_uses_the_dns_name_and_non_active_is_disabled():
    want = desired_host(config(primary_ip=None, status="planned"), settings(), INDEX)
    assert want["status"] == "disabled"
    assert want["interfaces"][0]["useip"] is False
    assert want["interfaces"][0]["dns"] == "srv-zurich-01"


def test_no_primary_ip_setting_dns_skip_error():
    dns = desired_host(config(primary_ip=None), settings(), INDEX)
    assert interface_note(dns) == "interface: agent on DNS name srv-zurich-01 (no primary IP)"
    assert interface_note(desired_host(config(), settings(), INDEX)) == (
        "interface: agent on primary IP 192.0.2.10"
    )
    skipped = desired_host(config(primary_ip=None), settings(no_primary_ip="skip"), INDEX)
    assert skipped["interfaces"] == []
    assert interface_note(skipped) == "interface: none (no primary IP; no_primary_ip: skip)"
    with pytest.raises(ConfigError, match="no primary IP"):
        desired_host(config(primary_ip=None), settings(no_primary_ip="error"), INDEX)
    # a host config with a primary IP is not affected by the setting
    assert desired_host(config(), settings(no_primary_ip="error"), INDEX)["interfaces"]
    with pytest.raises(ValueError, match="no_primary_ip"):
        settings(no_primary_ip="ignore")


def test_extra_zabbix_interfaces_are_drift_in_strict_mode_and_extra_in_relaxed_mode():
    want = desired_host(config(), settings(), INDEX)
    have = actual_from(want)
    snmp = {
        "interfaceid": "10",
        "type": "snmp",
        "main": True,
        "useip": True,
        "ip": "192.0.2.10",
        "dns": "",
        "port": "161",
        "details": {},
    }
    have["interfaces"].append(snmp)
    strict = compare_hosts(want, have, "strict")
    assert set(strict["differences"]) == {"interfaces"}
    assert [i["type"] for i in strict["differences"]["interfaces"]["zabbix"]] == ["agent", "snmp"]
    assert strict["differences"]["interfaces"]["netbox"] == [
        {k: want["interfaces"][0][k] for k in ("type", "useip", "ip", "dns", "port")}
    ]
    relaxed = compare_hosts(want, have, "relaxed")
    assert relaxed["differences"] == {}
    assert relaxed["extra"]["interfaces"] == [
        {"type": "snmp", "useip": True, "ip": "192.0.2.10", "dns": "", "port": "161"}
    ]
    # skip: no interface is wanted, so every Zabbix interface is an extra one
    skipped = desired_host(config(primary_ip=None), settings(no_primary_ip="skip"), INDEX)
    assert "interfaces" in compare_hosts(skipped, have, "strict")["differences"]
    assert "interface" not in compare_hosts(skipped, have, "strict")["differences"]
    assert len(compare_hosts(skipped, have, "relaxed")["extra"]["interfaces"]) == 2


def test_unknown_names_are_a_configuration_error_naming_them():
    with pytest.raises(ConfigError, match="unknown Zabbix template: 'nope'"):
        desired_host(config(custom_fields={"zabbix_templates": ["nope"]}), settings(), INDEX)
    with pytest.raises(ConfigError, match="proxy"):
        desired_host(config(custom_fields={"zabbix_proxy": "gone"}), settings(), INDEX)
    with pytest.raises(ConfigError, match="choose one"):
        desired_host(
            config(custom_fields={"zabbix_proxy": "proxy-a", "zabbix_proxy_group": "pg-a"}),
            settings(),
            INDEX,
        )


def test_identical_hosts_are_in_sync():
    want = desired_host(config(), settings(), INDEX)
    assert compare_hosts(want, actual_from(want), "strict") == {"differences": {}, "extra": {}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"templates": [{"templateid": "101", "name": "x"}]}, "templates"),
        ({"groups": [{"groupid": "1", "name": "x"}]}, "groups"),
        ({"monitored_by": "server", "proxyid": None}, "proxyid"),
        ({"status": "disabled"}, "status"),
        ({"name": "renamed"}, "name"),
    ],
)
def test_each_managed_field_is_compared(change, field):
    want = desired_host(config(), settings(), INDEX)
    diff = compare_hosts(want, {**actual_from(want), **change}, "strict")
    assert field in diff["differences"]
    assert diff["differences"][field]["netbox"] != diff["differences"][field]["zabbix"]


def test_interface_drift_and_a_missing_interface():
    want = desired_host(config(), settings(), INDEX)
    have = actual_from(want)
    have["interfaces"][0]["ip"] = "192.0.2.99"
    assert (
        compare_hosts(want, have, "strict")["differences"]["interface"]["zabbix"]["ip"]
        == "192.0.2.99"
    )
    have["interfaces"] = []
    assert compare_hosts(want, have, "strict")["differences"]["interface"]["zabbix"] is None


def test_extra_tags_of_the_project_are_drift_in_strict_mode_and_only_reported_in_relaxed_mode():
    want = desired_host(config(), settings(), INDEX)
    have = actual_from(want)
    have["tags"] = [*want["tags"], {"tag": "netbox.role", "value": "Legacy"}]
    assert "tags" in compare_hosts(want, have, "strict")["differences"]
    relaxed = compare_hosts(want, have, "relaxed")
    assert relaxed["differences"] == {}
    assert relaxed["extra"] == {"tags": [("netbox.role", "Legacy")]}
    have["tags"] = want["tags"][1:]  # a missing tag is drift in both modes
    assert "tags" in compare_hosts(want, have, "relaxed")["differences"]


def test_other_tags_and_the_marker_are_never_drift():
    want = desired_host(config(), settings(), INDEX)
    have = actual_from(want)
    marker = {"tag": "netbox.host_config", "value": "device-1"}
    have["tags"] = [*want["tags"], {"tag": "owner", "value": "noc"}, marker]
    for mode in ("strict", "relaxed"):
        result = compare_hosts(want, have, mode)
        assert result["differences"] == {}
        assert result["extra"] == {"tags": [("owner", "noc")]}


def test_write_only_fields_are_never_compared():
    want = desired_host(config(), settings(), INDEX)
    have = {**actual_from(want), "tls_psk": "", "tls_psk_identity": "", "macros": []}
    have["interfaces"][0]["details"] = {"authpassphrase": "x"}
    assert compare_hosts(want, have, "strict")["differences"] == {}


SNMPV3 = {
    "version": 3,
    "securityname": "noc",
    "securitylevel": "authPriv",
    "authprotocol": "SHA256",
    "privprotocol": "AES128",
}


def test_snmp_details_are_compared_in_the_settings_names_and_zabbixs_own_are_not():
    switch = config(custom_fields={"zabbix_templates": ["SNMP template"]})
    want = desired_host(switch, settings(snmp=SNMPV3), INDEX)
    have = actual_from(want)
    # as the Zabbix layer reads them: codes named, passphrases dropped, Zabbix's own kept
    read = {"version": "3", "bulk": "1", "securityname": "noc", "securitylevel": "2"}
    read |= {"authprotocol": "3", "privprotocol": "1", "max_repetitions": "10"}
    have["interfaces"][0]["details"] = snmp_detail_names({**read, "authpassphrase": "s3cret"})
    assert have["interfaces"][0]["details"]["securitylevel"] == "authPriv"
    assert "authpassphrase" not in have["interfaces"][0]["details"]
    assert compare_hosts(want, have, "strict")["differences"] == {}

    v2 = desired_host(switch, settings(), INDEX)  # the default: v2c, community macro
    diff = compare_hosts(v2, have, "relaxed")
    assert diff["differences"]["interface"]["zabbix"]["details"]["version"] == "3"
    words = describe(diff, ZabbixNames.from_index(INDEX))
    assert words == ["interface: SNMP version 3 → 2, SNMP community (none) → {$SNMP_COMMUNITY}"], (
        words
    )


def test_stale_keys_are_never_checked_or_checked_before_the_cutoff():
    now = datetime.now(UTC)
    stored = {
        "device-1": {"checked_at": now - timedelta(hours=2)},
        "device-2": {"checked_at": now - timedelta(minutes=5)},
    }
    cutoff = now - timedelta(minutes=60)
    assert stale_keys(["device-1", "device-2", "vm-3"], stored, cutoff) == ["device-1", "vm-3"]
    assert stale_keys(["device-1", "device-2"], stored, now) == ["device-1", "device-2"]


def test_netbox_select_values_are_flattened_and_decoded():
    raw = {
        "id": 3,
        "name": "vm-web-01",
        "status": {"value": "active", "label": "Active"},
        "site": {"id": 1, "name": "Lab A", "slug": "lab-a"},
        "role": None,
        "platform": None,
        "primary_ip4": {"id": 9, "address": "203.0.113.1/24"},
        "tags": [{"id": 1, "name": "Web", "slug": "web"}],
        "custom_fields": {
            "zabbix_proxy": {"value": "proxy-a", "label": "proxy-a"},
            "zabbix_templates": [{"value": "t1", "label": "t1"}],
        },
        "cluster": {"id": 2, "name": "lab-cluster"},
    }
    hc = host_config_from("vm", raw)
    assert hc.key == "vm-3" and hc.primary_ip == "203.0.113.1" and hc.status == "active"
    assert hc.custom_fields == {"zabbix_proxy": "proxy-a", "zabbix_templates": ["t1"]}
    assert hc.cluster == "lab-cluster" and hc.tags == ("web",)


def test_write_back_sends_only_changed_values():
    same = config(object_id=1, custom_fields={"zabbix_hostid": 10, "zabbix_sync_status": "in_sync"})
    changed = config(
        object_id=2, custom_fields={"zabbix_hostid": 11, "zabbix_sync_status": "in_sync"}
    )
    vm = config(object_type="vm", object_id=3, custom_fields={})
    rows = changed_values(
        [same, changed, vm],
        {
            "device-1": ("10", "in_sync"),
            "device-2": ("11", "out_of_sync"),
            "vm-3": (None, "missing"),
        },
    )
    assert rows["device"] == [
        {"id": 2, "custom_fields": {"zabbix_hostid": 11, "zabbix_sync_status": "out_of_sync"}}
    ]
    assert rows["vm"] == [
        {"id": 3, "custom_fields": {"zabbix_hostid": None, "zabbix_sync_status": "missing"}}
    ]


def test_timings_add_up_per_section_and_survive_an_exception():
    timings = Timings()
    with timings.section("zabbix_read"):
        time.sleep(0.01)
    with pytest.raises(RuntimeError), timings.section("zabbix_read"):
        raise RuntimeError("down")
    with timings.section("compare"):
        pass
    result = timings.as_dict()
    assert list(result) == ["zabbix_read", "compare"]
    assert 0.01 <= result["zabbix_read"] < 1 and result["compare"] < 0.01
