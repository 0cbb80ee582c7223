"""Small habits of the official SDK: the sentinels, ``is_closed()`` as a method, ``next_page_info()``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import trio

import trio_openai
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

P = ParamSpec("P")
T = TypeVar("T")


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


def test_sentinels_behave_as_the_official_ones() -> None:
    assert not trio_openai.NOT_GIVEN and not trio_openai.not_given and not trio_openai.omit
    assert repr(trio_openai.NOT_GIVEN) == "NOT_GIVEN"
    assert isinstance(trio_openai.not_given, trio_openai.NotGiven)
    assert isinstance(trio_openai.omit, trio_openai.Omit)
    assert not trio_openai.Omit()


FILE = {
    "id": "",
    "object": "file",
    "bytes": 1,
    "created_at": 1,
    "filename": "a",
    "purpose": "batch",
    "status": "processed",
}


def _pages(request: MockRequest) -> MockResponse:
    after = "after=m1" in request.url
    data = [{**FILE, "id": "m2"}] if after else [{**FILE, "id": "m1"}]
    return MockResponse(
        json={"object": "list", "data": data, "has_more": not after, "last_id": data[0]["id"]}
    )


async def test_async_is_closed_method_and_next_page_info() -> None:
    with trio.fail_after(10):
        client = AsyncOpenAI(
            api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(_pages)
        )
        assert client.is_closed() is False
        async with client:
            page = await client.files.list()
            info = page.next_page_info()
            assert info is not None and info.params == {"after": page.data[-1].id}
            nxt = await page.get_next_page()
            assert nxt.next_page_info() is None
        assert client.is_closed() is True


async def test_blocking_is_closed_method_and_next_page_info() -> None:
    client = OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(_pages))
    assert client.is_closed() is False

    def run() -> tuple[Any, Any]:
        page = client.files.list()
        return page.next_page_info(), page.get_next_page().next_page_info()

    first, last = await blocking(run)
    assert first is not None and first.params["after"] and last is None
    await blocking(client.close)
    assert client.is_closed() is True
