"""The definitions: their snapshot, the instance's run limits, and loading with no service.

tests/unit/snapshots/definitions.json is the asset graph, the jobs and the sensors as the code
defines them, so every change to them shows as a diff in review. After an intended change:

    NBZBX_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_definitions.py
"""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import inspect

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.definitions import defs
from nbzbx_dagster.store import StateStore

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"
REGENERATE = "NBZBX_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/test_definitions.py"
# Read at import: the unit tests' autouse fixture removes every NBZBX_* variable before a test.
UPDATE_SNAPSHOTS = os.environ.get("NBZBX_UPDATE_SNAPSHOTS") == "1"
SYSTEM_JOB_TAG = "nbzbx/system_job"


def _partitions(partitions_def: dg.PartitionsDefinition | None) -> dict[str, Any] | None:
    if partitions_def is None:
        return None
    return {"type": type(partitions_def).__name__, "name": getattr(partitions_def, "name", None)}


def definitions_snapshot(definitions: dg.Definitions) -> dict[str, Any]:
    """Assets, jobs and sensors as plain sorted data (the same on every run and Python)."""
    graph = definitions.resolve_asset_graph()
    assets = {}
    for spec in definitions.resolve_all_asset_specs():
        assets_def = definitions.resolve_assets_def(spec.key)
        backfill = assets_def.backfill_policy
        assets[spec.key.to_user_string()] = {
            "deps": sorted(dep.asset_key.to_user_string() for dep in spec.deps),
            "group": spec.group_name,
            "kinds": sorted(spec.kinds),
            "partitions": _partitions(spec.partitions_def),
            "backfill_policy": backfill.policy_type.value if backfill else None,
            "checks": sorted(key.name for key in graph.get(spec.key).check_keys),
        }
    jobs = {}
    for job in definitions.resolve_all_job_defs():
        if job.name.startswith("__"):  # Dagster's implicit job of all assets
            continue
        asset_keys = job.asset_layer.selected_asset_keys
        jobs[job.name] = {
            "assets" if asset_keys else "ops": sorted(
                [key.to_user_string() for key in asset_keys]
                if asset_keys
                else [node.name for node in job.nodes]
            ),
            "tags": dict(sorted(job.tags.items())),
        }
    sensors = {}
    for sensor in definitions.get_repository_def().sensor_defs:
        sensors[sensor.name] = {
            "targets": sorted(target.job_name for target in sensor.targets),
            "minimum_interval_seconds": sensor.minimum_interval_seconds,
            "default_status": sensor.default_status.value,
        }
    return {"assets": assets, "jobs": jobs, "sensors": sensors}


def test_the_definitions_match_their_snapshot() -> None:
    current = json.dumps(definitions_snapshot(defs), indent=2, sort_keys=True) + "\n"
    if UPDATE_SNAPSHOTS:
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    if current != committed:
        diff = difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            f"{SNAPSHOT.relative_to(REPO)} (committed)",
            "the definitions now",
        )
        pytest.fail(
            "the definitions differ from their snapshot:\n"
            + "".join(diff)
            + f"\nif the change is intended, regenerate the snapshot: {REGENERATE}",
            pytrace=False,
        )


@pytest.mark.parametrize("path", ["dagster.yaml", "deploy/dagster-postgres.yaml"])
def test_the_instance_runs_one_run_of_each_system_job_at_a_time(path: str) -> None:
    """The instances' run limits, as Dagster reads them, key on the tag the system jobs carry:
    the embedded default (SQLite, no storage key) and the PostgreSQL variant alike."""
    config = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
    assert ("storage" in config) == (path != "dagster.yaml")
    config.pop("storage", None)  # PostgreSQL; the limits do not depend on it
    with dg.instance_for_test(overrides=config) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert instance.run_monitoring_enabled
    assert queue.max_concurrent_runs == 4
    assert queue.tag_concurrency_limits == [
        {"key": SYSTEM_JOB_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
    ]
    tagged = {job.name for job in defs.resolve_all_job_defs() if job.tags.get(SYSTEM_JOB_TAG)}
    assert all(defs.resolve_job_def(name).tags[SYSTEM_JOB_TAG] == name for name in tagged)
    sensor = defs.resolve_sensor_def("system_jobs_sensor")
    assert {target.job_name for target in sensor.targets} == tagged


def test_dg_check_defs_with_no_service(tmp_path: Path) -> None:
    """Nothing listens on port 9: definitions must not connect to anything when they load."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))},
        "VIRTUAL_ENV": sys.prefix,
        "DAGSTER_HOME": str(tmp_path),  # a SQLite instance; the repository's dagster.yaml is PG
        "NBZBX_NETBOX_URL": "http://127.0.0.1:9",
        "NBZBX_NETBOX_TOKEN": "unused",
        "NBZBX_ZABBIX_URL": "http://127.0.0.1:9",
        "NBZBX_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nothing",
    }
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("dg")), "check", "defs"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All definitions loaded successfully" in done.stdout + done.stderr


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
