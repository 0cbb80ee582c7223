"""Network faults between the client and the fake server, through ``trio_openai.testing``'s fault proxy.

Each scenario asserts the typed error (or the recovery), the number of attempts the server saw, and
that the client is healthy afterwards: no connection left active and the next call succeeds.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import trio

from trio_openai import APIConnectionError, APITimeoutError, AsyncOpenAI, Timeout
from trio_openai.testing import FakeServer, FaultProxy, Faults, open_fake_server, open_fault_proxy

TIMEOUT = 15
MESSAGES = [{"role": "user", "content": "Say hello"}]


@dataclass
class Rig:
    server: FakeServer
    proxy: FaultProxy

    def client(self, **options: object) -> AsyncOpenAI:
        return AsyncOpenAI(api_key="sk-test", base_url=self.proxy.base_url, **options)  # type: ignore[arg-type]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with open_fake_server(files=3) as server, open_fault_proxy(server.base_url) as proxy:
        yield Rig(server, proxy)


async def _healthy(client: AsyncOpenAI) -> None:
    """No connection is left in use, and a clean call goes through."""
    stats = client.statistics()
    assert stats.in_flight == 0
    assert stats.pool is not None and stats.pool.active_connections == 0 and stats.pool.queued_requests == 0
    model = await client.models.retrieve("gpt-4o-mini")
    assert model.id == "gpt-4o-mini"


async def _response_size(rig: Rig) -> int:
    """Bytes of one ``models.retrieve`` response as it crosses the proxy."""
    before = rig.proxy.stats.bytes_down
    async with rig.client(max_retries=0) as client:
        await client.models.retrieve("gpt-4o-mini")
    return rig.proxy.stats.bytes_down - before


def _offsets(size: int, count: int = 6) -> list[int]:
    rng = random.Random(size)  # deterministic: the same offsets every run
    return sorted({0, 1, size - 1, *rng.sample(range(2, size - 1), count)})


@pytest.mark.parametrize("kind", ["reset_after", "truncate_after"])
async def test_a_response_cut_anywhere_is_retried_on_a_new_connection(rig: Rig, kind: str) -> None:
    with trio.fail_after(TIMEOUT):
        size = await _response_size(rig)
        for offset in _offsets(size):
            seen = len(rig.server.requests)
            rig.proxy.schedule(Faults(**{kind: offset}))  # type: ignore[arg-type]
            async with rig.client(max_retries=1) as client:
                model = await client.models.retrieve("gpt-4o-mini")
                assert model.id == "gpt-4o-mini"
                assert len(rig.server.requests) - seen == 2, offset  # the cut attempt and its retry
                await _healthy(client)
    counted = rig.proxy.stats.resets if kind == "reset_after" else rig.proxy.stats.truncations
    assert counted == len(_offsets(size))


@pytest.mark.parametrize("kind", ["reset_after", "truncate_after"])
async def test_without_retries_a_cut_is_a_typed_connection_error(rig: Rig, kind: str) -> None:
    with trio.fail_after(TIMEOUT):
        size = await _response_size(rig)
        rig.proxy.schedule(Faults(**{kind: size // 2}))  # type: ignore[arg-type]
        async with rig.client(max_retries=0) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.models.retrieve("gpt-4o-mini")
            assert not isinstance(info.value, APITimeoutError)
            await _healthy(client)


async def test_a_stream_cut_midway_is_a_connection_error_and_the_pool_recovers(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.schedule(Faults(reset_after=700))
        async with rig.client(max_retries=0) as client:
            stream = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)  # type: ignore[arg-type]
            with pytest.raises(APIConnectionError):
                async with stream:
                    async for _ in stream:
                        pass
            await _healthy(client)


async def test_bytes_dribbled_one_by_one_decode_the_same(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        async with rig.client(max_retries=0) as client:
            clean = await client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True)  # type: ignore[arg-type]
            async with clean:
                expected = [c.choices[0].delta.content for c in [chunk async for chunk in clean] if c.choices]
            rig.proxy.schedule(Faults(chunk_size=1))
            async with rig.client(max_retries=0) as slow_client:
                dribbled = await slow_client.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=MESSAGES,  # type: ignore[arg-type]
                    stream=True,
                )
                async with dribbled:
                    got = [
                        c.choices[0].delta.content for c in [chunk async for chunk in dribbled] if c.choices
                    ]
                await _healthy(slow_client)
    assert got == expected and len(expected) > 1


async def test_malformed_http_is_a_connection_error_then_retried(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.schedule(Faults(inject=b"NOT HTTP AT ALL\r\n\r\n"), Faults(inject=b"\x00\xff garbage"))
        async with rig.client(max_retries=0) as client:
            with pytest.raises(APIConnectionError):
                await client.models.retrieve("gpt-4o-mini")
        async with rig.client(max_retries=1) as client:
            assert (await client.models.retrieve("gpt-4o-mini")).id == "gpt-4o-mini"
            await _healthy(client)
    assert rig.proxy.pending == 0


async def test_a_keepalive_connection_closed_by_the_server_is_retried_transparently(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.faults = Faults(close_after_requests=1)  # every connection serves one request
        async with rig.client(max_retries=2) as client:
            for _ in range(4):
                assert (await client.models.retrieve("gpt-4o-mini")).id == "gpt-4o-mini"
            rig.proxy.faults = Faults()
            await _healthy(client)
    # the first call opened a connection; each later one (the health check too, whose connection was
    # opened under the fault) found it stale and retried on a new one; the stale attempts never
    # reached the server, so it saw each of the 5 calls once
    assert rig.proxy.stats.closed_between_requests == 4
    assert len(rig.server.requests) == 5
    assert [r.headers.get("x-stainless-retry-count") for r in rig.server.requests] == [
        "0",
        "1",
        "1",
        "1",
        "1",
    ]


async def test_the_total_deadline_bounds_a_slowloris_server(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.schedule(Faults(chunk_size=1, bandwidth=40))  # ~40 bytes a second: minutes for a reply
        async with rig.client(max_retries=0, timeout=Timeout(30, total=0.5)) as client:
            with pytest.raises(APITimeoutError):
                await client.models.retrieve("gpt-4o-mini")
            await _healthy(client)


async def test_latency_against_a_read_timeout(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.schedule(Faults(latency=0.5))
        async with rig.client(max_retries=0, timeout=Timeout(0.1)) as client:
            with pytest.raises(APITimeoutError):
                await client.models.retrieve("gpt-4o-mini")
            await _healthy(client)


async def test_a_move_on_after_around_a_call_through_a_slow_link_leaves_the_client_healthy(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        rig.proxy.faults = Faults(latency=0.05, chunk_size=16)
        async with rig.client(max_retries=0) as client:
            for deadline in (0.01, 0.06, 0.12, 0.2):
                with trio.move_on_after(deadline):
                    await client.models.retrieve("gpt-4o-mini")
            rig.proxy.faults = Faults()
            await _healthy(client)


async def test_the_proxy_counts_and_closes_everything(rig: Rig) -> None:
    with trio.fail_after(TIMEOUT):
        async with rig.client() as client:
            await client.models.retrieve("gpt-4o-mini")
        await trio.sleep(0.05)
    stats = rig.proxy.stats
    assert stats.connections_opened == 1 and stats.connections_open == 0
    assert stats.bytes_up > 0 and stats.bytes_down > 0
    assert "FaultProxy" in repr(rig.proxy)


async def test_an_unreachable_upstream_closes_the_client_connection() -> None:
    with trio.fail_after(TIMEOUT):
        with trio.socket.socket() as s:
            await s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # bound, never listening: connections are refused
            async with open_fault_proxy(("127.0.0.1", port)) as proxy:
                async with AsyncOpenAI(
                    api_key="sk", base_url=proxy.base_url + "/v1", max_retries=0
                ) as client:
                    with pytest.raises(APIConnectionError):
                        await client.models.list()
    assert proxy.stats.upstream_failures == 1


async def test_faults_are_checked() -> None:
    with pytest.raises(ValueError, match="one of"):
        Faults(reset_after=1, truncate_after=2)
    with pytest.raises(ValueError, match="chunk_size"):
        Faults(chunk_size=0)
    with pytest.raises(ValueError, match="bandwidth"):
        Faults(bandwidth=0)
    with pytest.raises(ValueError, match="http://"):
        async with open_fault_proxy("https://api.openai.com/v1"):
            pass
