"""``status_mapping``: what a NetBox status makes of the Zabbix host, per object type. Unset,
active is enabled and any other status disabled; a status mapped to ``delete`` takes the host
config out, and the plan deletes its Zabbix host under the same guard as a host config gone; one
mapped to ``maintenance`` keeps the host enabled, in the project's status window, which the
apply keeps against a Zabbix that refuses what the real one refuses."""

from typing import Any

import pytest
from test_plan import gone, marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.repair_apply import apply_actions
from nbzbx_dagster.sync.repair_plan import (
    PlannedHost,
    _block_last_hosts_of_maintenances,
    _removals,
)
from nbzbx_dagster.sync.status_window import (
    RENEW_WITHIN,
    keep_window,
    mark_members,
    read_window,
    window_name,
)
from nbzbx_dagster.zabbix.capabilities import ZabbixVersion
from nbzbx_dagster.zabbix.errors import ZabbixError
from nbzbx_dagster.zabbix.maintenance_api import LONGEST_PERIOD

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
        ({"device": {"planned": "maintained"}}, "'delete' or 'maintenance'"),
        ({"rack": {"planned": "enabled"}}, "status_mapping"),
    ]:
        with pytest.raises(SettingsError, match=words):
            load_settings(overrides={"status_mapping": bad}, env={})
    vm = load_settings(overrides={"status_mapping": {"vm": {"paused": "delete"}}}, env={})
    assert vm.status_action("vm", "paused") == "delete"


NOW = 1_800_000_000
WINDOW = window_name("netbox")
IN_MAINTENANCE = {"device": {"planned": "maintenance"}}


class Maintenances:
    """A Zabbix of maintenances and hosts that refuses what 6.0 and 7.0 refuse: a maintenance
    with no host, a one-time period over 999 days, deleting a maintenance's last host."""

    url = "http://zabbix.test"
    zabbix_version = ZabbixVersion.from_string("7.0.29")

    def __init__(self, windows: dict[str, dict[str, Any]] | None = None) -> None:
        self.windows = windows or {}
        self.calls: list[str] = []
        self.refuse: str | None = None

    def call(self, method: str, params: Any) -> Any:
        self.calls.append(method)
        if method == self.refuse:
            raise ZabbixError(self.url, f"API error in {method}: refused", kind="api")
        if method == "maintenance.get":
            names, ids = params.get("filter", {}).get("name"), params.get("maintenanceids")
            hosts = set(params.get("hostids") or ())
            return [
                {
                    "maintenanceid": mid,
                    "name": w["name"],
                    "active_since": w["since"],
                    "active_till": w["till"],
                    "hosts": [{"hostid": h, "host": f"h{h}"} for h in sorted(w["hosts"])],
                    "hostgroups": [],
                    "timeperiods": [],
                }
                for mid, w in self.windows.items()
                if (names and w["name"] in names) or (ids and mid in ids) or hosts & w["hosts"]
            ]
        if method in ("maintenance.create", "maintenance.update"):
            hosts = {h["hostid"] for h in params.get("hosts", [])}
            assert hosts, "At least one host group or host must be selected."
            period = params.get("timeperiods", [{"period": 0}])[0]["period"]
            assert period <= LONGEST_PERIOD, "value must be one of 300-86399940"
            mid = params.get("maintenanceid") or str(len(self.windows) + 1)
            window = self.windows.setdefault(mid, {"name": params.get("name")})
            window["hosts"] = hosts
            if "active_till" in params:
                window["since"], window["till"] = params["active_since"], params["active_till"]
            return {"maintenanceids": [mid]}
        if method == "maintenance.delete":
            for mid in params:
                del self.windows[mid]
            return {"maintenanceids": params}
        if method == "host.delete":
            for window in self.windows.values():
                assert window["hosts"] - set(params), "must contain at least one host"
            return {"hostids": params}
        return {"hostids": [str(10600 + n) for n in range(len(params))]}

    def window(self) -> dict[str, Any]:
        (window,) = self.windows.values()
        return window


