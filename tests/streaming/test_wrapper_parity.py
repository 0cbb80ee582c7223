"""Wrappers as the official SDK has them: ``http_request`` on raw and streamed responses (the key
redacted), a raw ``stream=True`` response's ``parse()`` giving the stream at once (``await
stream.close()`` works), ``stream.response.close()`` on the blocking `Stream` (before any iteration too), and
``with_streaming_response`` on binary endpoints parsing to ``bytes`` (typed so)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import trio

from trio_openai import AsyncOpenAI, AsyncStream, BinaryContent, OpenAI, Stream
from trio_openai.testing import MockRequest, MockResponse, MockTransport, open_fake_server

P = ParamSpec("P")
T = TypeVar("T")
KEY = "sk-secret-wrapper-key"
ROOT = Path(__file__).resolve().parents[2]
HELLO: Any = [{"role": "user", "content": "hello"}]


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


async def test_async_http_request_and_raw_stream_parse() -> None:
    with trio.fail_after(10):
        async with open_fake_server() as server, AsyncOpenAI(base_url=server.base_url, api_key=KEY) as client:
            raw = await client.models.with_raw_response.list()
            req = raw.http_request
            assert req.method == "GET" and req.url.endswith("/models")
            assert req.headers["authorization"] == "<redacted>"
            assert KEY not in repr(dict(req.headers)) and KEY not in repr(req)
            async with client.chat.completions.with_streaming_response.create(
                model="gpt-4o", messages=HELLO
            ) as streamed:
                assert streamed.http_request.method == "POST"
                assert streamed.http_request.headers["content-type"] == "application/json"

            raw_stream = await client.chat.completions.with_raw_response.create(
                model="gpt-4o", messages=HELLO, stream=True
            )
            stream = raw_stream.parse()  # no await, as in the official SDK
            assert isinstance(stream, AsyncStream)
            assert await stream is stream  # `await raw.parse()` still works
            async for _ in stream:
                break
            await stream.close()
            assert stream.response.is_closed
            pool = client.statistics().pool
            assert pool is not None and pool.active_connections == 0


async def test_blocking_stream_response_close_and_http_request() -> None:
    async with open_fake_server() as server:
        client = OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)

        def run() -> tuple[Any, ...]:
            stream = client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True)
            next(iter(stream))
            response = stream.response
            assert response is not None
            req = response.http_request
            response.close()  # closes the stream, as the official SDK's does
            raw = client.models.with_raw_response.list()
            return stream.closed, response.is_closed, req.headers["authorization"], raw.http_request.method

        try:
            closed, response_closed, auth, method = await blocking(run)
        finally:
            await blocking(client.close)
        assert closed and response_closed and auth == "<redacted>" and method == "GET"


async def test_blocking_stream_closed_before_iterating_releases_its_connection() -> None:
    async with open_fake_server() as server:
        client = OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)

        def run() -> list[tuple[bool, int]]:
            out: list[tuple[bool, int]] = []
            for how in ("close", "response.close", "with"):
                stream = client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True)
                if how == "close":
                    stream.close()
                elif how == "response.close":
                    stream.response.close()
                else:
                    with stream:
                        pass
                pool = client._async.statistics().pool  # pyright: ignore[reportPrivateUsage]
                assert pool is not None
                out.append((stream.closed and stream.response.is_closed, pool.active_connections))
            stream = client.chat.completions.create(model="gpt-4o", messages=HELLO, stream=True)
            assert [c for c in stream]  # iterated to the end: closing again is a no-op
            stream.close()
            return out

        try:
            results = await blocking(run)
        finally:
            await blocking(client.close)
        assert results == [(True, 0)] * 3


async def test_blocking_raw_stream_parse_gives_a_blocking_stream() -> None:
    async with open_fake_server() as server:
        client = OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)

        def run() -> tuple[bool, int, bool, str]:
            raw = client.chat.completions.with_raw_response.create(
                model="gpt-4o", messages=HELLO, stream=True
            )
            stream = raw.parse()
            chunks = list(stream)
            stream.close()
            return (
                isinstance(stream, Stream),
                len(chunks),
                stream.closed,
                raw.http_request.headers["authorization"],
            )

        try:
            is_stream, count, closed, auth = await blocking(run)
        finally:
            await blocking(client.close)
        assert is_stream and count > 0 and closed and auth == "<redacted>"


def _binary_transport() -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(content=b"\x00binary\xff", headers={"content-type": "application/octet-stream"})

    return MockTransport(handler)


async def test_streamed_binary_parse_gives_bytes_on_both_clients() -> None:
    async with AsyncOpenAI(
        api_key=KEY, base_url="http://api.test/v1", transport=_binary_transport()
    ) as client:
        with trio.fail_after(10):
            async with client.files.with_streaming_response.content("file_1") as response:
                body = await response.parse()
            async with client.audio.speech.with_streaming_response.create(
                model="tts-1", input="hi", voice="alloy"
            ) as speech:
                audio = await speech.parse()
            raw = await client.files.with_raw_response.content("file_1")
    assert type(body) is bytes and type(audio) is bytes and body == audio == b"\x00binary\xff"
    assert isinstance(raw.parse(), BinaryContent)  # a read raw response: the plain method's result


def test_blocking_streamed_binary_parse_gives_bytes() -> None:
    with OpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_binary_transport()) as client:
        with client.files.with_streaming_response.content("file_1") as response:
            body = response.parse()
        with client.audio.speech.with_streaming_response.create(
            model="tts-1", input="hi", voice="alloy"
        ) as s:
            audio = s.parse()
    assert type(body) is bytes and type(audio) is bytes and body == audio == b"\x00binary\xff"


async def test_wrapper_annotations_are_what_the_wrappers_give_for_pyright() -> None:
    root = ROOT
    pyright = root / ".venv" / "bin" / "pyright"
    if not pyright.exists():
        pyright = Path(sys.executable).parent / "pyright"
    with trio.fail_after(120):
        proc = await trio.run_process(
            [str(pyright), str(root / "tests" / "streaming" / "typing_wrappers.py")],
            capture_stdout=True,
            capture_stderr=True,
            check=False,
            cwd=root,
        )
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 0 and "0 errors" in out, out
