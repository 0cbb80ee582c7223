"""Realtime sessions under faults: a silent server, one that stops answering pings, a dropped
connection, every close code, and messages that are not valid events. All on 127.0.0.1."""

from __future__ import annotations

import functools
import gc
from collections.abc import AsyncIterator

import pytest
import trio
from trio_websocket import WebSocketConnection
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from tests._realtime_server import RealtimeServer, event, open_realtime_server
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.realtime import (
    DEFAULT_PING_INTERVAL,
    DEFAULT_PING_TIMEOUT,
    RealtimeEventDecodeError,
    WebSocketConnectionClosedError,
)

TIMEOUT = 10


@pytest.fixture
async def server() -> AsyncIterator[RealtimeServer]:
    async with open_realtime_server() as srv:
        yield srv
    gc.collect()  # a socket left open would warn now (an error here), in the test that leaked it


@pytest.fixture
async def client(server: RealtimeServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as c:
        yield c


def test_keepalive_defaults_match_the_official_stack() -> None:
    assert (DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT) == (20.0, 20.0)


async def test_keepalive_options_are_checked_before_connecting(client: AsyncOpenAI) -> None:
    with pytest.raises(ValueError, match="ping_interval"):
        client.realtime.connect(model="m", ping_interval=0)
    with pytest.raises(ValueError, match="ping_timeout"):
        client.realtime.connect(model="m", ping_timeout=-1)


# --- keepalive ---------------------------------------------------------------------------------------------


async def test_a_quiet_server_that_answers_pings_is_kept(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m", ping_interval=0.02, ping_timeout=1.0) as conn:
            assert (await conn.recv()).type == "session.created"
            with trio.move_on_after(0.3) as quiet:  # ~15 pings go out and are answered meanwhile
                await conn.recv()
            assert quiet.cancelled_caught and not conn.closed
            await conn.session.update(session={"type": "realtime"})
            assert (await conn.recv()).type == "session.updated"


async def _deaf_server(stream: trio.SocketStream) -> None:
    """Accept the WebSocket handshake, greet, then never read again: pings go unanswered."""
    ws = WSConnection(ConnectionType.SERVER)
    buffered = b""
    while b"\r\n\r\n" not in buffered:
        chunk = await stream.receive_some()
        if not chunk:
            return
        buffered += chunk
    ws.receive_data(buffered)
    for ev in ws.events():
        if isinstance(ev, Request):
            await stream.send_all(ws.send(AcceptConnection()))
            await stream.send_all(ws.send(TextMessage(data=event("session.created", session={"id": "s"}))))
    await trio.sleep_forever()


async def test_a_server_that_stops_answering_pings_fails_the_connection() -> None:
    with trio.fail_after(TIMEOUT):
        async with trio.open_nursery() as nursery:
            listeners = await nursery.start(
                functools.partial(trio.serve_tcp, _deaf_server, 0, host="127.0.0.1")
            )
            port = listeners[0].socket.getsockname()[1]
            base_url = f"http://127.0.0.1:{port}/v1"
            async with AsyncOpenAI(api_key="sk-test", base_url=base_url) as client:
                manager = client.realtime.connect(
                    model="m", ping_interval=0.05, ping_timeout=0.2, close_timeout=0.5
                )
                async with manager as conn:
                    assert (await conn.recv()).type == "session.created"
                    with pytest.raises(WebSocketConnectionClosedError) as info:
                        async for _ in conn:
                            pass
                    assert (info.value.code, info.value.reason) == (1011, "keepalive ping timeout")
                    assert info.value.by_client and not info.value.normal
                    assert conn.closed
                    with pytest.raises(WebSocketConnectionClosedError) as sent:
                        await conn.response.create()
                    assert sent.value.code == 1011
            nursery.cancel_scope.cancel()


async def test_no_keepalive_when_disabled(server: RealtimeServer, client: AsyncOpenAI) -> None:
    pings = 0

    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await server.receive(ws)

    server.script = script
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m", ping_interval=None) as conn:
            original = conn.websocket.ping

            async def counting_ping(payload: bytes | None = None) -> None:
                nonlocal pings
                pings += 1
                await original(payload)

            conn.websocket.ping = counting_ping  # type: ignore[method-assign]
            assert (await conn.recv()).type == "session.created"
            await trio.sleep(0.1)
    assert pings == 0


# --- the server goes away ----------------------------------------------------------------------------------


async def test_a_connection_dropped_mid_session_raises_1006(
    server: RealtimeServer, client: AsyncOpenAI
) -> None:
    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await trio.aclose_forcefully(ws._stream)  # pyright: ignore[reportPrivateUsage]

    server.script = script
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            seen = []
            with pytest.raises(WebSocketConnectionClosedError) as info:
                async for ev in conn:
                    seen.append(ev.type)
            assert seen == ["session.created"]
            assert (info.value.code, info.value.by_client, info.value.normal) == (1006, False, False)
            with pytest.raises(WebSocketConnectionClosedError):
                await conn.send({"type": "response.create"})


@pytest.mark.parametrize(
    ("code", "normal"),
    [
        (1000, True),
        (1001, True),
        *((c, False) for c in (1002, 1003, 1007, 1008, 1011, 1012, 1013, 3000, 4999)),
    ],
)
async def test_every_close_code(server: RealtimeServer, client: AsyncOpenAI, code: int, normal: bool) -> None:
    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await ws.aclose(code, f"reason {code}")

    server.script = script
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            seen: list[str] = []
            ended_quietly = True
            try:
                async for ev in conn:
                    seen.append(ev.type)
            except WebSocketConnectionClosedError as exc:
                ended_quietly = False
                assert (exc.code, exc.reason, exc.by_client, exc.normal) == (
                    code,
                    f"reason {code}",
                    False,
                    False,
                )
            assert seen == ["session.created"]
            assert ended_quietly is normal
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
            assert info.value.code == code


# --- messages that are not events -------------------------------------------------------------------------


_NOT_JSON = "this is {not json"
_WRONG_SHAPE = event("response.output_text.delta", delta=5, response_id="r", item_id="i")


def _garbage_script(server: RealtimeServer) -> object:
    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await ws.send_message(_NOT_JSON)
        await ws.send_message(_WRONG_SHAPE)
        await ws.send_message(event("input_audio_buffer.cleared"))
        await server.receive(ws)

    return script


async def test_a_message_that_is_not_an_event_is_a_typed_error_and_the_session_goes_on(
    server: RealtimeServer, client: AsyncOpenAI
) -> None:
    server.script = _garbage_script(server)  # type: ignore[assignment]
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            assert (await conn.recv()).type == "session.created"
            with pytest.raises(RealtimeEventDecodeError) as bad:
                await conn.recv()
            assert bad.value.raw == _NOT_JSON and "not JSON" in bad.value.reason
            assert bad.value.__cause__ is None and bad.value.__suppress_context__
            with pytest.raises(RealtimeEventDecodeError) as shape:
                async for _ in conn:
                    pass
            assert shape.value.raw == _WRONG_SHAPE and "wrong shape" in shape.value.reason
            assert "delta" in str(shape.value)
            assert [ev.type async for ev in _take(conn, 1)] == ["input_audio_buffer.cleared"]
            assert not conn.closed


async def _take(conn: AsyncIterator[object], n: int) -> AsyncIterator[object]:
    for _ in range(n):
        yield await conn.__anext__()


def _blocking_garbage(base_url: str) -> tuple[str, str]:
    with OpenAI(api_key="sk-sync", base_url=base_url) as client:
        with client.realtime.connect(model="m", ping_interval=5.0, ping_timeout=5.0) as conn:
            assert conn.recv().type == "session.created"
            reasons: list[str] = []
            for _ in range(2):
                try:
                    conn.recv()
                except RealtimeEventDecodeError as exc:
                    reasons.append(exc.reason.split(":")[0])
            return reasons[0], reasons[1] if len(reasons) > 1 else conn.recv().type


async def test_the_blocking_client_gets_the_same_typed_errors(server: RealtimeServer) -> None:
    server.script = _garbage_script(server)  # type: ignore[assignment]
    with trio.fail_after(TIMEOUT):
        reasons = await trio.to_thread.run_sync(_blocking_garbage, server.base_url, abandon_on_cancel=True)
    assert reasons == ("not JSON", "wrong shape")
