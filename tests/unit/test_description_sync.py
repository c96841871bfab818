"""``sync_description``: the NetBox description (then its comments) becomes the Zabbix host's
description. Off (the default), the host's description is neither read from NetBox, compared
nor written; on, it is compared as the project's own field, an empty one included, planned in
words and written alone."""

from typing import Any

from test_plan import marked, planner
from test_sync import INDEX, actual_from, config, settings

from nbzbx_dagster.netbox.inventory import host_config_from, read_host_configs
from nbzbx_dagster.sync.compare import compare_hosts
from nbzbx_dagster.sync.desired import desired_host
from nbzbx_dagster.sync.diff_words import ZabbixNames, describe, describe_new

NAMES = ZabbixNames.from_index(INDEX)
RAW = {"id": 7, "name": "sw-zürich-01", "status": {"value": "active"}, "tags": []}


def test_the_description_is_netboxs_description_then_its_comments() -> None:
    both = host_config_from("device", {**RAW, "description": " Core switch ", "comments": "Rack 4"})
    assert both.description == "Core switch\n\nRack 4"
    assert host_config_from("device", {**RAW, "comments": "Rack 4"}).description == "Rack 4"
    assert host_config_from("device", {**RAW, "description": None}).description == ""


def test_off_the_description_is_not_desired_so_a_zabbix_description_is_no_drift() -> None:
    described = config(description="Core switch")
    want = desired_host(described, settings(), INDEX)
    assert "description" not in want
    zabbix = {**actual_from(want), "description": "written by hand"}
    assert compare_hosts(want, zabbix, "strict")["differences"] == {}


def test_on_it_is_compared_planned_in_words_and_written_alone() -> None:
    on = {"sync_description": True}
    described = config(description="Core switch in the Zürich data centre, hall 2, rack 4")
    want = desired_host(described, settings(**on), INDEX)
    assert want["description"] == described.description
    ours = marked({**actual_from(want), "description": "old"})
    diff = compare_hosts(want, ours, "strict")
    assert set(diff["differences"]) == {"description"}
    assert describe(diff, NAMES) == [
        "description: 'old' → 'Core switch in the Zürich data centre, h…'"
    ]
    action = planner(**on).action(described, want, ours)
    assert action is not None and action.action == "update"
    assert action.write == {"hostid": "10500", "description": described.description}
    # NetBox's emptied description empties Zabbix's
    emptied = desired_host(config(description=""), settings(**on), INDEX)
    assert set(compare_hosts(emptied, ours, "strict")["differences"]) == {"description"}
    assert (
        planner(**on).action(described, want, {**ours, "description": want["description"]}) is None
    )


def test_a_new_host_is_created_with_it() -> None:
    on = {"sync_description": True}
    want = desired_host(config(description="Core\nswitch"), settings(**on), INDEX)
    assert "description: 'Core switch'" in describe_new(want, NAMES)
    action = planner(**on).action(config(), want, None)
    assert action is not None and action.write["description"] == "Core\nswitch"


class Listing:
    """``client.listings`` of the inventory read: records the fields asked for."""

    def __init__(self) -> None:
        self.fields: list[str] = []

    def listings(self, reads: list[tuple[str, Any, dict]], convert: Any) -> list[list]:
        self.fields += [params["fields"] for _, _, params in reads]
        return [[] for _ in reads]


def test_netbox_is_asked_for_the_description_and_comments_only_when_on() -> None:
    off, on = Listing(), Listing()
    read_host_configs(off, {}, {}, True)  # type: ignore[arg-type]
    read_host_configs(on, {}, {}, True, with_description=True)  # type: ignore[arg-type]
    assert all("description" not in f and "comments" not in f for f in off.fields), off.fields
    assert all("description" in f and "comments" in f for f in on.fields), on.fields
