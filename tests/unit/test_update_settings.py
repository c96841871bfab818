"""The `update_settings` job and `nbzbx settings`: validated first, stored in one transaction."""

import json

import dagster as dg
import pytest
from click.testing import CliRunner

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.cli.run_in_process import failure_cause
from nbzbx_dagster.defs.resources.store import StateStoreResource
from nbzbx_dagster.defs.settings.jobs import update_settings
from nbzbx_dagster.store import StateStore


def run(store: StateStore, changes: dict[str, str], unset: list[str] | None = None):
    config = {"changes": changes, "unset": unset or []}
    with dg.instance_for_test() as instance:
        return update_settings.execute_in_process(
            run_config={"ops": {"store_setting_overrides": {"config": config}}},
            resources={"state_store": StateStoreResource(database_url=store.url)},
            instance=instance,
            raise_on_error=False,
        )


def test_valid_changes_are_stored(store) -> None:
    result = run(
        store,
        {
            "zabbix_import_interval": "60",
            "event_log_enabled": "false",
            "compare_mode": "relaxed",
            "managed_tags": '["site", "tenant"]',
        },
    )
    assert result.success
    assert store.get_overrides() == {
        "zabbix_import_interval": 60,
        "event_log_enabled": False,
        "compare_mode": "relaxed",
        "managed_tags": ["site", "tenant"],
    }
    result = run(store, {"max_deletions": "5"}, unset=["compare_mode", "sync_vms"])
    assert result.success
    assert store.get_overrides() == {
        "zabbix_import_interval": 60,
        "event_log_enabled": False,
        "managed_tags": ["site", "tenant"],
        "max_deletions": 5,
    }
    events = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = events[0].event_specific_data.metadata["summary"].value
    assert metadata == {
        "set": {"max_deletions": 5},
        "unset": ["compare_mode"],
        "not_set": ["sync_vms"],
    }


@pytest.mark.parametrize(
    ("changes", "unset", "message"),
    [
        (
            {"zabbix_import_interval": "60", "host_config_sync_interval": "-5"},
            [],
            "host_config_sync_interval: -5 is not allowed (allowed: 0..43200)",
        ),
        ({"zabbix_import_interval": "50000"}, [], "(allowed: 0..43200)"),
        ({"zabix_import_interval": "5"}, [], "did you mean zabbix_import_interval?"),
        ({"compare_mode": "loose"}, [], "allowed: strict or relaxed"),
        ({"zabbix_import_interval": "5"}, ["zabbix_import_intervl"], "unknown setting"),
        ({}, [], "nothing to change"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_stored(store, changes, unset, message) -> None:
    store.set_override("max_deletions", 7, by="test")
    result = run(store, changes, unset)
    assert not result.success
    assert message in (failure_cause(result) or "")
    assert store.get_overrides() == {"max_deletions": 7}


def test_cli_set_show_unset(store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBZBX_DATABASE_URL", store.url)
    cli = CliRunner()
    done = cli.invoke(main, ["settings", "set", "zabbix_import_interval", "15"])
    assert done.exit_code == 0, done.output
    assert "zabbix_import_interval = 15" in done.output
    assert "checked again with it" not in done.output  # an interval is not compared
    mapped = cli.invoke(main, ["settings", "set", "sync_description", "true"])
    assert "every host config is checked again with it" in mapped.output
    assert (
        "checked again with it"
        in cli.invoke(main, ["settings", "unset", "sync_description"]).output
    )
    shown = cli.invoke(main, ["settings", "show", "--json"])
    rows = {row["name"]: row for row in json.loads(shown.output)}
    assert rows["zabbix_import_interval"]["value"] == 15
    assert rows["zabbix_import_interval"]["layer"] == "override"
    assert rows["zabbix_import_interval"]["allowed"] == "0..43200"
    assert rows["max_deletions"]["layer"] == "default"

    refused = cli.invoke(main, ["settings", "set", "maintenance_cleanup_interval", "-1"])
    assert refused.exit_code == 1
    assert "maintenance_cleanup_interval: -1 is not allowed (allowed: 0..43200)" in refused.output
    assert "maintenance_cleanup_interval" not in store.get_overrides()

    unset = ["settings", "unset", "zabbix_import_interval"]
    assert "override removed" in cli.invoke(main, unset).output
    assert store.get_overrides() == {}
    assert "had no override" in cli.invoke(main, unset).output
