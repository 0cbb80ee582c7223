"""Fetch everything, concurrently: a listing fetched ahead, all files of 200 vector stores, and
5,000 batches retrieved by id, against the fake OpenAI server (no network, no API key needed).

    python examples/fetch_everything.py

Against the real API, drop the fake server and build ``AsyncOpenAI()`` from the environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trio

from trio_openai import AsyncOpenAI
from trio_openai.lib.concurrent import RateLimitGate, gather, open_map
from trio_openai.testing import open_fake_server


async def one_listing_fetched_ahead(client: AsyncOpenAI) -> None:
    """While this loop works on a page, the next one is already on its way."""
    start = trio.current_time()
    count = 0
    async with client.files.list(limit=100).open_items(prefetch=1) as files:
        async for _file in files:
            count += 1
            if count % 100 == 0:
                await trio.sleep(0.02)  # the caller's work on each page
    print(f"files: {count} in {trio.current_time() - start:.2f} s (20 ms of work per page, fetched ahead)")


async def every_file_of_200_vector_stores(client: AsyncOpenAI, gate: RateLimitGate) -> None:
    """200 listings, at most 16 at once, each collected page by page; results as they finish."""

    async def files_of(store_id: str) -> int:
        files = await client.vector_stores.files.list(store_id, limit=100).collect()
        return len(files)

    start = trio.current_time()
    total = 0
    stores = [f"vs_{n:03d}" for n in range(200)]
    async with open_map(files_of, stores, limit=16, gate=gate) as results:
        async for result in results:
            total += result.value
    print(f"vector stores: {len(stores)} stores, {total} files in {trio.current_time() - start:.2f} s")


async def retrieve_5000_batches(client: AsyncOpenAI, gate: RateLimitGate) -> None:
    """5,000 calls, at most 32 at once, in input order; failures collected beside the results."""
    ids = [f"batch_{n:05d}" for n in range(5000)]
    start = trio.current_time()
    results = await gather(client.batches.retrieve, ids, limit=32, on_error="collect", gate=gate)
    failed = [r for r in results if not r.ok]
    requests = sum(r.value.request_counts.total for r in results if r.ok and r.value.request_counts)
    print(
        f"batches: {len(results) - len(failed)} retrieved, {len(failed)} failed, "
        f"{requests} requests between them, in {trio.current_time() - start:.2f} s"
    )


async def main() -> None:
    async with open_fake_server(files=250, page_delay=0.02) as server:
        async with AsyncOpenAI(api_key="sk-fake", base_url=server.base_url) as client:
            gate = RateLimitGate()  # shared: a 429 anywhere pauses new calls everywhere
            with trio.fail_after(120):
                await one_listing_fetched_ahead(client)
                await every_file_of_200_vector_stores(client, gate)
                await retrieve_5000_batches(client, gate)
            print(f"rate limit gate: {gate.statistics()}")
            print(f"pool: {client.statistics().pool}")


if __name__ == "__main__":
    trio.run(main)
