"""Unit tests see none of the developer's NBZBX_* environment."""

import os

import pytest


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("NBZBX_"):
            monkeypatch.delenv(name)
