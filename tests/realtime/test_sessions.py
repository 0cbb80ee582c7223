"""The other WebSocket sessions (``client.responses.connect()``, ``client.live.connect()``, forks,
sideband, translations, beta realtime): URL, query, headers, events both ways, on both clients."""

from __future__ import annotations

import functools
import gc
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest
import trio
from trio_websocket import WebSocketConnection

from tests._realtime_server import RealtimeServer, event, open_realtime_server
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.realtime import RealtimeEventDecodeError, WebSocketConnectionClosedError
from trio_openai.types import ResponseStreamEvent

T = TypeVar("T")
TIMEOUT = 10


@pytest.fixture
async def server() -> AsyncIterator[RealtimeServer]:
    async with open_realtime_server() as srv:
        srv.script = functools.partial(_echo, srv)
        yield srv
    gc.collect()


async def _echo(server: RealtimeServer, ws: WebSocketConnection) -> None:
    """Answers each client event with ``{"type": "echo", "got": <its type>}``; ``response.create`` gets
    a response stream (created, one text delta)."""
    while (data := await server.receive(ws)) is not None:
        if data.get("type") == "response.create":
            response = {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}
            await ws.send_message(event("response.created", response=response, sequence_number=0))
            ids = {"item_id": "i", "output_index": 0, "content_index": 0, "logprobs": []}
            await ws.send_message(event("response.output_text.delta", delta="Hi", sequence_number=1, **ids))
        elif data.get("type") == "garbage":
            await ws.send_message("not json")
        else:
            await ws.send_message(event("echo", got=data.get("type")))


@pytest.fixture
async def client(server: RealtimeServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as c:
        yield c


async def test_responses_connect_decodes_response_stream_events(
    client: AsyncOpenAI, server: RealtimeServer
) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.responses.connect(extra_query={"q": "1"}) as session:
            await session.send({"type": "response.create", "model": "gpt-5", "input": "hi"})
            created = await session.recv()
            delta = await session.recv()
    assert created.type == "response.created"
    assert delta.type == "response.output_text.delta" and getattr(delta, "delta", None) == "Hi"
    assert not isinstance(delta, dict)
    _ = ResponseStreamEvent  # the annotation the session's recv returns
    seen = server.seen[0]
    assert seen.path == "/v1/responses" and seen.query == {"q": ["1"]}
    assert seen.headers["authorization"] == "Bearer sk-test"
    assert server.received == [{"type": "response.create", "model": "gpt-5", "input": "hi"}]
    assert server.closes == [(1000, None)]


@pytest.mark.parametrize(
    ("open_session", "path", "query", "beta_header"),
    [
        (lambda c: c.live.connect(), "/v1/live/sessions", {}, None),
        (lambda c: c.live.forks.connect(session_id="sess/1"), "/v1/live/sessions/sess%2F1/fork", {}, None),
        (
            lambda c: c.live.sideband.connect(session_id="s2", graceful_close=True),
            "/v1/live/sessions/s2/attach",
            {"graceful_close": ["true"]},
            None,
        ),
        (
            lambda c: c.realtime.translations.connect(model="gpt-tr"),
            "/v1/realtime/translations",
            {"model": ["gpt-tr"]},
            None,
        ),
        (lambda c: c.beta.realtime.connect(model="m1"), "/v1/realtime", {"model": ["m1"]}, "realtime=v1"),
        (lambda c: c.beta.responses.connect(), "/v1/responses", {}, None),
    ],
)
async def test_each_session_opens_its_url_and_exchanges_events(
    client: AsyncOpenAI,
    server: RealtimeServer,
    open_session: Callable[[AsyncOpenAI], Any],
    path: str,
    query: dict[str, list[str]],
    beta_header: str | None,
) -> None:
    with trio.fail_after(TIMEOUT):
        async with open_session(client) as session:
            await session.send({"type": "ping.me"})
            reply = await session.recv()
    got = reply["got"] if isinstance(reply, dict) else getattr(reply, "raw", {}).get("got")
    assert got == "ping.me"
    seen = server.seen[0]
    assert (seen.path, seen.query) == (path, query)
    assert seen.headers.get("openai-beta") == beta_header


async def test_bad_message_raises_and_the_session_stays_usable(client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.live.connect() as session:
            await session.send({"type": "garbage"})
            with pytest.raises(RealtimeEventDecodeError):
                await session.recv()
            await session.send({"type": "again"})
            assert await session.recv() == {"type": "echo", "event_id": "evt_echo", "got": "again"}


async def test_cancelled_recv_loses_no_event_and_close_ends_iteration(client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.live.connect() as session:
            with trio.move_on_after(0.05):
                await session.recv()  # nothing sent yet: cancelled
            await session.send({"type": "a"})
            assert (await session.recv())["got"] == "a"
            await session.close()
            assert [e async for e in session] == []
            with pytest.raises(WebSocketConnectionClosedError):
                await session.send({"type": "b"})


async def test_empty_session_id_is_refused_before_io(client: AsyncOpenAI, server: RealtimeServer) -> None:
    with pytest.raises(ValueError, match="session_id"):
        client.live.forks.connect(session_id="")
    assert server.seen == []


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    return await trio.to_thread.run_sync(functools.partial(fn, *args), abandon_on_cancel=True)


async def test_blocking_sessions(server: RealtimeServer) -> None:
    def run() -> list[Any]:
        with OpenAI(api_key="sk-b", base_url=server.base_url, max_retries=0) as client:
            with client.live.sideband.connect(session_id="s9") as session:
                session.send({"type": "x"})
                first = session.recv()
            with client.responses.connect() as rsession:
                rsession.send({"type": "response.create"})
                created = rsession.recv()
            return [first, created.type]

    with trio.fail_after(TIMEOUT):
        first, created = await _in_thread(run)
    assert first["got"] == "x" and created == "response.created"
    assert [s.path for s in server.seen] == ["/v1/live/sessions/s9/attach", "/v1/responses"]
