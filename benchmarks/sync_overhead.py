"""Per-call overhead of the blocking client on loopback, against the async client and the official SDK.

Every client retrieves one model (``GET /v1/models/gpt-4o``) over and over on one keep-alive
connection. The server is a tiny canned HTTP/1.1 responder in a separate process (so it does not
share the GIL with the clients, and its own cost is small next to theirs). In the same run:

* ``trio_openai.OpenAI``: the blocking client, calls from the main thread (through the portal);
* ``trio_openai.AsyncOpenAI`` under ``trio.run`` (the same work without the thread hop);
* ``openai.OpenAI``: the official sync client (httpx), if installed.

A second table repeats the three with an in-memory transport (no sockets: trio_openai's
``MockTransport``, the official SDK's ``httpx2.MockTransport``), which isolates the per-call cost of
each client's own machinery; the blocking-vs-async difference there is the portal hop.

Each figure is the best and the median of several rounds (shared machines are noisy).

Run from the repository root: python benchmarks/sync_overhead.py [calls-per-round] [rounds]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trio

import trio_openai

_SERVER = textwrap.dedent(
    """
    import sys, trio

    BODY = b'{"id":"gpt-4o","object":"model","created":1700000000,"owned_by":"openai"}'
    REPLY = (
        b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\nx-request-id: req_bench\\r\\n"
        b"content-length: " + str(len(BODY)).encode() + b"\\r\\n\\r\\n" + BODY
    )

    async def serve(stream):
        pending = b""
        async with stream:
            while True:
                data = await stream.receive_some(65536)
                if not data:
                    return
                pending += data
                count = pending.count(b"\\r\\n\\r\\n")  # GETs only: no request bodies
                if count:
                    pending = pending[pending.rfind(b"\\r\\n\\r\\n") + 4:]
                    await stream.send_all(REPLY * count)

    async def main():
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        print(listeners[0].socket.getsockname()[1], flush=True)
        with trio.move_on_after(float(sys.argv[1])):
            await trio.serve_listeners(serve, listeners)

    trio.run(main)
    """
)


def rate(call: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return calls / (time.perf_counter() - start)


BODY = b'{"id":"gpt-4o","object":"model","created":1700000000,"owned_by":"openai"}'


def measure(base_url: str | None, calls: int, rounds: int) -> dict[str, tuple[float, float]]:
    """calls/s (best, median) of each client; in memory when `base_url` is None.

    Rounds are interleaved (A B C A B C ...) so that a noisy neighbour hurts every client alike.
    """
    from trio_openai.testing import MockResponse, MockTransport

    def transport() -> dict[str, object]:
        if base_url is not None:
            return {}
        reply = MockResponse(content=BODY, headers={"content-type": "application/json"})
        return {"transport": MockTransport(lambda request: reply)}

    options: dict[str, object] = {"api_key": "sk-bench", "max_retries": 0}
    options["base_url"] = base_url or "http://bench.invalid/v1"
    contenders: dict[str, Callable[[], float]] = {}
    closers: list[Callable[[], object]] = []

    client = trio_openai.OpenAI(**options, **transport())  # type: ignore[arg-type]
    closers.append(client.close)
    retrieve = client.models.retrieve
    assert retrieve("gpt-4o").id == "gpt-4o"
    contenders["trio_openai.OpenAI (blocking)"] = lambda: rate(lambda: retrieve("gpt-4o"), calls)

    aclient = trio_openai.AsyncOpenAI(**options, **transport())  # type: ignore[arg-type]

    async def async_round() -> float:
        await aclient.models.retrieve("gpt-4o")  # the pool belongs to one trio run: warm this one
        start = time.perf_counter()
        for _ in range(calls):
            await aclient.models.retrieve("gpt-4o")
        elapsed = time.perf_counter() - start
        await aclient.aclose()
        return calls / elapsed

    def fresh_async_round() -> float:
        nonlocal aclient
        aclient = trio_openai.AsyncOpenAI(**options, **transport())  # type: ignore[arg-type]
        return trio.run(async_round)

    contenders["trio_openai.AsyncOpenAI (trio)"] = fresh_async_round

    try:
        import httpx2
        import openai
    except ImportError:  # pragma: no cover - optional comparison
        pass
    else:
        http_client = None
        if base_url is None:
            http_client = httpx2.Client(
                transport=httpx2.MockTransport(
                    lambda request: httpx2.Response(
                        200, content=BODY, headers={"content-type": "application/json"}
                    )
                )
            )
        official = openai.OpenAI(**options, http_client=http_client)  # type: ignore[arg-type]
        closers.append(official.close)
        assert official.models.retrieve("gpt-4o").id == "gpt-4o"
        contenders[f"openai.OpenAI {openai.__version__} (official sync)"] = lambda: rate(
            lambda: official.models.retrieve("gpt-4o"), calls
        )

    rates: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, one_round in contenders.items():
            rates[name].append(one_round())
    for close in closers:
        close()
    return {name: (max(values), statistics.median(values)) for name, values in rates.items()}


def report(title: str, results: dict[str, tuple[float, float]]) -> None:
    print(title)
    width = max(len(name) for name in results)
    for name, (best, median) in results.items():
        print(f"  {name:<{width}}  {best:8.0f} / {median:8.0f}   {1e6 / best:6.1f} us/call")
    blocking, blocking_median = results["trio_openai.OpenAI (blocking)"]
    for name, (best, median) in results.items():
        if not name.startswith("trio_openai.OpenAI "):
            print(
                f"  blocking client vs {name}: {blocking / best:.2f}x best, {blocking_median / median:.2f}x median"
            )


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    server = subprocess.Popen([sys.executable, "-c", _SERVER, "600"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = f"http://127.0.0.1:{server.stdout.readline().strip()}/v1"
        loopback = measure(base_url, calls, rounds)
    finally:
        server.kill()
        server.wait()
    in_memory = measure(None, calls, rounds)
    unit = f"{calls} calls x {rounds} rounds (calls/s, best / median)"
    report(f"GET /v1/models/gpt-4o on loopback, {unit}", loopback)
    report(f"The same in memory (mock transports), {unit}", in_memory)


if __name__ == "__main__":
    main()
