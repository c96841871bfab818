"""The ``nbzbx`` command's shared behaviour: one line on failure, never an ephemeral instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from nbzbx_dagster.cli import main


def test_run_without_dagster_home_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run on an ephemeral instance would leave no trace for the UI or the sensor."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    result = CliRunner().invoke(main, ["run", "import_zabbix_settings"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: DAGSTER_HOME is not set: point it at the Dagster instance (nbzbx lab env sets it)"
    ]


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