def test_a_status_mapped_to_maintenance_is_enabled_and_wants_the_window() -> None:
    mapped = settings(status_mapping=IN_MAINTENANCE)
    want = desired_host(config(status="planned"), mapped, INDEX)
    assert (want["status"], want["maintenance"]) == ("enabled", True)
    assert "maintenance" not in desired_host(config(status="active"), mapped, INDEX)
    new = planner(status_mapping=IN_MAINTENANCE).action(config(status="planned"), want, None)
    assert new is not None and new.write["maintenance"] is True
    assert "maintenance: in the NetBox status window" in new.changes


def test_the_plan_moves_a_host_into_and_out_of_the_window_in_words() -> None:
    mapped = settings(status_mapping=IN_MAINTENANCE)
    want = desired_host(config(status="planned"), mapped, INDEX)
    outside = marked({**actual_from(want), "maintenance": False})
    action = planner(status_mapping=IN_MAINTENANCE).action(config(status="planned"), want, outside)
    assert action is not None and action.action == "update"
    assert action.write == {"hostid": "10500", "maintenance": True}
    assert action.changes == ["maintenance: not in → in the NetBox status window"]
    active = desired_host(config(status="active"), mapped, INDEX)
    inside = marked({**actual_from(active), "maintenance": True})
    back = planner(status_mapping=IN_MAINTENANCE).action(config(status="active"), active, inside)
    assert back is not None and back.write == {"hostid": "10500", "maintenance": False}
    assert back.changes == ["maintenance: in → not in the NetBox status window"]
    # a server without a window: no host says anything of one, and nothing differs
    assert compare_hosts(active, actual_from(active), "strict")["differences"] == {}


def test_members_are_marked_only_where_the_window_exists_and_while_it_lasts() -> None:
    hosts = [{"hostid": "1"}, {"hostid": "2"}]
    mark_members(hosts, read_window(Maintenances(), "netbox"), NOW)  # type: ignore[arg-type]
    assert hosts == [{"hostid": "1"}, {"hostid": "2"}]
    lasting = {"name": WINDOW, "hosts": {"1"}, "since": NOW - 60, "till": NOW + 3600}
    zabbix = Maintenances({"7": lasting})
    mark_members(hosts, read_window(zabbix, "netbox"), NOW)  # type: ignore[arg-type]
    assert [h["maintenance"] for h in hosts] == [True, False]
    ended = Maintenances({"7": {**lasting, "till": NOW - 1}})
    mark_members(hosts, read_window(ended, "netbox"), NOW)  # type: ignore[arg-type]
    assert [h["maintenance"] for h in hosts] == [False, False]
    assert read_window(Maintenances(), "other").maintenanceid is None  # another prefix's name


def test_the_window_is_made_with_its_first_host_and_deleted_with_its_last() -> None:
    zabbix = Maintenances()
    keep_window(zabbix, "netbox", ["1"], [], NOW)  # type: ignore[arg-type]
    window = zabbix.window()
    assert (window["name"], window["hosts"]) == (WINDOW, {"1"})
    assert window["till"] - window["since"] == LONGEST_PERIOD
    keep_window(zabbix, "netbox", ["2", "3"], ["1"], NOW)  # type: ignore[arg-type]
    assert zabbix.window()["hosts"] == {"2", "3"}
    zabbix.calls.clear()
    keep_window(zabbix, "netbox", ["2"], ["9"], NOW)  # type: ignore[arg-type]
    assert zabbix.calls == ["maintenance.get"]  # nothing to change: nothing written
    keep_window(zabbix, "netbox", [], ["2", "3"], NOW)  # type: ignore[arg-type]
    assert zabbix.windows == {} and zabbix.calls[-1] == "maintenance.delete"
    keep_window(zabbix, "netbox", [], ["2"], NOW)  # type: ignore[arg-type]
    assert zabbix.windows == {} and zabbix.calls[-1] == "maintenance.get"
    keep_window(zabbix, "netbox", ["4"], [], NOW)  # type: ignore[arg-type]
    zabbix.refuse = "maintenance.delete"  # a refused deletion is not a window gone
    with pytest.raises(ZabbixError, match=r"maintenance\.delete: refused"):
        keep_window(zabbix, "netbox", [], ["4"], NOW)  # type: ignore[arg-type]
    assert zabbix.window()["hosts"] == {"4"}


