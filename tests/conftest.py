"""Fixtures shared by unit and integration tests.

Run by pytest-xdist with ``NBZBX_LAB_INSTANCES`` (e.g. ``2 3``), each worker talks to a lab
instance of its own: the n-th worker to the n-th instance. Set before the lab's ``services``
module is imported (none of the imports here does), since it reads ``NBZBX_LAB_INSTANCE`` once.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from receivers import SmtpReceiver, WebhookReceiver

from nbzbx_dagster.store import StateStore

_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1, ...
if _worker and (_instances := os.environ.get("NBZBX_LAB_INSTANCES", "").split()):
    _index = int(_worker.removeprefix("gw"))
    if _index >= len(_instances):
        raise RuntimeError(
            f"NBZBX_LAB_INSTANCES names {len(_instances)} lab instances: run -n {len(_instances)}"
        )
    os.environ["NBZBX_LAB_INSTANCE"] = _instances[_index]


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
