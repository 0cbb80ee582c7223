"""Pagination: the page kinds' exact requests, fetch-ahead bounds, early exits, errors at their page.

Page kinds the fake server lacks run on MockTransport (no sockets, so MockClock timing is exact);
cursor listings also run against the fake server on loopback. Every I/O test is under fail_after.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import trio
import trio.testing

from tests._helpers import make_client
from trio_openai import (
    AsyncConversationCursorPage,
    AsyncCursorPage,
    AsyncNextCursorPage,
    AsyncOpenAI,
    AsyncPage,
    AsyncPaginator,
    AsyncTokenPage,
    BaseModel,
    InternalServerError,
    NotFoundError,
)
from trio_openai._core._pagination import BasePage
from trio_openai.testing import MockRequest, MockResponse, open_fake_server


class Item(BaseModel):
    id: str
    object: str = "file"


# --------------------------------------------------------------------------- hand-written list methods


def list_files(client: AsyncOpenAI, **query: object) -> AsyncPaginator[Item, AsyncCursorPage[Item]]:
    headers: dict[str, str] = {}
    fail = query.pop("fail_page", None)
    if fail is not None:
        headers["X-Fake-Fail-Page"] = str(fail)
    return client._get_api_list(  # pyright: ignore[reportPrivateUsage]
        "/files", page=AsyncCursorPage[Item], query=query, options={"extra_headers": headers}
    )


def listing(client: AsyncOpenAI, page: type[BasePage[Any]], **query: object) -> AsyncPaginator[Item, Any]:
    return client._get_api_list("/things", page=page, query=query)  # pyright: ignore[reportPrivateUsage]


# --------------------------------------------------------------------------- mock servers


def numbered(n: int) -> list[dict[str, str]]:
    return [{"id": f"it_{i}"} for i in range(n)]


def cursor_server(
    total: int, size: int, *, has_more: bool | None = True
) -> Callable[[MockRequest], MockResponse]:
    """Items it_0..it_{total-1}, ``size`` a page, cursor ``after=<id>``."""

    def handle(request: MockRequest) -> MockResponse:
        after = request.query.get("after", [None])[0]
        start = 0 if after is None else int(after.removeprefix("it_")) + 1
        data = numbered(total)[start : start + size]
        body: dict[str, Any] = {"object": "list", "data": data}
        if has_more is not None:
            body["has_more"] = has_more and start + size < total
        return MockResponse(json=body)

    return handle


def endless_server(*, size: int = 3, delay: float = 0.0) -> Callable[[MockRequest], Awaitable[MockResponse]]:
    """Pages without end (cursor kind), each after ``delay`` seconds of trio time."""

    async def handle(request: MockRequest) -> MockResponse:
        await trio.sleep(delay)
        after = request.query.get("after", [None])[0]
        start = 0 if after is None else int(after.removeprefix("it_")) + 1
        data = [{"id": f"it_{i}"} for i in range(start, start + size)]
        return MockResponse(json={"object": "list", "data": data, "has_more": True})

    return handle


def queries(requests: list[MockRequest]) -> list[dict[str, list[str]]]:
    return [r.query for r in requests]


# --------------------------------------------------------------------------- the ways to walk a listing


async def walk_direct(p: AsyncPaginator[Item, Any]) -> list[str]:
    return [item.id async for item in p]


async def walk_pages(p: AsyncPaginator[Item, Any]) -> list[str]:
    return [item.id async for page in p.pages() for item in page.data]


async def walk_first_page(p: AsyncPaginator[Item, Any]) -> list[str]:
    page = await p
    out = [item.id for item in page.data]
    while page.has_next_page():
        page = await page.get_next_page()
        out += [item.id for item in page.data]
    return out


async def walk_from_first_page(p: AsyncPaginator[Item, Any]) -> list[str]:
    page = await p
    return [item.id async for later in page.iter_pages() for item in later.data]


async def walk_items_of_first_page(p: AsyncPaginator[Item, Any]) -> list[str]:
    return [item.id async for item in await p]


def walk_items(depth: int) -> Callable[[AsyncPaginator[Item, Any]], Awaitable[list[str]]]:
    async def walk(p: AsyncPaginator[Item, Any]) -> list[str]:
        async with p.open_items(prefetch=depth) as items:
            return [item.id async for item in items]

    return walk


def walk_open_pages(depth: int) -> Callable[[AsyncPaginator[Item, Any]], Awaitable[list[str]]]:
    async def walk(p: AsyncPaginator[Item, Any]) -> list[str]:
        async with p.open_pages(prefetch=depth) as pages:
            return [item.id async for page in pages for item in page.data]

    return walk


async def walk_collect(p: AsyncPaginator[Item, Any]) -> list[str]:
    return [item.id for item in await p.collect()]


WALKS = {
    "async-for": walk_direct,
    "pages": walk_pages,
    "await+get_next_page": walk_first_page,
    "page.iter_pages": walk_from_first_page,
    "async-for-page": walk_items_of_first_page,
    "open_items-0": walk_items(0),
    "open_items-1": walk_items(1),
    "open_items-3": walk_items(3),
    "open_pages-2": walk_open_pages(2),
    "collect": walk_collect,
}


@pytest.fixture(params=list(WALKS))
def walk(request: pytest.FixtureRequest) -> Callable[[AsyncPaginator[Item, Any]], Awaitable[list[str]]]:
    return WALKS[request.param]


# --------------------------------------------------------------------------- page kinds: exact requests


async def test_cursor_page_asks_after_the_last_id_and_keeps_the_query(walk: Any) -> None:
    client, transport = make_client(cursor_server(7, 3))
    with trio.fail_after(5):
        ids = await walk(listing(client, AsyncCursorPage[Item], limit=3, order="asc"))
    assert ids == [f"it_{i}" for i in range(7)]
    assert [r.path for r in transport.requests] == ["/v1/things"] * 3
    assert queries(transport.requests) == [
        {"limit": ["3"], "order": ["asc"]},
        {"limit": ["3"], "order": ["asc"], "after": ["it_2"]},
        {"limit": ["3"], "order": ["asc"], "after": ["it_5"]},
    ]


async def test_cursor_page_without_has_more_goes_on_until_an_empty_page(walk: Any) -> None:
    client, transport = make_client(cursor_server(4, 2, has_more=None))
    with trio.fail_after(5):
        ids = await walk(listing(client, AsyncCursorPage[Item], limit=2))
    assert ids == ["it_0", "it_1", "it_2", "it_3"]
    assert [q.get("after") for q in queries(transport.requests)] == [None, ["it_1"], ["it_3"]]


async def test_cursor_page_stops_at_an_empty_page_even_if_has_more(walk: Any) -> None:
    client, transport = make_client(lambda _r: MockResponse(json={"data": [], "has_more": True}))
    with trio.fail_after(5):
        assert await walk(listing(client, AsyncCursorPage[Item])) == []
    assert len(transport.requests) == 1


async def test_conversation_cursor_page_asks_after_last_id(walk: Any) -> None:
    pages = {
        None: {"data": numbered(2), "has_more": True, "last_id": "it_1"},
        "it_1": {"data": [{"id": "it_2"}], "has_more": True, "last_id": None},  # no cursor: stop
    }

    def handle(request: MockRequest) -> MockResponse:
        return MockResponse(json=pages[request.query.get("after", [None])[0]])

    client, transport = make_client(handle)
    with trio.fail_after(5):
        ids = await walk(listing(client, AsyncConversationCursorPage[Item], limit=2))
    assert ids == ["it_0", "it_1", "it_2"]
    assert queries(transport.requests) == [{"limit": ["2"]}, {"limit": ["2"], "after": ["it_1"]}]


async def test_next_cursor_page_asks_after_next_and_stops_without_one(walk: Any) -> None:
    pages = {
        None: {"data": numbered(1), "has_more": True, "next": "cur_a"},
        "cur_a": {"data": [{"id": "it_1"}], "has_more": True, "next": "cur_b"},
        "cur_b": {"data": [{"id": "it_2"}], "has_more": True, "next": None},
    }

    def handle(request: MockRequest) -> MockResponse:
        return MockResponse(json=pages[request.query.get("after", [None])[0]])

    client, transport = make_client(handle)
    with trio.fail_after(5):
        ids = await walk(listing(client, AsyncNextCursorPage[Item], q="x"))
    assert ids == ["it_0", "it_1", "it_2"]
    assert queries(transport.requests) == [
        {"q": ["x"]},
        {"q": ["x"], "after": ["cur_a"]},
        {"q": ["x"], "after": ["cur_b"]},
    ]


async def test_token_page_asks_for_page_next_and_stops_when_has_more_is_false(walk: Any) -> None:
    pages = {
        None: {"data": numbered(1), "has_more": True, "next": "tok1"},
        "tok1": {"data": [{"id": "it_1"}], "has_more": False, "next": "tok2"},  # has_more wins
    }

    def handle(request: MockRequest) -> MockResponse:
        return MockResponse(json=pages[request.query.get("page", [None])[0]])

    client, transport = make_client(handle)
    with trio.fail_after(5):
        ids = await walk(listing(client, AsyncTokenPage[Item], limit=1))
    assert ids == ["it_0", "it_1"]
    assert queries(transport.requests) == [{"limit": ["1"]}, {"limit": ["1"], "page": ["tok1"]}]


async def test_single_page_is_one_request(walk: Any) -> None:
    client, transport = make_client(lambda _r: MockResponse(json={"object": "list", "data": numbered(3)}))
    with trio.fail_after(5):
        assert await walk(listing(client, AsyncPage[Item])) == ["it_0", "it_1", "it_2"]
    assert len(transport.requests) == 1


async def test_first_page_by_await_and_no_next_page_error() -> None:
    client, transport = make_client(cursor_server(2, 5))
    with trio.fail_after(5):
        page = await listing(client, AsyncCursorPage[Item], limit=5)
    assert [i.id for i in page.data] == ["it_0", "it_1"] and not page.has_next_page()
    with pytest.raises(RuntimeError, match="No next page"):
        await page.get_next_page()
    assert len(transport.requests) == 1


# --------------------------------------------------------------------------- fetch-ahead


async def test_fetch_ahead_overlaps_the_callers_work(autojump_clock: trio.testing.MockClock) -> None:
    """5 pages of 1 s each, 1 s of caller work per page: 10 s one after the other, 6 s fetched ahead."""

    async def timed(depth: int | None) -> float:
        client, _ = make_client(cursor_server_slow(5, 1.0))
        start = trio.current_time()
        p = listing(client, AsyncCursorPage[Item], limit=2)
        if depth is None:
            async for _page in p.pages():
                await trio.sleep(1.0)
        else:
            async with p.open_pages(prefetch=depth) as pages:
                async for _page in pages:
                    await trio.sleep(1.0)
        return trio.current_time() - start

    with trio.fail_after(100):
        assert await timed(None) == pytest.approx(10.0)
        assert await timed(0) == pytest.approx(10.0)
        assert await timed(1) == pytest.approx(6.0)
        assert await timed(3) == pytest.approx(6.0)


def cursor_server_slow(pages: int, delay: float) -> Callable[[MockRequest], Awaitable[MockResponse]]:
    plain = cursor_server(2 * pages, 2)

    async def handle(request: MockRequest) -> MockResponse:
        await trio.sleep(delay)
        return plain(request)

    return handle


@pytest.mark.parametrize("depth", [0, 1, 2, 5])
async def test_break_stops_after_at_most_depth_extra_pages(
    depth: int, autojump_clock: trio.testing.MockClock
) -> None:
    client, transport = make_client(endless_server(delay=0.1))
    with trio.fail_after(100):
        async with listing(client, AsyncCursorPage[Item]).open_items(prefetch=depth) as items:
            async for item in items:
                assert item.id == "it_0"
                await trio.sleep(10)  # ample time for the fetch-ahead to do all it may
                break
        assert len(transport.requests) == 1 + depth
        await trio.sleep(10)
    assert len(transport.requests) == 1 + depth  # nothing went on after the block


@pytest.mark.parametrize("how", ["walk", "ahead", "open_items", "page"])
async def test_a_deadline_stops_a_consumer_that_never_awaits_at_the_next_page(
    how: str, autojump_clock: trio.testing.MockClock
) -> None:
    # Items of a page in memory come without a checkpoint; every page boundary is one, so a deadline
    # stops even a loop body that never awaits, with whole pages delivered, and the client is healthy.
    client, _ = make_client(endless_server(size=4, delay=1.0))
    seen: list[str] = []
    with trio.fail_after(100):
        with trio.move_on_after(3.5) as scope:
            if how == "walk":  # without `async with client`: page by page
                async for item in listing(client, AsyncCursorPage[Item]):
                    seen.append(item.id)
            elif how == "page":
                async for item in await listing(client, AsyncCursorPage[Item]):
                    seen.append(item.id)
            elif how == "open_items":
                async with listing(client, AsyncCursorPage[Item]).open_items(prefetch=1) as items:
                    async for item in items:
                        seen.append(item.id)
            else:
                async with client:
                    async for item in listing(client, AsyncCursorPage[Item]):
                        seen.append(item.id)
        assert scope.cancelled_caught
        assert seen == [f"it_{i}" for i in range(len(seen))] and len(seen) % 4 == 0
        assert 8 <= len(seen) <= 16
        if how != "ahead":
            page = await listing(client, AsyncCursorPage[Item], limit=4)
            assert len(page.data) == 4


async def test_break_out_of_plain_async_for_fetches_nothing_more(
    autojump_clock: trio.testing.MockClock,
) -> None:
    client, transport = make_client(endless_server(delay=0.1))
    with trio.fail_after(100):
        async for _item in listing(client, AsyncCursorPage[Item]):
            await trio.sleep(10)
            break
        await trio.sleep(10)
    assert len(transport.requests) == 1


async def test_an_error_in_the_callers_loop_comes_out_as_itself(
    autojump_clock: trio.testing.MockClock,
) -> None:
    client, transport = make_client(endless_server(delay=0.1))
    with trio.fail_after(100):
        with pytest.raises(ValueError, match="caller's own") as info:
            async with listing(client, AsyncCursorPage[Item]).open_items(prefetch=2) as items:
                async for item in items:
                    if item.id == "it_4":
                        raise ValueError("the caller's own error")
    assert not isinstance(info.value, BaseExceptionGroup)
    assert len(transport.requests) <= 2 + 2  # at page 2, at most 2 pages ahead


async def test_aclose_stops_the_stream(autojump_clock: trio.testing.MockClock) -> None:
    client, transport = make_client(endless_server(delay=0.1))
    with trio.fail_after(100):
        async with listing(client, AsyncCursorPage[Item]).open_pages(prefetch=1) as pages:
            first = await pages.__anext__()
            await pages.aclose()
            assert [p async for p in pages] == []
            await trio.sleep(10)
    assert first.data[0].id == "it_0"
    assert len(transport.requests) <= 2


async def test_collect_max_items_stops_early(autojump_clock: trio.testing.MockClock) -> None:
    client, transport = make_client(endless_server(size=3, delay=0.1))
    with trio.fail_after(100):
        got = await listing(client, AsyncCursorPage[Item]).collect(max_items=7, prefetch=1)
    assert [i.id for i in got] == [f"it_{i}" for i in range(7)]
    assert len(transport.requests) <= 3 + 1
    client2, transport2 = make_client(endless_server())
    with trio.fail_after(10):
        assert await listing(client2, AsyncCursorPage[Item]).collect(max_items=0) == []
    assert transport2.requests == []


async def test_negative_depth_is_refused() -> None:
    client, _ = make_client(endless_server())
    with pytest.raises(ValueError, match="prefetch"):
        async with listing(client, AsyncCursorPage[Item]).open_pages(prefetch=-1):
            pass  # pragma: no cover


# --------------------------------------------------------------------------- against the fake server


async def test_every_file_across_pages_with_the_original_query() -> None:
    async with open_fake_server(files=250) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.fail_after(20):
                async with list_files(client, limit=100, order="asc").open_items() as items:
                    ids = [item.id async for item in items]
            assert ids == [f"file-fake{i:06d}" for i in range(1, 251)]
            sent = server.requests_to("GET", "/files")
            assert [
                (r.query_value("limit"), r.query_value("order"), r.query_value("after")) for r in sent
            ] == [
                ("100", "asc", None),
                ("100", "asc", "file-fake000100"),
                ("100", "asc", "file-fake000200"),
            ]


@pytest.mark.parametrize("depth", [0, 1, 3])
async def test_a_failed_page_raises_its_class_after_the_pages_before_it(depth: int) -> None:
    async with open_fake_server(files=100, page_delay=0.01) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url, max_retries=0) as client:
            seen: list[str] = []
            with trio.fail_after(20):
                with pytest.raises(NotFoundError) as info:
                    async with list_files(client, limit=10, fail_page="3; status=404").open_items(
                        prefetch=depth
                    ) as items:
                        async for item in items:
                            await trio.sleep(0.001)  # the caller's work is not cut short by the failure ahead
                            seen.append(item.id)
            assert not isinstance(info.value, BaseExceptionGroup)
            assert len(seen) == 20
            assert len(server.requests_to("GET", "/files")) == 3  # nothing after the failed page


async def test_a_failed_page_in_plain_async_for_and_a_retried_page() -> None:
    async with open_fake_server(files=30) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url, max_retries=0) as client:
            seen: list[str] = []
            with trio.fail_after(20):
                with pytest.raises(InternalServerError):
                    async for item in list_files(client, limit=10, fail_page=2):
                        seen.append(item.id)
            assert len(seen) == 10
        retrying = AsyncOpenAI(api_key="sk-x", base_url=server.base_url, max_retries=2)
        async with retrying:
            with trio.fail_after(20):
                got = await list_files(retrying, limit=10, fail_page="3; status=503; times=1").collect()
            assert len(got) == 30


async def test_cancelling_mid_iteration_leaves_the_client_healthy() -> None:
    async with open_fake_server(files=1000, page_delay=0.05) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            seen = 0
            with trio.fail_after(20):
                with trio.CancelScope() as scope:
                    async with list_files(client, limit=10).open_items(prefetch=2) as items:
                        async for _item in items:
                            seen += 1
                            if seen == 25:
                                await trio.sleep(0.01)  # page 4 is on the wire now
                                scope.cancel()
                # Items of a page in memory come without a checkpoint (like a list's); the next
                # checkpoint, waiting for page 4, raises: the rest of page 3, nothing of page 4.
                assert scope.cancelled_caught and seen == 30
                assert len(server.requests_to("GET", "/files")) == 4
                await server.wait_for_stats(lambda s: s.client_disconnects >= 1)  # page 4 was abandoned
                stats = client.statistics()
                assert stats.in_flight == 0
                assert stats.pool is not None and stats.pool.active_connections == 0
                with trio.move_on_after(0.08):  # a cancel scope around a plain async for
                    async for _item in list_files(client, limit=10):
                        pass
                # The page fetched ahead (in the client's nursery) is cancelled as the iteration is
                # dropped; it lets its connection go as soon as it next runs.
                for _ in range(1000):  # at most a second
                    if not (client.statistics().pool or stats.pool).active_connections:
                        break
                    await trio.sleep(0.001)
                pool = client.statistics().pool
                assert pool is not None and pool.active_connections == 0
                assert client.statistics().in_flight == 0
                # and it still works
                page = await list_files(client, limit=5)
                assert len(page.data) == 5


async def test_paginators_iterate_many_times_and_are_lazy() -> None:
    client, transport = make_client(cursor_server(3, 2))
    p = listing(client, AsyncCursorPage[Item], limit=2)
    assert transport.requests == []
    with trio.fail_after(5):
        assert await walk_direct(p) == await walk_items(1)(p)
    assert len(transport.requests) == 4
    assert "GET /things" in repr(p)


async def test_the_sync_bridge_contract_pages_are_async_iterators_with_aclose() -> None:
    client, _ = make_client(cursor_server(3, 2))
    async with listing(client, AsyncCursorPage[Item]).open_pages() as pages:
        assert isinstance(pages, AsyncIterator)
        with trio.fail_after(5):
            assert len((await pages.__anext__()).data) == 2
        await pages.aclose()
    assert math.isfinite(trio.current_time())
