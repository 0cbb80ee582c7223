"""Issue 13, real peers: HTTP/2 (``http2=True``) against a real HTTP/2 server (hypercorn) on loopback.

Many concurrent streams share one connection; cancelling one stream leaves the others and the
connection healthy; a GOAWAY (the server's request limit) moves later requests to a new connection
without failing any; a stream the server resets fails alone, as a typed error.
"""

from __future__ import annotations

import pytest
import trio
import trustme

from tests.transport._h2_server import client_tls, open_h2_server
from trio_openai import APIConnectionError, AsyncOpenAI, HTTPTransport


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def h2_client(ca: trustme.CA, base_url: str, **kwargs: object) -> tuple[AsyncOpenAI, HTTPTransport]:
    transport = HTTPTransport(http2=True, verify=client_tls(ca))
    return AsyncOpenAI(api_key="sk-test", base_url=base_url, transport=transport, **kwargs), transport  # type: ignore[arg-type]


async def test_many_concurrent_streams_share_one_connection(ca: trustme.CA) -> None:
    with trio.fail_after(30):
        async with open_h2_server(ca) as server:
            client, transport = h2_client(ca, server.base_url)
            async with client:
                assert (await client.models.retrieve("warm-up")).id == "warm-up"
                results: list[str] = []

                async def one(i: int) -> None:
                    results.append((await client.models.retrieve("delay-0.2")).id)

                async with trio.open_nursery() as nursery:
                    for i in range(50):
                        nursery.start_soon(one, i)
                assert len(results) == 50
                pool = client.statistics().pool
                assert pool is not None and pool.connections == 1
            await transport.aclose()
            assert {version for version, _, _ in server.seen} == {"2"}
            assert len(server.client_ports) == 1


async def test_cancelling_one_stream_leaves_the_others_and_the_connection(ca: trustme.CA) -> None:
    with trio.fail_after(30):
        async with open_h2_server(ca) as server:
            client, transport = h2_client(ca, server.base_url, max_retries=0)
            async with client:
                assert (await client.models.retrieve("warm-up")).id == "warm-up"
                done: list[str] = []

                async def cancelled() -> None:
                    with trio.move_on_after(0.3) as scope:
                        await client.models.retrieve("slow")
                    assert scope.cancelled_caught

                async def normal(i: int) -> None:
                    done.append((await client.models.retrieve(f"delay-{0.1 * (i % 5):.1f}")).id)

                async with trio.open_nursery() as nursery:
                    nursery.start_soon(cancelled)
                    for i in range(10):
                        nursery.start_soon(normal, i)
                assert len(done) == 10
                assert (await client.models.retrieve("after")).id == "after"
                assert client.statistics().in_flight == 0
                pool = client.statistics().pool
                assert pool is not None and pool.connections == 1 and pool.active_connections == 0
            await transport.aclose()
            assert len(server.client_ports) == 1


async def test_goaway_moves_later_requests_to_a_new_connection(ca: trustme.CA) -> None:
    with trio.fail_after(30):
        async with open_h2_server(ca, keep_alive_max_requests=3) as server:
            client, transport = h2_client(ca, server.base_url)
            async with client:
                ids = [(await client.models.retrieve(f"m{i}")).id for i in range(8)]
                assert ids == [f"m{i}" for i in range(8)]
            await transport.aclose()
            assert len(server.client_ports) >= 3  # a new connection after each GOAWAY


async def test_a_stream_reset_by_the_server_fails_alone(ca: trustme.CA) -> None:
    with trio.fail_after(30):
        async with open_h2_server(ca) as server:
            client, transport = h2_client(ca, server.base_url, max_retries=0)
            async with client:
                assert (await client.models.retrieve("warm-up")).id == "warm-up"
                ok: list[str] = []

                async def normal(i: int) -> None:
                    ok.append((await client.models.retrieve(f"delay-0.{i}")).id)

                async with trio.open_nursery() as nursery:
                    for i in range(5):
                        nursery.start_soon(normal, i)
                    with pytest.raises(APIConnectionError):
                        await client.models.retrieve("reset")
                assert len(ok) == 5
                assert (await client.models.retrieve("after")).id == "after"
                assert client.statistics().in_flight == 0
                pool = client.statistics().pool
                assert pool is not None and pool.active_connections == 0 and pool.connections <= 2
            await transport.aclose()
            # hypercorn ends the connection after an application error (GOAWAY), so the call after it
            # may open a second one; the streams in flight beside the reset one all completed
            assert len(server.client_ports) <= 2
