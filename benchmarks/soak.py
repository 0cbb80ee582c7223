"""Soak run: a bounded mix of calls, streams cut and cancelled, pages broken off and retries over a small
pool, sampling the client's RSS, open file descriptors and pool state; reports the slopes (flat is good).

    .venv/bin/python benchmarks/soak.py                   # 180 s, 8 workers, a pool of 4 connections
    .venv/bin/python benchmarks/soak.py --seconds 30      # a short run
    .venv/bin/python benchmarks/soak.py --json out.json   # also write the samples

The server (the built-in fake server behind the fault proxy, which resets a random connection every
half second) runs in a child process on 127.0.0.1, so its memory is not the client's. Both stop by
themselves: the child when the run ends or after --seconds + 60 s, whichever is first.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field

import trio

from trio_openai import APIConnectionError, APIStatusError, AsyncOpenAI, HTTPTransport
from trio_openai.testing import Faults, Reply, open_fake_server, open_fault_proxy

MESSAGES = [{"role": "user", "content": "Tell me a story"}]


# --- the server process ----------------------------------------------------------------------------------


async def serve(lifetime: float) -> None:
    rng = random.Random(7)

    def flaky_model(request: object) -> Reply:  # 5 % of retrievals fail with a retryable 500
        if rng.random() < 0.05:
            return Reply.error(500, "soak: injected failure")
        return Reply(json={"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "soak"})

    with trio.move_on_after(lifetime):
        async with open_fake_server(files=200, chunks=40) as server:
            server.route("GET", "/models/gpt-4o-mini", flaky_model)
            async with open_fault_proxy(server.base_url) as proxy:
                print(proxy.base_url, flush=True)
                while True:  # a reset at a random byte of some later connection
                    await trio.sleep(0.5)
                    if proxy.pending == 0:
                        proxy.schedule(Faults(reset_after=rng.randrange(0, 600)))


# --- the client ------------------------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    ops: int
    rss_kib: int
    fds: int
    connections: int
    active: int
    idle: int


@dataclass
class Counts:
    ops: int = 0
    cancelled: int = 0
    errors: int = 0
    by_kind: dict[str, int] = field(default_factory=dict[str, int])


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def _one(client: AsyncOpenAI, rng: random.Random, counts: Counts) -> None:
    kind = rng.choice(["retrieve", "chat", "stream", "stream_cut", "stream_cancel", "pages", "call_cancel"])
    counts.by_kind[kind] = counts.by_kind.get(kind, 0) + 1
    try:
        if kind == "retrieve":
            await client.models.retrieve("gpt-4o-mini")
        elif kind == "chat":
            await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)  # type: ignore[arg-type]
        elif kind in ("stream", "stream_cut", "stream_cancel"):
            stop_after = rng.randrange(1, 30) if kind == "stream_cut" else None
            deadline = rng.uniform(0.0, 0.01) if kind == "stream_cancel" else float("inf")
            with trio.move_on_after(deadline) as scope:
                stream = await client.chat.completions.create(
                    model="gpt-4o-mini", messages=MESSAGES, stream=True
                )  # type: ignore[arg-type]
                async with stream:
                    seen = 0
                    async for _ in stream:
                        seen += 1
                        if stop_after is not None and seen >= stop_after:
                            break
            counts.cancelled += scope.cancelled_caught
        elif kind == "pages":
            wanted = rng.randrange(1, 120)
            seen = 0
            async for _ in client.files.list(limit=20):
                seen += 1
                if seen >= wanted:
                    break
        else:
            with trio.move_on_after(rng.uniform(0.0, 0.004)) as scope:
                await client.models.list()
            counts.cancelled += scope.cancelled_caught
    except (APIConnectionError, APIStatusError):
        counts.errors += 1  # a reset that outlasted the retries: counted, not fatal
    counts.ops += 1


async def soak(
    base_url: str, seconds: float, workers: int, pool: int, every: float
) -> tuple[list[Sample], Counts]:
    counts = Counts()
    samples: list[Sample] = []
    transport = HTTPTransport(max_connections=pool, max_keepalive_connections=pool)
    async with AsyncOpenAI(
        api_key="sk-soak", base_url=base_url, transport=transport, max_retries=3
    ) as client:
        start = trio.current_time()

        def sample() -> None:
            stats = client.statistics().pool
            assert stats is not None
            samples.append(
                Sample(
                    round(trio.current_time() - start, 2),
                    counts.ops,
                    _rss_kib(),
                    _fds(),
                    stats.connections,
                    stats.active_connections,
                    stats.idle_connections,
                )
            )

        async def worker(seed: int) -> None:
            rng = random.Random(seed)
            while True:
                await _one(client, rng, counts)

        async def sampler() -> None:
            while True:
                sample()
                await trio.sleep(every)

        with trio.move_on_after(seconds):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(sampler)
                for seed in range(workers):
                    nursery.start_soon(worker, seed)
        sample()
        after = client.statistics().pool
        assert after is not None and after.active_connections == 0, after
        await client.models.list()  # healthy at the end
    return samples, counts


def _slope(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def report(samples: list[Sample], counts: Counts, seconds: float) -> dict[str, object]:
    steady = samples[len(samples) // 2 :]  # the second half: after warm-up (caches, pool, arenas)
    ts = [s.t / 60 for s in steady]
    summary: dict[str, object] = {
        "seconds": seconds,
        "ops": counts.ops,
        "ops_per_s": round(counts.ops / seconds, 1),
        "cancelled": counts.cancelled,
        "errors_after_retries": counts.errors,
        "by_kind": counts.by_kind,
        "rss_kib_first_last": [samples[0].rss_kib, samples[-1].rss_kib],
        "rss_slope_kib_per_min": round(_slope(ts, [s.rss_kib for s in steady]), 1),
        "fds_first_last": [samples[0].fds, samples[-1].fds],
        "fds_slope_per_min": round(_slope(ts, [s.fds for s in steady]), 2),
        "pool_connections_max": max(s.connections for s in samples),
        "pool_active_at_end": samples[-1].active,
    }
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--pool", type=int, default=4)
    parser.add_argument("--json", help="write the samples and the summary here")
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)  # the child: serve for this long
    args = parser.parse_args()
    if args.serve is not None:
        trio.run(serve, args.serve)
        return
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.seconds + 60)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        base_url = child.stdout.readline().strip()
        began = time.perf_counter()
        samples, counts = trio.run(
            soak, base_url, args.seconds, args.workers, args.pool, max(args.seconds / 40, 1.0)
        )
        summary = report(samples, counts, time.perf_counter() - began)
    finally:
        child.terminate()
        child.wait(10)
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": summary, "samples": [asdict(s) for s in samples]}, f, indent=1)


if __name__ == "__main__":
    main()
