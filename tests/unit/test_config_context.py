"""``config_context_key``: a NetBox config context as a mapping source. Precedence: custom
fields > config context > mapping rules > default mapping. A bad key or type is the host's own
configuration error, naming the key and where it comes from; off (the default), NetBox is not
asked to render config contexts at all."""

import pytest
from test_change_mapping import change
from test_sync import INDEX, config, settings

from nbzbx_dagster.netbox.inventory import host_config_from
from nbzbx_dagster.sync.changes import affected
from nbzbx_dagster.sync.desired import ConfigError, desired_host

ON = {"config_context_key": "zabbix", "sync_macros": True}
CONTEXT = {
    "templates": ["tpl-snmp"],
    "host_groups": ["NetBox"],
    "proxy_group": "pg-a",
    "macros": {"{$A}": "from context", "{$B}": "from context"},
    "tags": {"owner": "noc"},
    "inventory": {"contact": "noc@example.org"},
    "interface": {"port": "1161", "snmp": {"version": 3, "securityname": "zbx"}},
}


def with_context(context, local: bool = False, **fields):
    return config(config_context=context, config_context_local=local, **fields)


def test_the_context_fills_what_the_custom_fields_leave_and_wins_over_the_rules() -> None:
    want = desired_host(with_context(CONTEXT), settings(**ON), INDEX)
    assert want["templates"] == ["101"] and want["groups"] == ["1"]  # the rule says 100, 1+2
    assert (want["monitored_by"], want["proxy_groupid"]) == ("proxy_group", "7")
    (interface,) = want["interfaces"]
    assert (interface["type"], interface["port"]) == ("snmp", "1161")
    assert interface["details"]["securityname"] == "zbx"
    assert interface["details"]["version"] == "3"
    assert {"tag": "netbox.owner", "value": "noc"} in want["tags"]
    assert want["inventory"] == {"contact": "noc@example.org"}
    assert [m["value"] for m in want["macros"]] == ["from context", "from context"]

    own = {
        "zabbix_templates": ["tpl-agent"],
        "zabbix_proxy": "proxy-a",
        "zabbix_macros": {"{$B}": "from the custom field"},
    }
    mine = desired_host(with_context(CONTEXT, custom_fields=own), settings(**ON), INDEX)
    assert mine["templates"] == ["100"]
    assert (mine["monitored_by"], mine["proxyid"]) == ("proxy", "500")
    assert {m["macro"]: m["value"] for m in mine["macros"]} == {
        "{$A}": "from context",
        "{$B}": "from the custom field",
    }
    ruled = desired_host(with_context({"tags": {"owner": "noc"}}), settings(**ON), INDEX)
    assert ruled["templates"] == ["100"] and ruled["proxyid"] == "500"  # the rule's


def test_off_the_context_is_neither_read_nor_used() -> None:
    want = desired_host(with_context(CONTEXT), settings(), INDEX)
    assert want["templates"] == ["100"] and "inventory" not in want
    hc = host_config_from("device", {"id": 1, "name": "a", "config_context": {"zabbix": {}}})
    assert hc.config_context is None
    read = host_config_from(
        "device",
        {"id": 1, "name": "a", "config_context": {"zabbix": CONTEXT}, "local_context_data": None},
        "zabbix",
    )
    assert read.config_context == CONTEXT and read.config_context_local is False


def test_a_bad_key_or_type_is_the_hosts_error_naming_the_key_and_its_source() -> None:
    for context, local, words in [
        ({"template": ["x"]}, False, "config context 'zabbix': unknown key 'template'"),
        (
            {"templates": "tpl-agent"},
            True,
            "local config context 'zabbix': templates must be a list",
        ),
        ({"proxy": 5}, False, "proxy must be a name"),
        (["tpl-agent"], False, "must be an object, not list"),
        ({"inventory": {"serial": "x"}}, False, "'serial' is not a Zabbix inventory field"),
        ({"interface": {"type": "ipmi"}}, False, "interface type must be agent or snmp"),
        ({"interface": {"port": "99999"}}, False, "interface port must be 1..65535"),
        ({"interface": {"snmp": {"authpassphrase": "x"}}}, False, "interface snmp authpassphrase"),
        ({"templates": ["nope"]}, False, "unknown Zabbix template"),
    ]:
        with pytest.raises(ConfigError, match=words):
            desired_host(with_context(context, local), settings(**ON), INDEX)


def test_a_config_context_changed_asks_for_a_full_refresh_only_when_contexts_are_read() -> None:
    edited = change(
        "extras.configcontext",
        2,
        name="Zabbix servers",
        before={"data": {}},
        after={"data": {"zabbix": {}}},
    )
    none = lambda ids: {}  # noqa: E731
    users = lambda f, i: []  # noqa: E731
    assert affected([edited], none, users, (), True).full == "config context Zabbix servers updated"
    assert affected([edited], none, users).full is None
