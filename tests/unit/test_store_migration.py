"""A state store written by the released single-server code (schema 0001), upgraded: nothing is
lost, and everything in it belongs to the server ``default``.

``data/store-0001.sql`` is a SQLite dump of a store that the released code (before several
servers) filled against the lab's Zabbix 7.0: an import, a full refresh, a maintenance window.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from nbzbx_dagster.store import StateStore
from nbzbx_dagster.store import tables as t
from nbzbx_dagster.store.migrate import head_revision

DUMP = Path(__file__).with_name("data") / "store-0001.sql"
CACHE = ("zabbix_template", "zabbix_template_group", "zabbix_host_group", "zabbix_proxy")


def released_rows(db: Path) -> dict[str, list[dict]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        names = [*CACHE, "zabbix_proxy_group", "host_config_status", "maintenance_window"]
        return {n: [dict(r) for r in conn.execute(f"SELECT * FROM {n}")] for n in names}


def same(new: Any, old: Any) -> bool:
    """A value read through the tables equals the released store's raw SQLite value."""
    if isinstance(new, dict | list):
        return new == json.loads(old)
    if isinstance(new, datetime):
        return new.replace(tzinfo=None) == datetime.fromisoformat(old)
    if isinstance(new, bool):
        return new == bool(old)
    return str(new) == str(old)


@pytest.fixture
def released(tmp_path: Path) -> Path:
    db = tmp_path / "released.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(DUMP.read_text(encoding="utf-8"))
    return db


def test_the_dump_is_a_released_store(released: Path) -> None:
    store = StateStore(f"sqlite:///{released}")
    assert store.schema_revision() == "0001"
    store.dispose()
    rows = released_rows(released)
    assert len(rows["zabbix_template"]) > 5 and len(rows["host_config_status"]) == 10
    assert len(rows["maintenance_window"]) == 1


def test_upgrade_keeps_everything_under_server_default(released: Path) -> None:
    before = released_rows(released)
    store = StateStore(f"sqlite:///{released}")
    store.upgrade()
    assert store.schema_revision() == head_revision()
    with store.connect() as conn:
        for name in (*CACHE, "zabbix_proxy_group", "host_config_status"):
            table = t.metadata.tables[name]
            after = [dict(r) for r in conn.execute(select(table)).mappings()]
            assert {r["server"] for r in after} <= {"default"}, name
            assert len(after) == len(before[name]), name
            key = next(c.name for c in table.primary_key.columns if c.name != "server")
            old = {str(r[key]): r for r in before[name]}
            for row in after:
                for column, value in old[str(row[key])].items():
                    assert same(row[column], value), (name, column, row[column], value)
        rows = conn.execute(select(t.host_config_status)).mappings()
        assert {r["partition_key"]: r["status"] for r in rows} == {
            r["partition_key"]: r["status"] for r in before["host_config_status"]
        }
        [window] = conn.execute(select(t.maintenance_window)).mappings()
        [part] = conn.execute(select(t.maintenance_part)).mappings()
        released_window = before["maintenance_window"][0]
        assert window["name"] == released_window["name"]
        assert (part["window_id"], part["server"], part["zabbix_maintenance_id"]) == (
            window["id"],
            "default",
            released_window["zabbix_maintenance_id"],
        )
        events = list(conn.execute(select(t.event_log)).mappings())
        assert events and all(e["server"] is None for e in events)
        # 0005: no template links known until the next import of templates
        links = conn.execute(
            select(t.zabbix_template.c.dependencies, t.zabbix_template.c.shared_item_keys)
        ).all()
        assert links and all(row == ([], []) for row in links)
    store.dispose()
