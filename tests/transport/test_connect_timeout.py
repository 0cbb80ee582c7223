"""Issue 13, real peers: a connect timeout against a peer that never completes the TCP handshake.

A listening socket whose backlog is full (``listen(0)`` and a few connections nobody accepts) drops
further SYNs, so a connect attempt hangs until the connect timeout: the call must end in
``APITimeoutError`` quickly (after its retries), with nothing left in the pool.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import trio

from trio_openai import APITimeoutError, AsyncOpenAI, HTTPTransport, Timeout


@pytest.fixture
def full_backlog() -> Iterator[int]:
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


async def test_a_handshake_that_never_completes_is_a_connect_timeout(full_backlog: int) -> None:
    async with AsyncOpenAI(
        api_key="sk-test",
        base_url=f"http://127.0.0.1:{full_backlog}/v1",
        timeout=Timeout(60, connect=0.3),
        max_retries=1,
    ) as client:
        with trio.fail_after(5):  # two attempts of 0.3 s plus one backoff, not 60 s
            with pytest.raises(APITimeoutError):
                await client.models.retrieve("m")
        pool = client.statistics().pool
        assert pool is not None and pool.active_connections == 0 and pool.queued_requests == 0
        assert client.statistics().in_flight == 0


async def test_connect_retries_of_the_transport_also_end_in_a_timeout(full_backlog: int) -> None:
    transport = HTTPTransport(retries=2)
    try:
        async with AsyncOpenAI(
            api_key="sk-test",
            base_url=f"http://127.0.0.1:{full_backlog}/v1",
            transport=transport,
            timeout=Timeout(60, connect=0.2),
            max_retries=0,
        ) as client:
            with trio.fail_after(5):
                with pytest.raises(APITimeoutError):
                    await client.models.retrieve("m")
    finally:
        await transport.aclose()
    assert transport.statistics().connections == 0
