"""What ``Timeout(total=...)`` bounds: getting the response (a plain call's body included), not reading a
stream handed back afterwards. Slow bodies are async generators sleeping on the autojump clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import trio
import trio.testing

import trio_openai
from tests._helpers import make_client
from trio_openai.testing import MockRequest, MockResponse

CHUNK = b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}\n\n'


async def _slow_sse(chunks: int, gap: float) -> AsyncIterator[bytes]:
    for _ in range(chunks):
        await trio.sleep(gap)
        yield CHUNK
    yield b"data: [DONE]\n\n"


async def _slow_json(gap: float) -> AsyncIterator[bytes]:
    yield b'{"id":"m","object":"model",'
    await trio.sleep(gap)
    yield b'"created":1,"owned_by":"o"}'


async def test_total_does_not_bound_reading_a_stream(autojump_clock: trio.testing.MockClock) -> None:
    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(headers={"content-type": "text/event-stream"}, stream=_slow_sse(5, 1.0))

    client, _ = make_client(handler, timeout=trio_openai.Timeout(60, total=2.0))
    async with client:
        with trio.fail_after(60):
            start = trio.current_time()
            stream = await client.chat.completions.create(model="m", messages=[], stream=True)
            items = [item async for item in stream]
    assert len(items) == 5
    assert trio.current_time() - start >= 5.0  # well past the 2 s total: the stream was not cut


async def test_total_bounds_reading_a_plain_body(autojump_clock: trio.testing.MockClock) -> None:
    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(headers={"content-type": "application/json"}, stream=_slow_json(5.0))

    client, _ = make_client(handler, max_retries=0, timeout=trio_openai.Timeout(60, total=2.0))
    async with client:
        with trio.fail_after(60), pytest.raises(trio_openai.APITimeoutError, match="total"):
            start = trio.current_time()
            await client.models.retrieve("m")
        assert trio.current_time() - start == pytest.approx(2.0)
        pool = client.statistics()
        assert pool.in_flight == 0
