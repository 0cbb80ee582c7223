"""Wrappers as the official SDK has them: ``http_request`` on raw and streamed responses (the key
redacted), a raw ``stream=True`` response's ``parse()`` giving the stream at once (``await
stream.close()`` works), and ``stream.response.close()`` on the blocking `Stream`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import trio

from trio_openai import AsyncOpenAI, AsyncStream, OpenAI
from trio_openai.testing import open_fake_server

P = ParamSpec("P")
T = TypeVar("T")
KEY = "sk-secret-wrapper-key"
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
