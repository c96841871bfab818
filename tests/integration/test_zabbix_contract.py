"""The lab's Zabbix 7.2, 7.4 and 8.0 contract endpoints (a relay over the real 7.0, not servers).

They must be able to fail: each removed parameter is sent for real, with a real session in the
Bearer header, and must come back as the Zabbix error object; the same request without it must
reach the real 7.0 and be answered. And the project's client must work through them, with a
password and with an API token (7.2 took body ``auth`` away).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from dagster_process import REPO, VENV_BIN

from nbzbx_dagster.lab import services
from nbzbx_dagster.lab import zabbix_contract as contract
from nbzbx_dagster.zabbix import ZabbixClient, ZabbixError
from nbzbx_dagster.zabbix import api as zapi
from nbzbx_dagster.zabbix.catalog import require_keys

pytestmark = pytest.mark.integration

JSONRPC = {"Content-Type": "application/json-rpc"}


@pytest.fixture(params=services.CONTRACT_VERSIONS, ids=services.zabbix_id)
def version(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def session() -> Iterator[str]:
    """A password session on the real 7.0 (the contract endpoints share it)."""
    client = ZabbixClient.connect(
        services.zabbix_url("7.0"), user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD
    )
    yield client._api.auth
    client.close()


def rpc(version: str, method: str, params: Any, session: str | None = None, **extra: Any) -> Any:
    headers = {**JSONRPC, **({"Authorization": f"Bearer {session}"} if session else {})}
    body = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1, **extra}
    try:
        answer = requests.post(services.zabbix_url(version), json=body, headers=headers, timeout=30)
    except requests.RequestException as error:
        pytest.fail(f"the Zabbix {version} contract endpoint is down ({error}); run `nbzbx lab up`")
    assert answer.status_code == 200, answer.text
    return answer.json()


def refused(answer: dict[str, Any], code: int, message: str, data: str) -> None:
    assert "result" not in answer, answer
    assert answer["error"] == {"code": code, "message": message, "data": data}


def test_apiinfo_version_is_the_contract_version(version: str) -> None:
    assert rpc(version, "apiinfo.version", {})["result"] == contract.VERSIONS[version]


def test_removed_select_groups_is_ignored_as_real_zabbix_ignores_it(
    version: str, session: str
) -> None:
    """A real 7.2 answers ``selectGroups`` without error and without ``groups``: code relying on
    them gets the project's one-line protocol error, not a KeyError."""
    ignored = rpc(version, "host.get", {"output": ["hostid"], "selectGroups": ["name"]}, session)
    assert ignored["result"] and not any("groups" in h for h in ignored["result"])
    good = rpc(version, "host.get", {"output": ["hostid"], "selectHostGroups": ["name"]}, session)
    assert good["result"] and all("hostgroups" in h for h in good["result"])
    maintenances = rpc(
        version, "maintenance.get", {"output": ["name"], "selectGroups": ["name"]}, session
    )
    assert not any("groups" in m for m in maintenances["result"])
    client = ZabbixClient.connect(
        services.zabbix_url(version), user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD
    )
    try:
        rows = client.call("host.get", {"output": ["hostid"], "selectGroups": ["name"]})
        with pytest.raises(ZabbixError, match=r"unexpected answer to host\.get: no groups"):
            require_keys(client, "host.get", rows, ["hostid", "groups"])
    finally:
        client.close()


def test_a_batch_is_judged_request_by_request(version: str, session: str) -> None:
    batch = [
        {"jsonrpc": "2.0", "method": "apiinfo.version", "params": {}, "id": 1},
        {"jsonrpc": "2.0", "method": "hostgroup.get", "params": {"real_hosts": True}, "id": 2},
        {"jsonrpc": "2.0", "method": "hostgroup.get", "params": {"output": ["groupid"]}, "id": 3},
    ]
    headers = {"Content-Type": "application/json-rpc", "Authorization": f"Bearer {session}"}
    answer = requests.post(services.zabbix_url(version), json=batch, headers=headers, timeout=30)
    first, second, third = answer.json()
    assert first["result"] == contract.VERSIONS[version]
    assert second["error"]["code"] == -32602 and "real_hosts" in second["error"]["data"]
    assert third["id"] == 3 and third["result"]  # answered by the real 7.0


def test_removed_hostgroup_parameters_are_refused(version: str, session: str) -> None:
    unexpected = 'Invalid parameter "/": unexpected parameter "{}".'
    for name in ("monitored_hosts", "real_hosts"):
        refused(
            rpc(version, "hostgroup.get", {"output": ["groupid"], name: True}, session),
            -32602,
            "Invalid params.",
            unexpected.format(name),
        )
    good = rpc(version, "hostgroup.get", {"output": ["groupid"], "with_hosts": True}, session)
    assert good["result"]


