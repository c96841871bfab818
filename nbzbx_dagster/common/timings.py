"""Seconds spent per named section of a run, shown in its metadata.

Lets an operator (and the benchmark) see whether a slow run waits on NetBox, on Zabbix, on the
state store or on Dagster's own bookkeeping, without a profiler.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timings:
    """Wall-clock seconds per section; a section entered twice adds up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def as_dict(self) -> dict[str, float]:
        """Rounded to milliseconds, in the order the sections were first entered."""
        return {name: round(value, 3) for name, value in self.seconds.items()}
