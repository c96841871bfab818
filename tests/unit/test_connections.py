"""Connections from the environment or resource fields: validated, one-line errors, no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbzbx_dagster.common.connections import NetBoxConnection, ZabbixConnection
from nbzbx_dagster.settings import SettingsError
from nbzbx_dagster.store.url import mask_url, state_store_url

TOKEN = "nb-token-0123456789abcdef"
ZBX_TOKEN = "zbx-token-fedcba9876543210"
PASSWORD = "pa55-w0rd-never-shown"
DB_PASSWORD = "db-pa55-never-shown"
SECRETS = (TOKEN, ZBX_TOKEN, PASSWORD, DB_PASSWORD)


def full_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "NBZBX_NETBOX_URL": "https://netbox.example.com/",
        "NBZBX_NETBOX_TOKEN": TOKEN,
        "NBZBX_ZABBIX_URL": "https://zabbix.example.com",
        "NBZBX_ZABBIX_TOKEN": ZBX_TOKEN,
        "NBZBX_ZABBIX_USER": "Admin",
        "NBZBX_ZABBIX_PASSWORD": PASSWORD,
        "NBZBX_DATABASE_URL": f"postgresql://nbzbx:{DB_PASSWORD}@db.example.com/nbzbx",
        "NBZBX_HOME": str(tmp_path),
    }
    env.update(extra)
    return env


def assert_one_line(exc: pytest.ExceptionInfo[SettingsError], *parts: str) -> None:
    message = str(exc.value)
    assert "\n" not in message and "pydantic" not in message
    for part in parts:
        assert part in message, f"{part!r} not in {message!r}"
    for secret in SECRETS:
        assert secret not in message


def test_connections_from_env(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    env = full_env(tmp_path, NBZBX_CA_BUNDLE=str(bundle), NBZBX_TIMEOUT="12.5")
    netbox = NetBoxConnection.from_env(env)
    zabbix = ZabbixConnection.from_env(env)
    assert netbox.url == "https://netbox.example.com"
    assert netbox.token.get_secret_value() == TOKEN
    assert zabbix.auth == "token"
    assert netbox.timeout_seconds == zabbix.timeout_seconds == 12.5
    assert netbox.tls_verify == zabbix.tls_verify == str(bundle)
    assert state_store_url(env).endswith("@db.example.com/nbzbx")


def test_connections_never_show_secrets(tmp_path: Path) -> None:
    env = full_env(tmp_path)
    for conn in (NetBoxConnection.from_env(env), ZabbixConnection.from_env(env)):
        for shown in (repr(conn), str(conn), conn.model_dump_json(), str(conn.model_dump())):
            for secret in SECRETS:
                assert secret not in shown
    masked = mask_url(state_store_url(env))
    assert DB_PASSWORD not in masked and "db.example.com" in masked  # masked, not dropped


def test_default_database_is_sqlite_under_home(tmp_path: Path) -> None:
    env = full_env(tmp_path)
    del env["NBZBX_DATABASE_URL"]
    assert state_store_url(env) == f"sqlite:///{tmp_path.resolve()}/state.db"


def test_zabbix_user_and_password(tmp_path: Path) -> None:
    env = full_env(tmp_path, NBZBX_VERIFY_TLS="false")
    del env["NBZBX_ZABBIX_TOKEN"]
    conn = ZabbixConnection.from_env(env)
    assert conn.auth == "password"
    assert conn.tls_verify is False


def test_missing_variables_listed() -> None:
    with pytest.raises(SettingsError) as exc:
        NetBoxConnection.from_env({"NBZBX_ZABBIX_URL": "http://z"})
    assert str(exc.value) == "not set: NBZBX_NETBOX_URL, NBZBX_NETBOX_TOKEN"


def test_zabbix_needs_credentials(tmp_path: Path) -> None:
    env = full_env(tmp_path)
    del env["NBZBX_ZABBIX_TOKEN"], env["NBZBX_ZABBIX_PASSWORD"]
    with pytest.raises(SettingsError) as exc:
        ZabbixConnection.from_env(env)
    assert_one_line(exc, "NBZBX_ZABBIX_TOKEN", "NBZBX_ZABBIX_USER and NBZBX_ZABBIX_PASSWORD")


@pytest.mark.parametrize(
    ("extra", "parts"),
    [
        ({"NBZBX_NETBOX_URL": "netbox.example.com"}, ["NBZBX_NETBOX_URL", "http://"]),
        ({"NBZBX_TIMEOUT": "0"}, ["NBZBX_TIMEOUT", "greater than 0"]),
        ({"NBZBX_TIMEOUT": "soon"}, ["NBZBX_TIMEOUT", "'soon'"]),
        ({"NBZBX_VERIFY_TLS": "perhaps"}, ["NBZBX_VERIFY_TLS", "true or false"]),
        ({"NBZBX_CA_BUNDLE": "/nonexistent/ca.pem"}, ["NBZBX_CA_BUNDLE", "existing"]),
    ],
)
def test_bad_values(tmp_path: Path, extra: dict[str, str], parts: list[str]) -> None:
    with pytest.raises(SettingsError) as exc:
        NetBoxConnection.from_env(full_env(tmp_path, **extra))
    assert_one_line(exc, *parts)


def test_resource_fields_are_validated_like_the_environment() -> None:
    """The resources hold the variables' raw text; a bad one fails naming its variable."""
    from nbzbx_dagster.defs.resources import NetBoxResource, ZabbixResource

    with pytest.raises(SettingsError) as exc:
        NetBoxResource(url="https://nb", token=TOKEN, verify_tls="perhaps").connection()
    assert_one_line(exc, "NBZBX_VERIFY_TLS", "true or false")
    with pytest.raises(SettingsError) as exc:
        ZabbixResource(url="https://zbx", user="u").connection()
    assert_one_line(exc, "NBZBX_ZABBIX_TOKEN")
    assert ZabbixResource(url="https://zbx", token=ZBX_TOKEN).connection().auth == "token"


def test_build_resources_binds_every_set_variable_and_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resource fields are EnvVars: the config Dagster shows names variables, never a value."""
    from nbzbx_dagster.defs.resources import build_resources

    for key, value in full_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("NBZBX_ZABBIX_TOKEN")
    resources = build_resources()
    zabbix = resources["zabbix"]._convert_to_config_dictionary()
    assert zabbix["url"] == {"env": "NBZBX_ZABBIX_URL"}
    assert zabbix["password"] == {"env": "NBZBX_ZABBIX_PASSWORD"}
    assert zabbix["token"] == ""  # unset where the definitions load: the default
    netbox = resources["netbox"]._convert_to_config_dictionary()
    assert netbox["token"] == {"env": "NBZBX_NETBOX_TOKEN"}
    store = resources["state_store"]._convert_to_config_dictionary()
    assert store["database_url"] == {"env": "NBZBX_DATABASE_URL"}
    shown = repr(resources) + repr(zabbix) + repr(netbox) + repr(store)
    for secret in SECRETS:
        assert secret not in shown
