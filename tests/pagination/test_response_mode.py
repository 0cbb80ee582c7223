"""The response mode (parsed, raw, streamed) is data on the call, not ambient state (issue 15, item 3).

A ``with_raw_response`` / ``with_streaming_response`` call hands back its own result in its mode; a
call made while it is in progress (from the same task, or a fetch-ahead task started meanwhile) and the
later pages of a listing are parsed. Every kind of operation still works in every mode: parsed results,
listings, SSE streams and binary bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import trio

from tests._helpers import make_client
from trio_openai import (
    APIResponse,
    AsyncAPIResponse,
    AsyncCursorPage,
    AsyncStream,
    OpenAI,
)
from trio_openai._core._request import Call, ResponseMode
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import FileObject, Model

P = ParamSpec("P")
T = TypeVar("T")

PAGES = 4
MODEL = {"id": "gpt-x", "object": "model", "created": 1, "owned_by": "openai"}


def _file(i: int) -> dict[str, object]:
    return {
        "id": f"file-{i}",
        "object": "file",
        "bytes": i,
        "created_at": 1,
        "filename": f"f{i}.jsonl",
        "purpose": "batch",
    }


def _page(request: MockRequest) -> MockResponse:
    after = request.query.get("after", [None])[0]
    start = 0 if after is None else int(after.removeprefix("file-")) + 1
    data = [_file(i) for i in range(start, start + 2)]
    return MockResponse(
        json={"object": "list", "data": data, "has_more": start // 2 < PAGES - 1},
        headers={"x-request-id": f"req_page_{start // 2}"},
    )


def _sse() -> bytes:
    chunk = (
        b'{"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
        b'"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}'
    )
    return b"data: " + chunk + b"\n\ndata: [DONE]\n\n"


class Server:
    """Pages of files, a model, an SSE chat stream, binary file content. ``during`` runs inside the
    handler of the first request that has it set (a call made while another is in progress)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.during: Callable[[], Any] | None = None
        self.during_result: Any = None

    async def __call__(self, request: MockRequest) -> MockResponse:
        self.paths.append(request.url.split("/v1", 1)[1])
        during, self.during = self.during, None
        if during is not None:
            self.during_result = await during()
        path = request.url.split("?", 1)[0]
        if path.endswith("/files"):
            return _page(request)
        if path.endswith("/content"):
            return MockResponse(
                content=b"\x00\x01binary", headers={"content-type": "application/octet-stream"}
            )
        if path.endswith("/chat/completions"):
            return MockResponse(content=_sse(), headers={"content-type": "text/event-stream"})
        return MockResponse(json=MODEL, headers={"x-request-id": "req_model"})


ALL_IDS = [f"file-{i}" for i in range(2 * PAGES)]


async def test_later_pages_of_a_raw_first_page_are_parsed_and_fetched_ahead() -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(10):
        async with client:  # open: plain iteration fetches ahead in the client's nursery
            raw = await client.files.with_raw_response.list(limit=2)
            assert isinstance(raw, APIResponse)
            assert raw.request_id == "req_page_0"
            first = raw.parse()
            assert isinstance(first, AsyncCursorPage)
            ids = [item.id async for item in first]
            pages = [page async for page in first.iter_pages()]
    assert ids == ALL_IDS
    assert all(isinstance(page, AsyncCursorPage) for page in pages)
    assert len(pages) == PAGES


async def test_a_streamed_first_page_then_parsed_pages() -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(10):
        async with client:
            async with client.files.with_streaming_response.list(limit=2) as response:
                assert isinstance(response, AsyncAPIResponse)
                first = await response.parse()
            ids = [item.id async for item in first]
    assert ids == ALL_IDS


async def test_a_call_made_during_a_raw_call_is_parsed() -> None:
    """With the mode in a ContextVar, this nested call (same task, same context) came back raw."""
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(10):
        async with client:
            server.during = functools.partial(client.models.retrieve, "gpt-x")
            raw = await client.models.with_raw_response.retrieve("gpt-x")
    assert isinstance(raw, APIResponse)
    assert isinstance(server.during_result, Model)


