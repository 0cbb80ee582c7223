"""Memory stays bounded on a large input: the input is streamed, not loaded."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import trio
import trio.lowlevel

from tests._helpers import make_client
from trio_openai.batch import run_file_live
from trio_openai.testing import MockRequest, MockResponse


def _write_big_input(path: Path, lines: int, padding: int) -> int:
    with path.open("w") as file:
        for i in range(lines):
            body = {"model": "m", "messages": [{"role": "user", "content": "x" * padding}]}
            file.write(
                json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/embeddings", "body": body})
                + "\n"
            )
    return path.stat().st_size


async def _answer(request: MockRequest) -> MockResponse:
    await trio.lowlevel.checkpoint()
    return MockResponse(content=b'{"object":"list","data":[]}', headers={"content-type": "application/json"})


async def test_a_large_input_runs_in_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    size = await trio.to_thread.run_sync(_write_big_input, source, 500, 25_000)
    assert size > 12_000_000
    client, transport = make_client(_answer)
    tracemalloc.start()
    try:
        with trio.fail_after(60):
            async with client:
                async with trio.open_nursery() as nursery:

                    async def forget() -> None:  # the mock keeps every request: drop them as they come
                        while True:
                            transport.requests.clear()
                            await trio.sleep(0.001)

                    nursery.start_soon(forget)
                    report = await run_file_live(client, source, tmp_path / "out.jsonl", concurrency=16)
                    nursery.cancel_scope.cancel()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.succeeded == 500
    # 16 requests of 25 kB in flight plus the set of custom_ids: far below the 12 MB input
    assert peak < 4_000_000, peak
