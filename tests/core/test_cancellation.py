"""Cancellation at every await point of the pipeline leaves the client healthy.

The pool-level checks (a real httpcore2 pool against a real loopback server) are in
test_cancellation_pool.py; here every await point is reached through MockTransport.
"""

from __future__ import annotations

import pathlib

import httpcore2
import pytest
import trio
import trio.testing

from tests._helpers import MODEL, make_client
from trio_openai.testing import MockRequest, MockResponse


async def test_cancel_while_asking_for_the_api_key() -> None:
    gate = trio.Event()
    calls = 0

    async def key() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            await gate.wait()
        return "sk-k"

    client, transport = make_client(lambda r: MockResponse(json=MODEL), api_key=key)
    async with client:
        with trio.move_on_after(0.05) as scope:
            await client.models.retrieve("m")
        assert scope.cancelled_caught
        assert transport.requests == []
        assert client.statistics().in_flight == 0
        with trio.fail_after(5):
            assert (await client.models.retrieve("m")).id == MODEL["id"]


async def test_cancel_while_reading_an_upload(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 1000)
    client, transport = make_client(lambda r: MockResponse(json={"id": "file"}))
    async with client:
        with trio.CancelScope() as scope:
            scope.cancel()  # cancelled before the worker thread read returns
            await client._request("post", "/files", cast_to=dict, body={"file": path}, multipart=True)
        assert scope.cancelled_caught
        assert transport.requests == []
        with trio.fail_after(5):
            await client._request("post", "/files", cast_to=dict, body={"file": path}, multipart=True)
        assert len(transport.requests) == 1


async def test_cancel_while_waiting_for_the_response() -> None:
    release = trio.Event()

    async def handler(req: MockRequest) -> MockResponse:
        if len(seen) == 0:
            seen.append(req)
            await release.wait()
        return MockResponse(json=MODEL)

    seen: list[MockRequest] = []
    client, _ = make_client(handler)
    async with client:
        with trio.move_on_after(0.05) as scope:
            await client.models.retrieve("m")
        assert scope.cancelled_caught
        assert client.statistics().in_flight == 0
        with trio.fail_after(5):
            await client.models.retrieve("m")


async def test_cancel_while_reading_the_body() -> None:
    stream_closed = trio.Event()

    async def slow_body():  # type: ignore[no-untyped-def]
        try:
            yield b'{"id": "m", '
            await trio.sleep_forever()
        finally:
            stream_closed.set()

    bodies = iter([slow_body(), None])

    def handler(req: MockRequest) -> MockResponse:
        body = next(bodies)
        return MockResponse(stream=body) if body is not None else MockResponse(json=MODEL)

    client, _ = make_client(handler)
    async with client:
        with trio.move_on_after(0.05) as scope:
            await client.models.retrieve("m")
        assert scope.cancelled_caught
        with trio.fail_after(5):
            await client.models.retrieve("m")


async def test_cancel_during_the_backoff_sleep(autojump_clock: trio.testing.MockClock) -> None:
    answers = iter([503, 200])

    def handler(req: MockRequest) -> MockResponse:
        status = next(answers, 200)
        return MockResponse(status, json=MODEL if status == 200 else {"error": {"message": "busy"}})

    client, transport = make_client(handler)
    async with client:
        with trio.move_on_after(0.1) as scope:  # the first backoff sleep is at least 0.375 s
            await client.models.retrieve("m")
        assert scope.cancelled_caught
        assert len(transport.requests) == 1
        with trio.fail_after(5):
            await client.models.retrieve("m")


@pytest.mark.parametrize("exc", [httpcore2.ReadError("boom"), httpcore2.RemoteProtocolError("cut")])
async def test_transport_failures_do_not_leave_calls_in_flight(
    exc: Exception, autojump_clock: trio.testing.MockClock
) -> None:
    def handler(req: MockRequest) -> MockResponse:
        raise exc

    client, _ = make_client(handler, max_retries=1)
    async with client:
        with pytest.raises(Exception, match="Connection error"):
            await client.models.retrieve("m")
        assert client.statistics().in_flight == 0