async def test_fetch_ahead_started_during_a_raw_call_is_parsed() -> None:
    """Iterating a listing inside a raw call: its fetch-ahead tasks start while the raw call is in
    progress, and every page they bring is parsed."""
    server = Server()
    client, _ = make_client(server, max_retries=0)

    async def walk() -> list[object]:
        return [item async for item in client.files.list(limit=2)]

    with trio.fail_after(10):
        async with client:
            server.during = walk
            raw = await client.models.with_raw_response.retrieve("gpt-x")
    assert isinstance(raw, APIResponse) and isinstance(raw.parse(), Model)
    items = server.during_result
    assert [item.id for item in items] == ALL_IDS
    assert all(isinstance(item, FileObject) for item in items)


async def test_every_kind_in_every_mode() -> None:
    server = Server()
    client, _ = make_client(server, max_retries=0)
    with trio.fail_after(10):
        async with client:
            # parsed
            model = await client.models.retrieve("gpt-x")
            assert isinstance(model, Model) and model._request_id == "req_model"
            raw = await client.models.with_raw_response.retrieve("gpt-x")
            assert isinstance(raw, APIResponse) and raw.parse().id == "gpt-x"
            async with client.models.with_streaming_response.retrieve("gpt-x") as streamed:
                assert isinstance(streamed, AsyncAPIResponse)
                assert (await streamed.parse()).id == "gpt-x"
            # paged
            page = await client.files.list(limit=2)
            assert isinstance(page, AsyncCursorPage) and [f.id for f in page.data] == ALL_IDS[:2]
            # binary
            content = await client.files.content("file-0")
            assert content.content == b"\x00\x01binary"
            raw_bin = await client.files.with_raw_response.content("file-0")
            assert raw_bin.content == b"\x00\x01binary"
            async with client.files.with_streaming_response.content("file-0") as streamed_bin:
                assert b"".join([c async for c in streamed_bin.iter_bytes()]) == b"\x00\x01binary"
            # SSE
            messages: Any = [{"role": "user", "content": "hi"}]
            stream = await client.chat.completions.create(model="m", messages=messages, stream=True)
            assert isinstance(stream, AsyncStream)
            assert [c.choices[0].delta.content async for c in stream] == ["hi"]
            raw_stream = await client.chat.completions.with_raw_response.create(
                model="m", messages=messages, stream=True
            )
            events = await raw_stream.parse()
            assert [c.choices[0].delta.content async for c in events] == ["hi"]
            async with client.chat.completions.with_streaming_response.create(
                model="m", messages=messages, stream=True
            ) as streamed_sse:
                text = b"".join([c async for c in streamed_sse.iter_bytes()])
                assert b"data: [DONE]" in text
            # the plain methods after all that are still parsed
            assert isinstance(await client.models.retrieve("gpt-x"), Model)


def test_the_mode_rides_on_the_call() -> None:
    call: Call[Any] = Call("get", "/files", cast_to=object, mode=ResponseMode.RAW)
    assert call.mode is ResponseMode.RAW
    assert call.with_query({"after": "x"}).mode is ResponseMode.PARSED  # the next page
    assert call.in_mode(ResponseMode.RAW) is call
    parsed = call.in_mode(ResponseMode.PARSED)
    assert parsed.mode is ResponseMode.PARSED and call.mode is ResponseMode.RAW
    assert (parsed.method, parsed.path, parsed.query) == (call.method, call.path, call.query)


def test_no_ambient_mode_left() -> None:
    import trio_openai._core._resource as resource

    assert not hasattr(resource, "response_mode")


async def _in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


async def test_blocking_raw_list_then_parsed_pages() -> None:
    server = Server()

    def run() -> tuple[list[str], object, object]:
        with OpenAI(
            api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(server)
        ) as sync:
            raw = sync.files.with_raw_response.list(limit=2)
            first = raw.parse()
            ids = [item.id for item in first]
            model_raw = sync.models.with_raw_response.retrieve("gpt-x")
            return ids, model_raw.parse(), sync.models.retrieve("gpt-x")

    ids, from_raw, plain = await _in_thread(run)
    assert ids == ALL_IDS
    assert isinstance(from_raw, Model) and isinstance(plain, Model)
