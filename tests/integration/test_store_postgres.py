"""The state store against the lab PostgreSQL: migrations, rollback, JSONB, UTC, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from nbzbx_dagster.store import StateStore, StoreError
from nbzbx_dagster.store.migrate import VERSION_TABLE, head_revision
from nbzbx_dagster.store.tables import maintenance_window, metadata, zabbix_proxy

pytestmark = pytest.mark.integration

SERVER = "postgresql://postgres@127.0.0.1:54329"
DATABASE = "nbzbx_test_store"


def _admin(sql: str) -> None:
    engine = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database for each test, dropped afterwards."""
    try:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    except OperationalError as exc:
        pytest.fail(
            f"lab PostgreSQL not reachable at {SERVER}: {str(exc.orig).splitlines()[0]}"
            " (run `nbzbx lab up`)",
            pytrace=False,
        )
    _admin(f"CREATE DATABASE {DATABASE}")
    yield f"{SERVER}/{DATABASE}"
    _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


@pytest.fixture
def store(pg_url: str) -> Iterator[StateStore]:
    state = StateStore(pg_url)
    yield state
    state.dispose()


def test_migrations_apply_from_empty_and_twice(store: StateStore) -> None:
    assert store.schema_revision() is None
    store.upgrade()
    store.upgrade()
    assert store.schema_revision() == head_revision()
    with store.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, metadata) == []
    assert store.ping().startswith("PostgreSQL 15.")


def test_concurrent_upgrades_serialise(pg_url: str) -> None:
    """Several run workers starting at once on an empty database all succeed."""
    errors: list[BaseException] = []

    def run() -> None:
        state = StateStore(pg_url)
        try:
            state.upgrade()
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            state.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = StateStore(pg_url)
    assert state.schema_revision() == head_revision()
    state.dispose()


def test_transaction_rolls_back_on_exception(store: StateStore) -> None:
    store.upgrade()
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as connection:
        connection.execute(
            zabbix_proxy.insert().values(proxyid="10452", name="proxy-dc1", mode="active")
        )
        store.set_override("max_deletions", 9, "job", connection=connection)
        raise RuntimeError("boom")
    with store.connect() as connection:
        assert connection.execute(select(zabbix_proxy)).all() == []
    assert store.get_overrides() == {}
    with store.transaction() as connection:
        connection.execute(
            zabbix_proxy.insert().values(proxyid="10452", name="proxy-dc1", mode="active")
        )
    with store.connect() as connection:
        assert connection.execute(select(zabbix_proxy.c.name)).scalars().all() == ["proxy-dc1"]


def test_overrides_events_and_utc(store: StateStore) -> None:
    store.upgrade()
    rules = [{"sites": ["dc1"], "host_groups": ["DC1"], "proxy_group": "pg-1"}]
    store.set_override("mapping_rules", rules, "alice")
    store.set_override("max_deletions", 5, "alice")
    store.set_override("max_deletions", 6, "bob")
    assert store.get_overrides() == {"mapping_rules": rules, "max_deletions": 6}
    assert store.delete_override("mapping_rules") is True

    now = datetime.now(UTC)
    store.write_event("import_zabbix_settings", "success", now, now - timedelta(days=200))
    store.write_event("import_zabbix_settings", "failure", now, now, error="Zabbix down")
    assert store.prune_events(90) == 1
    assert [e["status"] for e in store.list_events()] == ["failure"]

    tokyo = timezone(timedelta(hours=9))
    start = datetime(2026, 12, 1, 18, 0, tzinfo=tokyo)
    with store.transaction() as connection:
        connection.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))
        connection.execute(
            maintenance_window.insert().values(
                name="nbzbx-dc1",
                start=start,
                end=start + timedelta(hours=1),
                targets={"host_configs": ["device-12"]},
                created_by="alice",
            )
        )
    with store.connect() as connection:
        connection.execute(text("SET TIME ZONE 'America/New_York'"))
        row = connection.execute(select(maintenance_window)).one()
    assert row.start == start and row.start.tzinfo is UTC and row.start.hour == 9
    assert row.targets == {"host_configs": ["device-12"]}


def test_unreachable_server_is_one_line_with_password_masked() -> None:
    state = StateStore("postgresql://nbzbx:s3cret-pw@127.0.0.1:1/nbzbx")
    with pytest.raises(StoreError) as exc:
        state.ping()
    message = str(exc.value)
    assert message.startswith("state store postgresql://nbzbx:***@127.0.0.1:1/nbzbx: ")
    assert "s3cret-pw" not in message and "\n" not in message
    assert "Connection refused" in message
