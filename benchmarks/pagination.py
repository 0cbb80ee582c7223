"""Pagination with fetch-ahead, and many listings at once, against the fake server on loopback.

1. One listing of 50 pages of 100 files, the server taking 20 ms per page and the caller 20 ms of
   work per page (``trio.sleep(0.02)``): trio_openai fetching one page ahead, trio_openai page by
   page, and the official SDK's auto-pagination (``openai.AsyncOpenAI`` under trio,
   ``async for file in client.files.list(limit=100)``).
2. 20 listings of 10 pages each: one after another, then all at once with
   ``trio_openai.lib.concurrent.open_map``.

The server runs in its own thread (``FakeServerThread``) so it does not share the client's trio
loop. Each figure is the best and the median of several rounds.

Run from the repository root: python benchmarks/pagination.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openai
import trio

from trio_openai import AsyncCursorPage, AsyncOpenAI, AsyncPaginator, BaseModel
from trio_openai.lib.concurrent import open_map
from trio_openai.testing import FakeServerThread

PAGE_DELAY = 0.02
WORK = 0.02
LIMIT = 100


class FileItem(BaseModel):
    id: str
    object: str = "file"


def files_list(client: AsyncOpenAI, **query: object) -> AsyncPaginator[Any, Any]:
    """``client.files.list`` once the generated resources are in; a stand-in until then."""
    files = getattr(client, "files", None)
    if files is not None:
        return files.list(**query)
    return client._get_api_list("/files", page=AsyncCursorPage[FileItem], query=query)  # pyright: ignore[reportPrivateUsage]


async def ours_fetch_ahead(base_url: str) -> int:
    count = 0
    async with AsyncOpenAI(api_key="sk-bench", base_url=base_url) as client:
        async with files_list(client, limit=LIMIT).open_pages(prefetch=1) as pages:
            async for page in pages:
                count += len(page.data)
                await trio.sleep(WORK)
    return count


async def ours_page_by_page(base_url: str) -> int:
    count = 0
    async with AsyncOpenAI(api_key="sk-bench", base_url=base_url) as client:
        async for _file in files_list(client, limit=LIMIT):
            count += 1
            if count % LIMIT == 0:
                await trio.sleep(WORK)
    return count


async def official_auto_pagination(base_url: str) -> int:
    count = 0
    async with openai.AsyncOpenAI(api_key="sk-bench", base_url=base_url) as client:
        async for _file in client.files.list(limit=LIMIT):
            count += 1
            if count % LIMIT == 0:
                await trio.sleep(WORK)
    return count


async def listings_one_after_another(base_url: str, n: int) -> int:
    total = 0
    async with AsyncOpenAI(api_key="sk-bench", base_url=base_url) as client:
        for _ in range(n):
            total += len(await files_list(client, limit=LIMIT).collect(prefetch=0))
    return total


async def listings_at_once(base_url: str, n: int) -> int:
    total = 0
    async with AsyncOpenAI(api_key="sk-bench", base_url=base_url) as client:

        async def one(_i: int) -> int:
            return len(await files_list(client, limit=LIMIT).collect(prefetch=0))

        async with open_map(one, range(n), limit=n) as results:
            async for result in results:
                total += result.value
    return total


def timed(fn: Callable[..., Awaitable[int]], *args: Any, expect: int) -> float:
    async def run() -> float:
        start = trio.current_time()
        got = await fn(*args)
        assert got == expect, (fn.__name__, got, expect)
        return trio.current_time() - start

    return trio.run(run)


def report(name: str, times: list[float]) -> float:
    best, median = min(times), statistics.median(times)
    print(f"  {name:<44} best {best:6.3f} s   median {median:6.3f} s")
    return median


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(f"1. one listing: 50 pages x {LIMIT} files, {PAGE_DELAY * 1000:.0f} ms per page on the server,")
    print(f"   {WORK * 1000:.0f} ms of caller work per page ({rounds} rounds)")
    with FakeServerThread(files=5000, page_delay=PAGE_DELAY) as server:
        runs: dict[str, list[float]] = {"ahead": [], "plain": [], "official": []}
        for _ in range(rounds):  # interleaved so drifts in machine load hit all three alike
            runs["ahead"].append(timed(ours_fetch_ahead, server.base_url, expect=5000))
            runs["plain"].append(timed(ours_page_by_page, server.base_url, expect=5000))
            runs["official"].append(timed(official_auto_pagination, server.base_url, expect=5000))
        ahead = report("trio_openai, open_pages(prefetch=1)", runs["ahead"])
        plain = report("trio_openai, async for (page by page)", runs["plain"])
        official = report(f"openai {openai.__version__} AsyncOpenAI, async for", runs["official"])
        print(
            f"  fetch-ahead speed-up: {official / ahead:.2f}x over the official SDK, {plain / ahead:.2f}x over page by page"
        )

    n = 20
    print(
        f"\n2. {n} listings of 10 pages x {LIMIT} files, {PAGE_DELAY * 1000:.0f} ms per page ({rounds} rounds)"
    )
    with FakeServerThread(files=1000, page_delay=PAGE_DELAY) as server:
        seq: list[float] = []
        conc: list[float] = []
        for _ in range(rounds):
            seq.append(timed(listings_one_after_another, server.base_url, n, expect=n * 1000))
            conc.append(timed(listings_at_once, server.base_url, n, expect=n * 1000))
        one_by_one = report("one after another", seq)
        at_once = report(f"at once (open_map, limit={n})", conc)
        print(f"  speed-up: {one_by_one / at_once:.1f}x")


if __name__ == "__main__":
    main()
