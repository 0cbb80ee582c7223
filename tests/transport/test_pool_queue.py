"""``PoolStatistics.queued_requests`` is counted by our pool itself, not read from httpcore2's privates.

One connection, one slow call holding it: the calls behind it are queued, a cancelled one leaves the
queue at once, and once everything is answered nothing is queued or active.
"""

from __future__ import annotations

from collections.abc import Callable

import trio

from trio_openai import AsyncOpenAI, PoolStatistics
from trio_openai.testing import open_fake_server


def _pool(client: AsyncOpenAI) -> PoolStatistics:
    pool = client.statistics().pool
    assert pool is not None
    return pool


async def _until(predicate: Callable[[PoolStatistics], bool], client: AsyncOpenAI) -> None:
    # The statistics have no event to wait on: poll them (the enclosing fail_after bounds it).
    while not predicate(_pool(client)):  # noqa: ASYNC110
        await trio.sleep(0.005)


async def test_queued_requests_follow_the_queue_through_cancellation() -> None:
    with trio.fail_after(30):
        async with (
            open_fake_server(latency=0.5) as server,
            AsyncOpenAI(
                api_key="sk-queue", base_url=server.base_url, max_connections=1, max_retries=0
            ) as client,
        ):
            done: list[str] = []
            doomed = trio.CancelScope()

            async def call(scope: trio.CancelScope | None = None) -> None:
                with scope or trio.CancelScope():
                    model = await client.models.retrieve("gpt-4o-mini")
                    done.append(model.id)

            async with trio.open_nursery() as nursery:
                nursery.start_soon(call)
                await _until(lambda p: p.active_connections == 1, client)
                nursery.start_soon(call, doomed)
                nursery.start_soon(call)
                await _until(lambda p: p.queued_requests == 2, client)
                doomed.cancel()  # a queued request that gives up leaves the queue
                await _until(lambda p: p.queued_requests == 1, client)

            pool = _pool(client)
            assert (pool.queued_requests, pool.active_connections) == (0, 0)
            assert done == ["gpt-4o-mini", "gpt-4o-mini"]
            assert doomed.cancelled_caught
