"""The HTTP/1.1 pool hands out idle connections from a stack: work per request does not grow with the
number of idle connections (counted on fake connections, not timed), the queue is served before surplus
idle connections are closed, and cancellation never loses or leaks a connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpcore2
import pytest
import trio

from trio_openai._core import _transport_pool
from trio_openai._core._transport_pool import Pool

ORIGIN_URL = "http://127.0.0.1:9/v1/x"


class Calls:
    def __init__(self) -> None:
        self.total = 0
        self.probes = 0


class FakeConnection(httpcore2.AsyncConnectionInterface):
    """An HTTP/1.1-like connection: NEW -> ACTIVE on a request -> IDLE when its response is closed."""

    def __init__(self, calls: Calls, number: int) -> None:
        self.calls = calls
        self.number = number
        self.state = "NEW"
        self.expired = False  # what the probe (has_expired) reports
        self.requests = 0
        self.closed_by_pool = False

    def _count(self) -> None:
        self.calls.total += 1

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        if self.state not in ("NEW", "IDLE"):
            raise httpcore2.ConnectionNotAvailable()
        await trio.lowlevel.checkpoint()
        self.state = "ACTIVE"
        self.requests += 1
        return httpcore2.Response(200, content=_Body(self))

    async def aclose(self) -> None:
        self.closed_by_pool = True
        self.state = "CLOSED"

    def can_handle_request(self, origin: httpcore2.Origin) -> bool:
        self._count()
        return True

    def is_available(self) -> bool:
        self._count()
        return self.state == "IDLE"

    def has_expired(self) -> bool:
        self._count()
        self.calls.probes += 1
        return self.expired

    def is_idle(self) -> bool:
        self._count()
        return self.state == "IDLE"

    def is_closed(self) -> bool:
        self._count()
        return self.state == "CLOSED"

    def is_connected(self) -> bool:
        self._count()
        return self.state != "NEW"

    def can_multiplex(self) -> bool:
        return False

    def info(self) -> str:
        return f"fake {self.number} {self.state}"


class _Body:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"ok"

    async def aclose(self) -> None:
        if self.connection.state == "ACTIVE":
            self.connection.state = "IDLE"


class FakePool(Pool):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls = Calls()
        self.made: list[FakeConnection] = []

    def create_connection(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
        connection = FakeConnection(self.calls, len(self.made))
        self.made.append(connection)
        return connection


async def _get(pool: FakePool) -> FakeConnection:
    """One whole request; returns the connection that served it."""
    response = await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
    async for _ in response.aiter_stream():
        pass
    await response.aclose()
    assert isinstance(response.stream, _transport_pool._ReleasingStream)  # pyright: ignore[reportPrivateUsage]
    return response.stream._connection  # type: ignore[return-value]  # pyright: ignore[reportPrivateUsage]


async def _burst(pool: FakePool, width: int) -> None:
    """``width`` requests held open at once, then all closed: leaves ``width`` idle connections."""
    responses = [await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL)) for _ in range(width)]
    for response in responses:
        await response.aclose()


async def test_work_per_request_does_not_grow_after_a_burst() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=100, max_keepalive_connections=100)
        await _get(pool)
        pool.calls.total = pool.calls.probes = 0
        for _ in range(50):
            await _get(pool)
        before = pool.calls.total
        await _burst(pool, 64)
        assert len(pool.connections) == 64
        pool.calls.total = pool.calls.probes = 0
        for _ in range(50):
            await _get(pool)
        assert pool.calls.probes == 50  # one probe per request: only the connection handed out
        assert pool.calls.total == before  # no walk over the 64 idle connections
        assert pool.calls.total <= 50 * 8
        assert len(pool.made) == 64


async def test_the_most_recently_released_connection_is_handed_out() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=10, max_keepalive_connections=10)
        await _burst(pool, 3)  # released in order 0, 1, 2
        assert (await _get(pool)).number == 2
        assert (await _get(pool)).number == 2


async def test_a_connection_failing_its_probe_is_closed_and_the_next_is_tried() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=10, max_keepalive_connections=10)
        await _burst(pool, 3)
        pool.made[2].expired = True  # the server closed it while idle
        assert (await _get(pool)).number == 1
        assert pool.made[2].closed_by_pool
        assert pool.made[2] not in pool.connections
        assert len(pool.connections) == 2


async def test_queued_requests_take_released_connections_before_surplus_is_closed() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=4, max_keepalive_connections=1)
        served: list[int] = []

        async def one() -> None:
            served.append((await _get(pool)).number)

        async with trio.open_nursery() as nursery:
            for _ in range(12):
                nursery.start_soon(one)
        assert len(served) == 12
        assert len(pool.made) == 4  # no connection was closed and reopened while requests queued
        assert pool.queued_requests == 0
        idle = [c for c in pool.made if c.state == "IDLE"]
        assert len(idle) == 1 and len(pool.connections) == 1  # then trimmed to the keep-alive bound
        assert sum(c.closed_by_pool for c in pool.made) == 3


async def test_idle_connections_past_keepalive_expiry_are_closed_without_a_probe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [1000.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return now[0]

    monkeypatch.setattr(_transport_pool, "time", Clock)
    with trio.fail_after(10):
        pool = FakePool(max_connections=10, max_keepalive_connections=10, keepalive_expiry=5.0)
        await _burst(pool, 3)
        now[0] += 6.0
        await _burst(pool, 1)  # takes connection 2 (fresh enough: not probed against the clock)
        # releasing it trimmed the other two, released 6 s ago, from the stack's bottom
        assert [c.number for c in pool.made if c.closed_by_pool] == [0, 1]
        assert [c.number for c in pool.connections] == [2]  # pyright: ignore[reportAttributeAccessIssue]


async def test_a_cancelled_waiter_leaves_the_queue_and_the_connection_is_reused() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=1, max_keepalive_connections=1)
        held = await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        with trio.move_on_after(0.05) as scope:
            await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        assert scope.cancelled_caught
        assert pool.queued_requests == 0 and not pool._queue  # pyright: ignore[reportPrivateUsage]
        await held.aclose()
        assert (await _get(pool)).number == 0
        assert len(pool.made) == 1


async def test_a_waiter_cancelled_after_it_was_given_a_connection_gives_it_back() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=1, max_keepalive_connections=1)
        held = await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        outcome: list[str] = []

        async def waiter(task_status: trio.TaskStatus[trio.CancelScope]) -> None:
            with trio.CancelScope() as scope:
                task_status.started(scope)
                await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
                outcome.append("sent")
            outcome.append("cancelled" if scope.cancelled_caught else "done")

        async with trio.open_nursery() as nursery:
            scope = await nursery.start(waiter)
            await trio.testing.wait_all_tasks_blocked()
            await held.aclose()  # hands the connection to the waiter ...
            scope.cancel()  # ... which is cancelled before it could use it
        assert outcome == ["cancelled"]
        assert pool.made[0].state == "IDLE" and pool.made[0] in pool.connections
        assert (await _get(pool)).number == 0
        assert len(pool.made) == 1


async def test_pool_timeout_while_waiting() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=1)
        held = await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        request = httpcore2.Request("GET", ORIGIN_URL, extensions={"timeout": {"pool": 0.01}})
        with pytest.raises(httpcore2.PoolTimeout):
            await pool.handle_async_request(request)
        assert not pool._queue  # pyright: ignore[reportPrivateUsage]
        await held.aclose()
        assert (await _get(pool)).number == 0


async def test_a_cancelled_connect_drops_the_unconnected_connection() -> None:
    class SlowConnect(FakeConnection):
        async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
            if self.state == "NEW":
                await trio.sleep_forever()
            return await super().handle_async_request(request)

    class SlowPool(FakePool):
        def create_connection(self, origin: httpcore2.Origin) -> httpcore2.AsyncConnectionInterface:
            connection = SlowConnect(self.calls, len(self.made))
            self.made.append(connection)
            return connection

    with trio.fail_after(10):
        pool = SlowPool(max_connections=1)
        with trio.move_on_after(0.01):
            await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        assert pool.connections == [] and not pool.made[0].closed_by_pool  # nothing to close


async def test_closing_the_pool_while_a_response_is_open() -> None:
    with trio.fail_after(10):
        pool = FakePool(max_connections=2)
        held = await pool.handle_async_request(httpcore2.Request("GET", ORIGIN_URL))
        await pool.aclose()
        await held.aclose()
        assert pool.connections == [] and pool.made[0].closed_by_pool
