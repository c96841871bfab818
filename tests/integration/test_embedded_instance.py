"""The embedded default: the repository's dagster.yaml and a SQLite state store, no PostgreSQL.

`nbzbx run` imports, refreshes and cleans up against the lab's NetBox and Zabbix 7.0 with the
Dagster instance in SQLite files under a temporary DAGSTER_HOME (its dagster.yaml the
repository's) and the state store in a SQLite file; the instance's PostgreSQL variable points at
a port where nothing listens, so a use of PostgreSQL would fail. One sensor tick on that instance
then finds every job launched moments ago and says when each is next due.
"""

import json
import os
import subprocess
from pathlib import Path

import dagster as dg
import pytest
from dagster_process import REPO, VENV_BIN

from nbzbx_dagster.definitions import defs
from nbzbx_dagster.defs.resources.store import SettingsResource, StateStoreResource
from nbzbx_dagster.defs.system_jobs.registry import SENSOR_NAME
from nbzbx_dagster.lab import services as lab

pytestmark = pytest.mark.integration

NO_POSTGRES = "postgresql://nobody:unused@127.0.0.1:9/nothing"


@pytest.fixture(scope="module")
def embedded(seeded_lab: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a deployment on the embedded default."""
    home = tmp_path_factory.mktemp("embedded-dagster-home")
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NBZBX_", "DAGSTER_"))}
    return (
        env
        | lab.env("7.0")
        | {
            "DAGSTER_HOME": str(home),
            "NBZBX_DAGSTER_PG_URL": NO_POSTGRES,
            "NBZBX_DATABASE_URL": f"sqlite:///{home / 'state.db'}",
        }
    )


def nbzbx_run(env: dict[str, str], job: str) -> dict:
    done = subprocess.run(
        [str(VENV_BIN / "nbzbx"), "run", job, "--json"],
        env=env,
        cwd=env["DAGSTER_HOME"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_system_jobs_and_a_sensor_tick_on_sqlite(embedded: dict[str, str]) -> None:
    imported = nbzbx_run(embedded, "import_zabbix_settings")
    assert imported["success"] and imported["summary"], imported
    refreshed = nbzbx_run(embedded, "host_config_sync_refresh")
    assert refreshed["summary"]["total"] == 10, refreshed  # the demo data's host configs
    assert refreshed["summary"]["failed"] == 0
    cleaned = nbzbx_run(embedded, "maintenance_cleanup")
    assert cleaned["success"], cleaned

    home = Path(embedded["DAGSTER_HOME"])
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        assert (home / "history" / "runs.db").is_file()
        runs = {r.job_name: r for r in instance.get_runs()}
        assert {"import_zabbix_settings", "host_config_sync_refresh", "maintenance_cleanup"} <= (
            set(runs)
        )
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs.values())
        settings = SettingsResource(
            store=StateStoreResource(database_url=embedded["NBZBX_DATABASE_URL"])
        )
        with dg.build_sensor_context(instance=instance, resources={"settings": settings}) as ctx:
            tick = defs.resolve_sensor_def(SENSOR_NAME).evaluate_tick(ctx)
    finally:
        instance.dispose()
    assert not tick.run_requests  # each job ran moments ago: anchored on its run in SQLite
    assert tick.skip_message is not None
    for job in ("import_zabbix_settings", "host_config_sync_refresh", "maintenance_cleanup"):
        assert f"{job}: every 1440 min, last launch " in tick.skip_message, tick.skip_message
