"""The repair plan's rules and the batched writes' splitting, without a network."""

from collections.abc import Sequence

import pytest
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.common.vocabulary import APPLICABLE
from nbzbx_dagster.sync.desired import ConfigError, desired_host
from nbzbx_dagster.sync.diff_words import ZabbixNames
from nbzbx_dagster.sync.repair import Selection, _select, snmp_secrets
from nbzbx_dagster.sync.repair_plan import PlannedHost, _block_name_clashes, _Planner, _removals
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.host_writes import each_outcome, marked_hosts

MARKER = "netbox.host_config"
NAMES = ZabbixNames.from_index(INDEX)


def planner(problems: Sequence[str] = (), **values) -> _Planner:
    return _Planner(settings(**values), NAMES, lambda _ids: list(problems), MARKER)


def marked(host: dict, key: str = "device-12") -> dict:
    return {**host, "tags": [*host["tags"], {"tag": MARKER, "value": key}]}


def test_a_missing_host_is_created_with_the_marker_and_described_in_names() -> None:
    want = desired_host(config(), settings(), INDEX)
    action = planner().action(config(), want, None)
    assert action is not None and action.action == "create"
    assert {"tag": MARKER, "value": "device-12"} in action.write["tags"]
    assert action.changes[:3] == [
        "host groups: NetBox, Servers",
        "templates: Agent template",
        "interface: agent on IP 192.0.2.10:10050",
    ]
    assert "monitored by proxy proxy-a" in action.changes


def test_the_projects_host_in_sync_needs_nothing_and_one_that_differs_only_its_fields() -> None:
    want = desired_host(config(), settings(), INDEX)
    ours = marked(actual_from(want))
    assert planner().action(config(), want, ours) is None
    ours["interfaces"][0]["ip"] = "192.0.2.99"
    action = planner().action(config(), want, ours)
    assert action is not None and action.action == "update"
    assert set(action.write) == {"hostid", "interfaces_update"}  # the interface, in place
    assert action.write["interfaces_update"][0]["interfaceid"] == "9"
    assert action.changes == ["interface: ip 192.0.2.99 → 192.0.2.10"]


def test_adoption_keeps_other_tags_and_in_relaxed_mode_other_groups() -> None:
    want = desired_host(config(), settings(compare_mode="relaxed"), INDEX)
    theirs = actual_from(want)
    theirs["groups"] = [{"groupid": "1", "name": "NetBox"}, {"groupid": "3", "name": "Old"}]
    theirs["tags"] = [*want["tags"], {"tag": "owner", "value": "noc"}]
    action = planner(compare_mode="relaxed").action(config(), want, theirs)
    assert action is not None and action.action == "adopt"
    assert action.changes[0] == "link: tag netbox.host_config=device-12"
    assert action.write["groups"] == ["1", "2", "3"]  # Servers added, Old kept
    assert {"tag": "owner", "value": "noc"} in action.write["tags"]
    assert {"tag": MARKER, "value": "device-12"} in action.write["tags"]
    strict = planner().action(config(), want, theirs)
    assert strict is not None and strict.write["groups"] == ["1", "2"]


def test_a_name_taken_by_another_machine_or_another_host_config_is_blocked() -> None:
    want = desired_host(config(), settings(), INDEX)
    other = actual_from(want)
    other["interfaces"][0]["ip"] = "10.9.9.9"
    blocked = planner().action(config(), want, other)
    assert blocked is not None and blocked.action == "blocked"
    assert "not managed by the project" in blocked.reason and "10.9.9.9" in blocked.reason
    theirs = marked(actual_from(want), key="vm-4")
    owned = planner().action(config(), want, theirs)
    assert owned is not None and owned.action == "blocked" and "host config vm-4" in owned.reason


def test_templates_zabbix_would_refuse_and_configuration_errors_block() -> None:
    want = desired_host(config(), settings(), INDEX)
    refused = planner(problems=["template A needs B"]).action(config(), want, None)
    assert refused is not None and (refused.action, refused.reason) == (
        "blocked",
        "template A needs B",
    )
    error = planner().action(config(), ConfigError("unknown Zabbix template: 'X'"), None)
    assert error is not None and error.reason == "configuration: unknown Zabbix template: 'X'"


def test_unlinked_templates_are_cleared_as_the_setting_says() -> None:
    want = desired_host(config(), settings(), INDEX)
    ours = marked(actual_from(want))
    ours["templates"] = [{"templateid": "101", "name": "SNMP template"}]
    clear = planner().action(config(), want, ours)
    assert clear is not None and clear.write["templates"] == ["100"]
    assert clear.write["templates_clear"] == ["101"]
    assert any("unlinked and cleared" in line for line in clear.changes)
    keep = planner(template_unlink="keep_items").action(config(), want, ours)
    assert keep is not None and "templates_clear" not in keep.write


