"""The ``nbzbx`` command's shared behaviour: one line on failure, never an ephemeral instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nbzbx_dagster.cli.main import main
from nbzbx_dagster.store import StoreError

REPO = Path(__file__).resolve().parents[2]


def test_run_without_dagster_home_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run on an ephemeral instance would leave no trace for the UI or the sensor."""
    monkeypatch.setenv("DAGSTER_HOME", "")  # unset, as far as nbzbx and Dagster are concerned
    monkeypatch.chdir(tmp_path)  # no dagster.yaml here
    result = CliRunner().invoke(main, ["run", "import_zabbix_settings"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: DAGSTER_HOME is not set: point it at the Dagster instance (nbzbx lab env sets it),"
        " or run from the folder of a dagster.yaml"
    ]
    assert not (tmp_path / ".nbzbx").exists()


def test_without_dagster_home_the_projects_instance_is_under_nbzbx(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Beside the repository's dagster.yaml: its SQLite instance in .nbzbx/dagster-home."""
    monkeypatch.setenv("DAGSTER_HOME", "")  # unset, as far as nbzbx and Dagster are concerned
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    monkeypatch.setenv("NBZBX_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    result = CliRunner().invoke(main, ["system-jobs", "status", "--json"])
    assert result.exit_code == 0, result.output
    home = tmp_path / ".nbzbx" / "dagster-home"
    assert (home / "dagster.yaml").resolve() == (tmp_path / "dagster.yaml").resolve()
    assert (home / "history" / "runs.db").is_file()  # Dagster's SQLite run storage
    assert json.loads(result.output)["sensor"]["state"] == "not evaluated yet"


def test_run_of_an_unknown_job_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["run", "no_such_job"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: no job named 'no_such_job'"]


def test_cutoff_is_for_the_refresh_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["run", "maintenance_cleanup", "--cutoff", "0"])
    assert result.exit_code == 1
    assert "--cutoff applies to host_config_sync_refresh only" in result.output


def test_system_jobs_schedule_sets_and_resets_an_interval(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from nbzbx_dagster.store import StateStore

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'state.db'}"
    monkeypatch.setenv("NBZBX_DATABASE_URL", url)
    runner = CliRunner()
    result = runner.invoke(
        main, ["system-jobs", "schedule", "import_zabbix_settings", "--interval", "60"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "import_zabbix_settings: every 60 min (zabbix_import_interval, override);"
        " last launch never; next due the next tick"
    )
    store = StateStore(url)
    assert store.get_overrides() == {"zabbix_import_interval": 60}
    result = runner.invoke(
        main, ["system-jobs", "schedule", "import_zabbix_settings", "--default", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "job": "import_zabbix_settings",
        "setting": "zabbix_import_interval",
        "interval": 1440,
        "overridden": False,
        "last_launch": None,
        "next_due": None,
    }
    assert store.get_overrides() == {}
    store.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import_zabbix_settings"], "error: give either --interval N or --default"),
        (
            ["import_zabbix_settings", "--interval", "5", "--default"],
            "error: give either --interval N or --default",
        ),
        (["no_such_job", "--interval", "5"], "error: no system job named 'no_such_job'"),
    ],
)
def test_system_jobs_schedule_refusals_are_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], message: str
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("NBZBX_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")
    result = CliRunner().invoke(main, ["system-jobs", "schedule", *args])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines


@pytest.mark.parametrize(
    ("raised", "line"),
    [
        (
            StoreError("state store postgresql://u:***@h/x: connection refused\nDETAIL: more"),
            "error: state store postgresql://u:***@h/x: connection refused",
        ),
        (KeyError("servers"), "error: KeyError: 'servers' (details in the run's log)"),
    ],
)
def test_any_failure_of_a_command_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, raised: Exception, line: str
) -> None:
    """No traceback reaches a terminal, whatever escapes a command (here: the run)."""
    from nbzbx_dagster.cli import run_in_process

    def run_job(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setattr(run_in_process, "run_job", run_job)
    result = CliRunner().invoke(main, ["run", "host_config_sync_refresh"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [line]
