"""Small async-iteration tools shared by the stream helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

__all__ = ["MAX_BATCH", "aclose_all", "flatten", "sliced"]

T = TypeVar("T")

#: The most items of one network read handled at once when a helper hands out events in lists. Each
#: chat event carries its own snapshot of the completion so far, so a list of events from a whole
#: large read would hold that many snapshots at once; slices keep that bounded.
MAX_BATCH = 64


async def flatten(batches: AsyncIterator[list[T]]) -> AsyncIterator[T]:
    """The items of ``batches``, one at a time (closing this does not close ``batches``)."""
    async for batch in batches:
        for item in batch:
            yield item


async def sliced(batches: AsyncIterator[list[T]], size: int = MAX_BATCH) -> AsyncIterator[list[T]]:
    """``batches`` cut into lists of at most ``size`` items; closing this closes ``batches``."""
    try:
        async for batch in batches:
            if len(batch) <= size:
                yield batch
            else:
                for start in range(0, len(batch), size):
                    yield batch[start : start + size]
    finally:
        await aclose_all(batches)


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
