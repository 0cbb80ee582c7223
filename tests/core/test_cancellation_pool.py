"""Cancellation against a real httpcore2 pool and a real loopback server (the fake server).

The storm below is what httpcore 1.0.9 fails (encode/httpcore#1093: pool slots leak when trio cancels
requests that wait for a connection) and httpcore2 passes.
"""

from __future__ import annotations

import random

import trio
import trio.lowlevel

from trio_openai import AsyncOpenAI
from trio_openai.testing import Reply, open_fake_server


async def test_cancellation_storm_leaves_the_pool_healthy() -> None:
    rng = random.Random(1093)
    async with (
        open_fake_server(latency=0.02) as server,
        AsyncOpenAI(api_key="sk-storm", base_url=server.base_url, max_connections=2, max_retries=0) as client,
    ):

        async def doomed_call() -> None:
            with trio.move_on_after(rng.uniform(0.0, 0.03)):
                await client.models.retrieve("gpt-4o-mini")

        with trio.fail_after(60):
            async with trio.open_nursery() as nursery:
                for _ in range(600):
                    nursery.start_soon(doomed_call)
                    if rng.random() < 0.3:
                        await trio.lowlevel.checkpoint()

        stats = client.statistics()
        assert stats.in_flight == 0
        assert stats.pool is not None and stats.pool.active_connections == 0
        assert stats.pool.queued_requests == 0

        with trio.fail_after(2):  # "at once": one request's worth of latency, no queueing
            model = await client.models.retrieve("gpt-4o-mini")
        assert model.id == "gpt-4o-mini"
        pool = client.statistics().pool
        assert pool is not None and pool.active_connections == 0 and pool.connections <= 2


async def test_a_cancelled_slow_call_closes_its_connection_and_the_next_reuses_the_pool() -> None:
    async with open_fake_server() as server:
        server.script("GET", "/models/gpt-4o-mini", Reply(json={"never": "sent"}, delay=30))
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.move_on_after(0.2) as scope:
                await client.models.retrieve("gpt-4o-mini")
            assert scope.cancelled_caught
            with trio.fail_after(10):
                await server.wait_for_stats(lambda s: s.client_disconnects >= 1)
                first = await client.models.retrieve("gpt-4o-mini")
                second = await client.models.retrieve("gpt-4o-mini")
            assert first.id == second.id == "gpt-4o-mini"
            # the half-answered connection was closed; the next two requests shared one new connection
            assert server.stats.connections_opened == 2
            pool = client.statistics().pool
            assert pool is not None and pool.active_connections == 0 and pool.idle_connections == 1


async def test_cancel_mid_body_over_the_network() -> None:
    async with open_fake_server() as server:
        server.script(
            "GET",
            "/models/gpt-4o-mini",
            Reply(chunks=[b'{"id": "gpt-4o-mini", ', b'"object": "model"'], chunk_delay=30),
        )
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.move_on_after(0.2) as scope:
                await client.models.retrieve("gpt-4o-mini")
            assert scope.cancelled_caught
            with trio.fail_after(10):
                assert (await client.models.retrieve("gpt-4o-mini")).id == "gpt-4o-mini"
            pool = client.statistics().pool
            assert pool is not None and pool.active_connections == 0


async def test_dropped_connections_are_retried_over_the_network() -> None:
    async with open_fake_server() as server:
        server.script(
            "GET",
            "/models/gpt-4o-mini",
            Reply(json={}, drop="before_headers"),
            Reply(json={}, drop="mid_body"),
        )
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.fail_after(20):
                raw = await client.models.with_raw_response.retrieve("gpt-4o-mini")
            assert raw.retries_taken == 2
            assert raw.parse().id == "gpt-4o-mini"


async def test_keep_alive_reuses_one_connection() -> None:
    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.fail_after(10):
                for _ in range(20):
                    await client.models.retrieve("gpt-4o-mini")
                await client.chat.completions.create(
                    model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
                )
            assert server.stats.connections_opened == 1
            assert server.stats.requests_served == 21
