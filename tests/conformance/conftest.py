"""Fixtures shared by the conformance test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests._steady import run_steady


@pytest.fixture(scope="session")
def steady_url() -> Iterator[str]:
    """One Steady server for the whole session (see tests/_steady.py)."""
    with run_steady() as url:
        yield url
