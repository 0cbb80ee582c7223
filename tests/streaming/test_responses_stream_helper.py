"""open_response_stream: Responses API events, snapshots, the final Response, resuming."""

from __future__ import annotations

import json
from typing import Any

import pytest
import trio

from tests._loopback import CUT, ServerRequest, open_loopback_server, sse_reply
from trio_openai import APIConnectionError, APIError, AsyncOpenAI
from trio_openai.lib.streaming import open_response_stream
from trio_openai.lib.streaming._responses_types import ResponseUnknownEvent
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import Response as GeneratedResponse


def response(status: str, output: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1700000000,
        "status": status,
        "model": "gpt-test",
        "output": output or [],
        "error": None,
        **extra,
    }


MESSAGE = {"type": "message", "id": "msg_1", "status": "in_progress", "role": "assistant", "content": []}
CALL = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "lookup", "arguments": ""}
FINAL_OUTPUT = [
    {
        **MESSAGE,
        "status": "completed",
        "content": [{"type": "output_text", "text": "Hi there", "annotations": []}],
    },
    {**CALL, "arguments": '{"q": 1}'},
]
USAGE = {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}


def events() -> list[dict[str, Any]]:
    part = {"type": "output_text", "text": "", "annotations": []}
    evs: list[dict[str, Any]] = [
        {"type": "response.created", "response": response("in_progress")},
        {"type": "response.in_progress", "response": response("in_progress")},
        {"type": "response.output_item.added", "output_index": 0, "item": MESSAGE},
        {
            "type": "response.content_part.added",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "part": part,
        },
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": "Hi",
        },
        {"type": "response.brand_new_event", "whatever": [1, 2]},
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": " there",
        },
        {
            "type": "response.output_text.done",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "text": "Hi there",
        },
        {"type": "response.output_item.added", "output_index": 1, "item": CALL},
        {
            "type": "response.function_call_arguments.delta",
            "item_id": "fc_1",
            "output_index": 1,
            "delta": '{"q"',
        },
        {
            "type": "response.function_call_arguments.delta",
            "item_id": "fc_1",
            "output_index": 1,
            "delta": ": 1}",
        },
        {
            "type": "response.function_call_arguments.done",
            "item_id": "fc_1",
            "output_index": 1,
            "arguments": '{"q": 1}',
        },
        {"type": "response.completed", "response": response("completed", FINAL_OUTPUT, usage=USAGE)},
    ]
    for i, ev in enumerate(evs):
        ev["sequence_number"] = i
    return evs


def sse(evs: list[dict[str, Any]]) -> bytes:
    return b"".join(
        f"event: {ev['type']}\n".encode() + b"data: " + json.dumps(ev).encode() + b"\n\n" for ev in evs
    )


def mock(data: bytes, split: int = 17) -> tuple[AsyncOpenAI, MockTransport]:
    pieces = [data[i : i + split] for i in range(0, len(data), split)]

    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(
            stream=pieces, headers={"content-type": "text/event-stream", "x-request-id": "req_r"}
        )

    transport = MockTransport(handler)
    return AsyncOpenAI(
        api_key="sk", base_url="http://api.test/v1", transport=transport, max_retries=0
    ), transport


async def test_events_snapshots_and_final_response() -> None:
    client, transport = mock(sse(events()))
    async with client:
        with trio.fail_after(5):
            async with open_response_stream(
                client, model="gpt-test", input="hello", temperature=0.2, timeout=30
            ) as stream:
                seen = [ev async for ev in stream]
                snapshot = stream.current_snapshot
                final = await stream.get_final_response()
            assert stream.request_id == "req_r"
            assert stream.response.is_closed
    assert [ev.type for ev in seen] == [e["type"] for e in events()]
    assert [ev.sequence_number for ev in seen] == list(range(13))
    text_deltas = [(ev.delta, ev.snapshot) for ev in seen if ev.type == "response.output_text.delta"]
    assert text_deltas == [("Hi", "Hi"), (" there", "Hi there")]
    arg_deltas = [ev.snapshot for ev in seen if ev.type == "response.function_call_arguments.delta"]
    assert arg_deltas == ['{"q"', '{"q": 1}']
    unknown = seen[5]
    assert isinstance(unknown, ResponseUnknownEvent)
    assert unknown.data["whatever"] == [1, 2]
    assert final.status == "completed"
    assert final.output_text == "Hi there"
    assert final.usage is not None and final.usage.total_tokens == 8
    assert snapshot is not None and snapshot.output_text == final.output_text  # the same, as its own type
    assert isinstance(final, GeneratedResponse)  # the generated Response (parsed: a ParsedResponse)
    sent = transport.requests[0]
    assert (sent.method, sent.path) == ("POST", "/v1/responses")
    assert sent.json() == {"model": "gpt-test", "input": "hello", "temperature": 0.2, "stream": True}


