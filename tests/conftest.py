"""Fixtures for every test."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_proxy_variables_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients honour ``*_PROXY`` like httpx: tests that want one set it themselves (loopback only)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
