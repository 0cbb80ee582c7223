"""Pages of list results and the paginator that list methods return.

Page kinds (the official SDK's names): ``AsyncPage`` never paginates; ``AsyncCursorPage`` asks for
``after=<last item id>``; ``AsyncConversationCursorPage`` for ``after=<last_id>``;
``AsyncNextCursorPage`` for ``after=<next>``; ``AsyncTokenPage`` for ``page=<next>``. A listing stops
when there is no next cursor, whatever ``has_more`` says.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..types._base import BaseModel

if TYPE_CHECKING:
    from ._pipeline import Call

__all__ = [
    "AsyncConversationCursorPage",
    "AsyncCursorPage",
    "AsyncNextCursorPage",
    "AsyncPage",
    "AsyncPaginator",
    "AsyncTokenPage",
    "BasePage",
]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT", bound="BasePage[Any]")

#: How a page fetches the page after it: given the query to add, returns the next page.
FetchPage = Callable[[dict[str, object]], Awaitable[Any]]


class BasePage(BaseModel, Generic[ItemT], kw_only=True):
    data: list[ItemT] = []

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

    async def iter_pages(self: PageT) -> AsyncIterator[PageT]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    """A list that is never paginated (``{"object": "list", "data": [...]}``)."""

    object: str = "list"


class AsyncCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    has_more: bool | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.data:
            return None
        last_id = getattr(self.data[-1], "id", None)
        return None if last_id is None else {"after": last_id}


class AsyncConversationCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    has_more: bool | None = None
    last_id: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.last_id:
            return None
        return {"after": self.last_id}


class AsyncNextCursorPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    has_more: bool | None = None
    next: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.next:
            return None
        return {"after": self.next}


class AsyncTokenPage(BasePage[ItemT], Generic[ItemT], kw_only=True):
    has_more: bool | None = None
    next: str | None = None

    def next_page_query(self) -> dict[str, object] | None:
        if self.has_more is False or not self.next:
            return None
        return {"page": self.next}


class AsyncPaginator(Generic[ItemT, PageT]):
    """What a list method returns. ``await`` it for the first page; ``async for`` it for every item
    across pages."""

    __slots__ = ("_call", "_fetch_first")

    def __init__(self, call: Call[Any], fetch: Callable[[Call[Any]], Awaitable[PageT]]) -> None:
        self._call = call
        self._fetch_first = fetch

    def __await__(self) -> Generator[Any, None, PageT]:
        return self._fetch_first(self._call).__await__()

    async def pages(self) -> AsyncIterator[PageT]:
        page = await self._fetch_first(self._call)
        async for p in page.iter_pages():
            yield p

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for page in self.pages():
            for item in page.data:
                yield item

    async def collect(self, *, max_items: int | None = None) -> list[ItemT]:
        """Every item (or the first ``max_items``) in a list."""
        out: list[ItemT] = []
        if max_items is not None and max_items <= 0:
            return out
        async for page in self.pages():
            for item in page.data:
                out.append(item)
                if max_items is not None and len(out) >= max_items:
                    return out
        return out
