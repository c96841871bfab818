"""Which settings the statuses depend on (``sync.compared_settings``), and how the change
sensor turns a change of them into one full refresh."""

from nbzbx_dagster.defs.host_sync.change_cursor import ChangeCursor
from nbzbx_dagster.defs.host_sync.sensors import settings_change
from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.settings.model import SETTING_NAMES
from nbzbx_dagster.sync.compared_settings import UNCOMPARED, changed, digests


def test_every_uncompared_name_is_a_setting_and_the_mapping_is_compared() -> None:
    assert set(SETTING_NAMES) >= UNCOMPARED, UNCOMPARED - set(SETTING_NAMES)
    compared = set(digests(load_settings(env={})))
    assert {"inventory", "config_context_key", "status_mapping", "mapping_rules"} <= compared
    assert compared.isdisjoint(UNCOMPARED) and compared | UNCOMPARED == set(SETTING_NAMES)


def test_a_mapping_change_is_named_an_interval_change_is_not() -> None:
    before = digests(load_settings(env={}))
    inventory = load_settings(overrides={"inventory": {"site_rack": "rack"}}, env={})
    interval = load_settings(overrides={"host_config_sync_interval": 5}, env={})
    assert changed(before, digests(inventory)) == ["inventory"]
    assert changed(before, digests(interval)) == []
    assert changed(before, before) == []


def test_the_sensor_takes_note_first_then_names_a_change_with_its_next_turn() -> None:
    cursor = ChangeCursor(1009)
    now, names = settings_change(cursor, load_settings(env={}))
    assert names == [] and cursor.settings == {"digests": now["digests"], "turn": 0}
    changed_to = load_settings(
        overrides={"config_context_key": "zabbix", "tag_prefix": "nb"}, env={}
    )
    now, names = settings_change(cursor, changed_to)
    assert names == ["config_context_key", "tag_prefix"] and now["turn"] == 1
    assert cursor.settings["turn"] == 0  # the cursor moves once the full refresh succeeded
    cursor.settings = now
    now, names = settings_change(cursor, load_settings(env={}))  # changed back: a new turn
    assert names == ["config_context_key", "tag_prefix"] and now["turn"] == 2
