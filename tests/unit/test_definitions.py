"""The definitions load, and validate, with no service reachable."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
from click.testing import CliRunner
from sqlalchemy import inspect

from nbzbx_dagster.cli import main
from nbzbx_dagster.definitions import defs
from nbzbx_dagster.store import StateStore

REPO = Path(__file__).resolve().parents[2]
ASSETS = {
    "zabbix_templates",
    "zabbix_template_groups",
    "zabbix_host_groups",
    "zabbix_proxies",
    "zabbix_proxy_groups",
    "netbox_zabbix_choices",
    "netbox_host_configs",
    "host_config_sync_status",
}
JOBS = {
    "import_zabbix_settings",
    "host_config_sync_refresh",
    "maintenance_cleanup",
    "create_maintenance",
    "update_settings",
}


def test_the_contract_names_are_defined() -> None:
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == ASSETS
    assert {job.name for job in defs.resolve_all_job_defs()} >= JOBS
    assert defs.resolve_sensor_def("system_jobs_sensor") is not None
    status = graph.get(dg.AssetKey("host_config_sync_status"))
    assert status.partitions_def is not None and status.partitions_def.name == "host_configs"


def test_dagster_definitions_validate_with_no_service(tmp_path: Path) -> None:
    """Nothing listens on port 9: definitions must not connect to anything when they load."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))},
        "DAGSTER_HOME": str(tmp_path),  # a SQLite instance; the repository's dagster.yaml is PG
        "NBZBX_NETBOX_URL": "http://127.0.0.1:9",
        "NBZBX_NETBOX_TOKEN": "unused",
        "NBZBX_ZABBIX_URL": "http://127.0.0.1:9",
        "NBZBX_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing",
    }
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "nbzbx_dagster.definitions"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All code locations passed validation" in done.stdout + done.stderr


def test_nbzbx_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    for _ in range(2):
        result = CliRunner().invoke(main, ["db", "upgrade"], env={"NBZBX_DATABASE_URL": url})
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    tables = set(inspect(StateStore(url).engine).get_table_names())
    assert {"zabbix_template", "host_config_status", "maintenance_window", "event_log"} <= tables


def test_nbzbx_db_upgrade_failure_is_one_line_without_the_password() -> None:
    url = "postgresql://nbzbx:hunter2-secret@127.0.0.1:9/nbzbx"
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"NBZBX_DATABASE_URL": url})
    assert result.exit_code == 1
    assert "hunter2-secret" not in result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
