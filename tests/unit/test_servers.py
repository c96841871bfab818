"""Several Zabbix servers without services: the settings that name them, the rules that pick a
host config's server, per-server credentials, and the store refusing to mix two servers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nbzbx_dagster.common.connections import ZabbixConnection
from nbzbx_dagster.settings import SettingsError, load_settings
from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store.servers import (
    ServerMismatch,
    check_same_objects,
    check_server,
    forget_server,
    known_servers,
    record_server,
)

SERVERS = [
    {"name": "zbx60", "url": "https://zbx60.example.com/"},
    {"name": "zbx70", "url": "https://zbx70.example.com", "verify_tls": False},
]
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_without_servers_the_environment_is_server_default() -> None:
    settings = load_settings(env={})
    assert settings.server_names == ["default"]
    assert settings.server_for("any", None, None) == "default"
    assert settings.server("default") is None  # the single-server environment's


def test_rules_pick_the_server_and_a_custom_field_wins() -> None:
    settings = load_settings(
        {
            "zabbix_servers": SERVERS,
            "server_rules": [
                {"server": "zbx60", "sites": ["zurich"]},
                {"server": "zbx60", "regions": ["ch"]},
                {"server": "zbx60", "tenants": ["acme"], "tags": ["legacy"]},
            ],
            "default_server": "zbx70",
        },
        env={},
    )
    assert settings.server_names == ["zbx60", "zbx70"]
    assert settings.server_for("zurich", None, None) == "zbx60"
    assert settings.server_for("lab-a", "ch", None) == "zbx60"
    assert settings.server_for("lab-a", None, "acme", ("legacy",)) == "zbx60"
    assert settings.server_for("lab-a", None, "acme", ("new",)) == "zbx70"
    assert settings.server_for("zurich", None, None, chosen="zbx70") == "zbx70"
    assert settings.server("zbx60").url == "https://zbx60.example.com"


def test_first_server_is_the_default_without_default_server() -> None:
    settings = load_settings({"zabbix_servers": SERVERS}, env={})
    assert settings.server_for("x", None, None) == "zbx60"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"zabbix_servers": [SERVERS[0], SERVERS[0]]}, "zabbix_servers: each name once"),
        ({"server_rules": [{"server": "zbx99", "sites": ["a"]}]}, "no server named 'zbx99'"),
        ({"zabbix_servers": SERVERS, "default_server": "zbx99"}, "no server named 'zbx99'"),
        ({"zabbix_servers": [{"name": "Bad Name", "url": "https://x"}]}, "zabbix_servers"),
        ({"zabbix_servers": [{"name": "a", "url": "zbx.example.com"}]}, "http"),
    ],
)
def test_bad_server_settings_are_one_line(overrides: dict, message: str) -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings(overrides, env={})
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_servers_from_the_file_and_a_rule_from_an_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cross-check runs on the effective settings, not on each layer alone."""
    path = tmp_path / "nbzbx.yaml"
    path.write_text("zabbix_servers:\n  - {name: zbx60, url: 'https://zbx60'}\n", "utf-8")
    settings = load_settings({"default_server": "zbx60"}, env={"NBZBX_CONFIG": str(path)})
    assert settings.default_server == "zbx60"


def test_a_named_server_takes_its_credentials_from_its_own_variables() -> None:
    settings = load_settings({"zabbix_servers": SERVERS}, env={})
    env = {"NBZBX_ZABBIX_ZBX70_TOKEN": "t0k3n-zbx70", "NBZBX_ZABBIX_TOKEN": "not-this-one"}
    conn = ZabbixConnection.for_server(settings.server("zbx70"), env)
    assert conn.token.get_secret_value() == "t0k3n-zbx70"
    assert conn.verify_tls is False and conn.url == "https://zbx70.example.com"
    with pytest.raises(SettingsError) as exc:
        ZabbixConnection.for_server(settings.server("zbx60"), env)
    assert "NBZBX_ZABBIX_ZBX60_TOKEN" in str(exc.value)
    assert "t0k3n" not in str(exc.value)


def test_a_server_filled_from_another_url_is_refused(store: StateStore) -> None:
    with store.transaction() as conn:
        record_server(conn, "default", "http://127.0.0.1:18070/api_jsonrpc.php", "7.0.22", NOW)
    with store.connect() as conn:
        check_server(conn, "default", "http://127.0.0.1:18070")  # same server, other spelling
        check_server(conn, "zbx60", "http://127.0.0.1:18060")  # never seen: fine
        with pytest.raises(ServerMismatch) as exc:
            check_server(conn, "default", "http://127.0.0.1:18060/api_jsonrpc.php")
    message = str(exc.value)
    assert "http://127.0.0.1:18070" in message and "http://127.0.0.1:18060" in message
    assert "nbzbx servers forget default" in message


def test_another_servers_objects_are_refused() -> None:
    cached = {"host_groups": {"1": "a", "2": "b", "3": "c"}, "templates": {"9": "t", "8": "u"}}
    same = {"host_groups": {"1": "a", "2": "b", "3": "c", "4": "new"}, "templates": {"9": "t"}}
    check_same_objects("default", "http://z", cached, same)  # 4 of 5 still there
    other = {"host_groups": {"1": "x", "2": "y", "3": "c"}, "templates": {"7": "t"}}
    with pytest.raises(ServerMismatch) as exc:
        check_same_objects("default", "http://z", cached, other)
    assert "1 of 5" in str(exc.value)
    check_same_objects("default", "http://z", {"host_groups": {"1": "a"}}, {})  # too few to say


def test_forget_deletes_one_servers_rows(store: StateStore) -> None:
    with store.transaction() as conn:
        record_server(conn, "zbx60", "http://a", "6.0.14", NOW)
        record_server(conn, "zbx70", "http://b", "7.0.22", NOW)
        assert forget_server(conn, "zbx60")["zabbix_server"] == 1
        assert set(known_servers(conn)) == {"zbx70"}
