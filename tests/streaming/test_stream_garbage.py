"""A long stream does not make the garbage collector run (issue 14): items are decoded one at a time as
they are handed out, so a network read's worth of them is never alive at once. Counted with
``gc.callbacks``, not timed. The blocking client's batches are decoded per read by design."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
import trio

from trio_openai import AsyncOpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

READ = 64 * 1024  # what a loopback read of nginx's output gives: ~250 chat chunks


def body(n: int) -> bytes:
    frames = []
    for i in range(n):
        chunk = {
            "id": "chatcmpl-AbCdEf0123456789xyz",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [
                {"index": 0, "delta": {"content": f" tok{i}"}, "logprobs": None, "finish_reason": None}
            ],
        }
        frames.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    frames.append(b"data: [DONE]\n\n")
    return b"".join(frames)


@pytest.fixture
def young_collections() -> Iterator[list[int]]:
    counts = [0, 0, 0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            counts[info["generation"]] += 1

    gc.collect()
    gc.callbacks.append(on_gc)
    try:
        yield counts
    finally:
        gc.callbacks.remove(on_gc)


async def test_a_20000_chunk_stream_runs_no_collection(young_collections: list[int]) -> None:
    data = body(20_000)
    reads = [data[i : i + READ] for i in range(0, len(data), READ)]

    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(stream=reads, headers={"content-type": "text/event-stream"})

    with trio.fail_after(30):
        async with AsyncOpenAI(
            api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(handler), max_retries=0
        ) as client:
            stream = await client.chat.completions.create(model="m", messages=[], stream=True)
            young_collections[:] = [0, 0, 0]
            count = 0
            async with stream:
                async for chunk in stream:
                    assert chunk.choices[0].delta.content == f" tok{count}"
                    count += 1
            seen = list(young_collections)
    assert count == 20_000 and stream.done
    # Decoding a read's ~250 chunks into a list first ran ~80 young collections here.
    assert seen[0] <= 3, seen
    assert seen[1] == seen[2] == 0, seen
