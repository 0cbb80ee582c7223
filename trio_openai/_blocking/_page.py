"""Pages of list results for the blocking client.

A list method of the blocking client fetches the first page at once (as the official sync SDK does)
and returns a `SyncBasePage` around the async page Struct. Items of a page are plain data, so
iterating runs in the calling thread; only fetching the next page goes through the portal, one call
per page. With the client open as ``with OpenAI() as client:``, iteration fetches the next page in
the portal while the caller works on the current one (the async client's fetch-ahead, one page
ahead); otherwise each page is fetched when the iteration gets there. A `break` stops the fetching.

The official SDK's names are generic aliases: `SyncCursorPage[FileObject]` is
`SyncBasePage[FileObject, AsyncCursorPage[FileObject]]`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._core._fetch_ahead import AheadWalk
from .._core._pagination import (
    AsyncConversationCursorPage,
    AsyncCursorPage,
    AsyncNextCursorPage,
    AsyncPage,
    AsyncTokenPage,
    BasePage,
    PageInfo,
)
from .._core._walk import PageWalk

if TYPE_CHECKING:
    from ._interfaces import BlockingClient

__all__ = [
    "SyncBasePage",
    "SyncConversationCursorPage",
    "SyncCursorPage",
    "SyncNextCursorPage",
    "SyncPage",
    "SyncTokenPage",
]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT", bound=BasePage[Any])


class SyncBasePage(Generic[ItemT, PageT]):
    """One page of a list, with blocking navigation.

    * ``page.data``: this page's items; ``page.page``: the page Struct itself (``has_more``,
      ``last_id``, ``object`` ...).
    * ``for item in page``: every item from this page on, fetching later pages as needed.
    * ``page.iter_pages()``, ``page.has_next_page()``, ``page.get_next_page()``.
    """

    __slots__ = ("_client", "page")

    def __init__(self, page: PageT, client: BlockingClient) -> None:
        self.page: PageT = page
        self._client = client

    @property
    def data(self) -> list[ItemT]:
        return self.page.data

    def has_next_page(self) -> bool:
        return self.page.has_next_page()

    def next_page_info(self) -> PageInfo | None:
        """What fetches the next page, or ``None`` on the last page."""
        return self.page.next_page_info()

    def next_page_query(self) -> dict[str, object] | None:
        """The query parameters that fetch the next page, or ``None`` on the last page."""
        return self.page.next_page_query()

    def get_next_page(self) -> SyncBasePage[ItemT, PageT]:
        """Fetch the next page (raises ``RuntimeError`` on the last page: check ``has_next_page()``)."""
        return SyncBasePage(self._client._call(self.page.get_next_page), self._client)

    def iter_pages(self) -> Iterator[SyncBasePage[ItemT, PageT]]:
        """This page and every page after it: fetched one ahead in the portal while the client is open
        as ``with``, else each when the iteration reaches it."""
        if self._client._fetch_ahead:
            return self._iter_ahead()
        return self._iter_serial()

    def _iter_ahead(self) -> Iterator[SyncBasePage[ItemT, PageT]]:
        client = self._client
        first = self.page

        async def first_page() -> PageT:
            return first

        async def start() -> PageWalk[PageT]:
            spawner = await client._ahead_spawner()
            if spawner is None:
                return PageWalk(first_page, _next_page)
            return AheadWalk(first_page, _next_page, spawner)

        async def step(walk: PageWalk[PageT]) -> PageT | None:
            try:
                return await walk.__anext__()
            except StopAsyncIteration:
                return None

        walk = client._call(start)
        try:
            while (page := client._call(step, walk)) is not None:
                yield self if page is first else SyncBasePage(page, client)
        finally:
            if isinstance(walk, AheadWalk):
                walk.cancel_soon()  # from any thread, without waiting: the fetch in flight stops

    def _iter_serial(self) -> Iterator[SyncBasePage[ItemT, PageT]]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {type(self.page).__name__} with {len(self.data)} items>"


async def _next_page(page: PageT) -> PageT | None:
    return await page.get_next_page() if page.has_next_page() else None


SyncPage = SyncBasePage[ItemT, AsyncPage[ItemT]]
SyncCursorPage = SyncBasePage[ItemT, AsyncCursorPage[ItemT]]
SyncConversationCursorPage = SyncBasePage[ItemT, AsyncConversationCursorPage[ItemT]]
SyncNextCursorPage = SyncBasePage[ItemT, AsyncNextCursorPage[ItemT]]
SyncTokenPage = SyncBasePage[ItemT, AsyncTokenPage[ItemT]]
