"""The blocking client beside the blocking floor: client CPU per request, one thread and 8 threads.

Each row makes small ``chat.completions.create`` calls against nginx serving the suite's canned tree
(``gen_data.py``) on loopback, pinned to core 1; this process pins itself to core 0 (so the caller's
thread and the portal's thread share one core, as in ``run.py``). Rows, in one run, interleaved
round by round so that load on the machine hits them alike:

* ``floor_sync``: httpcore2's blocking pool and msgspec (``adapters/floor_sync.py``), no client logic;
* ``trio_openai.OpenAI``: the blocking client (through the portal);
* ``trio_openai.AsyncOpenAI``: the async client under ``trio.run`` (the same work without the hand-off:
  what the blocking client would cost with a free hand-off);
* the same two blocking clients with 8 threads sharing one client (one pool).

The figure is the process's CPU time (``time.process_time``, every thread) per request, the median of
the rounds, and its ratio to the floor's; wall time per request is shown beside it. The machine is
shared, so CPU time is the steadier figure.

Run from the repository root: .venv/bin/python benchmarks/blocking_floor.py [calls-per-round] [rounds]
(defaults 400 x 9). ``--no-pin`` leaves the process on every core; ``--rows a,b`` picks rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(1, str(_HERE.parent))

import trio  # noqa: E402
from adapters import floor_sync, trio_openai_async, trio_openai_sync  # noqa: E402
from nginx_server import running_nginx  # noqa: E402

Round = Callable[[int], tuple[float, float]]  # calls -> (wall seconds, CPU seconds)


def _timed(fn: Callable[[], None]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def _sequential(chat: Callable[[], int], expect: int) -> Round:
    def one_round(calls: int) -> tuple[float, float]:
        def run() -> None:
            for _ in range(calls):
                if chat() != expect:
                    raise AssertionError("wrong reply")

        return _timed(run)

    return one_round


def _threads(chat: Callable[[], int], expect: int, width: int) -> Round:
    def one_round(calls: int) -> tuple[float, float]:
        per_thread = max(calls // width, 1)
        errors: list[BaseException] = []
        barrier = threading.Barrier(width + 1)

        def worker() -> None:
            barrier.wait()
            try:
                for _ in range(per_thread):
                    if chat() != expect:
                        raise AssertionError("wrong reply")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(width)]
        for thread in threads:
            thread.start()

        def run() -> None:
            barrier.wait()
            for thread in threads:
                thread.join()

        wall, cpu = _timed(run)
        if errors:
            raise errors[0]
        scale = calls / (per_thread * width)
        return wall * scale, cpu * scale

    return one_round


@contextmanager
def _async_row(base_url: str, expect: int) -> Iterator[Round]:
    # The pool belongs to one trio run: each round is one run, on a client of its own.
    def one_round(calls: int) -> tuple[float, float]:
        async def main() -> tuple[float, float]:
            async with trio_openai_async.open_adapter(base_url) as adapter:
                await adapter.chat()  # warm this run's connection

                async def run() -> None:
                    for _ in range(calls):
                        if await adapter.chat() != expect:
                            raise AssertionError("wrong reply")

                start, cpu = time.perf_counter(), time.process_time()
                await run()
                return time.perf_counter() - start, time.process_time() - cpu

        return trio.run(main)

    yield one_round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calls", nargs="?", type=int, default=400)
    parser.add_argument("rounds", nargs="?", type=int, default=9)
    parser.add_argument("--no-pin", action="store_true", help="do not pin this process to core 0")
    parser.add_argument("--rows", default="", help="comma-separated row keys (default: all)")
    args = parser.parse_args()
    if not args.no_pin and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})
    data = Path(tempfile.mkdtemp(prefix="bench-blocking-"))
    try:
        os.chmod(data, 0o755)  # nginx's worker may run as another user
        subprocess.run(
            [sys.executable, str(_HERE / "gen_data.py"), str(data)], check=True, capture_output=True
        )
        expect = int(json.loads((data / "meta.json").read_text())["chat_content_len"])
        with running_nginx(data) as base, ExitStack() as stack:
            url = base + "/v1"
            floor = stack.enter_context(floor_sync.open_adapter(url))
            blocking = stack.enter_context(trio_openai_sync.open_adapter(url))
            rows: dict[str, Round] = {
                "floor_sync": _sequential(floor.chat, expect),
                "OpenAI": _sequential(blocking.chat, expect),
                "AsyncOpenAI": stack.enter_context(_async_row(url, expect)),
                "floor_sync x8": _threads(floor.chat, expect, 8),
                "OpenAI x8": _threads(blocking.chat, expect, 8),
            }
            if args.rows:
                wanted = args.rows.split(",")
                rows = {key: row for key, row in rows.items() if key in wanted}
            for row in rows.values():  # warm-up: connections, lazy imports, decoders
                row(max(args.calls // 10, 16))
            cpu: dict[str, list[float]] = {key: [] for key in rows}
            wall: dict[str, list[float]] = {key: [] for key in rows}
            for _ in range(args.rounds):
                for key, row in rows.items():
                    w, c = row(args.calls)
                    wall[key].append(w / args.calls * 1e6)
                    cpu[key].append(c / args.calls * 1e6)
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(
        f"{args.calls} calls x {args.rounds} rounds, pinned={not args.no_pin}, load {os.getloadavg()[0]:.2f}"
    )
    print(f"{'row':<16} {'CPU us/req':>11} {'min':>7} {'wall us/req':>12} {'CPU vs floor':>13}")
    for key in rows:
        median = statistics.median(cpu[key])
        ref_key = "floor_sync x8" if key.endswith("x8") else "floor_sync"
        ratio = median / statistics.median(cpu[ref_key]) if ref_key in cpu else float("nan")
        print(
            f"{key:<16} {median:>11.1f} {min(cpu[key]):>7.1f} {statistics.median(wall[key]):>12.1f} {ratio:>12.2f}x"
        )


if __name__ == "__main__":
    main()
