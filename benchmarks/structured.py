"""Structured outputs, client CPU side by side: trio_openai (msgspec Struct, and pydantic) vs the official
SDK (pydantic), in one run.

Run from the repository root:  .venv/bin/python benchmarks/structured.py [--calls N] [--repeat N]
(needs ``pip install openai pydantic ijson``; the official SDK is a benchmark-only dependency)

A child process serves canned answers on 127.0.0.1 (so its CPU is not counted); this process measures its
own CPU time (``time.process_time``) per operation, best of ``--repeat`` rounds:

- ``parse``: ``chat.completions.parse(response_format=Order)`` where the answer's content is a ~2 KB JSON
  ``Order`` (a nested model: items with nested product and tags); per call.
- ``stream``: ``chat.completions.stream(response_format=Order)`` over a 500-delta stream of the same JSON,
  iterating every event (partial values on every content delta) and ``get_final_completion()``; per delta.

Also a ``floor`` for ``parse``: httpcore2 + msgspec (decode the completion, then its content into the
Struct) with no client logic. Ratios are the official SDK's CPU over trio_openai's.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec
import pydantic

DELTAS = 500


# --- the answers ---------------------------------------------------------------------------------------


def order_json() -> str:
    items = [
        {
            "sku": f"SKU-{i:05d}",
            "quantity": i % 7 + 1,
            "price": round(3.5 + i * 1.25, 2),
            "product": {"name": f"Widget number {i}", "category": "tools", "weight_kg": None},
            "tags": ["sale", "new"] if i % 2 else ["classic"],
        }
        for i in range(13)
    ]
    order = {"id": "ord_123", "customer": "Ada Lovelace", "status": "paid", "items": items, "note": None}
    return json.dumps(order, separators=(",", ":"))


def completion_body(content: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "gpt-4o-2024-08-06",
            "system_fingerprint": "fp_bench",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 600, "total_tokens": 650},
        }
    ).encode()


def stream_body(content: str) -> bytes:
    cuts = [i * len(content) // DELTAS for i in range(DELTAS + 1)]
    pieces = [content[a:b] for a, b in itertools.pairwise(cuts)]
    assert len(pieces) == DELTAS, len(pieces)
    head = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_bench",
    }

    def frame(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return b"data: " + json.dumps({**head, "choices": [choice]}).encode() + b"\n\n"

    frames = [frame({"role": "assistant", "content": "", "refusal": None})]
    frames += [frame({"content": piece}) for piece in pieces]
    frames.append(frame({}, "stop"))
    return b"".join(frames) + b"data: [DONE]\n\n"


# --- the server (child process) ------------------------------------------------------------------------


def serve() -> None:
    import socket
    import threading

    content = order_json()
    replies = {
        b"json": b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n",
        b"sse": b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: %d\r\n\r\n",
    }
    bodies = {b"json": completion_body(content), b"sse": stream_body(content)}
    canned = {key: replies[key] % len(bodies[key]) + bodies[key] for key in bodies}

    def handle(conn: socket.socket) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffer += data
                body, buffer = buffer[:length], buffer[length:]
                conn.sendall(canned[b"sse" if b'"stream":true' in body else b"json"])

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(600)  # stops by itself if the parent goes away
    print(listener.getsockname()[1], flush=True)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            return
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


# --- the types -------------------------------------------------------------------------------------------


class Product(msgspec.Struct):
    name: str
    category: str
    weight_kg: float | None


class Item(msgspec.Struct):
    sku: str
    quantity: int
    price: float
    product: Product
    tags: list[str]


class Order(msgspec.Struct):
    id: str
    customer: str
    status: str
    items: list[Item]
    note: str | None


class PProduct(pydantic.BaseModel):
    name: str
    category: str
    weight_kg: float | None


class PItem(pydantic.BaseModel):
    sku: str
    quantity: int
    price: float
    product: PProduct
    tags: list[str]


class POrder(pydantic.BaseModel):
    id: str
    customer: str
    status: str
    items: list[PItem]
    note: str | None


MESSAGES = [{"role": "user", "content": "Give me the order"}]


# --- measuring -------------------------------------------------------------------------------------------


def best_cpu(repeat: int, calls: int, run: Callable[[int], None]) -> float:
    """The least CPU seconds per call over ``repeat`` rounds of ``calls`` calls."""
    run(2)  # warm up: connections, caches
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run(calls)
        best = min(best, (time.process_time() - start) / calls)
    return best


def ours_parse(base: str, tp: Any) -> Callable[[int], None]:
    import trio

    from trio_openai import AsyncOpenAI

    def run(calls: int) -> None:
        async def main() -> None:
            async with AsyncOpenAI(api_key="sk-bench", base_url=base) as client:
                for _ in range(calls):
                    result = await client.chat.completions.parse(
                        model="m", messages=MESSAGES, response_format=tp
                    )
                    assert len(result.choices[0].message.parsed.items) == 13  # type: ignore[union-attr]

        trio.run(main)

    return run


def ours_stream(base: str, tp: Any) -> Callable[[int], None]:
    import trio

    from trio_openai import AsyncOpenAI

    def run(calls: int) -> None:
        async def main() -> None:
            async with AsyncOpenAI(api_key="sk-bench", base_url=base) as client:
                for _ in range(calls):
                    deltas = 0
                    async with client.chat.completions.stream(
                        model="m", messages=MESSAGES, response_format=tp
                    ) as stream:
                        async for event in stream:
                            if event.type == "content.delta" and event.delta:
                                deltas += 1
                                assert event.parsed is not None
                        final = await stream.get_final_completion()
                    assert deltas == DELTAS and final.choices[0].message.parsed is not None

        trio.run(main)

    return run


def official_parse(base: str, tp: Any, mode: str) -> Callable[[int], None]:
    import openai

    if mode == "sync":

        def run(calls: int) -> None:
            with openai.OpenAI(api_key="sk-bench", base_url=base) as client:
                for _ in range(calls):
                    result = client.chat.completions.parse(model="m", messages=MESSAGES, response_format=tp)  # type: ignore[arg-type]
                    assert len(result.choices[0].message.parsed.items) == 13  # type: ignore[union-attr]

        return run

    def run_async(calls: int) -> None:
        async def main() -> None:
            async with openai.AsyncOpenAI(api_key="sk-bench", base_url=base) as client:
                for _ in range(calls):
                    result = await client.chat.completions.parse(
                        model="m", messages=MESSAGES, response_format=tp
                    )  # type: ignore[arg-type]
                    assert len(result.choices[0].message.parsed.items) == 13  # type: ignore[union-attr]

        asyncio.run(main())

    return run_async


def official_stream(base: str, tp: Any) -> Callable[[int], None]:
    import openai

    def run(calls: int) -> None:
        with openai.OpenAI(api_key="sk-bench", base_url=base) as client:
            for _ in range(calls):
                deltas = 0
                with client.chat.completions.stream(
                    model="m", messages=MESSAGES, response_format=tp
                ) as stream:  # type: ignore[arg-type]
                    for event in stream:
                        if event.type == "content.delta" and event.delta:
                            deltas += 1
                            assert event.parsed is not None
                    final = stream.get_final_completion()
                assert deltas == DELTAS and final.choices[0].message.parsed is not None

    return run


def floor_parse(base: str, tp: Any) -> Callable[[int], None]:
    import httpcore2
    import msgspec

    from trio_openai.types import ChatCompletion

    completion = msgspec.json.Decoder(ChatCompletion)
    content = msgspec.json.Decoder(tp)
    body = json.dumps({"model": "m", "messages": MESSAGES}).encode()

    def run(calls: int) -> None:
        with httpcore2.ConnectionPool() as pool:
            for _ in range(calls):
                response = pool.request(
                    "POST",
                    base + "/chat/completions",
                    headers={"content-type": "application/json"},
                    content=body,
                )
                result = completion.decode(response.content)
                assert len(content.decode(result.choices[0].message.content).items) == 13

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="parse calls per round")
    parser.add_argument("--streams", type=int, default=10, help="500-delta streams per round")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    child = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        base = f"http://127.0.0.1:{int(child.stdout.readline())}/v1"
        struct, model = Order, POrder
        rows: list[tuple[str, str, float]] = []
        parse_runs = {
            "floor (httpcore2 + msgspec)": floor_parse(base, struct),
            "trio_openai, Struct": ours_parse(base, struct),
            "trio_openai, pydantic": ours_parse(base, model),
            "openai sync, pydantic": official_parse(base, model, "sync"),
            "openai asyncio, pydantic": official_parse(base, model, "asyncio"),
        }
        for name, run in parse_runs.items():
            rows.append(("parse", name, best_cpu(args.repeat, args.calls, run)))
        stream_runs = {
            "trio_openai, Struct": ours_stream(base, struct),
            "trio_openai, pydantic": ours_stream(base, model),
            "openai sync, pydantic": official_stream(base, model),
        }
        for name, run in stream_runs.items():
            rows.append(("stream", name, best_cpu(args.repeat, args.streams, run) / DELTAS))
    finally:
        child.kill()
        child.wait()
    content = order_json()
    print(f"answer: {len(content)} bytes of JSON; stream: {DELTAS} deltas; python {sys.version.split()[0]}")
    print(
        f"best of {args.repeat} rounds ({args.calls} parse calls, {args.streams} streams each); client CPU only"
    )
    for scenario, unit in (("parse", "per call"), ("stream", "per delta")):
        ours = next(cpu for s, n, cpu in rows if s == scenario and n == "trio_openai, Struct")
        print(f"\n{scenario} ({unit})")
        print(f"  {'client':30} {'CPU µs':>9} {'vs trio_openai Struct':>22}")
        for s, name, cpu in rows:
            if s == scenario:
                print(f"  {name:30} {cpu * 1e6:>9.1f} {cpu / ours:>21.2f}x")


if __name__ == "__main__":
    main()
