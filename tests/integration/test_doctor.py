"""`nbzbx doctor` against the lab: versions found, and one clear line (no secret) per failure."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chaos_relay import ChaosRelay

from nbzbx_dagster.lab import services
from nbzbx_dagster.zabbix import ZabbixClient

NBZBX = str(Path(sys.executable).with_name("nbzbx"))
EXPECTED_ZABBIX = {"6.0": "6.0.", "7.0": "7.0.", "8.0": "8.0."}
FAKE_NETBOX_TOKEN = "nbt_wrongkey123." + "wrongsecretvalue456789"  # split for secret scanners


def doctor(env_changes: dict[str, str]) -> tuple[int, list[dict], str]:
    env = {**os.environ, **env_changes}
    done = subprocess.run(
        [NBZBX, "doctor", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, json.loads(done.stdout), done.stdout + done.stderr


@pytest.fixture(params=list(EXPECTED_ZABBIX), ids=services.zabbix_id)
def zabbix_version(request: pytest.FixtureRequest) -> str:
    """The real servers, and the newest contract endpoint (the doctor reads what it answers)."""
    return request.param


@pytest.fixture
def lab_env(zabbix_version: str) -> dict[str, str]:
    return services.env(zabbix_version)


def test_doctor_reports_the_lab_versions(lab_env: dict[str, str], zabbix_version: str) -> None:
    code, checks, _ = doctor(lab_env)
    by_name = {c["name"]: c for c in checks}
    assert code == 0, checks
    assert by_name["netbox"]["version"] == "4.7.3"
    assert by_name["zabbix"]["version"].startswith(EXPECTED_ZABBIX[zabbix_version])
    assert by_name["state_store"]["version"].startswith("PostgreSQL 15")
    assert by_name["dagster_instance"]["ok"]


def one_line_failure(
    env: dict[str, str], changes: dict[str, str], failing: str, secret: str | None
) -> None:
    """The doctor fails on exactly the ``failing`` check, in one line naming its URL, without
    the ``secret``."""
    code, checks, output = doctor({**env, **changes})
    assert code == 1
    failed = [c for c in checks if not c["ok"]]
    assert [c["name"] for c in failed] == [failing]
    error = failed[0]["error"]
    assert "\n" not in error and "Traceback" not in output
    url = changes.get(f"NBZBX_{failing.upper()}_URL") or env[f"NBZBX_{failing.upper()}_URL"]
    assert url.split("/api_jsonrpc.php")[0] in error
    if secret:
        assert secret not in output
    else:
        assert "unreachable" in error or "refused" in error


@pytest.mark.parametrize(
    ("changes", "secret"),
    [
        (
            {"NBZBX_ZABBIX_USER": "nbzbx-nobody", "NBZBX_ZABBIX_PASSWORD": "wrong-pass-5150"},
            "wrong-pass-5150",
        ),
        ({"NBZBX_ZABBIX_TOKEN": "f" * 64}, "f" * 64),
    ],
    ids=["zabbix-password", "zabbix-token"],
)
def test_a_refused_login_is_one_line_without_the_secret_on_every_version(
    lab_env: dict[str, str], changes: dict[str, str], secret: str
) -> None:
    one_line_failure(lab_env, changes, "zabbix", secret)


@pytest.mark.parametrize(
    ("changes", "failing", "secret"),
    [
        ({"NBZBX_NETBOX_TOKEN": FAKE_NETBOX_TOKEN}, "netbox", "wrongsecretvalue456789"),
        ({"NBZBX_NETBOX_URL": "http://127.0.0.1:9"}, "netbox", None),
        ({"NBZBX_ZABBIX_URL": "http://127.0.0.1:9/api_jsonrpc.php"}, "zabbix", None),
    ],
    ids=["netbox-token", "netbox-unreachable", "zabbix-unreachable"],
)
def test_a_failure_no_zabbix_version_answers_is_one_line_without_the_secret(
    changes: dict[str, str], failing: str, secret: str | None
) -> None:
    """NetBox's failures, and a Zabbix URL nothing listens at, do not depend on the version the
    lab's Zabbix has: once, beside 7.0."""
    one_line_failure(services.env("7.0"), changes, failing, secret)


@pytest.fixture
def admin_token() -> Iterator[str]:
    """A real API token of the lab 7.0's Admin, removed afterwards."""
    client = ZabbixClient.connect(
        services.zabbix_url("7.0"), user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD
    )
    try:
        (admin,) = client.call("user.get", {"output": ["userid"], "filter": {"username": "Admin"}})
        made = client.call("token.create", {"name": f"it-{os.getpid()}", "userid": admin["userid"]})
        (tokenid,) = made["tokenids"]
        (generated,) = client.call("token.generate", [tokenid])
        yield generated["token"]
        client.call("token.delete", [tokenid])
    finally:
        client.close()


def test_a_token_whose_header_a_web_server_drops_says_so(admin_token: str) -> None:
    """A web server in front of PHP that drops the Authorization header (here a relay that does
    not forward it): Zabbix says "Not authorized." to a good token; the doctor says why."""
    login = ("NBZBX_ZABBIX_USER", "NBZBX_ZABBIX_PASSWORD")
    token_env = {k: v for k, v in services.env("7.0").items() if k not in login}
    token_env["NBZBX_ZABBIX_TOKEN"] = admin_token
    code, checks, _ = doctor(token_env)
    assert code == 0, checks  # the token is good
    upstream = f"http://127.0.0.1:{services.ZABBIX_PORTS['7.0']}"
    with ChaosRelay(upstream, forwarded=("content-type", "accept")) as relay:
        stripped = {**token_env, "NBZBX_ZABBIX_URL": f"{relay.url}/api_jsonrpc.php"}
        code, checks, output = doctor(stripped)
    assert code == 1
    (failed,) = [c for c in checks if not c["ok"]]
    assert failed["name"] == "zabbix"
    error = failed["error"]
    assert "Not authorized." in error and "dropped the Authorization header" in error, error
    assert "CGIPassAuth On" in error and "\n" not in error
    assert admin_token not in output
