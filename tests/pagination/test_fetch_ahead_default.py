"""Plain iteration fetches one page ahead when the client is open as ``async with`` (issue 14).

Timing runs on MockTransport under the autojump clock (trio time, not wall time): a consumer that
spends as long on a page as the server takes to serve one takes about half the serial time.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest
import trio
import trio.testing

from tests._helpers import make_client
from trio_openai import AsyncCursorPage, AsyncOpenAI, AsyncPaginator, BaseModel, InternalServerError
from trio_openai.testing import MockRequest, MockResponse

PAGES = 10
SERVE = 1.0  # trio seconds the server takes per page
WORK = 1.0  # trio seconds the consumer spends per page


class Item(BaseModel):
    id: str


@pytest.fixture
def autojump_clock() -> trio.testing.MockClock:
    return trio.testing.MockClock(autojump_threshold=0)


class Server:
    """Pages of 3 items; ``it_{3*PAGES-1}`` is the last. Records starts, finishes and cancellations."""

    def __init__(self, *, fail_page: int | None = None) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.cancelled: list[int] = []
        self.fail_page = fail_page

    async def __call__(self, request: MockRequest) -> MockResponse:
        after = request.query.get("after", [None])[0]
        start = 0 if after is None else int(after.removeprefix("it_")) + 1
        page = start // 3
        self.started.append(page)
        try:
            await trio.sleep(SERVE)
        except trio.Cancelled:
            self.cancelled.append(page)
            raise
        self.finished.append(page)
        if page == self.fail_page:
            return MockResponse(
                status=500, json={"error": {"message": "page failed", "type": "server_error"}}
            )
        data = [{"id": f"it_{i}"} for i in range(start, start + 3)]
        return MockResponse(json={"object": "list", "data": data, "has_more": page < PAGES - 1})


def files(client: AsyncOpenAI) -> AsyncPaginator[Item, AsyncCursorPage[Item]]:
    return client._get_api_list("/files", page=AsyncCursorPage[Item])  # pyright: ignore[reportPrivateUsage]


async def consume(client: AsyncOpenAI) -> list[str]:
    seen: list[str] = []
    async for page in files(client).pages():
        seen += [item.id for item in page.data]
        await trio.sleep(WORK)
    return seen


async def test_plain_iteration_overlaps_fetching_and_work(autojump_clock: trio.testing.MockClock) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            start = trio.current_time()
            seen = await consume(client)
            elapsed = trio.current_time() - start
    assert seen == [f"it_{i}" for i in range(3 * PAGES)]
    # Serial: PAGES * (SERVE + WORK) = 20 s. One ahead: the first fetch, then the work of each page
    # hides the next fetch: about PAGES * WORK + SERVE = 11 s.
    assert elapsed == pytest.approx(PAGES * WORK + SERVE, abs=0.01)
    assert server.started == list(range(PAGES))  # each page asked for once, in order


async def test_items_fetch_ahead_too(autojump_clock: trio.testing.MockClock) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            start = trio.current_time()
            count = 0
            async for _item in files(client):
                count += 1
                if count % 3 == 0:
                    await trio.sleep(WORK)
            elapsed = trio.current_time() - start
    assert count == 3 * PAGES
    assert elapsed == pytest.approx(PAGES * WORK + SERVE, abs=0.01)


async def test_without_async_with_pages_are_fetched_when_asked(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    try:
        with trio.fail_after(100):
            start = trio.current_time()
            seen = await consume(client)
            elapsed = trio.current_time() - start
    finally:
        await client.aclose()
    assert len(seen) == 3 * PAGES
    assert elapsed == pytest.approx(PAGES * (SERVE + WORK), abs=0.01)


async def test_at_most_one_page_ahead(autojump_clock: trio.testing.MockClock) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            pages = files(client).pages()
            await pages.__anext__()
            await trio.sleep(50 * SERVE)  # a slow consumer: only the next page is fetched meanwhile
            assert server.started == [0, 1] and server.finished == [0, 1]
            await pages.__anext__()
            await trio.sleep(SERVE / 100)
            assert server.started == [0, 1, 2]
            await pages.aclose()


async def test_an_abandoned_iteration_cancels_its_fetch_at_once(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            async for page in files(client).pages():
                assert page.data[0].id == "it_0"
                await trio.sleep(SERVE / 10)  # page 1 is being fetched
                break
            gc.collect()  # nothing to collect in CPython: dropping the walk is enough; PyPy needs it
            await trio.sleep(SERVE / 100)
            assert server.cancelled == [1]  # not at client close: right away
            assert client.statistics().in_flight == 0
            # The client is healthy: the next listing works.
            first = await files(client)
            assert [i.id for i in first.data] == ["it_0", "it_1", "it_2"]


async def test_a_failed_page_raises_where_the_consumer_asks_for_it(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server(fail_page=2)
    client, _ = make_client(server, max_retries=0)
    seen: list[str] = []
    with trio.fail_after(100):
        async with client:
            with pytest.raises(InternalServerError, match="page failed"):
                async for page in files(client).pages():
                    seen += [i.id for i in page.data]
                    await trio.sleep(WORK)
            # Pages 0 and 1 were delivered first; the client (and its nursery) is unharmed.
            assert seen == [f"it_{i}" for i in range(6)]
            assert (await files(client)).data[0].id == "it_0"


async def test_asking_again_after_a_failed_page_fetches_it_again(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server(fail_page=1)
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            pages = files(client).pages()
            await pages.__anext__()
            with pytest.raises(InternalServerError):
                await pages.__anext__()
            server.fail_page = None
            page = await pages.__anext__()
            assert page.data[0].id == "it_3"
            await pages.aclose()


async def test_cancelling_the_consumer_leaves_the_client_healthy(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            with trio.move_on_after(2.5 * SERVE):
                await consume(client)
            await trio.sleep(SERVE / 100)
            assert server.cancelled  # the page in flight was cancelled with the iteration
            assert client.statistics().in_flight == 0
            assert len((await files(client)).data) == 3


async def test_a_cancelled_wait_can_be_asked_again(autojump_clock: trio.testing.MockClock) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(100):
        async with client:
            pages = files(client).pages()
            await pages.__anext__()
            with trio.move_on_after(SERVE / 2):
                await pages.__anext__()
            page = await pages.__anext__()  # the same fetch goes on
            assert page.data[0].id == "it_3"
            await trio.sleep(SERVE / 100)
            assert server.started == [0, 1, 2]  # page 1 once, page 2 ahead
            await pages.aclose()


async def test_closing_the_client_cancels_fetches_and_wakes_waiters(
    autojump_clock: trio.testing.MockClock,
) -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    pages: Any = None
    with trio.fail_after(100):
        async with client:
            pages = files(client).pages()
            await pages.__anext__()
        assert server.cancelled == [1]
        with pytest.raises(RuntimeError, match="closed"):
            await pages.__anext__()


async def test_errors_in_the_block_come_out_plain_and_the_nursery_is_gone() -> None:
    client, _ = make_client(Server(), max_retries=0)
    with trio.fail_after(10):
        with pytest.raises(ValueError, match="mine"):  # not an ExceptionGroup
            async with client:
                raise ValueError("mine")
    assert client._lifetime.nursery is None  # pyright: ignore[reportPrivateUsage]
    assert client.is_closed
