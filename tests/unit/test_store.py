"""The state store on SQLite: migrations, run transactions, overrides, event log, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from nbzbx_dagster.settings import load_settings
from nbzbx_dagster.store import StateStore, StoreError, migrate, upgrade, upsert
from nbzbx_dagster.store.migrate import VERSION_TABLE, head_revision
from nbzbx_dagster.store.tables import (
    event_log,
    maintenance_window,
    metadata,
    settings_override,
    zabbix_host_group,
    zabbix_template,
)


def schema_diff(state: StateStore) -> list[object]:
    with state.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        return compare_metadata(context, metadata)


# --- migrations --------------------------------------------------------------------------------


def test_migrations_apply_from_empty_and_twice(tmp_path: Path) -> None:
    state = StateStore(f"sqlite:///{tmp_path}/deep/er/state.db")  # parent created
    assert state.schema_revision() is None
    state.upgrade()
    assert state.schema_revision() == head_revision() == "0010"
    state.upgrade()  # idempotent
    assert state.schema_revision() == head_revision()
    tables = set(inspect(state.engine).get_table_names())
    assert set(metadata.tables) | {VERSION_TABLE} == tables
    state.dispose()


def test_an_up_to_date_store_is_not_handed_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every run and sensor tick opens the store: up to date, it costs one read, not Alembic's
    reading of every migration script."""
    state = StateStore(f"sqlite:///{tmp_path}/state.db")
    state.upgrade()
    upgrades: list[str] = []
    monkeypatch.setattr(
        migrate.command, "upgrade", lambda config, revision: upgrades.append(revision)
    )
    state.upgrade()
    assert upgrades == []
    with state.transaction() as connection:
        connection.exec_driver_sql(f"UPDATE {VERSION_TABLE} SET version_num = '0009'")
    state.upgrade()
    assert upgrades == ["head"]
    state.dispose()


def test_migrations_match_the_tables_module(store: StateStore) -> None:
    assert schema_diff(store) == []


