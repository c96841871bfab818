"""``sync_macros``: the user macros of a host config's ``zabbix_macros`` custom field. Off (the
default), macros are neither read nor compared. On, the project's own macros (its mark in their
description) and the wanted names are compared; a hand-made macro stays; a secret's value comes
from the environment on its way to Zabbix and is in no plan, diff or line."""

import json

import pytest
from test_plan import marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ConfigError, desired_host
from nbzbx_dagster.sync.diff_words import MINUS, ZabbixNames, describe, describe_new
from nbzbx_dagster.sync.macros import MacroError, desired_macros, macro_mark, with_secret_values
from nbzbx_dagster.sync.repair_apply import apply_actions

NAMES = ZabbixNames.from_index(INDEX)
ON = {"sync_macros": True}
MARK = macro_mark("netbox")
SECRET = "s3cret-Ü-value"
ENV = {"NBZBX_MACRO_DB_PASSWORD": SECRET}
WANTED = {
    "{$SNMP_COMMUNITY}": "public",
    "{$DB_PASSWORD}": {"secret_env": "NBZBX_MACRO_DB_PASSWORD"},
}


def macro(name: str, value: str = "", kind: str = "text", mine: bool = True, i: str = "1") -> dict:
    return {
        "hostmacroid": i,
        "macro": name,
        "type": kind,
        "value": value,
        "description": MARK if mine else "set by the DBA",
    }


