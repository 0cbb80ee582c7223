"""Round trips per second through the portal: `portal.call` of a trivial coroutine.

For comparison it also times `trio.from_thread.run` into the same trio thread (no Ctrl-C
cancellation, no misuse checks), and calls made from a worker thread and from 8 threads at once.
Each figure is the best and the median of several rounds (shared machines are noisy).

Run from the repository root: python benchmarks/portal_micro.py [calls-per-round] [rounds]
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trio

from trio_openai._core._portal import Portal


async def trivial(x: int) -> int:
    return x + 1


async def current_token() -> trio.lowlevel.TrioToken:
    return trio.lowlevel.current_trio_token()


def rate(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - start)


def in_worker(fn: Callable[[], float]) -> float:
    box: list[float] = []
    thread = threading.Thread(target=lambda: box.append(fn()))
    thread.start()
    thread.join()
    return box[0]


def threads_rate(portal: Portal, n_threads: int, calls: int) -> float:
    per_thread = max(calls // n_threads, 1)
    barrier = threading.Barrier(n_threads + 1)

    def worker() -> None:
        barrier.wait()
        for _ in range(per_thread):
            portal.call(trivial, 1)

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return per_thread * n_threads / (time.perf_counter() - start)


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    portal = Portal(name="bench-portal")
    token = portal.call(current_token)
    measures: dict[str, Callable[[], float]] = {
        "portal.call, main thread": lambda: rate(lambda: portal.call(trivial, 1), calls),
        "trio.from_thread.run, main thread": lambda: rate(
            lambda: trio.from_thread.run(trivial, 1, trio_token=token), calls
        ),
        "portal.call, worker thread": lambda: in_worker(lambda: rate(lambda: portal.call(trivial, 1), calls)),
        "portal.call, 8 threads (total)": lambda: threads_rate(portal, 8, calls),
    }
    results: dict[str, list[float]] = {label: [] for label in measures}
    for _ in range(rounds):
        for label, measure in measures.items():
            results[label].append(measure())
    print(f"{'':<36} {'best':>12} {'median':>12}   us/call (best)")
    for label, rates in results.items():
        best = max(rates)
        print(f"{label:<36} {best:>10,.0f}/s {statistics.median(rates):>10,.0f}/s   {1e6 / best:6.1f}")
    portal.close()


if __name__ == "__main__":
    main()
