"""NetBox journal entries on the devices and VMs a maintenance window affects.

A journal entry is a courtesy to NetBox users, not part of the window: failing to write one never
undoes a window or fails a cleanup. It is not dropped either: an entry NetBox refused (down,
token refused, an error) is kept in the state store (``journal_pending``, in the run's
transaction) and retried first by the next maintenance run, until NetBox accepts it. Only an
entry whose NetBox object is gone is dropped, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from nbzbx_dagster.maintenance.targets import journal_target
from nbzbx_dagster.netbox.client import NetBoxClient
from nbzbx_dagster.netbox.errors import NetBoxError
from nbzbx_dagster.store.tables import journal_pending, utc_now

log = logging.getLogger(__name__)

MAX_ERRORS_SHOWN = 5
BULK = 500  # entries per bulk request
WORKERS = 2  # bulk requests at once: NetBox validates and logs each entry in one worker
# NetBox 4 answers a journal entry for an object that no longer exists with this (HTTP 400).
GONE_TEXT = "Invalid assigned_object"


@dataclass(frozen=True)
class Entry:
    object_type: str
    object_id: int
    kind: str
    comments: str

    @property
    def label(self) -> str:
        return f"{self.object_type} {self.object_id}"


class _Gone(Exception):
    """The entry's NetBox object does not exist (any more)."""


def is_gone(error: NetBoxError) -> bool:
    return error.status == 404 or (error.status == 400 and GONE_TEXT in error.cause)


class Journal:
    """Writes entries through one NetBox client, connected on the first entry."""

    def __init__(self, netbox: Callable[[], NetBoxClient]) -> None:
        self._factory = netbox
        self._client: NetBoxClient | None = None
        # Set when NetBox cannot be reached or refused the token: no further requests this run
        # (a refused token stays refused; an unreachable NetBox would cost a timeout per entry).
        self._stop: str | None = None
        self._refused: list[tuple[Entry, str]] = []
        self.written = 0
        self.retried = 0
        self.kept = 0
        self.errors: list[str] = []
        self.dropped: list[str] = []

    def write(self, objects: Iterable[str], comments: str, kind: str = "info") -> None:
        """One entry per host config key; refused ones wait for :meth:`keep`."""
        for key in objects:
            object_type, object_id = journal_target(key)
            entry = Entry(object_type, object_id, kind, comments)
            try:
                error = self._send(entry)
            except _Gone as gone:
                self._drop(entry, str(gone))
                continue
            if error is not None:
                self._refused.append((entry, error))
                self.errors.append(f"{key}: {error}")

    def write_many(self, notes: Sequence[tuple[str, str]], kind: str = "info") -> None:
        """One entry per (host config key, comments), ``BULK`` per request and ``WORKERS``
        requests at once: a reconcile of 10,000 hosts makes 20 requests, not 10,000. A batch
        NetBox refuses is sent again one entry at a time, so that only the refused (or gone)
        entries are kept (or dropped)."""
        parts = [notes[start : start + BULK] for start in range(0, len(notes), BULK)]
        client = self._connected() if parts else None
        again = parts if client is None else []
        if client is not None:

            def send(part: Sequence[tuple[str, str]]) -> bool:
                entries = [Entry(*journal_target(key), kind, text) for key, text in part]
                try:
                    client.journal_many([vars(e) for e in entries])
                except NetBoxError:
                    return False
                return True

            with ThreadPoolExecutor(WORKERS) as pool:
                for part, sent in zip(parts, pool.map(send, parts), strict=True):
                    if sent:
                        self.written += len(part)
                    else:
                        again.append(part)
        for part in again:
            for key, text in part:
                self.write([key], text, kind)

    def retry_kept(self, conn: Connection) -> None:
        """Write the entries earlier runs kept, oldest first; accepted or gone ones leave the
        store, refused ones stay with their latest error."""
        rows = conn.execute(
            select(journal_pending).order_by(journal_pending.c.id).with_for_update(skip_locked=True)
        ).mappings()
        for row in list(rows):
            entry = Entry(row["object_type"], row["object_id"], row["kind"], row["comments"])
            self.retried += 1
            where = journal_pending.c.id == row["id"]
            try:
                error = self._send(entry)
            except _Gone as gone:
                self._drop(entry, str(gone))
                error = None
            if error is None:
                conn.execute(delete(journal_pending).where(where))
                continue
            self.errors.append(f"{entry.label} (kept since {row['created_at']:%Y-%m-%d}): {error}")
            conn.execute(
                update(journal_pending)
                .where(where)
                .values(attempts=journal_pending.c.attempts + 1, last_error=error)
            )

    def keep(self, conn: Connection) -> None:
        """Store the entries refused in this run (through the run's connection)."""
        now = utc_now()
        if self._refused:
            conn.execute(
                journal_pending.insert(),
                [
                    {
                        "object_type": e.object_type,
                        "object_id": e.object_id,
                        "kind": e.kind,
                        "comments": e.comments,
                        "created_at": now,
                        "attempts": 1,
                        "last_error": error,
                    }
                    for e, error in self._refused
                ],
            )
            self._refused = []
        self.kept = conn.execute(select(func.count()).select_from(journal_pending)).scalar_one()

    def _send(self, entry: Entry) -> str | None:
        """None when written, else the error; raises _Gone for an object that is gone."""
        client = self._connected()
        if client is None:
            return self._stop
        try:
            client.journal(entry.object_type, entry.object_id, entry.kind, entry.comments)
        except NetBoxError as error:
            if is_gone(error):
                raise _Gone(str(error)) from None
            if error.status in (None, 401, 403):
                self._stop = str(error)
            return str(error)
        self.written += 1
        return None

    def _connected(self) -> NetBoxClient | None:
        """The client, or None when connecting failed (tried once, not once per object)."""
        if self._client is None and self._stop is None:
            try:
                self._client = self._factory()
            except Exception as error:  # NetBoxError, or settings missing from the environment
                self._stop = " ".join(str(error).split()) or type(error).__name__
        return None if self._stop is not None else self._client

    def _drop(self, entry: Entry, error: str) -> None:
        log.warning(
            "journal entry for %s dropped, its NetBox object is gone: %s", entry.label, error
        )
        self.dropped.append(f"{entry.label}: {error}")

    def summary(self) -> dict[str, Any]:
        """Written (new and retried), kept for a later run, retried from earlier runs, dropped
        (object gone), failed (refused in this run) and the first errors."""
        return {
            "written": self.written,
            "kept": self.kept,
            "retried": self.retried,
            "dropped": len(self.dropped),
            "failed": len(self.errors),
            "errors": self.errors[:MAX_ERRORS_SHOWN],
            "dropped_entries": self.dropped[:MAX_ERRORS_SHOWN],
        }
