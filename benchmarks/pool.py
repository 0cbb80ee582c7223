"""The connection pool under bursts and wide concurrency: trio_openai beside the floor's pool settings.

    .venv/bin/python benchmarks/pool.py [--repeats 5] [--tls]

Against nginx on loopback (pinned to core 1; this process should be pinned to core 0 with
``taskset -c 0``), it measures client CPU per request (``time.process_time``, the best of
``--repeats`` rounds, so other work on the machine counts as little as possible):

- ``seq``: sequential requests on a fresh client (one connection);
- ``seq after burst``: the same client after a 64-wide burst left 64 idle connections in the pool;
- ``256`` / ``1024`` in flight: that many tasks at once, 4 requests each.

Clients: trio_openai's ``AsyncOpenAI`` (default pool: 1,000 connections, 100 kept alive), the same
with httpcore2's own connection assignment instead of the idle stack (``trio_openai/hc2``: the figure
before ``_transport_pool``'s idle stack), and the
floor (httpcore2's ``AsyncConnectionPool`` + msgspec, see ``adapters/floor.py``) with a few pool
configurations, so "the floor's best pool configuration" can be read off the table. With ``--tls``
everything goes over HTTPS (a trustme certificate; the SSL context is built once, before timing).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(1, str(_HERE.parent))

import httpcore2  # noqa: E402
import trio  # noqa: E402
from adapters import floor  # noqa: E402
from adapters._contract import API_KEY  # noqa: E402
from nginx_server import running_nginx  # noqa: E402

from trio_openai._core._transport_pool import Pool as _Pool  # noqa: E402

_IDLE_STACK = _Pool._handle_http11  # pyright: ignore[reportPrivateUsage]

FLOOR_POOLS = {
    "floor 100/100": (100, 100),  # the harness's floor
    "floor 1000/100": (1000, 100),  # trio_openai's and httpx's defaults
    "floor 64/64": (64, 64),
    "floor unbounded": (None, None),
}


@contextlib.asynccontextmanager
async def _floor(base: str, limits: tuple[int | None, int | None], ssl_ctx: Any) -> AsyncIterator[Any]:
    async with httpcore2.AsyncConnectionPool(
        max_connections=limits[0], max_keepalive_connections=limits[1], ssl_context=ssl_ctx
    ) as pool:
        yield floor.FloorAdapter(pool, base)


@contextlib.asynccontextmanager
async def _trio_openai(base: str, ssl_ctx: Any, *, httpcore2_assignment: bool = False) -> AsyncIterator[Any]:
    from adapters.trio_openai_async import TrioOpenAIAdapter

    import trio_openai
    from trio_openai._core._transport_pool import Pool

    if httpcore2_assignment:  # the figure before the idle stack: httpcore2's own scan, same guards
        Pool._handle_http11 = httpcore2.AsyncConnectionPool.handle_async_request  # type: ignore[method-assign]
    else:
        Pool._handle_http11 = _IDLE_STACK  # type: ignore[method-assign]

    kwargs: dict[str, Any] = {} if ssl_ctx is None else {"verify": ssl_ctx}
    async with trio_openai.AsyncOpenAI(base_url=base, api_key=API_KEY, max_retries=0, **kwargs) as client:
        yield TrioOpenAIAdapter(client)


async def _seq(adapter: Any, n: int) -> float:
    cpu = time.process_time()
    for _ in range(n):
        await adapter.chat()
    return (time.process_time() - cpu) / n


async def _wide(adapter: Any, width: int, per_task: int) -> float:
    async def job() -> None:
        for _ in range(per_task):
            await adapter.chat()

    cpu = time.process_time()
    async with trio.open_nursery() as nursery:
        for _ in range(width):
            nursery.start_soon(job)
    return (time.process_time() - cpu) / (width * per_task)


def _measure(open_client: Callable[[], Any], repeats: int, seq_n: int) -> dict[str, float]:
    best: dict[str, float] = {}

    def keep(key: str, value: float) -> None:
        best[key] = min(best.get(key, value), value)

    async def one_round() -> None:
        async with open_client() as adapter:
            await adapter.chat()  # connect, warm the code paths
            keep("seq", await _seq(adapter, seq_n))
            await _wide(adapter, 64, 1)  # the burst: leaves 64 idle connections
            keep("seq after burst", await _seq(adapter, seq_n))
        for width in (256, 1024):
            try:
                async with open_client() as adapter:
                    await _wide(adapter, width, 1)  # warm-up: open the connections
                    keep(f"{width} in flight", await _wide(adapter, width, 4))
            except Exception as exc:  # e.g. connect timeouts when the pool starves the event loop
                print(f"  {width} in flight failed: {type(exc).__name__}", flush=True)
                best.setdefault(f"{width} in flight", float("nan"))

    for _ in range(repeats):
        trio.run(one_round)
    return best


def _tls_setup(tmp: Path) -> tuple[Any, Any]:
    import ssl

    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(tmp / "server.pem"))
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return tmp / "server.pem", ctx


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seq", type=int, default=300, help="sequential requests per round")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--clients", help="comma-separated labels (default: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pool-") as tmpdir:
        data = Path(tmpdir) / "data"
        data.mkdir()
        os.chmod(tmpdir, 0o755)
        os.chmod(data, 0o755)
        subprocess.run(
            [sys.executable, str(_HERE / "gen_data.py"), str(data)], check=True, capture_output=True
        )
        cert, ssl_ctx = _tls_setup(Path(tmpdir)) if args.tls else (None, None)
        with running_nginx(data, tls_cert=cert) as base:
            url = base + "/v1"
            clients: dict[str, Callable[[], Any]] = {
                "trio_openai": lambda: _trio_openai(url, ssl_ctx),
                "trio_openai/hc2": lambda: _trio_openai(url, ssl_ctx, httpcore2_assignment=True),
            }
            for label, limits in FLOOR_POOLS.items():
                clients[label] = lambda limits=limits: _floor(url, limits, ssl_ctx)
            wanted = args.clients.split(",") if args.clients else list(clients)
            rows = {}
            for label in wanted:
                rows[label] = _measure(clients[label], args.repeats, args.seq)
                print(label, json.dumps({k: round(v * 1e6, 1) for k, v in rows[label].items()}), flush=True)
    keys = ["seq", "seq after burst", "256 in flight", "1024 in flight"]
    print(f"\nclient CPU per request (us), best of {args.repeats}{' over TLS' if args.tls else ''}")
    print(f"{'client':18}" + "".join(f"{k:>17}" for k in keys))
    for label, row in rows.items():
        print(f"{label:18}" + "".join(f"{row[k] * 1e6:17.1f}" for k in keys))


if __name__ == "__main__":
    main()
