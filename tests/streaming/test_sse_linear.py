"""Large SSE events cost work linear in their size, whatever the read size (issue 13, defect 2).

Work is counted, not timed: the chunks fed to the decoder are a ``bytes`` subclass that counts the bytes
each search or slice of it examines, and the decoder's carried-over line is a ``bytearray`` subclass
(put in place by patching the name ``bytearray`` in the decoder's module) that counts the bytes copied
out of it or searched in it. Feeding an event of N bytes in 4 KiB reads must cost O(N) of both; the
decoder that copied everything received so far on every read cost O(N^2 / 4096).
"""

from __future__ import annotations

from typing import Any, SupportsIndex

import pytest
import trio

from trio_openai import AsyncOpenAI
from trio_openai._core import _sse
from trio_openai._core._sse import SSEDecoder
from trio_openai.testing import MockRequest, MockResponse, MockTransport

READ = 4096


class Work:
    bytes = 0


class CountingBytes(bytes):
    """A chunk that counts the bytes its searches and slices look at."""

    def _count(self, start: SupportsIndex | None = None) -> None:
        Work.bytes += len(self) - (int(start) if start is not None else 0)

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        self._count(start)
        return super().find(sub, start, end)

    def rfind(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        self._count(start)
        return super().rfind(sub, start, end)

    def count(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        self._count(start)
        return super().count(sub, start, end)

    def split(self, sep: Any = None, maxsplit: SupportsIndex = -1) -> list[bytes]:  # type: ignore[override]
        self._count()
        return super().split(sep, maxsplit)

    def __contains__(self, sub: object) -> bool:
        self._count()
        return super().__contains__(sub)  # type: ignore[operator]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, slice):
            self._count()
        return super().__getitem__(key)

    def __add__(self, other: Any) -> bytes:
        self._count()
        Work.bytes += len(other)
        return bytes(self) + bytes(other)

    def __radd__(self, other: Any) -> bytes:
        self._count()
        Work.bytes += len(other)
        return bytes(other) + bytes(self)


class CountingBytearray(bytearray):
    """The decoder's carried-over line, counting the bytes copied out of it or searched in it."""

    def __bytes__(self) -> bytes:
        Work.bytes += len(self)
        return bytes(memoryview(self))

    def find(self, *args: Any) -> int:  # type: ignore[override]
        Work.bytes += len(self)
        return super().find(*args)

    def __contains__(self, sub: object) -> bool:
        Work.bytes += len(self)
        return super().__contains__(sub)  # type: ignore[operator]

    def startswith(self, *args: Any) -> bool:  # type: ignore[override]
        Work.bytes += len(self)
        return super().startswith(*args)

    def __add__(self, other: Any) -> bytearray:
        Work.bytes += len(self) + len(other)
        return bytearray(memoryview(self)) + other


@pytest.fixture(autouse=True)
def counting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sse, "bytearray", CountingBytearray, raising=False)
    Work.bytes = 0


def big_event(size: int, *, named: bool = False, lines: int = 1) -> tuple[bytes, bytes]:
    payload = b'{"text":"' + b"a" * size + b'"}'
    head = b"event: big\n" if named else b""
    if lines == 1:
        frame = head + b"data: " + payload + b"\n\n"
        return frame, payload
    step = len(payload) // lines
    parts = [payload[i : i + step] for i in range(0, len(payload), step)]
    frame = head + b"".join(b"data: " + p + b"\n" for p in parts) + b"\n"
    return frame, b"\n".join(parts)


def reads(stream: bytes, size: int = READ) -> list[bytes]:
    return [CountingBytes(stream[i : i + size]) for i in range(0, len(stream), size)]


def work_to_decode(stream: bytes, *, fast: bool) -> tuple[int, list[bytes]]:
    decoder = SSEDecoder()
    assert isinstance(decoder._partial, CountingBytearray)  # pyright: ignore[reportPrivateUsage]
    Work.bytes = 0
    out: list[bytes] = []
    for chunk in reads(b'data: {"first":1}\n\n' + stream):
        if fast:
            payloads, events = decoder.feed_payloads(chunk)
            out += [e.data_bytes for e in events] + (payloads or [])
        else:
            out += [e.data_bytes for e in decoder.feed(chunk)]
    assert not decoder.in_event
    return Work.bytes, out


@pytest.mark.parametrize("fast", [True, False], ids=["feed_payloads", "feed"])
@pytest.mark.parametrize("shape", [{}, {"named": True}, {"lines": 7}, {"named": True, "lines": 3}], ids=str)
def test_work_is_linear_in_the_event_size(fast: bool, shape: dict[str, Any]) -> None:
    small, large = 256 * 1024, 1024 * 1024
    counts: list[int] = []
    for size in (small, large):
        stream, payload = big_event(size, **shape)
        work, out = work_to_decode(stream, fast=fast)
        assert out == [b'{"first":1}', payload]
        # A handful of passes over the bytes; the quadratic decoder did size / 8 KiB passes (32 and 128).
        assert work < 12 * len(stream), (size, work / len(stream))
        counts.append(work)
    # Four times the bytes, about four times the work (quadratic: sixteen times).
    assert counts[1] < 5 * counts[0], counts


def test_the_read_size_does_not_change_the_work() -> None:
    stream, payload = big_event(512 * 1024)
    counts: list[int] = []
    for size in (512, 4096, 65536):
        decoder = SSEDecoder()
        Work.bytes = 0
        out: list[bytes] = []
        for chunk in reads(stream, size):
            payloads, events = decoder.feed_payloads(chunk)
            out += [e.data_bytes for e in events] + (payloads or [])
        assert out == [payload]
        counts.append(Work.bytes)
    assert max(counts) < 2 * min(counts), counts


async def test_a_large_event_streams_through_the_client_in_small_reads() -> None:
    size = 2 * 1024 * 1024
    chunk = (
        b'{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
        b'"delta":{"content":"' + b"a" * size + b'"},"finish_reason":null}]}'
    )
    body = b"data: " + chunk + b"\n\ndata: [DONE]\n\n"

    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(stream=reads(body), headers={"content-type": "text/event-stream"})

    with trio.fail_after(10):
        async with AsyncOpenAI(
            api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(handler), max_retries=0
        ) as client:
            Work.bytes = 0
            stream = await client.chat.completions.create(model="m", messages=[], stream=True)
            async with stream:
                items = [item async for item in stream]
            assert [len(i.choices[0].delta.content or "") for i in items] == [size]
            assert stream.done
            assert Work.bytes < 12 * len(body), Work.bytes / len(body)
