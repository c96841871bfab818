"""The ``nbzbx`` command's shared behaviour: one line on failure, never an ephemeral instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from nbzbx_dagster.cli import main
from nbzbx_dagster.store import StoreError


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
    from nbzbx_dagster import run_in_process

    def run_job(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setattr(run_in_process, "run_job", run_job)
    result = CliRunner().invoke(main, ["run", "host_config_sync_refresh"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [line]
