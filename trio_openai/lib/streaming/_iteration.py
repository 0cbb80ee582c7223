"""Small async-iteration tools shared by the stream helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

__all__ = ["aclose_all", "flatten"]

T = TypeVar("T")


async def flatten(batches: AsyncIterator[list[T]]) -> AsyncIterator[T]:
    """The items of ``batches``, one at a time (closing this does not close ``batches``)."""
    async for batch in batches:
        for item in batch:
            yield item


async def aclose_all(*iterators: object) -> None:
    """``await it.aclose()`` for each of ``iterators`` that is not ``None`` and has one, in order; every
    one is closed even if an earlier close fails."""
    if not iterators:
        return
    first, *rest = iterators
    try:
        aclose = getattr(first, "aclose", None)
        if aclose is not None:
            await aclose()
    finally:
        await aclose_all(*rest)