def test_maintenance_targets_must_be_objects(version: str, session: str) -> None:
    (group,) = rpc(version, "hostgroup.get", {"output": ["groupid"], "limit": 1}, session)["result"]
    name = f"it-{uuid.uuid4().hex[:8]}-contract"
    window = {
        "name": name,
        "active_since": 1_900_000_000,
        "active_till": 1_900_003_600,
        "timeperiods": [{"timeperiod_type": 0, "start_date": 1_900_000_000, "period": 3600}],
    }
    for old in ("groupids", "hostids"):
        refused(
            rpc(version, "maintenance.create", {**window, old: [group["groupid"]]}, session),
            -32602,
            "Invalid params.",
            f'Invalid parameter "/1": unexpected parameter "{old}".',
        )
    created = rpc(version, "maintenance.create", {**window, "groups": [group]}, session)
    (maintenanceid,) = created["result"]["maintenanceids"]
    try:
        refused(
            rpc(
                version,
                "maintenance.update",
                {"maintenanceid": maintenanceid, "hostids": []},
                session,
            ),
            -32602,
            "Invalid params.",
            'Invalid parameter "/1": unexpected parameter "hostids".',
        )
    finally:
        assert rpc(version, "maintenance.delete", [maintenanceid], session)["result"]


def test_body_auth_is_refused_and_the_bearer_header_works(version: str, session: str) -> None:
    refused(
        rpc(version, "user.get", {"output": ["userid"], "limit": 1}, auth=session),
        -32600,
        "Invalid request.",
        'Invalid parameter "/": unexpected parameter "auth".',
    )
    # the real 7.0 still takes it (deprecated): the contract is what makes this fail
    assert rpc("7.0", "user.get", {"output": ["userid"], "limit": 1}, auth=session)["result"]
    assert rpc(version, "user.get", {"output": ["userid"], "limit": 1}, session)["result"]


def test_user_login_takes_username_only(version: str) -> None:
    refused(
        rpc(version, "user.login", {"user": services.ZABBIX_USER, "password": "x"}),
        -32602,
        "Invalid params.",
        'Invalid parameter "/": unexpected parameter "user".',
    )


@pytest.mark.parametrize("method", ["host.massupdate", "hostinterface.replacehostinterfaces"])
def test_massupdate_and_replacehostinterfaces_are_gone_in_8_0(
    version: str, session: str, method: str
) -> None:
    answer = rpc(version, method, {"hostid": "0", "hosts": [], "interfaces": []}, session)
    if version == "8.0":
        refused(answer, -32601, "Method not found.", f'Incorrect method "{method}".')
    else:  # still there before 8.0: the real 7.0 answers (a result or its own validation)
        assert answer.get("error", {}).get("code") != -32601, answer
        assert "result" in answer or answer["error"]["code"] == -32602, answer


def test_the_client_logs_in_with_a_password_and_with_a_token(version: str) -> None:
    client = ZabbixClient.connect(
        services.zabbix_url(version), user=services.ZABBIX_USER, password=services.ZABBIX_PASSWORD
    )
    try:
        assert client.version_str == contract.VERSIONS[version]
        assert client.zabbix_version.uses_bearer_header
        assert zapi.host_groups(client)
        (user,) = client.call(
            "user.get", {"output": ["userid"], "filter": {"username": services.ZABBIX_USER}}
        )
        name = f"it-{uuid.uuid4().hex[:8]}"
        (tokenid,) = client.call("token.create", {"name": name, "userid": user["userid"]})[
            "tokenids"
        ]
        try:
            (generated,) = client.call("token.generate", [tokenid])
            with_token = ZabbixClient.connect(
                services.zabbix_url(version), token=generated["token"]
            )
            assert with_token.version_str == contract.VERSIONS[version]
            assert zapi.host_groups(with_token)
        finally:
            client.call("token.delete", [tokenid])
    finally:
        client.close()
    assert client.calls["user.logout"] == 1


@pytest.fixture
def answering_8_2() -> Iterator[str]:
    """The 8.0 contract endpoint's rules, answering ``apiinfo.version`` as 8.2.0: a version
    newer than the newest tested, which the project uses on 8.0's assumptions."""
    server = contract.ContractServer("8.0", 0, services.zabbix_url("7.0"))
    server.answer = "8.2.0"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api_jsonrpc.php"
    server.shutdown()
    server.server_close()


def test_a_version_newer_than_tested_is_said_once_by_the_doctor_and_the_import(
    answering_8_2: str, tmp_path: Path
) -> None:
    note = "Zabbix 8.2 is newer than the newest tested (8.0)"
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        **services.env("8.0"),
        "NBZBX_ZABBIX_URL": answering_8_2,
        "NBZBX_DATABASE_URL": f"sqlite:///{tmp_path / 'state.db'}",
        "DAGSTER_HOME": str(home),
    }
    doctor = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "doctor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    (line,) = [line for line in doctor.stdout.splitlines() if " zabbix " in f" {line} "]
    assert line.startswith("ok") and "8.2.0" in line and note in line, line
    imported = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "run", "import_zabbix_settings", "--verbose"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr[-2000:]
    assert imported.stderr.count(note) == 1, imported.stderr[-2000:]
