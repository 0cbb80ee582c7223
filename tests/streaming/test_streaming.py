"""AsyncStream: SSE responses as typed items. Byte-level cases run on MockTransport (frames split at
awkward places); connection handling runs over real loopback sockets with the real httpcore2 pool."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore2
import msgspec
import pytest
import trio
import trio.testing

from tests._loopback import CUT, LoopbackServer, ServerRequest, open_loopback_server, sse_reply
from trio_openai import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncOpenAI,
    AsyncStream,
    BadRequestError,
    InternalServerError,
    NamedEvent,
    RateLimitError,
)
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import ChatCompletionChunk


@pytest.fixture
def autojump_clock() -> trio.testing.MockClock:
    return trio.testing.MockClock(autojump_threshold=0)


SSE_HEADERS = {"content-type": "text/event-stream", "x-request-id": "req_stream"}


def chunk_json(i: int, content: str | None = None, **choice: Any) -> dict[str, Any]:
    delta = {"content": content if content is not None else f"tok{i} "}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None, **choice}],
    }


def frame(obj: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + json.dumps(obj).encode() + b"\n\n"


def chat_body(n: int, *, done: bool = True) -> bytes:
    body = b"".join(frame(chunk_json(i)) for i in range(n))
    return body + (b"data: [DONE]\n\n" if done else b"")


def pieces(data: bytes, sizes: Iterable[int]) -> list[bytes]:
    out: list[bytes] = []
    pos = 0
    sizes = list(sizes)
    i = 0
    while pos < len(data):
        size = sizes[i % len(sizes)]
        out.append(data[pos : pos + size])
        pos += size
        i += 1
    return out


def mock_client(handler: Any, **kwargs: Any) -> tuple[AsyncOpenAI, MockTransport]:
    transport = MockTransport(handler)
    kwargs.setdefault("max_retries", 0)
    return AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=transport, **kwargs
    ), transport


def streaming(body: bytes | list[bytes], **headers: str) -> Any:
    chunks = body if isinstance(body, list) else [body]

    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(stream=list(chunks), headers={**SSE_HEADERS, **headers})

    return handler


async def collect(stream: AsyncStream[Any]) -> list[Any]:
    async with stream:
        return [item async for item in stream]


async def create_stream(client: AsyncOpenAI, **kwargs: Any) -> AsyncStream[ChatCompletionChunk]:
    return await client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "hi"}], stream=True, **kwargs
    )


# --- decoding -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[1], [2, 3], [7], [5, 1, 200], [10_000]])
async def test_chunks_split_anywhere_decode_the_same(sizes: list[int]) -> None:
    client, transport = mock_client(streaming(pieces(chat_body(12), sizes)))
    async with client:
        with trio.fail_after(5):
            stream = await create_stream(client)
            items = await collect(stream)
    assert [c.choices[0].delta.content for c in items] == [f"tok{i} " for i in range(12)]
    assert all(isinstance(c, ChatCompletionChunk) for c in items)
    assert stream.done and stream.closed
    sent = transport.requests[0].json()
    assert sent["stream"] is True and sent["model"] == "gpt-test"


async def test_every_cut_of_a_read_gives_every_item_once_and_stops_at_done() -> None:
    # A read that does not start on a frame boundary (the first read, or one cut between the two LFs
    # of a frame end) has its head parsed the general way and the rest as payloads: both parts, in
    # order, and a [DONE] in either part ends the stream with nothing after it.
    body = chat_body(4) + frame(chunk_json(99))
    for first in range(1, len(body)):
        for second in (first + 1, first + 53, len(body)):
            chunks = [c for c in (body[:first], body[first:second], body[second:]) if c]
            client, _ = mock_client(streaming(chunks))
            async with client:
                with trio.fail_after(5):
                    stream = await create_stream(client)
                    items = await collect(stream)
            assert [c.choices[0].delta.content for c in items] == [f"tok{i} " for i in range(4)], (
                first,
                second,
            )
            assert stream.done


async def test_stream_options_are_sent() -> None:
    client, transport = mock_client(streaming(chat_body(1)))
    async with client:
        with trio.fail_after(5):
            await collect(await create_stream(client, stream_options={"include_usage": True}))
    assert transport.requests[0].json()["stream_options"] == {"include_usage": True}


async def test_done_must_match_exactly_and_ends_the_stream() -> None:
    body = frame(chunk_json(0)) + b"data: [DONE]\n\n" + frame(chunk_json(1))
    client, _ = mock_client(streaming(body))
    async with client:
        with trio.fail_after(5):
            items = await collect(await create_stream(client))
    assert len(items) == 1  # nothing after [DONE] is read as an event

    client, _ = mock_client(streaming(b"data: [DONE] \n\n"))
    async with client:
        with trio.fail_after(5), pytest.raises(APIResponseValidationError):
            await collect(await create_stream(client))


async def test_comments_empty_data_and_crlf_are_handled() -> None:
    body = (
        b": keep-alive\r\n\r\ndata:\r\n\r\n"
        + frame(chunk_json(0)).replace(b"\n", b"\r\n")
        + b"data: [DONE]\r\n\r\n"
    )
    client, _ = mock_client(streaming(pieces(body, [3])))
    async with client:
        with trio.fail_after(5):
            items = await collect(await create_stream(client))
    assert [c.choices[0].delta.content for c in items] == ["tok0 "]


async def test_clean_end_without_done_is_a_normal_end() -> None:
    client, _ = mock_client(streaming(chat_body(3, done=False)))
    async with client:
        with trio.fail_after(5):
            stream = await create_stream(client)
            items = await collect(stream)
    assert len(items) == 3
    assert not stream.done


@pytest.mark.parametrize("tail", [b'data: {"id"', b'data: {"a": 1}\n', b"event: x\ndata: {}"])
async def test_body_ending_inside_an_event_is_a_connection_error(tail: bytes) -> None:
    client, _ = mock_client(streaming(chat_body(2, done=False) + tail))
    seen: list[Any] = []
    async with client:
        with trio.fail_after(5), pytest.raises(APIConnectionError, match="middle of an event"):
            async with await create_stream(client) as stream:
                async for item in stream:
                    seen.append(item)
    assert len(seen) == 2


async def test_transport_error_mid_stream_is_a_connection_error() -> None:
    async def body() -> AsyncIterator[bytes]:
        yield frame(chunk_json(0))
        raise httpcore2.ReadError("connection reset by peer")

    client, _ = mock_client(lambda _r: MockResponse(stream=body(), headers=SSE_HEADERS))
    async with client:
        with trio.fail_after(5), pytest.raises(APIConnectionError) as info:
            await collect(await create_stream(client))
    assert isinstance(info.value.__cause__, httpcore2.ReadError)
    assert not isinstance(info.value, APITimeoutError)


async def test_payload_that_does_not_match_the_type_is_a_validation_error() -> None:
    client, _ = mock_client(streaming(b'data: {"choices": "unexpected"}\n\n'))
    async with client:
        with (
            trio.fail_after(5),
            pytest.raises(APIResponseValidationError, match="ChatCompletionChunk") as info,
        ):
            await collect(await create_stream(client))
    assert info.value.body == {"choices": "unexpected"}


async def test_a_bad_event_after_good_ones_carries_its_own_data_and_no_key() -> None:
    # As the official SDK: the error's body is the offending event's data (not the whole stream),
    # the response is there, and the API key reaches neither.
    from tests.core.test_secrets import reachable_secrets

    key = "sk-stream-secret-key-0042"
    bad = b'data: {"id": "c", "choices": [{"index": "zero"}]}\n\n'
    transport = MockTransport(streaming(frame(chunk_json(0)) + bad + b"data: [DONE]\n\n"))
    async with AsyncOpenAI(api_key=key, base_url="http://api.test/v1", transport=transport) as client:
        stream = await create_stream(client)
        seen: list[Any] = []
        with trio.fail_after(5), pytest.raises(APIResponseValidationError) as info:
            async with stream:
                async for item in stream:
                    seen.append(item)
    assert len(seen) == 1
    err = info.value
    assert err.body == {"id": "c", "choices": [{"index": "zero"}]}
    assert err.status_code == 200 and err.response is not None
    assert reachable_secrets(err, (key,)) == [] and key not in str(err) + repr(err)


# --- errors inside the stream -----------------------------------------------------------------------------


async def test_error_key_in_data_raises_api_error() -> None:
    err = {
        "error": {"message": "The server had an error", "type": "server_error", "code": "oops", "param": None}
    }
    body = frame(chunk_json(0)) + frame(err) + chat_body(1)
    client, _ = mock_client(streaming(pieces(body, [9])))
    seen: list[Any] = []
    async with client:
        with trio.fail_after(5), pytest.raises(APIError) as info:
            async with await create_stream(client) as stream:
                async for item in stream:
                    seen.append(item)
    exc = info.value
    assert len(seen) == 1
    assert type(exc) is APIError
    assert exc.message == "The server had an error"
    assert (exc.code, exc.type) == ("oops", "server_error")
    assert exc.body == err["error"]
    assert exc.request is not None and exc.request.url.endswith("/chat/completions")


async def test_error_key_is_found_wherever_the_network_cuts_the_stream() -> None:
    # The stream looks for the error key once per network chunk, not per payload: a key cut in two by
    # a chunk boundary, or sitting in a frame that only completes chunks later, must still be found.
    # dict accepts an error payload as data, so only that search can raise here.
    body = b'data: {"a": 1}\n\ndata: {"a": 2}\n\ndata: {"error": {"message": "boom"}}\n\ndata: {"a": 3}\n\n'
    for first in range(1, len(body)):
        for second in (first + 1, first + 7, len(body)):
            chunks = [body[:first], body[first:second], body[second:]]
            client, _ = mock_client(streaming([c for c in chunks if c]))
            seen: list[Any] = []
            async with client:
                stream = await client._request(
                    "post", "/x", cast_to=object, stream_cls=AsyncStream.factory(dict)
                )
                with trio.fail_after(5), pytest.raises(APIError, match="boom"):
                    async with stream:
                        async for item in stream:
                            seen.append(item)
            assert seen == [{"a": 1}, {"a": 2}], (first, second)


async def test_the_word_error_inside_content_is_not_an_error() -> None:
    body = (
        frame(chunk_json(0, content='"error"')) + frame(chunk_json(1, content="error")) + b"data: [DONE]\n\n"
    )
    client, _ = mock_client(streaming(body))
    async with client:
        with trio.fail_after(5):
            items = await collect(await create_stream(client))
    assert [c.choices[0].delta.content for c in items] == ['"error"', "error"]


async def test_error_key_raises_for_item_types_that_would_accept_it() -> None:
    # dict would decode an error payload happily: the stream looks for the key before decoding
    body = b'data: {"type": "x"}\n\ndata: {"error": {"message": "boom", "code": 42}}\n\n'
    client, _ = mock_client(streaming(pieces(body, [4096])))
    seen: list[Any] = []
    async with client:
        stream = await client._request("post", "/x", cast_to=object, stream_cls=AsyncStream.factory(dict))
        with trio.fail_after(5), pytest.raises(APIError, match="boom") as info:
            async with stream:
                async for item in stream:
                    seen.append(item)
    assert seen == [{"type": "x"}]
    assert info.value.code == "42"


async def test_error_null_is_not_an_error() -> None:
    body = b'data: {"type": "x", "error": null}\n\n'
    client, _ = mock_client(streaming(body))
    async with client:
        with trio.fail_after(5):
            stream = await client._request("post", "/x", cast_to=object, stream_cls=AsyncStream.factory(dict))
            items = await collect(stream)
    assert items == [{"type": "x", "error": None}]


@pytest.mark.parametrize(
    "data",
    [
        {"error": {"message": "rate limited mid-stream", "code": "rate_limit", "type": "requests"}},
        {"type": "error", "message": "rate limited mid-stream", "code": "rate_limit", "sequence_number": 3},
    ],
)
async def test_error_event_raises_api_error(data: dict[str, Any]) -> None:
    body = frame({"type": "response.created"}, "response.created") + frame(data, "error")
    client, _ = mock_client(streaming(body))
    seen: list[Any] = []
    async with client:
        stream = await client._request(
            "post", "/responses", cast_to=object, stream_cls=AsyncStream.factory(dict)
        )
        with trio.fail_after(5), pytest.raises(APIError, match="rate limited mid-stream") as info:
            async with stream:
                async for item in stream:
                    seen.append(item)
    assert seen == [{"type": "response.created"}]
    assert info.value.code == "rate_limit"
    assert stream.closed


@pytest.mark.parametrize(
    "status, cls", [(400, BadRequestError), (429, RateLimitError), (500, InternalServerError)]
)
async def test_error_status_on_a_stream_request_raises_the_right_class(
    status: int, cls: type[APIError]
) -> None:
    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(
            status, json={"error": {"message": "nope", "type": "invalid_request_error", "code": "c"}}
        )

    client, transport = mock_client(handler)
    async with client:
        with trio.fail_after(5), pytest.raises(cls, match="nope") as info:
            await create_stream(client)
    assert info.value.code == "c"
    assert len(transport.requests) == 1


# --- event names ---------------------------------------------------------------------------------------


async def test_thread_events_are_wrapped_with_their_name() -> None:
    body = (
        frame({"id": "thread_1", "object": "thread"}, "thread.created")
        + frame({"id": "run_1", "status": "queued"}, "thread.run.created")
        + b"event: done\ndata: [DONE]\n\n"
    )
    client, _ = mock_client(streaming(pieces(body, [4])))
    async with client:
        stream = await client._request(
            "post",
            "/threads/runs",
            cast_to=object,
            stream_cls=AsyncStream.factory(NamedEvent[dict[str, Any]]),
        )
        with trio.fail_after(5):
            items = await collect(stream)
    assert items == [
        NamedEvent("thread.created", {"id": "thread_1", "object": "thread"}),
        NamedEvent("thread.run.created", {"id": "run_1", "status": "queued"}),
    ]
    assert stream.done


class Created(msgspec.Struct, tag_field="type", tag="response.created"):
    sequence_number: int


class Delta(msgspec.Struct, tag_field="type", tag="response.output_text.delta"):
    delta: str


async def test_named_events_with_type_in_data_decode_the_data_and_envelope_modes() -> None:
    body = frame({"type": "response.created", "sequence_number": 0}, "response.created") + frame(
        {"type": "response.output_text.delta", "delta": "hi"}, "response.output_text.delta"
    )
    client, _ = mock_client(streaming(body))
    async with client:
        with trio.fail_after(5):
            stream_response = client.chat.completions.with_streaming_response.create
            async with stream_response(model="m", messages=[], stream=True) as raw:
                items = await collect(AsyncStream(raw, Created | Delta))
            assert items == [Created(0), Delta("hi")]

            async with stream_response(model="m", messages=[], stream=True) as raw:
                wrapped = await collect(AsyncStream(raw, NamedEvent[dict[str, Any]], envelope=True))
            assert [e.event for e in wrapped] == ["response.created", "response.output_text.delta"]
            assert wrapped[1].data["delta"] == "hi"


async def test_with_streaming_response_parse_gives_the_stream() -> None:
    client, _ = mock_client(streaming(chat_body(2)))
    async with client:
        with trio.fail_after(5):
            async with client.chat.completions.with_streaming_response.create(
                model="m", messages=[], stream=True
            ) as response:
                assert response.request_id == "req_stream"
                stream = await response.parse()
                assert isinstance(stream, AsyncStream)
                assert len([c async for c in stream]) == 2
            assert response.is_closed


# --- lifetime ----------------------------------------------------------------------------------------------


async def test_attributes_factory_cache_and_repr() -> None:
    client, _ = mock_client(streaming(chat_body(1)))
    async with client:
        with trio.fail_after(5):
            stream = await create_stream(client)
            assert stream.request_id == "req_stream"
            assert stream.response.status_code == 200
            assert "AsyncStream[ChatCompletionChunk] open POST" in repr(stream)
            await collect(stream)
            assert "closed" in repr(stream)
    assert AsyncStream.factory(ChatCompletionChunk) is AsyncStream.factory(ChatCompletionChunk)


async def test_aclose_is_idempotent_and_a_closed_stream_yields_nothing() -> None:
    client, _ = mock_client(streaming(chat_body(3)))
    async with client:
        with trio.fail_after(5):
            stream = await create_stream(client)
            await stream.aclose()
            await stream.aclose()
            assert stream.closed and stream.response.is_closed
            assert [c async for c in stream] == []


async def test_break_then_leaving_async_with_closes_the_body() -> None:
    bodies: list[Any] = []

    def handler(_req: MockRequest) -> MockResponse:
        bodies.append(None)
        return MockResponse(stream=pieces(chat_body(50), [100]), headers=SSE_HEADERS)

    client, _ = mock_client(handler)
    async with client:
        with trio.fail_after(5):
            async with await create_stream(client) as stream:
                async for _chunk in stream:
                    break
                assert not stream.closed
            assert stream.closed and not stream.done


async def test_idle_timeout_raises_api_timeout_error(autojump_clock: trio.testing.MockClock) -> None:
    async def slow() -> AsyncIterator[bytes]:
        yield frame(chunk_json(0))
        await trio.sleep(0.5)
        yield frame(chunk_json(1))
        await trio.sleep(30)
        yield b"data: [DONE]\n\n"

    client, _ = mock_client(lambda _r: MockResponse(stream=slow(), headers=SSE_HEADERS))
    seen: list[Any] = []
    async with client:
        with trio.fail_after(100):
            start = trio.current_time()
            stream = await create_stream(client, stream_idle_timeout=2.0)
            assert stream.idle_timeout == 2.0
            with pytest.raises(APITimeoutError, match="idle"):
                async with stream:
                    async for item in stream:
                        seen.append(item)
            assert trio.current_time() - start == pytest.approx(2.5)
    assert len(seen) == 2


async def test_idle_timeout_set_on_the_stream(autojump_clock: trio.testing.MockClock) -> None:
    async def slow() -> AsyncIterator[bytes]:
        for i in range(5):
            await trio.sleep(0.9)
            yield frame(chunk_json(i))
        yield b"data: [DONE]\n\n"

    client, _ = mock_client(lambda _r: MockResponse(stream=slow(), headers=SSE_HEADERS))
    async with client:
        with trio.fail_after(100):
            stream = await create_stream(client)
            assert stream.idle_timeout is None
            stream.idle_timeout = 1.0
            assert len(await collect(stream)) == 5  # every gap is below the idle timeout
    with pytest.raises(ValueError):
        AsyncStream(stream.response, dict, idle_timeout=0)


async def test_move_on_after_around_iteration_closes_the_mock_body(
    autojump_clock: trio.testing.MockClock,
) -> None:
    closed = trio.Event()

    async def endless() -> AsyncIterator[bytes]:
        try:
            i = 0
            while True:
                yield frame(chunk_json(i))
                i += 1
                await trio.sleep(1)
        finally:
            closed.set()

    client, _ = mock_client(lambda _r: MockResponse(stream=endless(), headers=SSE_HEADERS))
    async with client:
        with trio.fail_after(100):
            stream = await create_stream(client)
            count = 0
            with trio.move_on_after(5.5):
                async for _ in stream:
                    count += 1
            assert count == 6
            assert stream.response.is_closed
            await closed.wait()


# --- real sockets, real pool ----------------------------------------------------------------------------------


def loop_client(server: LoopbackServer, **kwargs: Any) -> AsyncOpenAI:
    kwargs.setdefault("max_retries", 0)
    return AsyncOpenAI(api_key="sk-test", base_url=server.base_url, **kwargs)


def pool(client: AsyncOpenAI) -> Any:
    stats = client.statistics().pool
    assert stats is not None
    return stats


async def test_loopback_done_returns_the_connection_for_the_next_request() -> None:
    body = chat_body(30)

    def handler(_req: ServerRequest) -> Any:
        # [DONE] goes out alone and the end of the chunked body a moment later: the drain waits for it.
        return sse_reply(*pieces(body[:-14], [333]), body[-14:], 0.05)

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            for _ in range(3):
                stream = await create_stream(client)
                assert len([c async for c in stream]) == 30
                assert stream.done and stream.closed
                assert pool(client).active_connections == 0
        assert server.connections == 1
        assert pool(client).idle_connections == 1
        assert len(server.requests) == 3
        assert server.requests[0].json()["stream"] is True


async def test_loopback_server_slow_after_done_is_not_waited_for() -> None:
    def handler(_req: ServerRequest) -> Any:
        return sse_reply(chat_body(2), 30.0)  # never finishes the body after [DONE] in time

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            start = trio.current_time()
            stream = await create_stream(client)
            assert len([c async for c in stream]) == 2
            assert trio.current_time() - start < 2
            assert pool(client).connections == 0  # closed, not returned half-read
            await server.wait_for(lambda: server.hangups == 1)
            stream = await create_stream(client)
            await stream.aclose()
        assert server.connections == 2


async def test_loopback_cancel_around_iteration_closes_at_once() -> None:
    def handler(_req: ServerRequest) -> Any:
        return sse_reply(frame(chunk_json(0)), frame(chunk_json(1)), 30.0, b"data: [DONE]\n\n")

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            stream = await create_stream(client)
            seen: list[Any] = []
            with trio.move_on_after(0.3) as scope:
                async for item in stream:
                    seen.append(item)
            assert scope.cancelled_caught and len(seen) == 2
            assert stream.closed
            assert pool(client).active_connections == 0
            assert pool(client).connections == 0
            await server.wait_for(lambda: server.hangups == 1)
            # the client is healthy: the next stream gets a new connection and works
            stream = await create_stream(client)
            with trio.move_on_after(0.3):
                await collect(stream)
        assert client.statistics().in_flight == 0
        assert server.connections == 2


async def test_loopback_break_and_leave_async_with_closes_at_once() -> None:
    def handler(_req: ServerRequest) -> Any:
        return sse_reply(*[frame(chunk_json(i)) for i in range(3)], 30.0, b"data: [DONE]\n\n")

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            async with await create_stream(client) as stream:
                async for _ in stream:
                    break
            assert pool(client).connections == 0
            await server.wait_for(lambda: server.hangups == 1)


async def test_loopback_cancel_while_the_consumer_is_busy() -> None:
    def handler(_req: ServerRequest) -> Any:
        return sse_reply(frame(chunk_json(0)), 30.0, b"data: [DONE]\n\n")

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            with trio.move_on_after(0.2):
                async with await create_stream(client) as stream:
                    async for _ in stream:
                        await trio.sleep(30)  # cancelled here, with the stream suspended
            assert stream.closed
            assert pool(client).connections == 0
            await server.wait_for(lambda: server.hangups == 1)


async def test_loopback_connection_cut_mid_stream_raises_and_the_pool_recovers() -> None:
    calls = 0

    def handler(_req: ServerRequest) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            return sse_reply(frame(chunk_json(0)), b'data: {"id": "chatcmpl', CUT)
        return sse_reply(chat_body(2))

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            stream = await create_stream(client)
            seen: list[Any] = []
            with pytest.raises(APIConnectionError) as info:
                async for item in stream:
                    seen.append(item)
            assert len(seen) == 1
            assert isinstance(info.value.__cause__, httpcore2.RemoteProtocolError)
            assert pool(client).connections == 0
            assert len(await collect(await create_stream(client))) == 2
        assert server.connections == 2


async def test_loopback_error_status_is_read_and_raised_and_the_connection_reused() -> None:
    calls = 0

    def handler(_req: ServerRequest) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            body = json.dumps({"error": {"message": "slow down", "type": "requests", "code": "rate_limit"}})
            return sse_reply(body.encode(), status=429)
        return sse_reply(chat_body(1))

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            with pytest.raises(RateLimitError, match="slow down") as info:
                await create_stream(client)
            assert info.value.request_id == "req_loop"
            assert pool(client).active_connections == 0
            assert len(await collect(await create_stream(client))) == 1
        assert server.connections == 1


async def test_loopback_idle_timeout() -> None:
    def handler(_req: ServerRequest) -> Any:
        return sse_reply(frame(chunk_json(0)), 30.0, b"data: [DONE]\n\n")

    async with open_loopback_server(handler) as server, loop_client(server) as client:
        with trio.fail_after(10):
            stream = await create_stream(client, stream_idle_timeout=0.2)
            with pytest.raises(APITimeoutError):
                await collect(stream)
            assert pool(client).connections == 0
            await server.wait_for(lambda: server.hangups == 1)
