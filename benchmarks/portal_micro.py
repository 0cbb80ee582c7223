"""Round trips through the portal: `portal.call` of a trivial coroutine.

For comparison it also times `trio.from_thread.run` into the same trio thread (no Ctrl-C
cancellation, no misuse checks), and calls made from a worker thread and from 8 threads at once.
Each figure is the best and the median of several rounds (shared machines are noisy), as calls per
second (wall) and as the process's CPU time per call (`time.process_time`, every thread: the caller's
and the portal's), which is the steadier figure when other work shares the cores.

Run from the repository root: python benchmarks/portal_micro.py [calls-per-round] [rounds]
(prefix `taskset -c 0` to pin it as the suite pins clients: both threads on one core).
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

Measure = tuple[float, float]  # (calls per second, CPU microseconds per call)


async def trivial(x: int) -> int:
    return x + 1


async def current_token() -> trio.lowlevel.TrioToken:
    return trio.lowlevel.current_trio_token()


def rate(fn: Callable[[], object], calls: int) -> Measure:
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    return calls / (time.perf_counter() - start), (time.process_time() - cpu) / calls * 1e6


def in_worker(fn: Callable[[], Measure]) -> Measure:
    box: list[Measure] = []
    thread = threading.Thread(target=lambda: box.append(fn()))
    thread.start()
    thread.join()
    return box[0]


def threads_rate(portal: Portal, n_threads: int, calls: int) -> Measure:
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
    start, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    total = per_thread * n_threads
    return total / (time.perf_counter() - start), (time.process_time() - cpu) / total * 1e6


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    portal = Portal(name="bench-portal")
    token = portal.call(current_token)
    measures: dict[str, Callable[[], Measure]] = {
        "portal.call, main thread": lambda: rate(lambda: portal.call(trivial, 1), calls),
        "trio.from_thread.run, main thread": lambda: rate(
            lambda: trio.from_thread.run(trivial, 1, trio_token=token), calls
        ),
        "portal.call, worker thread": lambda: in_worker(lambda: rate(lambda: portal.call(trivial, 1), calls)),
        "portal.call, 8 threads (total)": lambda: threads_rate(portal, 8, calls),
    }
    results: dict[str, list[Measure]] = {label: [] for label in measures}
    for _ in range(rounds):
        for label, measure in measures.items():
            results[label].append(measure())
    print(f"{'':<36} {'best':>12} {'median':>12}   {'CPU us/call (median, min)':>26}")
    for label, values in results.items():
        rates = [r for r, _ in values]
        cpus = [c for _, c in values]
        print(
            f"{label:<36} {max(rates):>10,.0f}/s {statistics.median(rates):>10,.0f}/s"
            f"   {statistics.median(cpus):>12.1f} {min(cpus):>12.1f}"
        )
    portal.close()


if __name__ == "__main__":
    main()
