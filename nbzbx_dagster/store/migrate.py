"""Alembic plumbing: the migrations ship inside the package and run on a given connection.

No alembic.ini: the script location is this package's `migrations` folder, whatever the CWD.
The version table has its own name so that the state store may share a database with other
Alembic users (Dagster's own storage among them).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "nbzbx_alembic_version"
# Serialises concurrent upgrades on PostgreSQL (several run workers starting at once).
_PG_LOCK_KEY = 0x6E627A62


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the packaged migrations, optionally bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest schema revision this code knows (Alembic reads every migration script for it:
    once per process)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at, or None for an empty database."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Apply the pending migrations inside the connection's current transaction. Up to date,
    one read of the version table: every run and sensor tick opens the store."""
    if revision == "head" and current_revision(connection) == head_revision():
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    command.upgrade(alembic_config(connection), revision)
