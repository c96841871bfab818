"""Fixtures shared by unit and integration tests."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from nbzbx_dagster.store import StateStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    """A fresh, migrated SQLite state store."""
    state = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    state.upgrade()
    yield state
    state.dispose()


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A temporary Dagster instance."""
    with dg.instance_for_test() as temporary:
        yield temporary
