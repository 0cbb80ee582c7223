"""Pages of list results and the paginator that list methods return.

Page kinds (the official SDK's names): ``AsyncPage`` never paginates; ``AsyncCursorPage`` asks for
``after=<last item id>``; ``AsyncConversationCursorPage`` for ``after=<last_id>``;
``AsyncNextCursorPage`` for ``after=<next>``; ``AsyncTokenPage`` for ``page=<next>``. A listing stops
when there is no next cursor, whatever ``has_more`` says.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import trio

from ..types._base import BaseModel
from ._fetch_ahead import PageStream, Spawner, open_item_stream, open_page_stream, walk_pages
from ._request import ResponseMode
from ._walk import ItemStream, PageWalk

if TYPE_CHECKING:
    from ._request import Call

__all__ = [
    "AsyncConversationCursorPage",
    "AsyncCursorPage",
    "AsyncNextCursorPage",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncTokenPage",
    "BasePage",
    "ItemStream",
    "PageInfo",
    "PageStream",
    "PageWalk",
]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT", bound="BasePage[Any]")

#: How a page fetches the page after it: given the query to add, returns the next page.
FetchPage = Callable[[dict[str, object]], Awaitable[Any]]


class PageInfo:
    """What fetches the next page (the official SDK's ``next_page_info()`` result): the query
    parameters to add to the listing's request. ``url`` and ``json`` are ``None``: every listing of the
    API pages through its query."""

    __slots__ = ("params",)

    url: ClassVar[None] = None
    json: ClassVar[None] = None
    params: dict[str, object]
    """The query parameters to add to the listing's request."""

    def __init__(self, *, params: dict[str, object]) -> None:
        self.params: dict[str, object] = params

    def __repr__(self) -> str:
        return f"PageInfo(params={self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageInfo) and other.params == self.params

    __hash__: ClassVar[None] = None  # type: ignore[assignment]


class BasePage(BaseModel, Generic[ItemT], kw_only=True):
    """One page of a list result: its items (``data``) and how to fetch the pages after it."""

    data: list[ItemT] = []

    def next_page_info(self) -> PageInfo | None:
        """What fetches the next page, or ``None`` on the last page."""
        query = self.next_page_query() if self.data else None
        return None if query is None else PageInfo(params=query)

    def next_page_query(self) -> dict[str, object] | None:
        """The query parameters that fetch the next page, or ``None`` on the last page."""
        return None

    def has_next_page(self) -> bool:
        return bool(self.data) and self.next_page_query() is not None

    async def get_next_page(self: PageT) -> PageT:
        query = self.next_page_query()
        fetch: FetchPage | None = self.__dict__.get("_fetch")
        if query is None or not self.data or fetch is None:
            raise RuntimeError("No next page: check has_next_page() first.")
        return await fetch(query)

    def iter_pages(self: PageT) -> PageWalk[PageT]:
        """This page, then each following one as the caller asks for it."""

        async def first() -> PageT:
            await trio.lowlevel.checkpoint()
            return self

        async def after(page: PageT) -> PageT | None:
            return await page.get_next_page() if page.has_next_page() else None

        return PageWalk(first, after)

    def __aiter__(self) -> ItemStream[ItemT]:
        """Every item from this page on, across the following pages."""
        return ItemStream(self.iter_pages())


class AsyncPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A list that is never paginated (``{"object": "list", "data": [...]}``)."""

    object: str = "list"
    has_more: bool | None = None
    next_page: str | None = None
    search_query: list[str] | str | None = None


class AsyncCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A page of a cursor listing (``has_more`` and ids): the next page is ``after=<last item's id>``."""

    has_more: bool | None = None
    object: str | None = None
    first_id: str | None = None
    last_id: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.data:
            return None
        last_id = getattr(self.data[-1], "id", None)
        return None if last_id is None else {"after": last_id}


class AsyncConversationCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A page of a listing that names its own cursor (``last_id``): the next page is ``after=last_id``."""

    has_more: bool | None = None
    last_id: str | None = None
    first_id: str | None = None
    object: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.last_id:
            return None
        return {"after": self.last_id}


class AsyncNextCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A page of a listing whose response gives the next cursor (``next``): the next page is ``after=next``."""

    has_more: bool | None = None
    next: str | None = None
    object: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.next:
            return None
        return {"after": self.next}


class AsyncTokenPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A page of a listing with page tokens (``next``): the next page is ``page=next``."""

    has_more: bool | None = None
    next: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.next:
            return None
        return {"page": self.next}


class AsyncPaginator(Generic[ItemT, PageT]):
    """What a list method returns; nothing is requested until it is used.

    * ``page = await paginator``: the first page (``.data``, ``.has_next_page()``,
      ``await page.get_next_page()``).
    * ``async for item in paginator`` / ``async for page in paginator.pages()``: every item / page.
      With the client open as ``async with``, the page after the current one is fetched meanwhile in
      the client's nursery (at most one ahead; ``break`` cancels it at once; a failed page raises
      when the iteration reaches it). Without ``async with``, each page is fetched when the previous
      one is used up, with no background task.
    * ``async with paginator.open_items(prefetch=1) as items: async for item in items``: the same
      items with up to ``prefetch`` pages fetched ahead while the caller works, by a task that the
      block bounds (``open_pages`` for pages). Leaving the block, by ``break``, an error or a
      cancellation, cancels the page in flight; no page beyond those already requested is asked for.
    * ``await paginator.collect(max_items=...)``: a list of the items, fetched ahead.

    Every page repeats the original query with the next page's cursor added. A failed page raises
    its own error class when the iteration reaches it, after every page before it.
    """

    __slots__ = ("_call", "_fetch", "_spawner")

    def __init__(
        self,
        call: Call[Any],
        fetch: Callable[[Call[Any]], Awaitable[PageT]],
        spawner: Spawner | None = None,
    ) -> None:
        self._call = call
        self._fetch = fetch
        self._spawner = spawner

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._call.method} {self._call.path}>"

    def __await__(self) -> Generator[Any, None, PageT]:
        return self._fetch(self._call).__await__()

    async def _first(self) -> PageT:
        # Iterating walks parsed pages, even on a paginator a raw-response wrapper returned.
        return await self._fetch(self._call.in_mode(ResponseMode.PARSED))

    async def _after(self, page: PageT) -> PageT | None:
        query = page.next_page_query() if page.data else None
        if query is None:
            return None
        return await self._fetch(self._call.with_query(query))  # always a parsed call

    def pages(self) -> PageWalk[PageT]:
        """Every page in order. With the client open as ``async with``, the next page is fetched while
        the caller works on the current one (one ahead, cancelled when the iteration is dropped);
        otherwise each page is fetched when the caller asks for it."""
        return walk_pages(self._first, self._after, self._spawner)

    def __aiter__(self) -> ItemStream[ItemT]:
        return ItemStream(self.pages())

    def open_pages(self, *, prefetch: int = 1) -> AbstractAsyncContextManager[PageStream[PageT]]:
        """``async with`` it for the pages with up to ``prefetch`` of them fetched ahead."""
        return open_page_stream(self._first, self._after, depth=prefetch)

    def open_items(self, *, prefetch: int = 1) -> AbstractAsyncContextManager[ItemStream[ItemT]]:
        """``async with`` it for the items with up to ``prefetch`` pages fetched ahead."""
        return open_item_stream(self._first, self._after, depth=prefetch)

    async def collect(self, *, max_items: int | None = None, prefetch: int = 1) -> list[ItemT]:
        """Every item (or the first ``max_items``) in a list, pages fetched ahead as it goes."""
        out: list[ItemT] = []
        if max_items is not None and max_items <= 0:
            return out
        async with self.open_pages(prefetch=prefetch) as pages:
            async for page in pages:
                out.extend(page.data)
                if max_items is not None and len(out) >= max_items:
                    del out[max_items:]
                    break
        return out
