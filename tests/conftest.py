"""Fixtures shared by the conformance test modules."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests._steady import run_steady


@pytest.fixture(scope="session")
def steady_url() -> Iterator[str]:
    """One Steady server for the whole session (see tests/_steady.py)."""
    with run_steady() as url:
        yield url


@pytest.fixture(autouse=True)
def _no_proxy_variables_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients honour ``*_PROXY`` like httpx: tests that want one set it themselves (loopback only)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
