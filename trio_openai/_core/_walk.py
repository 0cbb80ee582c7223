"""Walking a listing without background tasks: pages fetched one at a time, items across pages.

These are plain classes rather than async generators on purpose: a caller that breaks out of
``async for`` leaves nothing suspended behind (no generator for the garbage collector to finalize,
no ResourceWarning), and a cancelled ``__anext__`` can simply be called again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

import trio

__all__ = ["FirstPage", "ItemStream", "NextPage", "PageSource", "PageWalk"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
PageT_co = TypeVar("PageT_co", covariant=True)

#: Fetch the first page.
FirstPage = Callable[[], Awaitable[PageT]]
#: Fetch the page after the given one, or ``None`` when it was the last.
NextPage = Callable[[PageT], Awaitable[PageT | None]]


class PageSource(Protocol[PageT_co]):
    """What ``ItemStream`` reads pages from: an async iterator of pages with ``aclose``."""

    async def __anext__(self) -> PageT_co: ...

    async def aclose(self) -> None: ...


class PageWalk(Generic[PageT]):
    """The pages of a listing, each fetched when the caller asks for it.

    A page that fails raises from ``__anext__``; asking again retries that same page.
    """

    __slots__ = ("_after", "_done", "_first", "_page")

    def __init__(self, first: FirstPage[PageT], after: NextPage[PageT]) -> None:
        self._first = first
        self._after = after
        self._page: PageT | None = None
        self._done = False

    def __aiter__(self) -> PageWalk[PageT]:
        return self

    async def __anext__(self) -> PageT:
        if self._done:
            await trio.lowlevel.checkpoint()
            raise StopAsyncIteration
        page = await self._first() if self._page is None else await self._after(self._page)
        if page is None:  # the last page said so without a fetch: the end is still a checkpoint
            self._done = True
            await trio.lowlevel.checkpoint()
            raise StopAsyncIteration
        self._page = page
        return page

    async def aclose(self) -> None:
        self._done = True
        await trio.lowlevel.checkpoint()


class ItemStream(Generic[ItemT]):
    """The items of a listing, page after page, from any :class:`PageSource`.

    Checkpoints once per page, not per item: asking for the first item of a page (and for the end)
    waits on the page source, which is a full checkpoint (a fetch, or waiting for the page fetched
    ahead, or a channel receive). The other items of a page are already in memory and are handed out
    like a list's, without a checkpoint. A deadline or a cancel from elsewhere can only take effect
    while the task is suspended, so it is delivered at the next checkpoint either way (the caller's
    own awaits, or the next page); only a ``cancel()`` the loop body calls itself and then keeps
    iterating without awaiting runs on to the end of the page. Leave the loop with ``break``.
    """

    __slots__ = ("_items", "_pages")

    def __init__(self, pages: PageSource[Any]) -> None:
        self._pages = pages
        self._items: Iterator[ItemT] = iter(())

    def __aiter__(self) -> ItemStream[ItemT]:
        return self

    async def __anext__(self) -> ItemT:
        for item in self._items:
            return item
        while True:
            page = await self._pages.__anext__()
            self._items = iter(page.data)
            for item in self._items:
                return item

    async def aclose(self) -> None:
        await self._pages.aclose()
