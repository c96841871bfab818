"""The settings model, its layers and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from nbzbx_dagster.settings import (
    SETTING_NAMES,
    MappingRule,
    Settings,
    SettingsError,
    describe_layers,
    load_settings,
    validate_override,
)


def write_yaml(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "nbzbx.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("NBZBX_CONFIG", str(path))
    return path


def assert_one_line(exc: pytest.ExceptionInfo[SettingsError], *parts: str) -> None:
    message = str(exc.value)
    assert "\n" not in message
    assert "pydantic" not in message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"


# --- defaults ----------------------------------------------------------------------------------


def test_defaults() -> None:
    settings = load_settings(env={})
    assert settings == Settings()
    assert settings.zabbix_import_interval == 1440
    assert settings.host_config_sync_interval == 1440
    assert settings.cutoff_host_config_sync == 60
    assert settings.maintenance_cleanup_interval == 1440
    assert settings.max_deletions == 3
    assert settings.event_log_enabled is True
    assert settings.event_log_retention_days == 90
    assert settings.compare_mode == "strict"
    assert settings.sync_vms is True
    assert settings.device_filters == {} and settings.vm_filters == {}
    assert settings.mapping_rules == []
    assert settings.default_mapping.host_groups == ["NetBox"]
    assert settings.managed_tags == ["site", "role", "platform"]
    assert settings.tag_prefix == "netbox"
    assert settings.netbox_writeback is True and settings.journal_enabled is True
    assert settings.cleanup_unmanaged_maintenances is False
    assert settings.unmanaged_maintenance_pattern == "^nbzbx-"


def test_every_setting_is_documented() -> None:
    for name in SETTING_NAMES:
        assert Settings.model_fields[name].description, name


# --- layers ------------------------------------------------------------------------------------


def test_yaml_overrides_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(
        tmp_path,
        "max_deletions: 4\ncompare_mode: relaxed\ndevice_filters: {site: [a, b], tag: x}\n",
        monkeypatch,
    )
    settings = load_settings()
    assert settings.max_deletions == 4
    assert settings.compare_mode == "relaxed"
    assert settings.device_filters == {"site": ["a", "b"], "tag": "x"}
    layers = {s.name: s for s in describe_layers()}
    assert (layers["max_deletions"].layer, layers["max_deletions"].origin) == ("file", str(path))
    assert layers["zabbix_import_interval"].layer == "default"


def test_empty_yaml_file_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_yaml(tmp_path, "# nothing set\n", monkeypatch)
    assert load_settings() == Settings()


def test_env_overrides_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_yaml(tmp_path, "max_deletions: 4\nsync_vms: true\n", monkeypatch)
    monkeypatch.setenv("NBZBX_MAX_DELETIONS", " 5 ")
    monkeypatch.setenv("NBZBX_SYNC_VMS", "off")
    monkeypatch.setenv("NBZBX_EVENT_LOG_ENABLED", "No")
    monkeypatch.setenv("NBZBX_VM_FILTERS", '{"cluster_id": [1, 2]}')
    settings = load_settings()
    assert settings.max_deletions == 5
    assert settings.sync_vms is False
    assert settings.event_log_enabled is False
    assert settings.vm_filters == {"cluster_id": [1, 2]}
    layers = {s.name: s for s in describe_layers()}
    assert (layers["max_deletions"].layer, layers["max_deletions"].origin) == (
        "env",
        "NBZBX_MAX_DELETIONS",
    )


def test_overrides_win_over_env_and_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_yaml(tmp_path, "max_deletions: 4\ncutoff_host_config_sync: 30\n", monkeypatch)
    monkeypatch.setenv("NBZBX_MAX_DELETIONS", "5")
    settings = load_settings({"max_deletions": 7})
    assert settings.max_deletions == 7
    assert settings.cutoff_host_config_sync == 30
    layers = {s.name: s for s in describe_layers({"max_deletions": 7})}
    assert (layers["max_deletions"].layer, layers["max_deletions"].value) == ("override", 7)
    assert layers["cutoff_host_config_sync"].layer == "file"


def test_describe_layers_values_are_json() -> None:
    described = describe_layers({"mapping_rules": [{"host_groups": ["A"], "sites": ["s1"]}]}, {})
    assert [s.name for s in described] == list(SETTING_NAMES)
    json.dumps([s.value for s in described])


# --- invalid values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("var", "raw", "parts"),
    [
        ("NBZBX_ZABBIX_IMPORT_INTERVAL", "-5", ["zabbix_import_interval", "-5", "0..43200"]),
        ("NBZBX_MAX_DELETIONS", "10001", ["max_deletions", "10001", "0..10000"]),
        ("NBZBX_MAX_DELETIONS", "three", ["max_deletions", "'three'", "0..10000"]),
        ("NBZBX_SYNC_VMS", "maybe", ["sync_vms", "'maybe'", "true or false"]),
        ("NBZBX_COMPARE_MODE", "loose", ["compare_mode", "'loose'", "strict or relaxed"]),
    ],
)
def test_invalid_env_value(
    monkeypatch: pytest.MonkeyPatch, var: str, raw: str, parts: list[str]
) -> None:
    monkeypatch.setenv(var, raw)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, *parts, var)


def test_negative_interval_refused_with_range() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({"host_config_sync_interval": -1}, env={})
    assert str(exc.value) == (
        "host_config_sync_interval: -1 is not allowed (allowed: 0..43200)"
        " [from state store override]"
    )


def test_max_deletions_too_large_in_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(tmp_path, "max_deletions: 20000\n", monkeypatch)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, "max_deletions: 20000 is not allowed (allowed: 0..10000)", str(path))


def test_bad_compare_mode() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("compare_mode", "fuzzy")
    assert str(exc.value) == "compare_mode: 'fuzzy' is not allowed (allowed: strict or relaxed)"


def test_bad_regex() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("unmanaged_maintenance_pattern", "^nbzbx-(")
    assert_one_line(
        exc, "unmanaged_maintenance_pattern", "'^nbzbx-('", "a regular expression", "missing )"
    )


def test_bool_is_not_an_int() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({"max_deletions": True}, env={})
    assert_one_line(exc, "max_deletions: True is not allowed")


def test_unknown_yaml_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(tmp_path, "max_deletion: 5\n", monkeypatch)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, "max_deletion: unknown setting", "did you mean max_deletions?", str(path))


def test_yaml_not_a_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(tmp_path, "- max_deletions\n- 5\n", monkeypatch)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, f"settings file {path}", "must be a mapping", "not list")


def test_yaml_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "absent.yaml"
    monkeypatch.setenv("NBZBX_CONFIG", str(path))
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, f"settings file {path}", "NBZBX_CONFIG", "not found")


def test_yaml_invalid_syntax(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_yaml(tmp_path, "max_deletions: [1,\n", monkeypatch)
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, f"settings file {path}", "not valid YAML")


def test_yaml_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBZBX_CONFIG", str(tmp_path))  # a directory
    with pytest.raises(SettingsError) as exc:
        load_settings()
    assert_one_line(exc, f"settings file {tmp_path}", "unreadable")


def test_nested_error_names_the_path() -> None:
    rules = [{"host_groups": ["A"]}, {"host_groups": ["B"], "proxy": "p1", "proxy_group": "g1"}]
    with pytest.raises(SettingsError) as exc:
        load_settings({"mapping_rules": rules}, env={})
    assert_one_line(exc, "mapping_rules", "mapping_rules[1]", "proxy and proxy_group are exclusive")


def test_managed_tags_choices() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("managed_tags", '["site", "colour"]')
    assert_one_line(exc, "managed_tags", "'colour'", "'site'")


def test_settings_are_frozen() -> None:
    """A run reads its settings afresh instead of changing them as it goes."""
    settings = Settings()
    with pytest.raises(ValidationError, match="frozen"):
        settings.cutoff_host_config_sync = 600000
    assert settings.cutoff_host_config_sync == 60


# --- validate_override (nbzbx settings set) ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("max_deletions", "0", 0),
        ("zabbix_import_interval", 60, 60),
        ("event_log_enabled", "TRUE", True),
        ("compare_mode", "relaxed", "relaxed"),
        ("unmanaged_maintenance_pattern", "^ops-", "^ops-"),
        ("device_filters", '{"site": ["dc1"], "has_primary_ip": true}', None),
        (
            "mapping_rules",
            '[{"sites": ["dc1"], "host_groups": ["DC1"], "templates": ["ICMP Ping"]}]',
            None,
        ),
    ],
)
def test_validate_override_parses(name: str, raw: object, expected: object) -> None:
    value = validate_override(name, raw)
    if expected is not None:
        assert value == expected
    json.dumps(value)  # storable as JSON
    assert load_settings({name: value}, env={}).model_dump(mode="json")[name] == value


def test_validate_override_mapping_rules_round_trip() -> None:
    value = validate_override("mapping_rules", '[{"sites": ["dc1"], "host_groups": ["DC1"]}]')
    assert value[0]["sites"] == ["dc1"] and value[0]["host_groups"] == ["DC1"]
    settings = load_settings({"mapping_rules": value}, env={})
    assert settings.mapping_for("dc1", None, None).host_groups == ["DC1"]


def test_validate_override_bad_json() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("vm_filters", "{site: dc1}")
    assert_one_line(exc, "vm_filters", "JSON")


def test_validate_override_unknown_name() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("max_delitions", "5")
    assert str(exc.value) == "max_delitions: unknown setting (did you mean max_deletions?)"


# --- mapping rules -----------------------------------------------------------------------------


def test_first_matching_rule_wins_and_default_applies() -> None:
    settings = Settings(
        mapping_rules=[
            MappingRule(sites=["dc1"], roles=["router"], host_groups=["DC1 routers"]),
            MappingRule(tags=["snmp", "core"], host_groups=["Core"], proxy="proxy-1"),
            MappingRule(sites=["dc1"], host_groups=["DC1"]),
        ]
    )
    assert settings.mapping_for("dc1", "router", "ios").host_groups == ["DC1 routers"]
    assert settings.mapping_for("dc2", "switch", None, ["core"]).proxy == "proxy-1"
    assert settings.mapping_for("dc1", "switch", None).host_groups == ["DC1"]
    assert settings.mapping_for("dc9", None, None, ["other"]).host_groups == ["NetBox"]


def test_empty_criterion_list_refused() -> None:
    with pytest.raises(SettingsError) as exc:
        validate_override("mapping_rules", '[{"sites": [], "host_groups": ["A"]}]')
    assert_one_line(exc, "mapping_rules[0].sites", "at least 1")
