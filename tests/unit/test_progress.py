"""The progress reporter: rate limit, listeners, the terminal status line, the run's log."""

import io

import dagster as dg

from nbzbx_dagster.common import progress
from nbzbx_dagster.common.progress import RateLimited, StatusLine, listening, report, status_line
from nbzbx_dagster.defs.system_jobs.run_scope import system_job_run
from nbzbx_dagster.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_rate_limited_passes_the_first_message_then_one_per_interval() -> None:
    clock, seen = Clock(), []
    limited = RateLimited(seen.append, every=10, clock=clock)
    for second in range(25):
        clock.now = 100.0 + second
        limited(f"at {second}")
    assert seen == ["at 0", "at 10", "at 20"]


def test_reports_reach_every_listener_of_the_context_and_stop_after_it() -> None:
    outer, inner = [], []
    report("nobody listens")  # no listener: nothing, no error
    with listening(outer.append):
        report("one")
        with listening(inner.append):
            report("two")
        report("three")
    report("after")
    assert outer == ["one", "two", "three"]
    assert inner == ["two"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_status_line_only_on_a_terminal_and_never_with_json() -> None:
    assert status_line(io.StringIO(), as_json=False) is None  # not a TTY: quiet
    assert status_line(Terminal(), as_json=True) is None  # --json: quiet
    terminal = Terminal()
    line = status_line(terminal, as_json=False)
    assert isinstance(line, StatusLine)
    line("NetBox dcim.devices: 1000 read")
    line("NetBox dcim.devices: 2000 read")
    line.clear()
    assert terminal.getvalue() == (
        "\r\x1b[KNetBox dcim.devices: 1000 read\r\x1b[KNetBox dcim.devices: 2000 read\r\x1b[K"
    )


def test_a_system_job_run_logs_progress_rate_limited(store, instance, monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(progress.time, "monotonic", clock)

    @dg.op
    def reads(context: dg.OpExecutionContext) -> None:
        with system_job_run(context, store, Settings(), "progress_probe"):
            for page in range(1, 5):
                report(f"NetBox dcim.devices: {page}000 read")
                clock.now += 4  # a page every 4 s: one line per 10 s is pages 1 and 4

    @dg.job
    def progress_probe() -> None:
        reads()

    result = progress_probe.execute_in_process(instance=instance)
    assert result.success
    logged = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert [m for m in logged if m.startswith("NetBox")] == [
        "NetBox dcim.devices: 1000 read",
        "NetBox dcim.devices: 4000 read",
    ]
