"""Round trips per second through the portal: `portal.call` of a trivial coroutine.

Also times `trio.from_thread.run` against the same portal's trio run, for comparison.
Run: python benchmarks/portal_micro.py [seconds-per-measure]
"""

from __future__ import annotations

import sys
import threading
import time

import trio

from trio_openai._core._portal import Portal


async def _trivial(x: int) -> int:
    return x + 1


def _measure(label: str, fn: object, seconds: float) -> float:
    assert callable(fn)
    fn()  # warm up
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(200):
            fn()
        count += 200
        now = time.perf_counter()
        if now >= deadline:
            break
    rate = count / (now - start)
    print(f"{label:<44} {rate:>10,.0f} calls/s  ({1e6 / rate:6.1f} us/call)")
    return rate


def _threads(portal: Portal, n_threads: int, seconds: float) -> None:
    counts = [0] * n_threads
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        while time.perf_counter() < stop:
            portal.call(_trivial, i)
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rate = sum(counts) / (time.perf_counter() - start)
    print(f"{f'portal.call, {n_threads} threads (total)':<44} {rate:>10,.0f} calls/s")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    portal = Portal(name="bench-portal")
    portal.call(_trivial, 0)
    token = portal.call(_current_token)
    _measure("portal.call (trivial coroutine)", lambda: portal.call(_trivial, 1), seconds)
    _measure(
        "trio.from_thread.run, same trio thread",
        lambda: trio.from_thread.run(_trivial, 1, trio_token=token),
        seconds,
    )
    _threads(portal, 8, seconds)
    portal.close()


async def _current_token() -> trio.lowlevel.TrioToken:
    return trio.lowlevel.current_trio_token()


if __name__ == "__main__":
    main()
