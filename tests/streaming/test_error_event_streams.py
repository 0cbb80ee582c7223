"""Streams whose events include error events of their own (agent sessions): an ``error`` event that
decodes as an item is handed out, named or not, on the fast and the slow SSE path; a bare
``{"error": ...}`` payload (the API failing mid-stream) still raises. Other streams keep raising."""

from __future__ import annotations

from typing import Any

import pytest
import trio

from trio_openai import APIError, AsyncOpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

EVENT = b'{"type":"error","event_id":"e1","session_id":"s","error":{"message":"boom","type":"server_error"}}'
TURN = (
    b'{"type":"agent.session.turn.created","event_id":"e0","session_id":"s","turn_id":"t",'
    b'"turn":{"id":"t","object":"agent.session.turn","agent_id":"a","session_id":"s","created_at":1,'
    b'"status":"queued"}}'
)


async def _kinds(chunks: list[bytes]) -> list[str]:
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(stream=list(chunks), headers={"content-type": "text/event-stream"})

    async with AsyncOpenAI(
        api_key="sk", base_url="http://api.test/v1", transport=MockTransport(handler)
    ) as c:
        with trio.fail_after(10):
            stream = await c.beta.agents.sessions.events.stream("s")
            kinds: list[Any] = [event.type async for event in stream]
    return kinds


@pytest.mark.parametrize(
    "chunks",
    [
        [b"data: " + TURN + b"\n\ndata: " + EVENT + b"\n\n"],  # one read: the fast path
        [b"data: " + EVENT + b"\n\n"],  # the first read takes the general parser
        [b"event: error\ndata: " + EVENT + b"\n\n"],  # named error
        [b"data: " + TURN + b"\n\n", b"event: error\nid: 3\ndata: " + EVENT + b"\n\n"],
    ],
)
async def test_agent_session_error_events_are_items(chunks: list[bytes]) -> None:
    kinds = await _kinds(chunks)
    assert kinds[-1] == "error"


async def test_a_bare_error_payload_still_raises() -> None:
    with pytest.raises(APIError, match="overloaded"):
        await _kinds(
            [b"data: " + TURN + b'\n\ndata: {"error": {"message": "overloaded", "type": "server_error"}}\n\n']
        )


async def test_other_streams_still_raise_on_a_named_error() -> None:
    body = b'event: error\ndata: {"type":"error","code":"c","message":"boom","param":null,"sequence_number":1}\n\n'

    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(stream=[body], headers={"content-type": "text/event-stream"})

    async with AsyncOpenAI(
        api_key="sk", base_url="http://api.test/v1", transport=MockTransport(handler)
    ) as c:
        with trio.fail_after(10), pytest.raises(APIError, match="boom"):
            stream = await c.responses.create(model="m", input="x", stream=True)
            async for _ in stream:
                pass
