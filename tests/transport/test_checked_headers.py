"""Headers the client built and checked itself reach h11 in its own normalized form, so h11 does not
validate them a second time; they go on the wire exactly as before. Anything else (a request built by
hand, per-call headers, an auth hook's header) is still validated by h11."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import h11
import httpcore2
import pytest
import trio

from trio_openai import APIConnectionError, AsyncOpenAI, HTTPTransport
from trio_openai._core._headers import CheckedHeaders

_BODY = b'{"object":"list","data":[],"has_more":false}'
_REPLY = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
    len(_BODY),
    _BODY,
)


async def _raw_server(heads: list[bytes], stream: trio.SocketStream) -> None:
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = await stream.receive_some(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            heads.append(head)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(buffer) < length:
                data = await stream.receive_some(65536)
                if not data:
                    return
                buffer += data
            buffer = buffer[length:]
            await stream.send_all(_REPLY)
    except trio.BrokenResourceError:
        pass


def _record_validations(monkeypatch: pytest.MonkeyPatch) -> list[list[bytes]]:
    """The header names of every h11 request or response whose headers h11 validated itself."""
    seen: list[list[bytes]] = []
    real: Callable[..., Any] = h11._events.normalize_and_validate  # pyright: ignore

    def recording(headers: Any, _parsed: bool = False) -> Any:
        if not _parsed:
            seen.append([bytes(name).lower() for name, _ in headers])
        return real(headers, _parsed=_parsed)

    monkeypatch.setattr(h11._events, "normalize_and_validate", recording)  # pyright: ignore
    return seen


async def test_checked_headers_skip_h11_validation_and_go_out_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    validated = _record_validations(monkeypatch)
    heads: list[bytes] = []
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(
            partial(trio.serve_tcp, partial(_raw_server, heads), 0, host="127.0.0.1")
        )
        port = listeners[0].socket.getsockname()[1]
        async with AsyncOpenAI(
            api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0
        ) as client:
            with trio.fail_after(10):
                await client.files.list()  # GET
                await client.models.with_raw_response.list()
                await client.chat.completions.with_raw_response.create(
                    model="m", messages=[]
                )  # POST with a body
                before = len(validated)
                # Per-call headers take the ordinary path: h11 checks them.
                await client.models.with_raw_response.list(extra_headers={"X-Extra": "1"})
                assert len(validated) == before + 1 and b"x-extra" in validated[-1]
                # A bad per-call Content-Length is still refused by h11 before anything is sent.
                with pytest.raises(APIConnectionError):
                    await client.chat.completions.create(
                        model="m", messages=[], extra_headers={"Content-Length": "abc"}
                    )
        nursery.cancel_scope.cancel()
    assert not any(b"x-stainless-lang" in names for names in validated[:before])
    assert len(heads) == 4
    post = heads[2].split(b"\r\n")
    assert post[0] == b"POST /v1/chat/completions HTTP/1.1"
    names = [line.partition(b":")[0] for line in post[1:]]
    # Names keep the client's casing, in the client's order, once each.
    assert names[:4] == [b"Host", b"Accept", b"User-Agent", b"X-Stainless-Lang"]  # h11 puts Host first
    assert b"Host" in names and b"Content-Length" in names and b"Idempotency-Key" in names
    assert b"Authorization" in names and b"x-stainless-retry-count" in names
    assert len(names) == len(set(n.lower() for n in names))


async def test_a_request_built_by_hand_is_still_validated_by_h11() -> None:
    heads: list[bytes] = []
    async with trio.open_nursery() as nursery:
        listeners = await nursery.start(
            partial(trio.serve_tcp, partial(_raw_server, heads), 0, host="127.0.0.1")
        )
        port = listeners[0].socket.getsockname()[1]
        transport = HTTPTransport()
        url = httpcore2.URL(f"http://127.0.0.1:{port}/x")
        host = (b"Host", f"127.0.0.1:{port}".encode())
        bad = httpcore2.Request(b"GET", url, headers=[host, (b"X-Bad", b" leading space")])
        assert type(bad.headers) is not CheckedHeaders
        with trio.fail_after(10), pytest.raises(httpcore2.LocalProtocolError):
            await transport.handle_async_request(bad)
        await transport.aclose()
        nursery.cancel_scope.cancel()
    assert heads == []  # refused before anything was sent