def test_module_upgrade_function(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/other.db"
    upgrade(url)
    upgrade(url)
    state = StateStore(url)
    assert state.schema_revision() == head_revision()
    state.dispose()


def test_migrations_do_not_depend_on_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    upgrade("sqlite:///relative.db")
    assert (tmp_path / "relative.db").is_file()


def test_ping_names_sqlite(store: StateStore) -> None:
    assert store.ping().startswith("SQLite 3.")


# --- run transaction ---------------------------------------------------------------------------


def test_transaction_commits(store: StateStore) -> None:
    with store.transaction() as connection:
        connection.execute(zabbix_host_group.insert().values(groupid="2", name="Linux servers"))
    with store.connect() as connection:
        assert connection.execute(select(zabbix_host_group.c.name)).scalars().all() == [
            "Linux servers"
        ]


def test_transaction_rolls_back_on_exception(store: StateStore) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.transaction() as connection:
        connection.execute(zabbix_host_group.insert().values(groupid="2", name="Linux servers"))
        store.set_override("max_deletions", 9, "job", connection=connection)
        assert connection.execute(select(zabbix_host_group)).all()  # visible inside
        raise RuntimeError("boom")
    with store.connect() as connection:
        assert connection.execute(select(zabbix_host_group)).all() == []
    assert store.get_overrides() == {}


def test_reader_not_blocked_by_open_write_transaction(store: StateStore) -> None:
    """The sensor reads overrides while a run holds its write transaction, and sees the old."""
    store.set_override("max_deletions", 4, "cli")
    with store.transaction() as connection:
        store.set_override("max_deletions", 5, "job", connection=connection)
        assert store.get_overrides() == {"max_deletions": 4}  # other connection: old value
    assert store.get_overrides() == {"max_deletions": 5}


# --- overrides ---------------------------------------------------------------------------------


def test_overrides_round_trip(store: StateStore) -> None:
    rules = [{"sites": ["dc1"], "host_groups": ["DC1"], "proxy": None}]
    store.set_override("max_deletions", 5, "alice")
    store.set_override("mapping_rules", rules, "alice")
    store.set_override("max_deletions", 6, "bob")  # replaces
    assert store.get_overrides() == {"max_deletions": 6, "mapping_rules": rules}
    with store.connect() as connection:
        row = connection.execute(
            select(settings_override).where(settings_override.c.name == "max_deletions")
        ).one()
    assert row.updated_by == "bob"
    assert row.updated_at.tzinfo is UTC
    assert load_settings(store.get_overrides(), env={}).max_deletions == 6
    assert store.delete_override("max_deletions") is True
    assert store.delete_override("max_deletions") is False
    assert store.get_overrides() == {"mapping_rules": rules}


# --- event log ---------------------------------------------------------------------------------


def test_event_log_write_and_prune(store: StateStore) -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    ages = {"old": 120, "edge": 91, "recent": 89, "new": 0}
    for job, days in ages.items():
        finished = now - timedelta(days=days)
        store.write_event(
            job,
            "success",
            started_at=finished - timedelta(minutes=1),
            finished_at=finished,
            run_id=f"run-{job}",
            summary={"deleted": 1, "timestamp": finished},
        )
    store.write_event("new", "failure", now, now, error="Zabbix unreachable")
    assert len(store.list_events()) == 5
    assert store.prune_events(90, now=now) == 2
    remaining = store.list_events()
    assert {row["job"] for row in remaining} == {"recent", "new"}
    assert remaining[0]["status"] == "failure"  # newest first (same time: latest written)
    assert remaining[0]["finished_at"] == now and remaining[0]["finished_at"].tzinfo is UTC
    recent = store.list_events(job="recent")
    assert recent[0]["summary"] == {
        "deleted": 1,
        "timestamp": (now - timedelta(days=89)).isoformat(),
    }
    assert [row["error"] for row in store.list_events(job="new")] == ["Zabbix unreachable", None]


def test_event_log_refuses_bad_status_and_retention(store: StateStore) -> None:
    with pytest.raises(ValueError, match="allowed: success, failure"):
        store.write_event("job", "ok", datetime.now(UTC))
    with pytest.raises(ValueError, match="retention_days"):
        store.prune_events(0)


# --- tables ------------------------------------------------------------------------------------


def test_datetimes_are_utc_and_naive_refused(store: StateStore) -> None:
    cet = timezone(timedelta(hours=1))
    start = datetime(2026, 12, 1, 10, 0, tzinfo=cet)
    with store.transaction() as connection:
        connection.execute(
            maintenance_window.insert().values(
                name="nbzbx-dc1",
                start=start,
                end=start + timedelta(hours=2),
                targets={"sites": ["dc1"]},
                created_by="alice",
            )
        )
    with store.connect() as connection:
        row = connection.execute(select(maintenance_window)).one()
    assert row.start == start and row.start.tzinfo is UTC and row.start.hour == 9
    assert row.status == "pending" and row.with_data_collection is True
    with pytest.raises(Exception, match="naive datetime"), store.transaction() as connection:
        connection.execute(
            event_log.insert().values(
                job="j", status="success", started_at=datetime(2026, 1, 1), finished_at=start
            )
        )


def test_check_constraints_hold(store: StateStore) -> None:
    now = datetime.now(UTC)
    with pytest.raises(Exception, match="CHECK constraint failed"), store.transaction() as conn:
        conn.execute(
            maintenance_window.insert().values(
                name="backwards", start=now, end=now, targets={}, created_by="x"
            )
        )


def test_upsert_inserts_then_updates(store: StateStore) -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "templateid": "10001",
            "host": "Linux by Zabbix agent",
            "name": "Linux",
            "last_synced": first,
        },
        {"templateid": "10002", "host": "ICMP Ping", "name": "ICMP Ping", "last_synced": first},
    ]
    with store.transaction() as connection:
        upsert(connection, zabbix_template, rows)
        upsert(
            connection,
            zabbix_template,
            [{"templateid": "10002", "host": "ICMP Ping", "name": "ICMP", "last_synced": first}],
        )
    with store.connect() as connection:
        result = connection.execute(select(zabbix_template).order_by("templateid")).all()
    assert [(r.templateid, r.name) for r in result] == [("10001", "Linux"), ("10002", "ICMP")]
    assert result[0].parents == [] and result[0].interface_type == "any"
    with pytest.raises(ValueError, match="same columns"), store.transaction() as connection:
        upsert(connection, zabbix_template, [rows[0], {"templateid": "3"}])


# --- errors ------------------------------------------------------------------------------------


def test_bad_urls_give_one_line_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as exc:
        StateStore("mysql://nbzbx:s3cret-pw@db/nbzbx")
    assert str(exc.value) == (
        "state store mysql://nbzbx:***@db/nbzbx: unsupported database 'mysql'"
        " (supported: sqlite, postgresql)"
    )
    state = StateStore("postgresql://nbzbx:s3cret-pw@db.example.com/nbzbx")  # connects lazily
    assert state.display_url == repr(state)[12:-2] == "postgresql://nbzbx:***@db.example.com/nbzbx"
    with pytest.raises(StoreError, match="not a database URL"):
        StateStore("state.db")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError) as exc:
        StateStore(f"sqlite:///{blocker}/sub/state.db")
    assert str(exc.value).startswith(f"state store sqlite:///{blocker}/sub/state.db: cannot create")
    assert "\n" not in str(exc.value)


def test_unopenable_sqlite_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "state.db").mkdir()  # a directory where the file should be
    state = StateStore(f"sqlite:///{tmp_path}/state.db")
    with pytest.raises(StoreError) as exc:
        state.ping()
    assert (
        str(exc.value) == f"state store sqlite:///{tmp_path}/state.db: unable to open database file"
    )


def test_upgrade_from_0001_adds_the_kept_journal_entries_and_keeps_the_data(
    tmp_path: Path,
) -> None:
    state = StateStore(f"sqlite:///{tmp_path}/old.db")
    with state.transaction() as connection:
        migrate.upgrade_connection(connection, "0001")
    assert state.schema_revision() == "0001"
    state.set_override("max_deletions", 5, by="test")
    assert "journal_pending" not in inspect(state.engine).get_table_names()
    state.upgrade()
    assert state.schema_revision() == head_revision()
    assert state.get_overrides() == {"max_deletions": 5}
    assert schema_diff(state) == []
    state.dispose()
