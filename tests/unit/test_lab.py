"""`nbzbx lab env`: export lines for a chosen Zabbix that never print the NetBox token."""

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.lab import services

TOKEN = "nbt_abcdefgh12345678." + "s3cretpart0123456789abcdefghij"  # fake, split for scanners


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "netbox-token").write_text(TOKEN + "\n")
    monkeypatch.setenv("NBZBX_LAB_CACHE", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("version", "port"),
    [("6.0", "18060"), ("7.0", "18070"), ("7.2", "18072"), ("7.4", "18074"), ("8.0", "18080")],
)
def test_env_points_at_the_chosen_zabbix_and_reads_the_token_from_its_file(
    cache: Path, version: str, port: str
) -> None:
    result = CliRunner().invoke(main, ["lab", "env", "--zabbix", version])
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    assert f"export NBZBX_ZABBIX_URL=http://127.0.0.1:{port}/api_jsonrpc.php" in result.output
    # the lines work in a shell: the token arrives in the environment, not on the screen
    shown = subprocess.run(
        [
            "bash",
            "-c",
            result.output + '\n[ "$NBZBX_NETBOX_TOKEN" = "' + TOKEN + '" ] && echo same',
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "same"


def test_env_json_masks_the_token(cache: Path) -> None:
    result = CliRunner().invoke(main, ["lab", "env", "--json"])
    assert result.exit_code == 0 and TOKEN not in result.output
    assert '"NBZBX_DATABASE_URL": "postgresql://postgres@127.0.0.1:54329/nbzbx"' in result.output


def test_env_without_a_lab_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBZBX_LAB_CACHE", str(tmp_path / "none"))
    result = CliRunner().invoke(main, ["lab", "env"])
    assert result.exit_code == 1
    assert "run `nbzbx lab up`" in result.output


def test_an_unknown_zabbix_version_is_refused(cache: Path) -> None:
    result = CliRunner().invoke(main, ["lab", "env", "--zabbix", "5.0"])
    assert result.exit_code == 2 and "6.0" in result.output


def test_status_names_the_contract_endpoints_as_such(cache: Path) -> None:
    result = CliRunner().invoke(main, ["lab", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.output.splitlines()}
    for version, port in (("7.2", 18072), ("7.4", 18074), ("8.0", 18080)):
        line = lines[f"zabbix-{version}-contract"]
        assert f"http://127.0.0.1:{port}/api_jsonrpc.php" in line
        assert "(contract endpoint over Zabbix 7.0)" in line
    assert "contract" not in lines["zabbix-6.0"] + lines["zabbix-7.0"]


def test_a_contract_version_is_seeded_as_the_real_7_0() -> None:
    assert [services.zabbix_server(v) for v in services.ZABBIX_VERSIONS] == [
        "6.0",
        "7.0",
        "7.0",
        "7.0",
        "7.0",
    ]
    with pytest.raises(ValueError, match=r"not '9\.0'"):
        services.zabbix_server("9.0")


def test_the_labs_dagster_home_links_the_postgresql_instance(cache: Path) -> None:
    """The lab measures what production runs; the repository's dagster.yaml is SQLite."""
    home = services.prepare_dagster_home()
    assert home == cache / "dagster-home"
    config = (home / "dagster.yaml").resolve()
    assert config == services.REPO_ROOT / "deploy" / "dagster-postgres.yaml"
    assert "postgres_url" in config.read_text()


def _lab_env(instance: str, cache: Path) -> subprocess.CompletedProcess[str]:
    """`nbzbx lab env --json` in a process of its own: the instance is read at import."""
    env = {"PATH": "/usr/bin:/bin", "NBZBX_LAB_CACHE": str(cache), "NBZBX_LAB_INSTANCE": instance}
    nbzbx = Path(__file__).resolve().parents[2] / ".venv-3.13" / "bin" / "nbzbx"
    if not nbzbx.exists():  # the unit tests run on 3.13; by hand they may run from .venv
        nbzbx = nbzbx.parents[2] / ".venv" / "bin" / "nbzbx"
    return subprocess.run(
        [str(nbzbx), "lab", "env", "--json"], env=env, capture_output=True, text=True
    )


def test_a_second_lab_instance_has_its_own_ports_and_databases(cache: Path) -> None:
    shown = _lab_env("2", cache)
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout)
    assert values["NBZBX_NETBOX_URL"] == "http://127.0.0.1:18101"
    assert "http://127.0.0.1:18160/api_jsonrpc.php" in values["NBZBX_ZABBIX_SERVERS"]
    assert "http://127.0.0.1:18170/api_jsonrpc.php" in values["NBZBX_ZABBIX_SERVERS"]
    # PostgreSQL and PgBouncer are shared; the databases are the instance's own
    assert values["NBZBX_DATABASE_URL"] == "postgresql://postgres@127.0.0.1:54329/nbzbx_2"
    assert values["NBZBX_DAGSTER_PG_URL"] == "postgresql://postgres@127.0.0.1:64329/dagster_2"
    assert values["DAGSTER_HOME"] == str(cache / "dagster-home_2")


def test_an_unknown_lab_instance_is_refused_naming_the_variable(cache: Path) -> None:
    shown = _lab_env("10", cache)
    assert shown.returncode != 0
    assert "NBZBX_LAB_INSTANCE must be 1 to 9, not '10'" in shown.stderr