async def test_snapshot_accumulates_before_completion() -> None:
    client, _ = mock(sse(events()[:-1]))  # no response.completed: the body just ends
    async with client:
        with trio.fail_after(5):
            async with open_response_stream(client, model="m", input="x") as stream:
                await stream.until_done()
                snapshot = stream.current_snapshot
                assert snapshot is not None
                assert snapshot.output_text == "Hi there"
                assert snapshot.output[1].arguments == '{"q": 1}'
                assert snapshot.status == "in_progress"
                with pytest.raises(RuntimeError, match=r"without a response\.completed"):
                    await stream.get_final_response()


async def test_resume_with_starting_after() -> None:
    client, transport = mock(sse(events()[8:]))
    async with client:
        with trio.fail_after(5):
            async with open_response_stream(client, response_id="resp_1", starting_after=7) as stream:
                seen = [ev async for ev in stream]
                final = await stream.get_final_response()
    assert seen[0].sequence_number == 8
    assert final.output_text == "Hi there"
    sent = transport.requests[0]
    assert sent.method == "GET" and sent.path == "/v1/responses/resp_1"
    assert sent.query == {"stream": ["true"], "starting_after": ["7"]}
    assert sent.content == b""


async def test_create_and_resume_are_exclusive() -> None:
    client, _ = mock(b"")
    async with client:
        with pytest.raises(TypeError, match="model"):
            open_response_stream(client, response_id="resp_1", model="m")
        with pytest.raises(TypeError, match="starting_after"):
            open_response_stream(client, model="m", input="x", starting_after=3)
        with pytest.raises(ValueError):
            open_response_stream(client, response_id="")


async def test_error_event_raises() -> None:
    evs = events()[:3]
    data = (
        sse(evs)
        + b'event: error\ndata: {"type": "error", "code": "server_error", "message": "Model crashed", "param": null, "sequence_number": 3}\n\n'
    )
    client, _ = mock(data)
    async with client:
        with trio.fail_after(5), pytest.raises(APIError, match="Model crashed") as info:
            async with open_response_stream(client, model="m", input="x") as stream:
                async for _ in stream:
                    pass
    assert info.value.code == "server_error"


async def test_failed_response_is_returned_not_raised() -> None:
    failed = response("failed", error={"code": "server_error", "message": "nope"})
    data = sse(
        [
            {"type": "response.created", "response": response("in_progress")},
            {"type": "response.failed", "response": failed},
        ]
    )
    client, _ = mock(data)
    async with client:
        with trio.fail_after(5):
            async with open_response_stream(client, model="m", input="x") as stream:
                final = await stream.get_final_response()
    assert final.status == "failed"
    assert final.error is not None
    assert (final.error.code, final.error.message) == ("server_error", "nope")


async def test_loopback_cut_then_resume() -> None:
    data = sse(events())
    split = data.index(
        b'event: response.output_item.added\ndata: {"type": "response.output_item.added", "output_index": 1'
    )
    requests: list[ServerRequest] = []

    def handler(req: ServerRequest) -> Any:
        requests.append(req)
        if req.method == "POST":
            return sse_reply(data[:split], data[split : split + 20], CUT)
        return sse_reply(data[split:])

    async with (
        open_loopback_server(handler) as server,
        AsyncOpenAI(api_key="sk", base_url=server.base_url, max_retries=0) as client,
    ):
        with trio.fail_after(10):
            last = -1
            with pytest.raises(APIConnectionError):
                async with open_response_stream(client, model="m", input="x") as stream:
                    async for ev in stream:
                        last = ev.sequence_number if ev.sequence_number is not None else last
            assert last == 7
            async with open_response_stream(client, response_id="resp_1", starting_after=last) as stream:
                final = await stream.get_final_response()
            assert final.output_text == "Hi there"
            stats = client.statistics().pool
            assert stats is not None and stats.active_connections == 0
    assert requests[1].method == "GET"
    assert requests[1].target == "/v1/responses/resp_1?stream=true&starting_after=7"