def test_a_window_near_its_end_is_renewed_and_an_ended_one_keeps_only_the_joining() -> None:
    near = {"name": WINDOW, "hosts": {"1"}, "since": NOW - 60, "till": NOW + RENEW_WITHIN - 1}
    zabbix = Maintenances({"7": dict(near)})
    keep_window(zabbix, "netbox", [], [], NOW)  # type: ignore[arg-type]
    assert zabbix.window()["till"] == NOW + LONGEST_PERIOD and zabbix.window()["hosts"] == {"1"}
    zabbix = Maintenances({"7": {**near, "till": NOW - 60}})
    keep_window(zabbix, "netbox", ["2"], [], NOW)  # type: ignore[arg-type]
    assert zabbix.window()["hosts"] == {"2"} and zabbix.window()["since"] == NOW


def removal(hostid: str, action: str = "delete") -> PlannedHost:
    write = {"hostid": hostid} | ({"status": "disabled"} if action == "disable" else {})
    return PlannedHost(f"device-{hostid}", f"h{hostid}", action, hostid=hostid, write=write)


def test_a_host_leaves_the_window_before_it_is_deleted_even_its_last() -> None:
    lasting = {"name": WINDOW, "hosts": {"5", "6"}, "since": NOW - 60, "till": NOW + 10**7}
    zabbix = Maintenances({"7": lasting})
    results = apply_actions(zabbix, [removal("5", "disable"), removal("6")], {}, "netbox")  # type: ignore[arg-type]
    assert [r.result for r in results] == ["disabled", "deleted"]
    assert zabbix.windows == {}
    assert zabbix.calls.index("maintenance.delete") < zabbix.calls.index("host.delete")


def test_a_refused_window_write_fails_the_hosts_that_were_to_join() -> None:
    mapped = settings(status_mapping=IN_MAINTENANCE)
    want = desired_host(config(status="planned"), mapped, INDEX)
    create = planner(status_mapping=IN_MAINTENANCE).action(config(status="planned"), want, None)
    zabbix = Maintenances()
    zabbix.refuse = "maintenance.create"
    (result,) = apply_actions(zabbix, [create], {}, "netbox")  # type: ignore[arg-type,list-item]
    assert (result.result, result.hostid) == ("failed", "10600")
    assert result.error == "maintenance window: API error in maintenance.create: refused"
    zabbix.refuse = None
    (again,) = apply_actions(zabbix, [create], {}, "netbox")  # type: ignore[arg-type,list-item]
    assert again.result == "created" and zabbix.window()["hosts"] == {"10600"}


def test_a_deletion_that_would_empty_a_maintenance_not_the_projects_is_blocked_in_the_plan() -> (
    None
):
    lasting = {"since": NOW - 60, "till": NOW + 10**7}
    zabbix = Maintenances(
        {
            "1": {**lasting, "name": "change 4711", "hosts": {"5"}},
            "2": {**lasting, "name": WINDOW, "hosts": {"6"}},  # the apply empties it first
            "3": {**lasting, "name": "racks", "hosts": {"5", "7"}},  # 7 stays in it
        }
    )
    plan = [removal("5"), removal("6"), removal("8"), removal("7", "disable")]
    _block_last_hosts_of_maintenances(zabbix, plan, "netbox")  # type: ignore[arg-type]
    assert [p.action for p in plan] == ["blocked", "delete", "delete", "disable"]
    assert plan[0].reason == (
        "the Zabbix maintenance 'change 4711' would have no host left: Zabbix refuses to delete "
        "its last host; remove the host from it, or delete it, first"
    )
    assert plan[0].write == {}
    calls = list(zabbix.calls)
    _block_last_hosts_of_maintenances(zabbix, [removal("7", "disable")], "netbox")  # type: ignore[arg-type]
    assert zabbix.calls == calls  # no deletion: Zabbix is not asked
