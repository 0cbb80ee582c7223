"""MockTransport records requests, and ``keep`` bounds that record for long runs."""

from __future__ import annotations

import pytest
import trio

from trio_openai import AsyncOpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

MODEL = {"id": "m", "object": "model", "created": 1, "owned_by": "o"}


def answer(request: MockRequest) -> MockResponse:
    return MockResponse(200, json=MODEL)


async def retrieve_many(transport: MockTransport, n: int) -> None:
    with trio.fail_after(10):
        async with AsyncOpenAI(api_key="sk-test", base_url="http://mock/v1", transport=transport) as client:
            for i in range(n):
                await client.models.retrieve(f"m{i}")


async def test_records_every_request_by_default() -> None:
    transport = MockTransport(answer)
    await retrieve_many(transport, 5)
    assert [r.url.rsplit("/", 1)[-1] for r in transport.requests] == [f"m{i}" for i in range(5)]
    assert transport.request_count == 5


async def test_keep_holds_only_the_last_requests() -> None:
    transport = MockTransport(answer, keep=3)
    await retrieve_many(transport, 10)
    assert [r.url.rsplit("/", 1)[-1] for r in transport.requests] == ["m7", "m8", "m9"]
    assert transport.request_count == 10


async def test_keep_zero_records_nothing_but_counts() -> None:
    transport = MockTransport(answer, keep=0)
    await retrieve_many(transport, 4)
    assert transport.requests == []
    assert transport.request_count == 4


def test_negative_keep_is_refused() -> None:
    with pytest.raises(ValueError, match="keep"):
        MockTransport(answer, keep=-1)
