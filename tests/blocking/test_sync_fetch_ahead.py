"""The blocking client's pages fetch one ahead in the portal while it is open as ``with``.

The handler runs in the portal's trio thread and reports what it saw through thread-safe events; the
test's blocking code runs in a worker thread under ``trio.fail_after`` (``blocking``), so a bug fails
instead of hanging.
"""

from __future__ import annotations

import threading

import trio

from tests.blocking.test_sync import blocking
from trio_openai import OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

PAGES = 3


class Pages:
    """Pages of 3 items. ``hold`` pages wait until cancelled, which is recorded."""

    def __init__(self, *, hold: frozenset[int] = frozenset()) -> None:
        self.started = [threading.Event() for _ in range(PAGES)]
        self.cancelled = [threading.Event() for _ in range(PAGES)]
        self.hold = hold
        self.order: list[int] = []

    async def __call__(self, request: MockRequest) -> MockResponse:
        after = request.query.get("after", [None])[0]
        start = 0 if after is None else int(after.removeprefix("it_")) + 1
        page = start // 3
        self.order.append(page)
        self.started[page].set()
        try:
            if page in self.hold:
                await trio.sleep_forever()
        except trio.Cancelled:
            self.cancelled[page].set()
            raise
        data = [{"id": f"it_{i}", "object": "file"} for i in range(start, start + 3)]
        return MockResponse(json={"object": "list", "data": data, "has_more": page < PAGES - 1})


def make_client(pages: Pages) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url="http://mock/v1", transport=MockTransport(pages), max_retries=0)


async def test_the_next_page_is_fetched_while_the_caller_works_on_this_one() -> None:
    pages = Pages()

    def consume() -> list[str]:
        seen: list[str] = []
        with make_client(pages) as client:
            for page in client.files.list().iter_pages():
                number = len(seen) // 3
                if number + 1 < PAGES:  # asked for by nobody yet: fetched ahead
                    assert pages.started[number + 1].wait(5)
                seen += [item.id for item in page.data]
        return seen

    assert await blocking(consume) == [f"it_{i}" for i in range(3 * PAGES)]
    assert pages.order == [0, 1, 2]  # each page once


async def test_without_with_each_page_waits_to_be_asked_for() -> None:
    pages = Pages()

    def consume() -> tuple[bool, list[str]]:
        client = make_client(pages)
        try:
            first = client.files.list()
            ahead = pages.started[1].wait(0.3)
            return ahead, [item.id for item in first]
        finally:
            client.close()

    ahead, seen = await blocking(consume)
    assert not ahead
    assert seen == [f"it_{i}" for i in range(3 * PAGES)]


async def test_breaking_out_cancels_the_page_in_flight_and_the_client_stays_healthy() -> None:
    pages = Pages(hold=frozenset({1}))

    def consume() -> list[str]:
        with make_client(pages) as client:
            for _item in client.files.list():
                assert pages.started[1].wait(5)
                break
            assert pages.cancelled[1].wait(5)  # at once, not at client close
            ids = [item.id for item in client.files.list(limit=3).data]
            assert client.statistics().in_flight == 0
            return ids

    assert await blocking(consume) == ["it_0", "it_1", "it_2"]


async def test_closing_the_client_cancels_a_fetch_ahead() -> None:
    pages = Pages(hold=frozenset({1}))

    def consume() -> bool:
        client = make_client(pages)
        with client:
            walk = iter(client.files.list().iter_pages())
            next(walk)
            assert pages.started[1].wait(5)
        return pages.cancelled[1].wait(5)

    assert await blocking(consume)
