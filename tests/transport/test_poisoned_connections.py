"""Issue 13, defect 3: bytes beyond a response's declared end never become the next call's answer.

httpcore2 starts the next HTTP/1.1 cycle on a kept-alive connection without looking at what h11 still
holds, so a server that sends more than its Content-Length (or junk after a chunked body) would answer
the *next* request with the surplus. trio_openai's pool closes such a connection when the response is
closed; these tests drive a raw socket server that misbehaves in exactly that way.
"""

from __future__ import annotations

import httpcore2
import pytest
import trio

from tests.transport._raw_server import json_response, open_raw_server
from trio_openai import AsyncOpenAI, HTTPTransport


def model(name: str) -> bytes:
    return b'{"id":"%s","object":"model","created":1,"owned_by":"me"}' % name.encode()


POISON = json_response(model("poison"))


@pytest.mark.parametrize(
    "first",
    [
        pytest.param([json_response(model("first"), extra=POISON)], id="same-write"),
        pytest.param([json_response(model("first")), POISON], id="second-write"),
        pytest.param(
            [
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                + b"%x\r\n%s\r\n0\r\n\r\n" % (len(model("first")), model("first"))
                + POISON
            ],
            id="after-chunked-body",
        ),
        pytest.param([json_response(model("first"), extra=b"\r\n")], id="a-stray-crlf"),
    ],
)
async def test_surplus_bytes_never_answer_the_next_call(first: list[bytes]) -> None:
    def answer(n: int) -> list[bytes | float]:
        return list(first) if n == 0 else [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with (
            open_raw_server(answer) as server,
            AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client,
        ):
            one = await client.models.retrieve("a")
            assert one.id == "first"
            pool = client.statistics().pool
            assert pool is not None
            # the poisoned connection was closed as the first response was closed (when all the
            # surplus came in the same read) or is at least never reused (when it came later)
            two = await client.models.retrieve("b")
            three = await client.models.retrieve("c")
            assert (two.id, three.id) == ("call-1", "call-2")
            assert server.requests == 3
            assert server.connections == 2  # a fresh connection for the second call, reused for the third
            pool = client.statistics().pool
            assert pool is not None and pool.connections == 1 and pool.active_connections == 0


async def test_the_pool_statistics_count_the_discarded_connection() -> None:
    def answer(n: int) -> list[bytes | float]:
        if n == 0:
            return [json_response(model("first"), extra=POISON)]
        return [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with (
            open_raw_server(answer) as server,
            AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client,
        ):
            await client.models.retrieve("a")
            pool = client.statistics().pool
            assert pool is not None
            assert pool.discarded_connections == 1
            assert pool.connections == 0  # closed with the first response, not kept idle
            assert (await client.models.retrieve("b")).id == "call-1"
            pool = client.statistics().pool
            assert pool is not None and pool.discarded_connections == 1 and pool.idle_connections == 1


async def test_a_streamed_response_with_surplus_drops_its_connection() -> None:
    def answer(n: int) -> list[bytes | float]:
        if n == 0:
            return [json_response(model("first"), extra=POISON)]
        return [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with (
            open_raw_server(answer) as server,
            AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client,
        ):
            async with client.models.with_streaming_response.retrieve("a") as response:
                body = await response.read()
            assert b'"first"' in body
            assert (await client.models.retrieve("b")).id == "call-1"
            pool = client.statistics().pool
            assert pool is not None and pool.discarded_connections == 1


async def test_a_clean_keep_alive_connection_is_reused() -> None:
    def answer(n: int) -> list[bytes | float]:
        return [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with (
            open_raw_server(answer) as server,
            AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client,
        ):
            for n in range(3):
                assert (await client.models.retrieve("x")).id == f"call-{n}"
            assert server.connections == 1
            pool = client.statistics().pool
            assert pool is not None and pool.discarded_connections == 0


async def test_plain_httpcore2_is_poisoned_which_is_why_the_guard_exists() -> None:
    """The upstream behaviour this layer protects against (if httpcore2 fixes it, this test says so)."""

    def answer(n: int) -> list[bytes | float]:
        if n == 0:
            return [json_response(model("first"), extra=POISON)]
        return [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with open_raw_server(answer) as server:
            backend = httpcore2.TrioBackend()
            async with httpcore2.AsyncConnectionPool(network_backend=backend) as pool:  # type: ignore[arg-type]
                url = f"{server.base_url}/models/x"
                first = await pool.request("GET", url)
                second = await pool.request("GET", url)
            assert b"first" in first.content
            assert b"poison" in second.content  # the surplus answered the second request
            assert server.requests == 2  # it was sent, but its own answer was never read


async def test_an_explicit_transport_is_guarded_too() -> None:
    def answer(n: int) -> list[bytes | float]:
        if n == 0:
            return [json_response(model("first"), extra=POISON)]
        return [json_response(model(f"call-{n}"))]

    with trio.fail_after(10):
        async with open_raw_server(answer) as server:
            transport = HTTPTransport(max_connections=1)
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, transport=transport, max_retries=0
            ) as client:
                assert (await client.models.retrieve("a")).id == "first"
                assert (await client.models.retrieve("b")).id == "call-1"
            await transport.aclose()
