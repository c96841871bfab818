"""`StateStore`: the engine, the run transaction and small helpers over the state-store tables.

Run semantics: the state-store writes of a run go through one
`StateStore.transaction()`, committed when the block ends normally and rolled back on any
exception. The event log is written afterwards in its own transaction, so it survives a rollback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from nbzbx_dagster.store import migrate
from nbzbx_dagster.store.tables import EVENT_STATUSES, event_log, settings_override, utc_now
from nbzbx_dagster.store.url import mask_url

SUPPORTED = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_S = 30
PG_CONNECT_TIMEOUT_S = 10
_WRITE = "nbzbx_write"
_KIND = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class StoreError(RuntimeError):
    """The state store cannot be reached or used; one line naming the database (password masked)."""


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip() or type(cause).__name__
    return text.splitlines()[0].strip()


class StateStore:
    """The state store at `url` (SQLite file or PostgreSQL). Cheap to build; connects lazily."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.display_url = mask_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise self._error(
                "not a database URL (e.g. sqlite:////var/lib/nbzbx/state.db or "
                "postgresql://user@host:5432/nbzbx)"
            ) from None
        self.kind = parsed.get_backend_name()
        if self.kind not in SUPPORTED:
            raise self._error(f"unsupported database {self.kind!r} (supported: sqlite, postgresql)")
        connect_args: dict[str, Any] = {}
        if self.kind == "sqlite":
            connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_S
            self._sqlite_prepare_path(parsed.database)
        else:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        try:
            self.engine: Engine = create_engine(
                url, pool_pre_ping=True, json_serializer=_dumps, connect_args=connect_args
            )
        except (NoSuchModuleError, ImportError, ArgumentError) as exc:
            raise self._error(_first_line(exc)) from None
        if self.kind == "sqlite":
            self._sqlite_transactions(
                file_backed=bool(parsed.database) and parsed.database != ":memory:"
            )

    def __repr__(self) -> str:
        return f"StateStore({self.display_url!r})"

    def _error(self, cause: str) -> StoreError:
        return StoreError(f"state store {self.display_url}: {cause}")

    def _sqlite_prepare_path(self, database: str | None) -> None:
        if not database or database == ":memory:" or database.startswith("file:"):
            return
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error(f"cannot create {Path(database).parent}: {exc.strerror}") from None

    def _sqlite_transactions(self, file_backed: bool) -> None:
        """Real transactions on SQLite: SQLAlchemy's recipe for pysqlite, plus WAL and BEGIN
        IMMEDIATE for writers, so that a reader (the sensor) is never blocked by a run and two
        writers wait for each other (busy timeout) instead of failing on a lock upgrade."""

        @event.listens_for(self.engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
            if file_backed:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()

        @event.listens_for(self.engine, "begin")
        def _begin(connection: Connection) -> None:
            write = connection.get_execution_options().get(_WRITE, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    # --- connections ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: committed if the block ends normally, rolled back on any exception."""
        try:
            connection = self.engine.connect()
        except SQLAlchemyError as exc:
            raise self._error(_first_line(exc)) from None
        with connection:
            connection.execution_options(**{_WRITE: True})
            try:
                transaction = connection.begin()
            except DBAPIError as exc:
                raise self._error(_first_line(exc)) from None
            with transaction:
                yield connection

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading; anything written without commit is rolled back."""
        try:
            connection = self.engine.connect()
        except SQLAlchemyError as exc:
            raise self._error(_first_line(exc)) from None
        with connection:
            yield connection

    @contextmanager
    def _within(self, connection: Connection | None) -> Iterator[Connection]:
        """The caller's connection (its run transaction) or a transaction of our own."""
        if connection is not None:
            yield connection
        else:
            with self.transaction() as own:
                yield own

    def dispose(self) -> None:
        """Close pooled connections (tests, CLI exit)."""
        self.engine.dispose()

    # --- schema --------------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Apply pending migrations in one transaction; a no-op when up to date."""
        with self.transaction() as connection:
            try:
                migrate.upgrade_connection(connection)
            except DBAPIError as exc:
                raise self._error(f"migration failed: {_first_line(exc)}") from None

    def schema_revision(self) -> str | None:
        """The schema revision in the database, or None before the first upgrade."""
        with self.connect() as connection:
            return migrate.current_revision(connection)

    def ping(self) -> str:
        """Connect and name the database kind and server version, e.g. "PostgreSQL 15.18"."""
        with self.connect() as connection:
            try:
                connection.exec_driver_sql("SELECT 1")
            except DBAPIError as exc:
                raise self._error(_first_line(exc)) from None
            version = ".".join(str(part) for part in connection.dialect.server_version_info or ())
        return f"{_KIND[self.kind]} {version}".strip()

    # --- settings overrides --------------------------------------------------------------------

    def get_overrides(self, connection: Connection | None = None) -> dict[str, Any]:
        """Stored overrides, setting name to value (unvalidated: see settings.load_settings)."""
        query = select(settings_override.c.name, settings_override.c.value)
        if connection is not None:
            return dict(connection.execute(query).tuples().all())
        with self.connect() as own:
            return dict(own.execute(query).tuples().all())

    def set_override(
        self, name: str, value: Any, by: str, connection: Connection | None = None
    ) -> None:
        """Store (or replace) an override; validate it first with settings.validate_override."""
        row = {"name": name, "value": value, "updated_at": utc_now(), "updated_by": by}
        with self._within(connection) as conn:
            upsert(conn, settings_override, [row])

    def delete_override(self, name: str, connection: Connection | None = None) -> bool:
        """Remove an override; whether there was one."""
        with self._within(connection) as conn:
            result = conn.execute(delete(settings_override).where(settings_override.c.name == name))
            return result.rowcount > 0

    # --- event log -----------------------------------------------------------------------------

    def write_event(
        self,
        job: str,
        status: str,
        started_at: datetime,
        finished_at: datetime | None = None,
        run_id: str | None = None,
        summary: Mapping[str, Any] | None = None,
        error: str | None = None,
        server: str | None = None,
    ) -> int:
        """Record a run's outcome (for one Zabbix server, or None for all) in its own
        transaction; the new row's id.

        Callers check `Settings.event_log_enabled` and keep secrets out of summary and error.
        """
        if status not in EVENT_STATUSES:
            raise ValueError(f"event status {status!r} (allowed: {', '.join(EVENT_STATUSES)})")
        row = {
            "job": job,
            "server": server,
            "run_id": run_id,
            "started_at": started_at,
            "finished_at": finished_at or utc_now(),
            "status": status,
            "summary": dict(summary or {}),
            "error": error,
        }
        with self.transaction() as connection:
            result = connection.execute(event_log.insert().values(row))
            return int(result.inserted_primary_key[0])

    def prune_events(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete event-log rows finished more than `retention_days` ago; how many."""
        if retention_days < 1:
            raise ValueError(f"retention_days: {retention_days} is not allowed (allowed: >= 1)")
        cutoff = (now or utc_now()) - timedelta(days=retention_days)
        with self.transaction() as connection:
            result = connection.execute(delete(event_log).where(event_log.c.finished_at < cutoff))
            return result.rowcount

    def list_events(
        self, job: str | None = None, limit: int = 100, run_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The newest event-log rows first, optionally of one job or one run."""
        query = select(event_log).order_by(event_log.c.finished_at.desc(), event_log.c.id.desc())
        if job is not None:
            query = query.where(event_log.c.job == job)
        if run_id is not None:
            query = query.where(event_log.c.run_id == run_id)
        with self.connect() as connection:
            return [dict(row) for row in connection.execute(query.limit(limit)).mappings()]


def upsert(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows, or update the given columns of rows whose primary key exists (bulk).

    Every row must have the same keys; columns not given keep their value on update.
    """
    if not rows:
        return
    keys = set(rows[0])
    if any(set(row) != keys for row in rows):
        raise ValueError(f"upsert into {table.name}: rows must all have the same columns")
    primary_key = [column.name for column in table.primary_key.columns]
    insert = sqlite_insert if connection.dialect.name == "sqlite" else pg_insert
    statement = insert(table)
    updates = {name: statement.excluded[name] for name in keys if name not in primary_key}
    if updates:
        statement = statement.on_conflict_do_update(index_elements=primary_key, set_=updates)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=primary_key)
    connection.execute(statement, [dict(row) for row in rows])


def upgrade(url: str) -> None:
    """Bring the state store at `url` to the newest schema (idempotent)."""
    store = StateStore(url)
    try:
        store.upgrade()
    finally:
        store.dispose()
