"""Realtime sessions over WebSockets, against a scripted trio-websocket server on 127.0.0.1."""

from __future__ import annotations

import base64
import functools
import gc
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
import trio
import trio.testing
from trio_websocket import WebSocketConnection

from tests._realtime_server import RealtimeServer, event, open_realtime_server
from trio_openai import APIConnectionError, APITimeoutError, AsyncOpenAI, OpenAI, Timeout, omit
from trio_openai.realtime import (
    AsyncRealtimeConnection,
    WebSocketConnectionClosedError,
    WebSocketConnectionRejectedError,
)
from trio_openai.realtime._connect import realtime_connect
from trio_openai.realtime._handshake import build_handshake
from trio_openai.realtime._sync import realtime_connect_blocking
from trio_openai.types import UnknownVariant
from trio_openai.types.realtime_server_event_error import RealtimeServerEventError
from trio_openai.types.realtime_server_event_response_text_delta import RealtimeServerEventResponseTextDelta
from trio_openai.types.realtime_server_event_session_created import RealtimeServerEventSessionCreated

T = TypeVar("T")
TIMEOUT = 10
_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "realtime_echo.py"


@pytest.fixture
async def server() -> AsyncIterator[RealtimeServer]:
    async with open_realtime_server() as srv:
        yield srv
    gc.collect()  # a socket left open would warn now (an error here), in the test that leaked it


