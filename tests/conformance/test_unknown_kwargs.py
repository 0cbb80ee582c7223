"""A misspelt keyword argument fails as Python fails it, naming the argument and the method, before any
request is sent; ``extra_body`` still sends fields the types do not know. Async and blocking clients."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pytest
import trio

from tests._helpers import COMPLETION, MODEL
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

P = ParamSpec("P")
T = TypeVar("T")
HELLO = [{"role": "user", "content": "hi"}]


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[MockRequest] = []

    def __call__(self, request: MockRequest) -> MockResponse:
        self.requests.append(request)
        if "/models" in request.url:
            listing = request.url.endswith("/models")
            return MockResponse(json={"object": "list", "data": [MODEL]} if listing else MODEL)
        return MockResponse(json=COMPLETION)


def _clients(rec: Recorder) -> tuple[AsyncOpenAI, OpenAI]:
    kw: dict[str, Any] = {"api_key": "sk-test", "base_url": "http://api.test/v1"}
    return AsyncOpenAI(transport=MockTransport(rec), **kw), OpenAI(transport=MockTransport(rec), **kw)


async def test_async_unknown_keyword_raises_before_io() -> None:
    rec = Recorder()
    client, sync = _clients(rec)
    sync.close()
    with trio.fail_after(10):
        async with client:
            with pytest.raises(TypeError) as info:
                await client.chat.completions.create(model="m", messages=HELLO, temprature=0.2)  # type: ignore[call-arg]
            assert (
                str(info.value) == "AsyncCompletions.create() got an unexpected keyword argument 'temprature'"
            )
            with pytest.raises(
                TypeError, match=r"^AsyncModels.list\(\) got an unexpected keyword argument 'limt'$"
            ):
                client.models.list(limt=3)  # type: ignore[call-arg]
            with pytest.raises(TypeError, match=r"^AsyncModels.retrieve\(\) got an unexpected keyword"):
                await client.models.with_raw_response.retrieve("m", bogus=1)  # type: ignore[call-arg]
            with pytest.raises(TypeError, match=r"^AsyncModels.retrieve\(\) got an unexpected keyword"):
                async with client.models.with_streaming_response.retrieve("m", bogus=1):  # type: ignore[call-arg]
                    pass
            assert rec.requests == []
            # the real options and extra_body still pass
            await client.chat.completions.create(
                model="m", messages=HELLO, timeout=5, max_retries=0, extra_body={"temprature": 0.2}
            )
            assert len(rec.requests) == 1
            assert b'"temprature":0.2' in rec.requests[0].content


async def test_blocking_unknown_keyword_names_the_blocking_method() -> None:
    rec = Recorder()
    client, sync = _clients(rec)
    await client.close()
    try:
        with pytest.raises(TypeError) as info:
            await blocking(lambda: sync.chat.completions.create(model="m", messages=HELLO, temprature=0.2))  # type: ignore[call-overload]
        assert str(info.value) == "Completions.create() got an unexpected keyword argument 'temprature'"
        assert info.value.__cause__ is None and info.value.__suppress_context__
        with pytest.raises(TypeError, match=r"^Models.list\(\) got an unexpected keyword argument 'limt'$"):
            await blocking(lambda: sync.models.list(limt=3))  # type: ignore[call-arg]
        with pytest.raises(TypeError, match=r"^Models.retrieve\(\) missing 1 required positional argument"):
            await blocking(lambda: sync.models.retrieve())  # type: ignore[call-arg]
        with pytest.raises(TypeError, match=r"^Models.retrieve\(\) got an unexpected keyword"):
            await blocking(lambda: sync.models.with_raw_response.retrieve("m", bogus=1))  # type: ignore[call-arg]

        def streamed() -> None:
            with sync.models.with_streaming_response.retrieve("m", bogus=1):  # type: ignore[call-arg]
                pass

        with pytest.raises(TypeError, match=r"^Models.retrieve\(\) got an unexpected keyword"):
            await blocking(streamed)
        assert rec.requests == []
        await blocking(
            lambda: sync.chat.completions.create(model="m", messages=HELLO, extra_body={"temprature": 0.2})
        )
        assert b'"temprature":0.2' in rec.requests[0].content
    finally:
        await blocking(sync.close)


def test_blocking_methods_show_their_parameters() -> None:
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1") as sync:
        for method in (
            sync.chat.completions.create,
            sync.embeddings.create,
            sync.models.list,
            sync.models.retrieve,
        ):
            params = inspect.signature(method).parameters
            assert "args" not in params and "kwargs" not in params, method
            assert "options" in params
        assert "messages" in inspect.signature(sync.chat.completions.create).parameters
        assert "input" in inspect.signature(sync.embeddings.create).parameters
        assert sync.embeddings.create.__qualname__ == "Embeddings.create"
        assert sync.chat.completions.create.__qualname__ == "Completions.create"
