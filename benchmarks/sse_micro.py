"""Micro-benchmark of the SSE decoder: events per second on a 20,000-chunk chat-completion-like stream.

Run from the repository root:  python benchmarks/sse_micro.py [--repeat N]

The stream is fed in 4 KiB and 64 KiB reads, as a socket would deliver it. Besides the plain
``data: {...}\\n\\n`` chat stream it also times a Responses-style stream (``event:`` + ``data:``), the same
chat stream with CRLF line ends (which takes the general line parser), one 10 MB event (linear in its
size whatever the read size: issue 13), and, when the official ``openai``
package is installed, its SSE decoder on the same bytes for reference.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trio_openai._core._sse import SSEDecoder

N_EVENTS = 20_000


def chat_stream(n: int = N_EVENTS, eol: bytes = b"\n") -> bytes:
    frames: list[bytes] = []
    for i in range(n):
        chunk = {
            "id": "chatcmpl-AbCdEf0123456789",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [
                {"index": 0, "delta": {"content": f"tok{i % 97}"}, "logprobs": None, "finish_reason": None}
            ],
        }
        frames.append(b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + eol + eol)
    frames.append(b"data: [DONE]" + eol + eol)
    return b"".join(frames)


def responses_stream(n: int = N_EVENTS) -> bytes:
    frames: list[bytes] = []
    for i in range(n):
        body = {
            "type": "response.output_text.delta",
            "item_id": "msg_0123456789abcdef",
            "output_index": 0,
            "content_index": 0,
            "delta": f"tok{i % 97}",
            "sequence_number": i,
        }
        frames.append(b"event: response.output_text.delta\ndata: " + json.dumps(body).encode() + b"\n\n")
    return b"".join(frames)


def reads(stream: bytes, size: int) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def run_ours(chunks: list[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for chunk in chunks:
        count += len(decoder.feed(chunk))
    return count + len(decoder.end())


def run_ours_payloads(chunks: list[bytes]) -> int:
    """The fast path AsyncStream uses (``feed_payloads``), falling back to events where it must."""
    decoder = SSEDecoder()
    count = 0
    for chunk in chunks:
        payloads, events = decoder.feed_payloads(chunk)
        count += len(events) + (len(payloads) if payloads is not None else 0)
    return count + len(decoder.end())


def big_event(size: int = 10_000_000) -> bytes:
    """One event of ``size`` bytes of data (issue 13: it used to take 8-13 s in 4 KiB reads)."""
    return b'data: {"text":"' + b"a" * size + b'"}\n\ndata: [DONE]\n\n'


def run_official(chunks: list[bytes]) -> int:
    from openai._streaming import SSEDecoder as OfficialDecoder

    return sum(1 for _ in OfficialDecoder().iter_bytes(iter(chunks)))


def best_of(repeat: int, fn: Callable[[list[bytes]], int], chunks: list[bytes]) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = fn(chunks)
        best = min(best, time.perf_counter() - start)
    return best, count


def cases() -> Iterator[tuple[str, bytes]]:
    yield "chat (LF)", chat_stream()
    yield "responses (event+data)", responses_stream()
    yield "chat (CRLF, general path)", chat_stream(eol=b"\r\n")
    yield "chat (CR, general path)", chat_stream(eol=b"\r")
    yield "one 10 MB event", big_event()


def main() -> None:
    parser = argparse.ArgumentParser(description="SSE decoder micro-benchmark")
    parser.add_argument("--repeat", type=int, default=7, help="runs per case; the best is reported")
    args = parser.parse_args()
    try:
        import openai._streaming  # noqa: F401  # pyright: ignore[reportUnusedImport]

        decoders: list[tuple[str, Callable[[list[bytes]], int]]] = [
            ("trio_openai", run_ours),
            ("trio_openai*", run_ours_payloads),
            ("openai", run_official),
        ]
    except ImportError:
        decoders = [("trio_openai", run_ours), ("trio_openai*", run_ours_payloads)]

    print(f"{'stream':28} {'read':>6} {'decoder':>12} {'events':>7} {'ms':>8} {'events/s':>12} {'MB/s':>8}")
    for name, stream in cases():
        for size in (4096, 65536):
            chunks = reads(stream, size)
            for label, fn in decoders:
                seconds, count = best_of(args.repeat, fn, chunks)
                print(
                    f"{name:28} {size // 1024:>4}Ki {label:>12} {count:>7} {seconds * 1e3:>8.2f}"
                    f" {count / seconds:>12,.0f} {len(stream) / seconds / 1e6:>8.0f}"
                )
    print("\ntrio_openai* is feed_payloads, the fast path AsyncStream uses")
    sample = chat_stream(1)
    print(
        f"\nchat event size: {len(sample.split(b'data: [DONE]')[0])} bytes; python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
