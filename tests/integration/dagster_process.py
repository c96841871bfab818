"""Helpers for the tests that run Dagster's own processes (`dagster dev`, `dagster-webserver`).

Each process is started in its own session and stopped by its process-group id, so every child
(webserver, daemon, code server, run workers) goes with it.
"""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from nbzbx_dagster.defs.system_jobs import timing

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
T = TypeVar("T")
SHORT_CLOCKS = {timing.SENSOR_INTERVAL: "5", timing.INTERVAL_MINUTE: "10"}
"""The daemon tests' clocks: a tick every 5 s, an interval minute of 10 s (`timing`)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DagsterProcess:
    """A Dagster command running in the repository with its output in `log_path`."""

    def __init__(self, args: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(
            args,
            cwd=REPO,
            env=dict(env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            name, code = self.proc.args[0], self.proc.returncode
            raise AssertionError(f"{name} exited ({code}):\n{self.tail()}")

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the process group, then SIGKILL to what is left of it."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        with contextlib.suppress(ProcessLookupError):  # children that outlived the leader
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def wait_for(
    what: str,
    probe: Callable[[], T | None],
    timeout: float,
    every: float = 2.0,
    alive: DagsterProcess | None = None,
) -> T:
    """Call `probe` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        if alive is not None:
            alive.check_alive()
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = f"\nlast output:\n{alive.tail()}" if alive is not None else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(every)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
