"""Streamed chat completion over loopback: chunks per second, end to end, three clients in one run.

Run from the repository root:  python benchmarks/stream_micro.py [--chunks N] [--repeat N]

A tiny trio server on 127.0.0.1 answers every request with the same canned ``text/event-stream`` body
(N realistic ~200-byte chat chunks, then ``data: [DONE]``), chunked, over keep-alive. Each client reads
the whole stream and decodes every chunk into a typed object:

- ``floor``: an httpcore2 pool on trio, the body split on ``\\n\\n`` by hand, each payload decoded with a
  msgspec decoder for trio_openai's ``ChatCompletionChunk`` (no SSE parsing rules, no error checks);
- ``trio_openai``: ``AsyncOpenAI(...).chat.completions.create(..., stream=True)``;
- ``openai``: the official ``AsyncOpenAI`` running under trio (if installed).

Each figure is the least client-process CPU time of ``--repeat`` runs (the server runs in the same
process, a small constant share), with the garbage collections of a run (floor and trio_openai interleaved, the official client
fewer times as it is slow); ratios are against the floor.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpcore2
import msgspec
import trio

from trio_openai import AsyncOpenAI
from trio_openai.types import ChatCompletionChunk

WRITE_SIZE = 64 * 1024  # the server writes the body in pieces of this size (chunked encoding), as nginx does


def sse_body(n: int) -> bytes:
    frames: list[bytes] = []
    for i in range(n):
        chunk = {
            "id": "chatcmpl-AbCdEf0123456789xyz",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "system_fingerprint": "fp_0123456789",
            "choices": [
                {"index": 0, "delta": {"content": f" tok{i % 97}"}, "logprobs": None, "finish_reason": None}
            ],
        }
        frames.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n")
    frames.append(b"data: [DONE]\n\n")
    return b"".join(frames)


def chunked_response(body: bytes) -> bytes:
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: req_bench\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
    )
    parts = [head]
    for i in range(0, len(body), WRITE_SIZE):
        piece = body[i : i + WRITE_SIZE]
        parts.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


async def serve(reply: bytes, stream: trio.SocketStream) -> None:
    """Answer every request on the connection with ``reply`` (requests are small JSON POSTs)."""
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = await stream.receive_some(65536)
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
                data = await stream.receive_some(65536)
                if not data:
                    return
                buffer += data
            buffer = buffer[length:]
            await stream.send_all(reply)
    except trio.BrokenResourceError:
        pass


# --- the three clients ---------------------------------------------------------------------------------


async def run_floor(url: str, pool: httpcore2.AsyncConnectionPool) -> int:
    decode = msgspec.json.Decoder(ChatCompletionChunk).decode
    count = 0
    async with pool.stream("POST", url + "/chat/completions", content=b'{"stream":true}') as response:
        buffer = b""
        async for data in response.aiter_stream():
            buffer += data
            frames = buffer.split(b"\n\n")
            buffer = frames.pop()
            for frame in frames:
                payload = frame[6:]
                if payload == b"[DONE]":
                    continue
                decode(payload)
                count += 1
    return count


async def run_ours(client: AsyncOpenAI) -> int:
    count = 0
    stream = await client.chat.completions.create(model="m", messages=[], stream=True)
    async for _chunk in stream:
        count += 1
    return count


async def run_official(client: object) -> int:
    count = 0
    stream = await client.chat.completions.create(model="m", messages=[], stream=True)  # type: ignore[attr-defined]
    async for _chunk in stream:
        count += 1
    return count


collections = [0, 0, 0]  # garbage collections per generation during the last run
_counting = False


def _on_gc(phase: str, info: dict[str, int]) -> None:
    if _counting and phase == "start":
        collections[info["generation"]] += 1


gc.callbacks.append(_on_gc)


async def best_of(repeat: int, fn: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    """The least CPU time (process_time: steadier than wall time on a shared machine) of ``repeat``
    runs; ``collections`` holds the garbage collections of the last run."""
    global _counting
    best = float("inf")
    count = 0
    for _ in range(repeat):
        collections[:] = [0, 0, 0]
        _counting = True
        start = time.process_time()
        count = await fn()
        best = min(best, time.process_time() - start)
        _counting = False
    return best, count


async def main(n: int, repeat: int) -> None:
    body = sse_body(n)
    reply = chunked_response(body)
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(partial(trio.serve_tcp, partial(serve, reply), 0, host="127.0.0.1"))
        port = listeners[0].socket.getsockname()[1]
        base = f"http://127.0.0.1:{port}/v1"
        pool = httpcore2.AsyncConnectionPool(network_backend=httpcore2.TrioBackend())
        async with pool, AsyncOpenAI(api_key="sk-bench", base_url=base) as ours:
            # Interleaved rounds, so that a busy machine slows both sides alike.
            best = {"floor": (float("inf"), 0), "trio_openai": (float("inf"), 0)}
            gcs: dict[str, list[int]] = {}
            runs = {"floor": partial(run_floor, base, pool), "trio_openai": partial(run_ours, ours)}
            for _ in range(repeat):
                for name, fn in runs.items():
                    seconds, count = await best_of(1, fn)
                    best[name] = min(best[name], (seconds, count))
                    gcs[name] = list(collections)
            stats = ours.statistics().pool
            assert stats is not None and stats.connections == 1, stats  # one connection, reused each run
        results: list[tuple[str, float, int]] = [(name, *best[name]) for name in runs]
        try:
            import openai
        except ImportError:
            openai = None
        if openai is not None:
            async with openai.AsyncOpenAI(api_key="sk-bench", base_url=base, max_retries=0) as official:
                official_repeat = max(2, repeat // 3)  # it is slow; fewer runs
                results.append(("openai", *await best_of(official_repeat, partial(run_official, official))))
                gcs["openai"] = list(collections)
        nursery.cancel_scope.cancel()

    floor = results[0][1]
    chunk_size = len(body) // (n + 1)
    print(
        f"{n} chunks of ~{chunk_size} bytes ({len(body) / 1e6:.1f} MB), best of {repeat}; python {sys.version.split()[0]}"
    )
    print(f"{'client':12} {'chunks':>7} {'CPU ms':>9} {'chunks/s':>12} {'vs floor':>9}  gc (gen 0/1/2)")
    for name, seconds, count in results:
        assert count == n, (name, count)
        print(
            f"{name:12} {count:>7} {seconds * 1e3:>9.1f} {count / seconds:>12,.0f} {seconds / floor:>8.2f}x"
            f"  {'/'.join(map(str, gcs.get(name, [])))}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="streamed chat completion, chunks/s over loopback")
    parser.add_argument("--chunks", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    trio.run(main, args.chunks, args.repeat)