def test_only_extra_interfaces_cannot_be_repaired() -> None:
    want = desired_host(config(), settings(), INDEX)
    ours = marked(actual_from(want))
    ours["interfaces"].append({**ours["interfaces"][0], "interfaceid": "10", "ip": "10.0.0.1"})
    action = planner().action(config(), want, ours)
    assert action is not None and action.action == "blocked"
    assert "never removes an interface" in action.reason


def test_two_host_configs_creating_one_name_are_both_blocked() -> None:
    plan = [
        PlannedHost("device-1", "a b", "create", write={"host": "a_b"}),
        PlannedHost("vm-1", "a_b", "create", write={"host": "a_b"}),
        PlannedHost("vm-2", "c", "create", write={"host": "c"}),
    ]
    _block_name_clashes(plan)
    assert [p.action for p in plan] == ["blocked", "blocked", "create"]
    assert "wanted by 1 other host config" in plan[0].reason


def gone(n: int, status: str = "enabled") -> list[dict[str, str]]:
    return [
        {
            "hostid": str(100 + i),
            "host": f"h{i}",
            "name": f"h{i}",
            "status": status,
            "marker": f"device-{i}",
        }
        for i in range(n)
    ]


def test_removals_follow_the_setting_and_the_guard_refuses_them_all() -> None:
    assert [p.action for p in _removals(gone(2), settings(), {})] == ["disable", "disable"]
    assert _removals(gone(2, "disabled"), settings(), {}) == []  # already disabled
    assert [p.action for p in _removals(gone(2), settings(removed_host_action="delete"), {})] == [
        "delete",
        "delete",
    ]
    assert _removals(gone(2), settings(removed_host_action="keep"), {}) == []
    over = _removals(gone(4), settings(max_host_deletions=3), {})
    assert {p.action for p in over} == {"blocked"} and all(p.guarded for p in over)
    assert over[0].reason.startswith("4 Zabbix hosts to disable, more than max_host_deletions=3")


def test_a_reviewed_action_is_applied_a_changed_one_waits() -> None:
    a = PlannedHost("device-1", "a", "update", ["x"], write={"hostid": "1", "status": "enabled"})
    b = PlannedHost("device-2", "b", "create", ["y"], write={"host": "b"})
    reviewed = {"device-1": a.digest, "device-2": "something else"}
    configs = type("C", (), {"configs": []})()
    chosen, changed = _select([a, b], Selection(["create", "update"]), reviewed, configs)
    assert (chosen, changed) == ([a], ["device-2"])
    chosen, _ = _select([a, b], Selection(["create"], reviewed=False), {}, configs)
    assert chosen == [b]
    changed_words = PlannedHost("device-1", "a", "update", ["z"], write=a.write)
    assert changed_words.digest != a.digest


def test_snmpv3_passphrases_come_from_the_environment_only() -> None:
    env = {"NBZBX_SNMPV3_AUTHPASSPHRASE": "s3cret", "OTHER": "x"}
    assert snmp_secrets(env) == {"authpassphrase": "s3cret"}
    want = desired_host(
        config(),
        settings(
            mapping_rules=[],
            default_mapping={"host_groups": ["NetBox"], "templates": ["tpl-snmp"]},
            snmp={"version": 3, "securityname": "mon"},
        ),
        INDEX,
    )
    details = want["interfaces"][0]["details"]
    assert details["version"] == "3" and details["securityname"] == "mon"
    assert "authpassphrase" not in details  # never stored in the plan


class Refusing:
    """A Zabbix that refuses any batch holding a bad object, as an array call does."""

    def __init__(self, bad: set[str]) -> None:
        self.bad = bad
        self.calls = 0

    def __call__(self, part: Sequence[str]) -> list[str]:
        self.calls += 1
        if self.bad & set(part):
            raise ZabbixError(
                "http://z", f"API error in host.create: {sorted(self.bad & set(part))}", kind="api"
            )
        return [f"id-{p}" for p in part]


def test_a_refused_batch_is_split_until_the_bad_object_stands_alone() -> None:
    objects = [f"h{i}" for i in range(100)]
    zabbix = Refusing({"h37"})
    outcomes = each_outcome(objects, zabbix, batch=100)
    assert [o[0] for o in outcomes if o[1] is None] == [f"id-{o}" for o in objects if o != "h37"]
    assert outcomes[37][0] is None and "h37" in outcomes[37][1].cause
    assert zabbix.calls <= 1 + 2 * 7  # about 2·log2(100) more calls, not one per host


