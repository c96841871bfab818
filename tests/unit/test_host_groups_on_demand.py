"""Host groups made on demand (``create_host_groups``) and host group formats (``{site}/{role}``).

Off (the default), a wanted host group Zabbix lacks is a configuration error of that host, as
before. On, it is wanted as ``new:<name>``: the status and the plan say "(new: made by the
apply)", and the apply makes every such group in one ``hostgroup.create`` before the hosts."""

import pytest
from test_plan import marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import ConfigError, desired_host, group_names
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe, describe_new
from nbzbx_dagster.sync.repair_apply import make_host_groups

NAMES = ZabbixNames.from_index(INDEX)
FORMAT = [{"roles": ["server"], "host_groups": ["Servers", "{site}/{role}"], "templates": []}]


def test_a_format_is_filled_from_the_host_configs_names() -> None:
    assert group_names(["{site}/{role}", "Servers", "{platform} hosts"], config()) == [
        "Zürich/Server",
        "Servers",
        "Linux hosts",
    ]
    assert group_names(["{cluster}"], config(cluster="c1")) == ["c1"]
    with pytest.raises(ConfigError, match=r"host group '\{tenant\}/x': this device has no tenant"):
        group_names(["{tenant}/x"], config())


def test_off_a_missing_group_is_the_hosts_configuration_error() -> None:
    with pytest.raises(ConfigError, match="unknown Zabbix host group: 'Zürich/Server'"):
        desired_host(config(), settings(mapping_rules=FORMAT), INDEX)


def test_on_a_missing_group_is_wanted_new_and_said_so() -> None:
    on = settings(mapping_rules=FORMAT, create_host_groups=True)
    want = desired_host(config(), on, INDEX)
    servers = INDEX.host_groups["Servers"]
    assert want["groups"] == [servers, "new:Zürich/Server"]
    assert (
        describe_new(want, NAMES)[0]
        == "host groups: Servers, Zürich/Server (new: made by the apply)"
    )
    have = {**actual_from(want), "groups": [{"groupid": servers, "name": "Servers"}]}
    diff = compare_hosts(want, have, "strict")
    assert describe(diff, NAMES) == ["host groups: + Zürich/Server (new: made by the apply)"]
    action = planner(mapping_rules=FORMAT, create_host_groups=True).action(
        config(), want, marked(have)
    )
    assert action is not None and action.write["groups"] == [servers, "new:Zürich/Server"]


class Zabbix:
    """Has the host group ``Lab``; makes others with ids from 900."""

    url = "http://zabbix.test"

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def call(self, method: str, params: object) -> object:
        self.calls.append((method, params))
        if method == "hostgroup.get":
            return [{"groupid": "7", "name": "Lab"}]
        assert method == "hostgroup.create"
        return {"groupids": [str(900 + n) for n in range(len(params))]}  # type: ignore[arg-type]


def test_the_apply_makes_the_new_groups_once_then_names_them_by_id() -> None:
    on = {"mapping_rules": FORMAT, "create_host_groups": True}
    first = planner(**on).action(config(), desired_host(config(), settings(**on), INDEX), None)
    other = config(object_id=13, name="srv-zürich-02")
    second = planner(**on).action(other, desired_host(other, settings(**on), INDEX), None)
    assert first is not None and second is not None
    first.write["groups"].append("new:Lab")  # made by someone since the plan
    zabbix = Zabbix()
    actions, made = make_host_groups(zabbix, [first, second])  # type: ignore[arg-type]
    assert made == {"Lab": "7", "Zürich/Server": "900"}
    assert [m for m, _ in zabbix.calls] == ["hostgroup.get", "hostgroup.create"]
    assert zabbix.calls[1][1] == [{"name": "Zürich/Server"}]
    servers = INDEX.host_groups["Servers"]
    assert actions[0].write["groups"] == sorted({servers, "900", "7"})
    assert actions[1].write["groups"] == sorted({servers, "900"})
    assert first.write["groups"][-1] == "new:Lab", "the reviewed plan itself is not changed"
    untouched = Zabbix()
    assert make_host_groups(untouched, [])[1] == {}  # type: ignore[arg-type]
    assert untouched.calls == []
