"""Fetching the pages of a listing ahead of the caller, in a task an ``async with`` block bounds.

One producer task walks the listing page by page. It may start fetching page ``n`` only once the
caller has asked for page ``n - depth`` (a credit per ask, ``depth`` credits to begin with), so a
caller holding page ``k`` has at most pages ``k + 1 .. k + depth`` requested, and leaving the block
cancels whatever is still in flight. Every page and the error that ended the walk travel to the
caller as outcomes, in order: the producer itself never raises, so the caller's code is never
cancelled by a failure it has not reached yet.
"""

from __future__ import annotations

import functools
import math
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar

import outcome
import trio

from ._groups import unwrap_single
from ._walk import FirstPage, ItemStream, NextPage

__all__ = ["PageStream", "open_item_stream", "open_page_stream"]

T = TypeVar("T")
PageT = TypeVar("PageT")


class PageStream(Generic[PageT]):
    """The pages of a listing, in order, while its ``open_pages`` block is active.

    An async iterator (``async for page in pages``) with ``aclose()``; a failed page raises its own
    error class when the iteration reaches it, after every page before it was delivered.
    """

    __slots__ = ("_asked", "_credits", "_receive")

    def __init__(
        self, receive: trio.MemoryReceiveChannel[outcome.Outcome[PageT]], credits: trio.Semaphore
    ) -> None:
        self._receive = receive
        self._credits = credits
        self._asked = False

    def __aiter__(self) -> PageStream[PageT]:
        return self

    async def __anext__(self) -> PageT:
        if not self._asked:  # one credit per page asked for, even if this wait gets cancelled
            self._asked = True
            self._credits.release()
        try:
            result = await self._receive.receive()
        except (trio.EndOfChannel, trio.ClosedResourceError):
            raise StopAsyncIteration from None
        self._asked = False
        return result.unwrap()

    async def aclose(self) -> None:
        """Stop early: no further page is requested (the block's end cancels one in flight)."""
        self._receive.close()
        await trio.lowlevel.checkpoint()


async def _produce(
    first: FirstPage[PageT],
    after: NextPage[PageT],
    send: trio.MemorySendChannel[outcome.Outcome[PageT]],
    credits: trio.Semaphore,
) -> None:
    fetch: Callable[[], Awaitable[PageT | None]] = first
    with send:
        while True:
            await credits.acquire()
            try:
                page = await fetch()
            except Exception as exc:
                _deliver(send, outcome.Error(exc))
                return
            if page is None or not _deliver(send, outcome.Value(page)):
                return
            fetch = functools.partial(after, page)


def _deliver(send: trio.MemorySendChannel[T], value: T) -> bool:
    """Hand a result to the caller; ``False`` once the caller has stopped listening."""
    try:
        send.send_nowait(value)  # never blocks: the credits bound what can be waiting
    except trio.BrokenResourceError:
        return False
    return True


@asynccontextmanager
async def open_page_stream(
    first: FirstPage[PageT], after: NextPage[PageT], *, depth: int
) -> AsyncGenerator[PageStream[PageT]]:
    """Walk a listing with up to ``depth`` pages fetched ahead (0: each page when asked for)."""
    if depth < 0:
        raise ValueError(f"prefetch depth must be >= 0, not {depth}")
    send, receive = trio.open_memory_channel[outcome.Outcome[PageT]](math.inf)
    credits = trio.Semaphore(depth)
    with unwrap_single():
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_produce, first, after, send, credits)
            with receive:
                yield PageStream(receive, credits)
            nursery.cancel_scope.cancel()


@asynccontextmanager
async def open_item_stream(
    first: FirstPage[PageT], after: NextPage[PageT], *, depth: int
) -> AsyncGenerator[ItemStream[Any]]:
    """The items of the pages ``open_page_stream`` walks."""
    async with open_page_stream(first, after, depth=depth) as pages:
        yield ItemStream(pages)
