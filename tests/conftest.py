"""Fixtures shared by unit and integration tests."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from receivers import SmtpReceiver, WebhookReceiver

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


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    """An HTTP receiver on 127.0.0.1 recording the webhook POSTs."""
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """An SMTP receiver on 127.0.0.1 (aiosmtpd) recording the mails."""
    receiver = SmtpReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