@pytest.fixture
async def client(server: RealtimeServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as c:
        yield c


async def _connected(conn: AsyncRealtimeConnection) -> None:
    """Read the server's greeting (``session.created``)."""
    first = await conn.recv()
    assert isinstance(first, RealtimeServerEventSessionCreated)


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    return await trio.to_thread.run_sync(functools.partial(fn, *args), abandon_on_cancel=True)


# --- the handshake ------------------------------------------------------------------------------------


async def test_url_query_and_headers(server: RealtimeServer) -> None:
    client = AsyncOpenAI(
        api_key="sk-secret",
        base_url=server.base_url,
        organization="org_1",
        project="proj_1",
        default_headers={"X-Custom": "c"},
        default_query={"api-version": "7"},
    )
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(
            model="gpt-realtime",
            extra_query={"extra": "q"},
            extra_headers={"X-Extra": "e", "OpenAI-Project": omit},
        ) as conn:
            await _connected(conn)
    seen = server.seen[0]
    assert seen.path == "/v1/realtime"
    assert seen.query == {"api-version": ["7"], "model": ["gpt-realtime"], "extra": ["q"]}
    headers = seen.headers
    assert headers["authorization"] == "Bearer sk-secret"
    assert headers["openai-organization"] == "org_1"
    assert "openai-project" not in headers
    assert headers["x-custom"] == "c" and headers["x-extra"] == "e"
    assert headers["user-agent"].startswith("trio-openai/")
    assert "accept" not in headers  # an HTTP API header, meaningless on an upgrade
    assert server.closes == [(1000, None)]  # leaving the block closes normally


async def test_a_callable_key_is_asked_on_every_connect_and_omit_removes_auth(server: RealtimeServer) -> None:
    keys = iter(["sk-one", "sk-two"])
    asked: list[str] = []

    async def key() -> str:
        asked.append(value := next(keys))
        return value

    client = AsyncOpenAI(api_key=key, base_url=server.base_url)
    with trio.fail_after(TIMEOUT):
        for _ in range(2):
            async with client.realtime.connect(model="m") as conn:
                await _connected(conn)
        async with client.realtime.connect(call_id="call_9", extra_headers={"Authorization": omit}) as conn:
            await _connected(conn)
    assert [s.headers.get("authorization") for s in server.seen] == ["Bearer sk-one", "Bearer sk-two", None]
    assert asked == ["sk-one", "sk-two"]  # not asked when the header is left out
    assert server.seen[2].query == {"call_id": ["call_9"]}


async def test_websocket_base_url_is_used_as_given(server: RealtimeServer) -> None:
    client = AsyncOpenAI(
        api_key="sk",
        base_url="https://unused.invalid/v1",
        websocket_base_url=f"ws://127.0.0.1:{server.port}/rt/",
    )
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
    assert server.seen[0].path == "/rt/realtime"


async def test_https_becomes_wss_with_a_verifying_tls_context() -> None:
    client = AsyncOpenAI(api_key="sk", base_url="https://api.example.com/v1")
    shake = await build_handshake(client, "/realtime", {"model": "gpt-realtime"})
    assert shake.url == "wss://api.example.com/v1/realtime?model=gpt-realtime"
    assert shake.ssl_context is not None
    assert shake.ssl_context.verify_mode == ssl.CERT_REQUIRED and shake.ssl_context.check_hostname
    assert "sk" not in repr(shake)  # the headers (and the key) stay out of reprs

    insecure = AsyncOpenAI(api_key="sk", base_url="https://api.example.com/v1", verify=False)
    ctx = (await build_handshake(insecure, "/realtime", {})).ssl_context
    assert ctx is not None and ctx.verify_mode == ssl.CERT_NONE

    plain = await build_handshake(AsyncOpenAI(api_key="sk", base_url="http://h:8/v1"), "/realtime", {})
    assert plain.url == "ws://h:8/v1/realtime" and plain.ssl_context is None


async def test_a_rejected_handshake_is_a_clear_error(server: RealtimeServer, client: AsyncOpenAI) -> None:
    server.reject = (401, b'{"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}')
    with trio.fail_after(TIMEOUT), pytest.raises(WebSocketConnectionRejectedError) as info:
        async with client.realtime.connect(model="m"):
            pass  # pragma: no cover
    assert info.value.status_code == 401
    assert info.value.request_id == "req_rej"
    assert "Incorrect API key provided" in str(info.value)


async def test_nothing_listening_is_a_connection_error() -> None:
    listener = trio.socket.socket()
    await listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # a port nobody listens on
    client = AsyncOpenAI(api_key="sk", base_url=f"http://127.0.0.1:{port}/v1")
    with trio.fail_after(TIMEOUT), pytest.raises(APIConnectionError):
        async with client.realtime.connect(model="m"):
            pass  # pragma: no cover


async def test_a_silent_server_times_out_the_handshake() -> None:
    async def mute(stream: trio.SocketStream) -> None:
        async with stream:
            await trio.sleep_forever()  # accepts TCP, never answers the upgrade

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(trio.serve_tcp, mute, 0)
        port = listeners[0].socket.getsockname()[1]
        client = AsyncOpenAI(
            api_key="sk", base_url=f"http://127.0.0.1:{port}/v1", timeout=Timeout(5, connect=0.1)
        )
        with trio.fail_after(TIMEOUT), pytest.raises(APITimeoutError):
            async with client.realtime.connect(model="m"):
                pass  # pragma: no cover
        nursery.cancel_scope.cancel()
    gc.collect()  # the socket of the abandoned handshake was closed


async def test_a_server_hanging_up_mid_handshake_is_a_connection_error() -> None:
    async def hang_up(stream: trio.SocketStream) -> None:
        async with stream:
            await stream.receive_some(65536)  # reads the upgrade request, then closes

    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(trio.serve_tcp, hang_up, 0)
        port = listeners[0].socket.getsockname()[1]
        client = AsyncOpenAI(api_key="sk", base_url=f"http://127.0.0.1:{port}/v1")
        with trio.fail_after(TIMEOUT), pytest.raises(APIConnectionError, match="during the handshake"):
            async with client.realtime.connect(model="m"):
                pass  # pragma: no cover
        nursery.cancel_scope.cancel()
    gc.collect()


# --- events -----------------------------------------------------------------------------------------------


async def test_send_and_receive_typed_events(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await _connected(conn)
            await conn.session.update(session={"type": "realtime", "instructions": "Be brief."})
            updated = await conn.recv()
            assert updated.type == "session.updated"
            await conn.response.create()
            text: list[str] = []
            async for ev in conn:
                if isinstance(ev, RealtimeServerEventResponseTextDelta):
                    text.append(ev.delta)
                elif ev.type == "response.done":
                    break
    assert "".join(text) == "Hello"
    assert [m["type"] for m in server.received] == ["session.update", "response.create"]
    assert server.received[0]["session"] == {"type": "realtime", "instructions": "Be brief."}


class _Commit(msgspec.Struct):
    type: str
    event_id: str


async def test_every_typed_helper_sends_its_event(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
            await conn.input_audio_buffer.append(audio=b"\x00\x01pcm")
            await conn.input_audio_buffer.append(audio="AAE=", event_id="e1")
            await conn.input_audio_buffer.clear()
            await conn.input_audio_buffer.commit()
            await conn.output_audio_buffer.clear()
            await conn.response.cancel(response_id="resp_1")
            item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
            await conn.conversation.item.create(item=item, previous_item_id="root")  # type: ignore[arg-type]
            await conn.conversation.item.retrieve(item_id="i1")
            await conn.conversation.item.truncate(item_id="i1", content_index=0, audio_end_ms=1500)
            await conn.conversation.item.delete(item_id="i1")
            await conn.send(_Commit(type="input_audio_buffer.commit", event_id="from-a-struct"))
            await conn.send({"type": "response.create", "response": {"instructions": "x"}})
            # the fake server answers each non-session, non-response event with an `error`: 12 sent, 11 errors
            for _ in range(11):
                assert (await conn.recv()).type == "error"
    assert server.received == [
        {"type": "input_audio_buffer.append", "audio": base64.b64encode(b"\x00\x01pcm").decode()},
        {"type": "input_audio_buffer.append", "event_id": "e1", "audio": "AAE="},
        {"type": "input_audio_buffer.clear"},
        {"type": "input_audio_buffer.commit"},
        {"type": "output_audio_buffer.clear"},
        {"type": "response.cancel", "response_id": "resp_1"},
        {"type": "conversation.item.create", "item": item, "previous_item_id": "root"},
        {"type": "conversation.item.retrieve", "item_id": "i1"},
        {"type": "conversation.item.truncate", "item_id": "i1", "content_index": 0, "audio_end_ms": 1500},
        {"type": "conversation.item.delete", "item_id": "i1"},
        {"type": "input_audio_buffer.commit", "event_id": "from-a-struct"},
        {"type": "response.create", "response": {"instructions": "x"}},
    ]


async def test_an_error_event_is_delivered_not_raised(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
            await conn.send({"type": "no.such.event"})
            error = await conn.recv()
            assert isinstance(error, RealtimeServerEventError)
            assert error.error.message == "unexpected no.such.event"
            await conn.response.create()  # the session goes on
            assert (await conn.recv()).type == "response.created"


async def test_unknown_events_fall_back_and_raw_bytes(server: RealtimeServer, client: AsyncOpenAI) -> None:
    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("brand.new.event", payload={"x": 1}))
        await ws.send_message(event("session.created", session={"id": "s"}))
        await ws.send_message(event("input_audio_buffer.cleared"))
        await server.receive(ws)

    server.script = script
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            unknown = await conn.recv()
            assert isinstance(unknown, UnknownVariant)
            assert unknown.type == "brand.new.event" and unknown.raw["payload"] == {"x": 1}
            assert isinstance(await conn.recv(), RealtimeServerEventSessionCreated)
            raw = await conn.recv_bytes()
            assert msgspec.json.decode(raw)["type"] == "input_audio_buffer.cleared"
            assert conn.parse_event(raw).type == "input_audio_buffer.cleared"


# --- closing ------------------------------------------------------------------------------------------------


def _closing_script(server: RealtimeServer, code: int, reason: str) -> Callable[[WebSocketConnection], Any]:
    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await ws.send_message(event("input_audio_buffer.cleared"))
        await ws.aclose(code, reason)

    return script


async def test_iteration_ends_on_a_normal_close_after_the_pending_events(
    server: RealtimeServer, client: AsyncOpenAI
) -> None:
    server.script = _closing_script(server, 1000, "done")
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            types = [ev.type async for ev in conn]
            assert types == ["session.created", "input_audio_buffer.cleared"]
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
            assert (info.value.code, info.value.reason, info.value.by_client) == (1000, "done", False)
            with pytest.raises(WebSocketConnectionClosedError):
                await conn.send({"type": "response.create"})


async def test_an_abnormal_close_raises_from_iteration_and_send(
    server: RealtimeServer, client: AsyncOpenAI
) -> None:
    server.script = _closing_script(server, 1011, "boom")
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            seen: list[str] = []
            with pytest.raises(WebSocketConnectionClosedError) as info:
                async for ev in conn:
                    seen.append(ev.type)
            assert seen == ["session.created", "input_audio_buffer.cleared"]
            assert (info.value.code, info.value.reason, info.value.normal) == (1011, "boom", False)
            assert "1011" in str(info.value) and "boom" in str(info.value)
            with pytest.raises(WebSocketConnectionClosedError) as sent:
                await conn.session.update(session={"type": "realtime"})
            assert sent.value.code == 1011
            assert conn.closed


async def test_close_with_a_code_and_reason(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
            await conn.close(code=4000, reason="bye")
            await conn.close()  # idempotent
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
            assert (info.value.code, info.value.reason, info.value.by_client) == (4000, "bye", True)
            with pytest.raises(WebSocketConnectionClosedError):
                await conn.response.create()
            assert [ev async for ev in conn] == []  # closed by us: the iteration just ends
    assert server.closes == [(4000, "bye")]


async def test_using_the_connection_after_the_block(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
        with pytest.raises(WebSocketConnectionClosedError) as info:
            await conn.send({"type": "response.create"})
        assert info.value.by_client and info.value.code == 1000


async def test_errors_in_the_block_come_out_plain(server: RealtimeServer, client: AsyncOpenAI) -> None:
    with trio.fail_after(TIMEOUT), pytest.raises(KeyError, match="mine"):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
            raise KeyError("mine")
    assert server.closes == [(1000, None)]


# --- cancellation and backpressure ------------------------------------------------------------------------


async def test_a_cancelled_recv_or_send_leaves_the_connection_usable(
    server: RealtimeServer, client: AsyncOpenAI
) -> None:
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m") as conn:
            await _connected(conn)
            for _ in range(3):
                with trio.move_on_after(0.01) as scope:
                    await conn.recv()  # nothing is coming
                assert scope.cancelled_caught
            with trio.CancelScope() as scope:
                scope.cancel()  # already cancelled: the frame still goes out whole, then the cancel lands
                await conn.response.create()
            assert scope.cancelled_caught
            assert (await conn.recv()).type == "response.created"
            await conn.session.update(session={"type": "realtime"})
            types = [(await conn.recv()).type for _ in range(4)]
            assert types == [
                "response.output_text.delta",
                "response.output_text.delta",
                "response.done",
                "session.updated",
            ]
    assert [m["type"] for m in server.received] == ["response.create", "session.update"]


async def test_bounded_queue_and_message_size(server: RealtimeServer, client: AsyncOpenAI) -> None:
    sent = trio.Event()

    async def script(ws: WebSocketConnection) -> None:
        await ws.send_message(event("session.created", session={"id": "s"}))
        await ws.send_message("x" * 5000)
        sent.set()
        await server.receive(ws)

    server.script = script
    with trio.fail_after(TIMEOUT):
        async with client.realtime.connect(model="m", message_queue_size=3, max_message_size=4096) as conn:
            assert conn.websocket._recv_channel.statistics().max_buffer_size == 3  # pyright: ignore[reportPrivateUsage]
            await _connected(conn)
            with pytest.raises(WebSocketConnectionClosedError) as info:
                await conn.recv()
            assert info.value.code == 1009  # message too big
    with pytest.raises(ValueError):
        client.realtime.connect(model="m", message_queue_size=-1)


# --- the blocking client --------------------------------------------------------------------------------------


def _blocking_session(base_url: str) -> tuple[list[str], str, int]:
    with OpenAI(api_key="sk-sync", base_url=base_url) as client:
        with client.realtime.connect(model="gpt-realtime") as conn:
            assert conn.recv().type == "session.created"
            conn.session.update(session={"type": "realtime"})
            assert conn.recv().type == "session.updated"
            conn.response.create()
            text = ""
            kinds: list[str] = []
            for ev in conn:
                kinds.append(ev.type)
                if isinstance(ev, RealtimeServerEventResponseTextDelta):
                    text += ev.delta
                if ev.type == "response.done":
                    break
            conn.send({"type": "bogus"})
            raw = conn.recv_bytes()
            assert conn.parse_event(raw).type == "error"
            conn.close(code=4001, reason="sync bye")
            try:
                conn.recv()
            except WebSocketConnectionClosedError as exc:
                code = exc.code
            else:  # pragma: no cover
                raise AssertionError("recv after close must raise")
            assert list(conn) == []
    return kinds, text, code


async def test_the_blocking_client(server: RealtimeServer) -> None:
    with trio.fail_after(TIMEOUT):
        kinds, text, code = await _in_thread(_blocking_session, server.base_url)
    assert kinds == [
        "response.created",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.done",
    ]
    assert text == "Hello" and code == 4001
    assert server.seen[0].headers["authorization"] == "Bearer sk-sync"
    with trio.fail_after(TIMEOUT):  # the server's handler records the close after the handshake ends
        await trio.testing.wait_all_tasks_blocked()
    assert server.closes == [(4001, "sync bye")]


def _blocking_server_close(base_url: str) -> list[str]:
    with OpenAI(api_key="sk", base_url=base_url) as client, client.realtime.connect(model="m") as conn:
        return [ev.type for ev in conn]


async def test_the_blocking_iteration_ends_on_a_normal_close(server: RealtimeServer) -> None:
    server.script = _closing_script(server, 1000, "")
    with trio.fail_after(TIMEOUT):
        assert await _in_thread(_blocking_server_close, server.base_url) == [
            "session.created",
            "input_audio_buffer.cleared",
        ]


# --- the wiring -------------------------------------------------------------------------------------------------


def test_connect_is_attached_to_both_clients() -> None:
    assert type(AsyncOpenAI(api_key="sk").realtime).connect is realtime_connect  # pyright: ignore[reportUnknownMemberType]
    with OpenAI(api_key="sk") as client:
        assert type(client.realtime).connect is realtime_connect_blocking  # pyright: ignore[reportUnknownMemberType]


def test_importing_the_package_does_not_import_trio_websocket() -> None:
    code = (
        "import sys, trio_openai\n"
        "c = trio_openai.AsyncOpenAI(api_key='sk'); c.realtime.connect(model='m')\n"
        "import trio_openai.realtime\n"
        "with trio_openai.OpenAI(api_key='sk') as s: s.realtime.connect(model='m')\n"
        "print(sorted(m for m in sys.modules if 'websocket' in m or 'wsproto' in m))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_the_echo_example_runs() -> None:
    example = _EXAMPLE
    with trio.fail_after(TIMEOUT):
        done = await trio.run_process([sys.executable, "-W", "error", str(example)], capture_stdout=True)
    assert "Hello from trio over a WebSocket" in done.stdout.decode()