@pytest.mark.parametrize("kind", ["transport", "auth"])
def test_a_server_that_fails_as_a_whole_fails_every_object_at_once(kind: str) -> None:
    calls = []

    def down(part: Sequence[str]) -> list[str]:
        calls.append(part)
        raise ZabbixError("http://z", "connection refused", kind=kind)

    outcomes = each_outcome(["a", "b", "c"], down, batch=100)
    assert len(calls) == 1 and all(
        o[0] is None and o[1].cause == "connection refused" for o in outcomes
    )


def test_a_run_the_sensor_launched_applies_the_auto_actions_of_the_plan_it_makes() -> None:
    import dagster as dg

    from nbzbx_dagster.defs.repair.jobs import ReconcileConfig, selection_for

    auto = selection_for(
        ReconcileConfig(), {"dagster/sensor_name": "system_jobs_sensor"}, settings()
    )
    assert (list(auto.actions), auto.reviewed) == (["create", "update"], False)
    changed = selection_for(  # reconcile_changes: the change sensor's run of the changed ones
        ReconcileConfig(only=["device-7"]),
        {"dagster/sensor_name": "host_config_changes_sensor"},
        settings(),
    )
    assert (list(changed.actions), changed.reviewed, list(changed.only)) == (
        ["create", "update"],
        False,
        ["device-7"],
    )
    manual = selection_for(ReconcileConfig(), {}, settings())
    assert (list(manual.actions), manual.reviewed) == (list(APPLICABLE), True)
    chosen = selection_for(ReconcileConfig(actions=["delete"], only=["vm-1"]), {}, settings())
    assert (list(chosen.actions), list(chosen.only)) == (["delete"], ["vm-1"])
    with pytest.raises(dg.Failure, match="unknown actions remove"):
        selection_for(ReconcileConfig(actions=["remove"]), {}, settings())


class MarkedZabbix:
    """Answers host.get as Zabbix would for ``n`` hosts carrying the marker; records the calls."""

    url = "http://zabbix.example/api_jsonrpc.php"

    def __init__(self, n: int) -> None:
        self.hosts = {
            str(10000 + i): {"hostid": str(10000 + i), "host": f"h{i}", "status": "0"}
            for i in range(n)
        }
        self.asked: list[dict] = []

    def call(self, method: str, params: dict) -> list[dict]:
        assert method == "host.get" and params["tags"] == [{"tag": MARKER, "operator": 4}]
        self.asked.append(params)
        if params["output"] == ["hostid"]:
            return [{"hostid": h} for h in self.hosts]
        tags = [{"tag": "netbox.site", "value": "x"}]
        return [
            {**self.hosts[h], "tags": [*tags, {"tag": MARKER, "value": f"device-{h}"}]}
            for h in params["hostids"]
        ]


def test_the_managed_hosts_are_read_in_batches_after_their_ids() -> None:
    zabbix = MarkedZabbix(1200)
    found = marked_hosts(zabbix, MARKER)  # type: ignore[arg-type]
    assert len(found) == 1200 and found[0]["marker"] == f"device-{found[0]['hostid']}"
    assert found[0]["status"] == "enabled"
    first, *batches = zabbix.asked
    assert first["output"] == ["hostid"] and "selectTags" not in first
    assert sorted(len(b["hostids"]) for b in batches) == [200, 500, 500]
    assert marked_hosts(MarkedZabbix(0), MARKER) == []  # type: ignore[arg-type]


def test_since_last_plan_names_what_to_review_again() -> None:
    from nbzbx_dagster.cli.commands.repair import since_last_plan

    def row(key: str, digest: str, server: str = "default") -> dict:
        return {"server": server, "partition_key": key, "digest": digest}

    before = [row("device-1", "a"), row("device-2", "b"), row("device-3", "c")]
    after = [
        row("device-1", "a"),
        row("device-2", "B"),
        row("vm-1", "d"),
        row("device-3", "c", "other"),
    ]
    changes = since_last_plan(before, after)
    assert [r["partition_key"] for r in changes["new"]] == ["vm-1", "device-3"]  # moved server
    assert [r["partition_key"] for r in changes["changed"]] == ["device-2"]
    assert [(r["server"], r["partition_key"]) for r in changes["gone"]] == [("default", "device-3")]
    assert since_last_plan(after, after) == {"new": [], "changed": [], "gone": []}
