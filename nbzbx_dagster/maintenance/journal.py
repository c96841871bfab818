"""NetBox journal entries on the devices and VMs a maintenance window affects.

A journal entry is a courtesy to NetBox users, not part of the window: failing to write one is
reported (counted, with the first errors) and never undoes a window or fails a cleanup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nbzbx_dagster.maintenance.targets import journal_target
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.errors import NetBoxError

MAX_ERRORS_SHOWN = 5


class Journal:
    """Writes entries through one NetBox client, connected on the first entry."""

    def __init__(self, netbox: Callable[[], NetBoxClient]) -> None:
        self._factory = netbox
        self._client: NetBoxClient | None = None
        self._connect_error: str | None = None
        self.written = 0
        self.errors: list[str] = []

    def write(self, objects: Iterable[str], comments: str, kind: str = "info") -> None:
        for key in objects:
            object_type, object_id = journal_target(key)
            client = self._connected()
            if client is None:
                self.errors.append(f"{key}: {self._connect_error}")
                continue
            try:
                client.journal(object_type, object_id, kind, comments)
                self.written += 1
            except NetBoxError as error:
                self.errors.append(f"{key}: {error}")

    def _connected(self) -> NetBoxClient | None:
        """The client, or None when connecting failed (tried once, not once per object)."""
        if self._client is None and self._connect_error is None:
            try:
                self._client = self._factory()
            except Exception as error:  # NetBoxError, or settings missing from the environment
                self._connect_error = " ".join(str(error).split()) or type(error).__name__
        return self._client

    def summary(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "failed": len(self.errors),
            "errors": self.errors[:MAX_ERRORS_SHOWN],
        }
