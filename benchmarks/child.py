"""Runs one scenario for one client in this (fresh) process and prints one JSON line with the numbers.

    python benchmarks/child.py '{"client": ..., "scenario": ..., "base": ..., "delay_base": ..., ...}'

The parent starts it under `taskset -c 0`. Only the standard library is imported before the
measured part, so a cold run's clock sees the client's own imports and nothing else.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import resource
import statistics
import struct
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for adapters/ and scenarios.py
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the repo root, for trio_openai

from adapters._contract import CONVERSATIONS, TOOLS
from scenarios import CALLER_WORK, CLIENTS_BY_KEY, SCENARIOS_BY_KEY, Client, Scenario


class Check:
    """What a correct result looks like (from the generator's meta.json)."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.meta = meta

    def chat(self, n: int) -> None:
        if n != self.meta["chat_content_len"]:
            raise AssertionError(f"chat reply has {n} characters, expected {self.meta['chat_content_len']}")

    def models(self, n: int) -> None:
        if n != self.meta["models"]:
            raise AssertionError(f"{n} models, expected {self.meta['models']}")

    def files(self, n: int) -> None:
        if n != self.meta["files"]:
            raise AssertionError(f"{n} files, expected {self.meta['files']}")

    def stream(self, prefix: str, got: tuple[int, int]) -> None:
        want = self.meta["streams"][prefix]
        if got[0] != want or got[1] <= 0:
            raise AssertionError(f"stream gave {got[0]} chunks / {got[1]} characters, expected {want} chunks")

    def embeddings(self, rows: list[list[float]]) -> None:
        ok = len(rows) == self.meta["emb_rows"] and all(len(r) == self.meta["emb_dims"] for r in rows)
        if not ok or not isinstance(rows[-1][-1], float) or _f32(rows[-1][-1]) != self.meta["emb_probe"]:
            raise AssertionError("embeddings decoded to the wrong shape or values")


def _f32(value: float) -> float:
    """The float32 a value stands for: float JSON carries the shortest text, base64 the exact bits."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


def _status_mib(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


class _Peak:
    """Peak RSS growth from a baseline, read with getrusage(RUSAGE_SELF).ru_maxrss.

    Linux folds the parent's peak into ru_maxrss across fork/exec, so a child of a big parent can see a
    peak it never had. We restart the peak at the baseline (`/proc/self/clear_refs`, Linux >= 4.0) and,
    if ru_maxrss still reads above the current RSS (the inherited value), read the same counter for this
    process alone from /proc/self/status (VmHWM) instead.
    """

    def __init__(self) -> None:
        gc.collect()
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self.reset = True
        except OSError:
            self.reset = False
        rss = _status_mib("VmRSS")
        self.source = "ru_maxrss"
        if rss is not None and self.reset and self._maxrss() > rss + 1:
            self.source = "VmHWM"
        self.base = self._read()

    @staticmethod
    def _maxrss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    def _read(self) -> float:
        if self.source == "VmHWM":
            return _status_mib("VmHWM") or 0.0
        return self._maxrss()

    def result(self) -> dict[str, Any]:
        peak = self._read()
        return {
            "value": peak - self.base,
            "base_mib": self.base,
            "peak_mib": peak,
            "peak_reset": self.reset,
            "source": self.source,
        }


# ---------------------------------------------------------------------------------------------------------
# Async driving (trio or asyncio): the scenario bodies are shared, the runtime bits are passed in.


class _AsyncRuntime:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "trio":
            import trio

            self._trio = trio
        else:
            import asyncio

            self._asyncio = asyncio

    def run(self, fn: Callable[[], Awaitable[Any]]) -> Any:
        if self.kind == "trio":
            return self._trio.run(fn)
        return self._asyncio.run(fn())  # type: ignore[arg-type]

    async def sleep(self, seconds: float) -> None:
        if self.kind == "trio":
            await self._trio.sleep(seconds)
        else:
            await self._asyncio.sleep(seconds)

    async def all(self, jobs: list[Callable[[], Awaitable[None]]]) -> None:
        if self.kind == "trio":
            async with self._trio.open_nursery() as nursery:
                for job in jobs:
                    nursery.start_soon(job)
        else:
            async with self._asyncio.TaskGroup() as group:
                for job in jobs:
                    group.create_task(job())  # type: ignore[arg-type]


_CHAT_ARGS: dict[str, dict[str, Any]] = {
    "chat_conv100": {"messages": CONVERSATIONS[100]},
    "chat_conv1000": {"messages": CONVERSATIONS[1000]},
    "chat_tools20": {"tools": TOOLS},
}
HELD_RESULTS = 1000  # mem_results: chat completions held at once


async def _async_round(
    adapter: Any, scen: Scenario, count: int, rt: _AsyncRuntime, check: Check
) -> tuple[float, float]:
    """One timed round: (wall seconds, CPU seconds of this process)."""
    op = scen.op
    start, cpu = time.perf_counter(), time.process_time()
    if op in ("chat", "chat_after_burst"):
        for _ in range(count):
            check.chat(await adapter.chat())
    elif op in _CHAT_ARGS:
        kwargs = _CHAT_ARGS[op]
        for _ in range(count):
            check.chat(await adapter.chat(**kwargs))
    elif op[4:].isdigit():  # chatN: N callers at once
        width = int(op[4:])

        async def worker() -> None:
            for _ in range(count // width):
                check.chat(await adapter.chat())

        await rt.all([worker] * width)
    elif op == "stream":
        for _ in range(count):
            check.stream(scen.prefix, await adapter.stream())
    elif op == "models":
        for _ in range(count):
            check.models(await adapter.models())
    elif op in ("files", "files_work"):

        async def work() -> None:
            await rt.sleep(CALLER_WORK)

        for _ in range(count):
            check.files(await adapter.files(work if op == "files_work" else None))
    elif op in ("emb_float", "emb_b64"):
        for _ in range(count):
            check.embeddings(await adapter.embeddings(b64=op == "emb_b64"))
    else:
        raise ValueError(op)
    return time.perf_counter() - start, time.process_time() - cpu


def _sync_round(adapter: Any, scen: Scenario, count: int, check: Check) -> tuple[float, float]:
    op = scen.op
    start, cpu = time.perf_counter(), time.process_time()
    if op in ("chat", "chat_after_burst"):
        for _ in range(count):
            check.chat(adapter.chat())
    elif op in _CHAT_ARGS:
        kwargs = _CHAT_ARGS[op]
        for _ in range(count):
            check.chat(adapter.chat(**kwargs))
    elif op[4:].isdigit():  # chatN: N threads at once
        from concurrent.futures import ThreadPoolExecutor

        width = int(op[4:])

        def worker() -> None:
            for _ in range(count // width):
                check.chat(adapter.chat())

        with ThreadPoolExecutor(width) as pool:
            for future in [pool.submit(worker) for _ in range(width)]:
                future.result()
    elif op == "stream":
        for _ in range(count):
            check.stream(scen.prefix, adapter.stream())
    elif op == "models":
        for _ in range(count):
            check.models(adapter.models())
    elif op in ("files", "files_work"):
        for _ in range(count):
            check.files(adapter.files((lambda: time.sleep(CALLER_WORK)) if op == "files_work" else None))
    elif op in ("emb_float", "emb_b64"):
        for _ in range(count):
            check.embeddings(adapter.embeddings(b64=op == "emb_b64"))
    else:
        raise ValueError(op)
    return time.perf_counter() - start, time.process_time() - cpu


def _value(scen: Scenario, count: int, seconds: float, meta: dict[str, Any]) -> float:
    if scen.unit == "req/s":
        return count / seconds
    if scen.unit == "chunks/s":
        return count * meta["streams"][scen.prefix] / seconds
    return seconds * 1000 / count  # ms per operation


def _url(job: dict[str, Any], scen: Scenario) -> str:
    if scen.op == "files_work":
        return job["delay_base"] + "/v1"
    base = job["tls_base"] if scen.tls else job["base"]
    return base + (f"/{scen.prefix}" if scen.prefix else "") + "/v1"


_collections = [0, 0, 0]  # garbage collections per generation during the timed rounds
_counting = False


def _on_gc(phase: str, info: dict[str, int]) -> None:
    if _counting and phase == "start":
        _collections[info["generation"]] += 1


gc.callbacks.append(_on_gc)


def _timed(rounds: Callable[[], list[tuple[float, float]]]) -> list[tuple[float, float]]:
    global _counting
    _counting = True
    try:
        return rounds()
    finally:
        _counting = False


_BURST = Scenario("burst", "a 64-wide burst", "req/s", True, "loop", "chat64")


def run_loop(job: dict[str, Any], client: Client, scen: Scenario, check: Check) -> dict[str, Any]:
    mod = importlib.import_module(f"adapters.{client.module}")
    count, repeats = job["count"], job["repeats"]
    url = _url(job, scen)
    meta = check.meta
    if client.kind == "sync":
        with mod.open_adapter(url) as adapter:
            if scen.op == "chat_after_burst":  # leaves 64 idle connections in the pool
                _sync_round(adapter, _BURST, 64, check)
            _sync_round(adapter, scen, count, check)  # warm-up
            secs = _timed(lambda: [_sync_round(adapter, scen, count, check) for _ in range(repeats)])
    else:
        rt = _AsyncRuntime(client.kind)

        async def main() -> list[tuple[float, float]]:
            async with mod.open_adapter(url) as adapter:
                if scen.op == "chat_after_burst":  # leaves 64 idle connections in the pool
                    await _async_round(adapter, _BURST, 64, rt, check)
                if job.get("warmup", True):
                    await _async_round(adapter, scen, count, rt, check)
                global _counting
                _counting = True
                try:
                    return [await _async_round(adapter, scen, count, rt, check) for _ in range(repeats)]
                finally:
                    _counting = False

        secs = rt.run(main)
    values = [_value(scen, count, wall, meta) for wall, _ in secs]
    # Client CPU per request, chunk or operation (µs): this process only, so it does not count the server or other programs.
    per_round = count * (meta["streams"][scen.prefix] if scen.unit == "chunks/s" else 1)
    cpu_us = [cpu * 1e6 / per_round for _, cpu in secs]
    # Garbage collections per generation (young, middle, full) over all timed rounds.
    return {"values": values, "median": statistics.median(values), "cpu_us": cpu_us, "gc": _collections}


def run_cold(job: dict[str, Any], client: Client, scen: Scenario, check: Check) -> dict[str, Any]:
    # Everything from here is what a user's program pays: the event loop library, the client library,
    # building the client and one request over a fresh connection.
    t0 = time.perf_counter()
    if client.kind == "trio":
        import trio  # noqa: F401
    elif client.kind == "asyncio":
        import asyncio  # noqa: F401
    mod = importlib.import_module(f"adapters.{client.module}")
    t_import = time.perf_counter()
    url = _url(job, scen)
    if client.kind == "sync":
        with mod.open_adapter(url) as adapter:
            check.chat(adapter.chat())
            t_first = time.perf_counter()
    else:
        rt = _AsyncRuntime(client.kind)

        async def main() -> float:
            async with mod.open_adapter(url) as adapter:
                check.chat(await adapter.chat())
                return time.perf_counter()

        t_first = rt.run(main)
    return {"import_ms": (t_import - t0) * 1000, "first_ms": (t_first - t0) * 1000}


def _run_mem_results(mod: Any, client: Client, base: str, check: Check) -> dict[str, Any]:
    """Peak RSS growth while holding HELD_RESULTS chat completions (after warming up on a few)."""
    url = f"{base}/v1"
    out: dict[str, Any] = {}
    held: list[object] = []
    if client.kind == "sync":
        with mod.open_adapter(url) as adapter:
            for _ in range(20):
                adapter.completion()
            peak = _Peak()
            held.extend(adapter.completion() for _ in range(HELD_RESULTS))
            out.update(peak.result())
    else:
        rt = _AsyncRuntime(client.kind)

        async def main() -> None:
            async with mod.open_adapter(url) as adapter:
                for _ in range(20):
                    await adapter.completion()
                peak = _Peak()
                for _ in range(HELD_RESULTS):
                    held.append(await adapter.completion())
                out.update(peak.result())

        rt.run(main)
    check.chat(len(held[-1].choices[0].message.content or ""))
    return out


def run_mem(job: dict[str, Any], client: Client, scen: Scenario, check: Check) -> dict[str, Any]:
    """Peak RSS growth over one big response, in a process warmed up on a small response of the same kind."""
    mod = importlib.import_module(f"adapters.{client.module}")
    base = job["base"]
    if scen.op == "mem_results":
        return _run_mem_results(mod, client, base, check)
    if scen.op == "mem_emb":
        warm_url, big_url = f"{base}/emb1/v1", f"{base}/v1"
    else:
        warm_url, big_url = f"{base}/s10/v1", f"{base}/s20k/v1"
    out: dict[str, Any] = {}
    peak: list[_Peak] = []

    def baseline() -> None:
        peak.append(_Peak())

    def finish() -> None:
        out.update(peak[0].result())

    if client.kind == "sync":
        with mod.open_adapter(warm_url) as warm, mod.open_adapter(big_url) as big:
            if scen.op == "mem_emb":
                warm.embeddings(b64=False)
            else:
                check.stream("s10", warm.stream())
            check.models(big.models())  # the big client's connection is open before the baseline
            baseline()
            if scen.op == "mem_emb":
                rows = big.embeddings(b64=False)
                finish()
                check.embeddings(rows)
            else:
                check.stream("s20k", big.stream())
                finish()
    else:
        rt = _AsyncRuntime(client.kind)

        async def main() -> None:
            async with mod.open_adapter(warm_url) as warm, mod.open_adapter(big_url) as big:
                if scen.op == "mem_emb":
                    await warm.embeddings(b64=False)
                else:
                    check.stream("s10", await warm.stream())
                check.models(await big.models())
                baseline()
                if scen.op == "mem_emb":
                    rows = await big.embeddings(b64=False)
                    finish()
                    check.embeddings(rows)
                else:
                    check.stream("s20k", await big.stream())
                    finish()

        rt.run(main)
    return out


def main() -> None:
    job = json.loads(sys.argv[1])
    try:
        client = CLIENTS_BY_KEY[job["client"]]
        scen = SCENARIOS_BY_KEY[job["scenario"]]
        check = Check(json.loads(Path(job["meta"]).read_text()))
        if scen.tls:  # trust the test CA (with the system's CAs, so a client loads a bundle of usual size)
            os.environ["SSL_CERT_FILE"] = job["tls_ca"]
        if scen.mode == "cold":
            result = run_cold(job, client, scen, check)
        elif scen.mode == "mem":
            result = run_mem(job, client, scen, check)
        else:
            result = run_loop(job, client, scen, check)
    except BaseException as exc:  # report anything, including ExceptionGroups and KeyboardInterrupt
        tb = traceback.format_exception(exc)
        result = {"error": f"{type(exc).__name__}: {exc}".strip()[:300], "traceback": "".join(tb)[-4000:]}
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