def with_macros(macros: dict, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setenv("NBZBX_MACRO_DB_PASSWORD", SECRET)
    hc = config(custom_fields={"zabbix_macros": macros})
    return hc, desired_host(hc, settings(**ON), INDEX)


def test_names_values_and_secret_variables_are_checked_before_zabbix_is_asked() -> None:
    assert desired_macros(WANTED, ENV) == [
        {"macro": "{$DB_PASSWORD}", "type": "secret", "secret_env": "NBZBX_MACRO_DB_PASSWORD"},
        {"macro": "{$SNMP_COMMUNITY}", "type": "text", "value": "public"},
    ]
    assert desired_macros({'{$PORT:"db"}': 5432}, ENV)[0]["value"] == "5432"
    assert desired_macros(None) == desired_macros("") == []
    for bad, words in [
        ({"{$lower}": "x"}, "not a Zabbix user macro name"),
        ({"SNMP": "x"}, "not a Zabbix user macro name"),
        ({"{$X}": True}, "a value is text"),
        ({"{$X}": {"secret_env": "NBZBX_ZABBIX_PASSWORD"}}, "must name a variable NBZBX_MACRO_*"),
        ({"{$X}": {"secret_env": "NBZBX_MACRO_GONE"}}, "NBZBX_MACRO_GONE is not set"),
        (["{$X}"], "must be a JSON object"),
    ]:
        with pytest.raises(MacroError, match=words.replace("*", r"\*")):
            desired_macros(bad, ENV)
    # a host's own error, in its status, naming the macro
    with pytest.raises(ConfigError, match=r"\{\$lower\}"):
        desired_host(
            config(custom_fields={"zabbix_macros": {"{$lower}": "x"}}), settings(**ON), INDEX
        )


def test_off_macros_are_not_desired_so_zabbixs_are_no_drift() -> None:
    hc = config(custom_fields={"zabbix_macros": {"{$X}": "1"}})
    want = desired_host(hc, settings(), INDEX)
    assert "macros" not in want
    zabbix = {**actual_from(want), "macros": [macro("{$X}", "2")]}
    assert compare_hosts(want, zabbix, "strict")["differences"] == {}


def test_on_the_projects_macros_and_wanted_names_are_compared_hand_made_ones_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, want = with_macros(WANTED, monkeypatch)
    zabbix = {
        **actual_from(want),
        "macros": [
            macro("{$DB_PASSWORD}", kind="secret", i="1"),  # Zabbix never returns its value
            macro("{$SNMP_COMMUNITY}", "public", i="2"),
            macro("{$DBA_NOTE}", "ask Ana", mine=False, i="3"),
        ],
    }
    diff = compare_hosts(want, zabbix, "strict")
    assert diff["differences"] == {}, "a secret is compared by name and type, never by value"
    assert diff["extra"]["macros"] == ["{$DBA_NOTE}"]
    assert describe(diff, NAMES) == ["macros kept, not managed: {$DBA_NOTE}"]
    changed = {
        **zabbix,
        "macros": [
            macro("{$SNMP_COMMUNITY}", "private", i="2"),
            macro("{$OLD}", "x", i="4"),
            macro("{$DBA_NOTE}", "ask Ana", mine=False, i="3"),
        ],
    }
    diff = compare_hosts(want, changed, "relaxed")
    assert describe({"differences": diff["differences"]}, NAMES) == [
        "macro {$DB_PASSWORD}: + (secret)",
        f"macro {{$OLD}}: {MINUS} 'x' (no longer in NetBox)",
        "macro {$SNMP_COMMUNITY}: 'private' → 'public'",
    ]
    assert SECRET not in json.dumps(diff)


def test_the_plan_writes_only_the_projects_macros_a_secret_by_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hc, want = with_macros(WANTED, monkeypatch)
    ours = marked(
        {
            **actual_from(want),
            "macros": [
                macro("{$SNMP_COMMUNITY}", "private", mine=False, i="2"),
                macro("{$OLD}", "x", i="4"),
                macro("{$DBA_NOTE}", "ask Ana", mine=False, i="3"),
            ],
        }
    )
    action = planner(**ON).action(hc, want, ours)
    assert action is not None and action.action == "update"
    assert action.write == {
        "hostid": "10500",
        "macros_create": [
            {
                "macro": "{$DB_PASSWORD}",
                "type": "secret",
                "secret_env": "NBZBX_MACRO_DB_PASSWORD",
                "description": MARK,
                "hostid": "10500",
            }
        ],
        "macros_update": [
            {
                "macro": "{$SNMP_COMMUNITY}",
                "type": "text",
                "value": "public",
                "description": MARK,
                "hostmacroid": "2",
            }
        ],
        "macros_delete": ["4"],
    }
    assert "macro {$SNMP_COMMUNITY}: 'private' → 'public' (made by hand: taken over)" in (
        action.changes
    )
    assert action.changes[-1] == "macros kept, not managed: {$DBA_NOTE}"
    assert SECRET not in json.dumps([action.changes, action.write])


def test_a_new_host_is_created_with_its_macros_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    hc, want = with_macros(WANTED, monkeypatch)
    assert describe_new(want, NAMES)[-2:] == [
        "macro {$DB_PASSWORD}: (secret)",
        "macro {$SNMP_COMMUNITY}: 'public'",
    ]
    action = planner(**ON).action(hc, want, None)
    assert action is not None and action.action == "create"
    assert {m["description"] for m in action.write["macros"]} == {MARK}
    assert SECRET not in json.dumps(action.write)


def test_the_secret_is_read_on_its_way_to_zabbix_and_a_gone_one_fails_its_host_alone() -> None:
    planned = {"macro": "{$P}", "type": "secret", "secret_env": "NBZBX_MACRO_P"}
    assert with_secret_values([planned], {"NBZBX_MACRO_P": "v"}) == [
        {"macro": "{$P}", "type": "secret", "value": "v"}
    ]
    with pytest.raises(MacroError, match="NBZBX_MACRO_P is not set"):
        with_secret_values([planned], {})


class Recorder:
    """A Zabbix that takes every write and keeps the calls."""

    url = "http://zabbix.test"
    zabbix_version = None

    def __init__(self) -> None:
        self.calls: list[tuple[str, list]] = []

    def call(self, method: str, params: list) -> dict:
        self.calls.append((method, params))
        key = "hostmacroids" if method.startswith("usermacro.") else "hostids"
        return {key: [str(n) for n in range(len(params))]}


def test_apply_sends_macros_one_by_one_never_hosts_macros(monkeypatch: pytest.MonkeyPatch) -> None:
    hc, want = with_macros(WANTED, monkeypatch)
    ours = marked({**actual_from(want), "macros": [macro("{$OLD}", "x", i="4")]})
    action = planner(**ON).action(hc, want, ours)
    assert action is not None
    zabbix = Recorder()
    (result,) = apply_actions(zabbix, [action], {}, "netbox")  # type: ignore[arg-type]
    assert result.result == "updated", result
    methods = [m for m, _ in zabbix.calls]
    assert methods == ["usermacro.create", "usermacro.delete"], methods
    created = zabbix.calls[0][1]
    assert {m["macro"]: (m["type"], m["value"]) for m in created} == {
        "{$DB_PASSWORD}": (1, SECRET),
        "{$SNMP_COMMUNITY}": (0, "public"),
    }
    assert zabbix.calls[1][1] == ["4"]
    monkeypatch.delenv("NBZBX_MACRO_DB_PASSWORD")
    zabbix.calls.clear()
    (gone,) = apply_actions(zabbix, [action], {}, "netbox")  # type: ignore[arg-type]
    assert (gone.result, gone.error) == (
        "failed",
        "macro {$DB_PASSWORD}: the environment variable NBZBX_MACRO_DB_PASSWORD is not set",
    )
    assert [m for m, _ in zabbix.calls] == []
