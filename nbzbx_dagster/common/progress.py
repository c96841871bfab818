"""Progress of long runs, without Dagster: the core reports, whoever runs it listens.

The NetBox page reader and the Zabbix batch readers call ``report("...")`` once per page or
batch (never per host, so hot loops stay as they were). Nothing listens by default; a system
job run listens with its Dagster log, rate-limited to one line per 10 s (``run_scope``), and
``nbzbx run`` on a terminal adds a status line rewritten in place on standard error.
Listeners are a context variable, so concurrent runs in threads never see each other's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

Sink = Callable[[str], None]

LOG_EVERY_SECONDS = 10.0

_SINKS: ContextVar[tuple[Sink, ...]] = ContextVar("nbzbx_progress_sinks", default=())


def report(message: str) -> None:
    """Tell every listener of this context; nothing when none listens."""
    for sink in _SINKS.get():
        sink(message)


@contextmanager
def listening(sink: Sink) -> Iterator[None]:
    """Add ``sink`` to the listeners while the block runs (outer listeners keep listening)."""
    token = _SINKS.set((*_SINKS.get(), sink))
    try:
        yield
    finally:
        _SINKS.reset(token)


class RateLimited:
    """Passes a message on when ``every`` seconds have passed since the last one passed on (the
    first passes at once): long runs say where they are without flooding the log."""

    def __init__(
        self,
        sink: Sink,
        every: float = LOG_EVERY_SECONDS,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.sink = sink
        self.every = every
        self.clock = clock or time.monotonic
        self._last: float | None = None

    def __call__(self, message: str) -> None:
        now = self.clock()
        if self._last is None or now - self._last >= self.every:
            self._last = now
            self.sink(message)


class StatusLine:
    """One line on a terminal, rewritten with each message and cleared at the end."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def __call__(self, message: str) -> None:
        self.stream.write("\r\x1b[K" + message)
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def status_line(stream: TextIO, as_json: bool) -> StatusLine | None:
    """A status line for ``nbzbx run``: only on a terminal, and never with ``--json``."""
    if as_json or not stream.isatty():
        return None
    return StatusLine(stream)
