"""One run of each system job at a time on every path: ``nbzbx`` commands started together,
``--wait``, a SIGKILLed holder, and two ``nbzbx apply`` at once, against the real lab.

The turn does not depend on the Zabbix version: two runs at once are tried on every suite
version, the rest on the lab's Zabbix 7.0, through a relay that makes each Zabbix answer slow
(2 s), so that the first run still works when the second starts. Each test has its own state
store and SQLite Dagster instance.
"""

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from chaos_relay import ChaosRelay
from dagster_process import REPO, VENV_BIN, wait_for

from nbzbx_dagster.lab import services
from nbzbx_dagster.lab.seed import reset_zabbix_hosts
from nbzbx_dagster.store import StateStore, turns

pytestmark = pytest.mark.own_lab

REFRESH = "host_config_sync_refresh"
RECONCILE = "reconcile_zabbix_hosts"


@dataclass
class Cli:
    env: dict[str, str]
    relay: ChaosRelay
    store: StateStore

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(VENV_BIN / "nbzbx"), *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VENV_BIN / "nbzbx"), *args], env=self.env, capture_output=True, text=True
        )


def together(cli: Cli, *commands: tuple[str, ...]) -> list[tuple[int, str, str]]:
    """Start the commands at once; (exit code, stdout, stderr) of each, in order."""
    procs = [cli.start(*command) for command in commands]
    return [(p.wait(300), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]


@pytest.fixture
def cli(seeded_lab: dict, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Cli]:
    """The ``nbzbx`` command on its own state store and SQLite instance, Zabbix (7.0, or the
    version a test asks for) behind a relay."""
    version = getattr(request, "param", "7.0")
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    url = f"sqlite:///{tmp_path / 'state.db'}"
    port = services.ZABBIX_PORTS[version]
    with ChaosRelay(f"http://127.0.0.1:{port}", slow_seconds=2) as relay:
        env = {
            **os.environ,
            **services.env(version),
            "NBZBX_ZABBIX_URL": f"{relay.url}/api_jsonrpc.php",
            "NBZBX_DATABASE_URL": url,
            "DAGSTER_HOME": str(home),
            "NBZBX_NETBOX_WRITEBACK": "false",  # NetBox is the other tests' too
        }
        store = StateStore(url)
        done = subprocess.run(
            [str(VENV_BIN / "nbzbx"), "run", "import_zabbix_settings"], env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr
        relay.set_mode("slow")
        yield Cli(env, relay, store)
        store.dispose()


def refused_line(text: str, job: str, by: str) -> str:
    """The refused run's one line (``error: ...`` on standard error, or the ``error`` of the
    JSON output), checked for what names the run in its way."""
    lines = [line for line in text.splitlines() if "holds its turn" in line]
    assert len(lines) == 1, text
    line = lines[0].removeprefix("error: ")
    assert line.startswith(f"{job}: run "), line
    assert f"({by}, pid " in line and " on host " in line and " since " in line, line
    assert "not started (--wait waits for its turn)" in line, line
    return line


@pytest.mark.parametrize(
    "cli", services.SUITE_ZABBIX_VERSIONS, indirect=True, ids=services.zabbix_id
)
def test_two_runs_started_together_one_works_the_other_is_refused(cli: Cli) -> None:
    outcomes = together(cli, ("run", REFRESH, "--cutoff", "0"), ("run", REFRESH, "--cutoff", "0"))
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 1], outcomes
    (_, _, loser_err), (_, winner_out, _) = sorted(outcomes, key=lambda o: -o[0])
    refused_line(loser_err, REFRESH, "nbzbx run")
    winner_run = winner_out.split("(run ")[1].split(")")[0]
    assert winner_run in loser_err  # the run in its way is the one that worked
    assert turns.holding(cli.store, REFRESH) is None  # given back


def test_with_wait_the_second_run_works_after_the_first(cli: Cli) -> None:
    outcomes = together(
        cli,
        ("run", REFRESH, "--cutoff", "0", "--wait"),
        ("run", REFRESH, "--cutoff", "0", "--wait"),
    )
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    rows = sorted(cli.store.list_events(job=REFRESH), key=lambda r: r["started_at"])
    assert len(rows) == 2 and all(r["status"] == "success" for r in rows), rows
    assert rows[0]["finished_at"] <= rows[1]["started_at"], rows  # one after the other


def test_a_sigkilled_holder_never_blocks_the_next_run(cli: Cli) -> None:
    proc = cli.start("run", REFRESH, "--cutoff", "0")
    try:
        wait_for(
            "the first run holding its turn",
            lambda: (h := turns.holding(cli.store, REFRESH)) is not None and h.pid == proc.pid,
            60,
            0.2,
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert turns.holding(cli.store, REFRESH).pid == proc.pid  # its row is still there
    started = time.monotonic()
    done = cli.run("run", REFRESH, "--cutoff", "0")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 120
    assert turns.holding(cli.store, REFRESH) is None


def summary_of(stdout: str) -> dict[str, Any]:
    return json.loads(stdout)["summary"]


def test_two_applies_at_once_exactly_one_writes(cli: Cli) -> None:
    reset_zabbix_hosts("7.0")
    try:
        cli.relay.set_mode("healthy")  # slow only where the two race
        assert cli.run("run", REFRESH, "--cutoff", "0").returncode == 0
        plan = cli.run("plan", "--json")
        assert plan.returncode == 0, plan.stderr
        assert any(a["action"] in ("create", "update") for a in json.loads(plan.stdout))
        cli.relay.set_mode("slow")
        outcomes = together(cli, ("apply", "--json"), ("apply", "--json"))
        cli.relay.set_mode("healthy")
        assert sorted(code for code, _, _ in outcomes) == [0, 1], outcomes
        (_, loser_out, _), (_, winner_out, _) = sorted(outcomes, key=lambda o: -o[0])
        refused = json.loads(loser_out)
        assert refused["success"] is False and refused["summary"] == {}, refused
        refused_line(refused["error"], RECONCILE, "nbzbx apply")
        assert summary_of(winner_out)["zabbix_writes"] > 0
        # every write was made once: applying again finds nothing left to write
        again = cli.run("apply", "--json")
        assert again.returncode == 0, again.stderr
        assert summary_of(again.stdout)["zabbix_writes"] == 0
    finally:
        reset_zabbix_hosts("7.0")
