"""Which process executes a run, and whether it still does: the facts behind a dead run.

A system job run records the pid, the host and the start time of the process executing it (run
tags, set by ``nbzbx run`` when it creates the run and by the job's first scope otherwise). A run
still in progress whose process is gone was killed (SIGKILL, OOM, a reboot): nothing else will
ever finish it, so the sensor fails it. Linux gives a process's start time, so a reused pid is
not mistaken for the run's process; elsewhere only the pid is checked.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from pathlib import Path

PID_TAG = "nbzbx/pid"
HOST_TAG = "nbzbx/host"
PROCESS_START_TAG = "nbzbx/process_start"
WORKER_DIED = "run worker died"


def process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, from /proc); "" where /proc
    is not available but the process exists; None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return ""
        return ""
    except OSError:
        return None
    # the name (field 2) may hold spaces and parentheses: the fields after its last ")"
    fields = stat.rpartition(")")[2].split()
    if fields[0] in ("Z", "X"):  # a killed process its parent has not reaped yet
        return None
    return fields[19]


def process_tags(pid: int | None = None) -> dict[str, str]:
    """The run tags naming this process (or ``pid``) as the one executing the run."""
    pid = os.getpid() if pid is None else pid
    return {
        PID_TAG: str(pid),
        HOST_TAG: socket.gethostname(),
        PROCESS_START_TAG: process_start(pid) or "",
    }


def process_alive(pid: int, start: str) -> bool:
    """Whether the process that had ``pid`` (and started at ``start``, if known) still runs."""
    current = process_start(pid)
    return current is not None and (not start or not current or current == start)


def dead_run_cause(
    tags: Mapping[str, str],
    since: float,
    now: float,
    host: str,
    bound_minutes: int,
    alive: Callable[[int, str], bool] = process_alive,
) -> str | None:
    """Why a run in progress since ``since`` (epoch seconds) is dead, or None if it may live.

    On ``host`` a recorded process is checked: gone means dead at once, alive means alive
    however long it takes (run monitoring's ``dagster/max_runtime`` stops it). A run recorded
    on another host (a run pod of the ``K8sRunLauncher``) is never judged here: its pid means
    nothing on this host, so it is left to Dagster's run monitoring, which the deployment
    enables (``deploy/helm-values.yaml``). A run whose process is not recorded (yet, or not
    readable) is dead after ``bound_minutes``.
    """
    pid = tags.get(PID_TAG, "")
    if pid.isdigit() and tags.get(HOST_TAG) not in (None, "", host):
        return None
    if pid.isdigit() and tags.get(HOST_TAG) == host:
        return None if alive(int(pid), tags.get(PROCESS_START_TAG, "")) else WORKER_DIED
    if now - since > bound_minutes * 60:
        return f"{WORKER_DIED}: no sign of it for {bound_minutes} minutes (dead_run_after)"
    return None
