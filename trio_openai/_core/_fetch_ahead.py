"""Fetching the pages of a listing ahead of the caller, in a task an ``async with`` block bounds.

One producer task walks the listing page by page. It may start fetching page ``n`` only once the
caller has asked for page ``n - depth`` (a credit per ask, ``depth`` credits to begin with), so a
caller holding page ``k`` has at most pages ``k + 1 .. k + depth`` requested, and leaving the block
cancels whatever is still in flight. Every page and the error that ended the walk travel to the
caller as outcomes, in order: the producer itself never raises, so the caller's code is never
cancelled by a failure it has not reached yet.

Plain iteration (``async for item in client.files.list()``) fetches one page ahead too when the client
is open as ``async with``: :class:`AheadWalk` runs each fetch in the client's nursery, cancels it as soon
as the iteration is dropped or closed, and hands errors over when the caller asks for that page.
"""

from __future__ import annotations

import functools
import math
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Generic, Protocol, TypeVar

import outcome
import trio

from ._groups import unwrap_single
from ._walk import FirstPage, ItemStream, NextPage, PageWalk

__all__ = ["AheadWalk", "PageStream", "Spawner", "open_item_stream", "open_page_stream", "walk_pages"]

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


# --- fetch-ahead for plain iteration, in a nursery the client owns --------------------------------------


class Spawner(Protocol):
    """Where plain iteration may run its fetch-ahead: the client's lifetime, whose ``nursery`` is open
    while the client is used as ``async with`` (``None`` otherwise: pages are fetched when asked)."""

    @property
    def nursery(self) -> trio.Nursery | None: ...


class _Pending(Generic[PageT]):
    """One page being fetched ahead. The background task holds this, never the walk, so dropping the
    walk (an abandoned iteration) frees it at once and its ``__del__`` cancels the fetch."""

    __slots__ = ("done", "result", "scope")

    def __init__(self) -> None:
        self.scope = trio.CancelScope()
        self.done = trio.Event()
        self.result: outcome.Outcome[PageT | None] | None = None


async def _fetch_ahead(pending: _Pending[PageT], after: NextPage[PageT], page: PageT) -> None:
    """Fetch the page after ``page``. Never raises: an error travels to the caller as an outcome."""
    try:
        with pending.scope:
            try:
                pending.result = outcome.Value(await after(page))
            except Exception as exc:
                pending.result = outcome.Error(exc)
    finally:
        if pending.result is None:  # cancelled: the walk was dropped, or the client is closing
            pending.result = outcome.Error(
                RuntimeError("The page was not fetched: its client was closed while fetching it.")
            )
        pending.done.set()


class AheadWalk(PageWalk[PageT]):
    """The pages of a listing with the next one fetched while the caller works on the current one
    (at most one ahead), in the client's nursery.

    A failed page raises its own error when the caller asks for that page, never in the nursery;
    asking again fetches it again. A cancelled ``__anext__`` can be called again (the fetch goes on).
    Dropping the walk (``break`` out of ``async for``) or ``aclose()`` cancels the fetch at once.
    """

    __slots__ = ("__weakref__", "_pending", "_spawner", "_token")

    def __init__(self, first: FirstPage[PageT], after: NextPage[PageT], spawner: Spawner) -> None:
        super().__init__(first, after)
        self._spawner = spawner
        self._pending: _Pending[PageT] | None = None
        self._token = trio.lowlevel.current_trio_token()

    def __aiter__(self) -> AheadWalk[PageT]:
        return self

    async def __anext__(self) -> PageT:
        if self._done:
            await trio.lowlevel.checkpoint()
            raise StopAsyncIteration
        pending = self._pending
        if pending is not None:
            await pending.done.wait()
            self._pending = None
            assert pending.result is not None
            page = pending.result.unwrap()
        elif self._page is None:
            page = await self._first()
        else:
            page = await self._after(self._page)
        if page is None:
            self._done = True
            await trio.lowlevel.checkpoint()  # the end is a checkpoint, like every page
            raise StopAsyncIteration
        self._page = page
        self._ahead(page)
        return page

    def _ahead(self, page: PageT) -> None:
        has_next = getattr(page, "has_next_page", None)
        if callable(has_next) and not has_next():
            self._done = True  # the last page: nothing to fetch, the next ask ends the walk
            return
        nursery = self._spawner.nursery
        if nursery is None:  # the client is closing: fetch when asked, as without fetch-ahead
            return
        pending = _Pending[PageT]()
        nursery.start_soon(_fetch_ahead, pending, self._after, page)
        self._pending = pending

    async def aclose(self) -> None:
        self._done = True
        self._cancel()
        await trio.lowlevel.checkpoint()

    def _cancel(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and not pending.done.is_set():
            pending.scope.cancel()

    def cancel_soon(self) -> None:
        """End the walk from any thread (a blocking caller's), without waiting: the fetch in flight is
        cancelled in the trio thread."""
        self._done = True
        pending = self._pending
        if pending is None or pending.done.is_set():
            return
        try:
            self._token.run_sync_soon(pending.scope.cancel)
        except trio.RunFinishedError:
            pass

    def __del__(self) -> None:  # may run in any thread: hand the cancel to the trio thread
        if getattr(self, "_pending", None) is not None:
            self.cancel_soon()


def walk_pages(first: FirstPage[PageT], after: NextPage[PageT], spawner: Spawner | None) -> PageWalk[PageT]:
    """Plain iteration's pages: fetched one ahead when the client owns an open nursery, else one at a
    time when asked for (:class:`~._walk.PageWalk`)."""
    if spawner is not None and spawner.nursery is not None:
        return AheadWalk(first, after, spawner)
    return PageWalk(first, after)
