"""trio_openai.lib.concurrent: many calls or listings at once.

The limit, ordering, failure policies, bounded memory and the rate limit gate run on pure trio or
MockTransport under the autojump clock (exact times); the two fleet examples run against the fake
server on loopback. Every I/O test is under fail_after.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import trio
import trio.lowlevel
import trio.testing

from tests._helpers import make_client
from trio_openai import AsyncCursorPage, AsyncOpenAI, AsyncPaginator, BaseModel, NotFoundError, RateLimitError
from trio_openai.lib.concurrent import RateLimitGate, Result, gather, open_map
from trio_openai.testing import MockRequest, MockResponse, Reply, open_fake_server
from trio_openai.testing._records import RecordedRequest

# --------------------------------------------------------------------------- hand-written API methods


class Batch(BaseModel):
    id: str
    status: str


class VectorStoreFile(BaseModel):
    id: str
    vector_store_id: str


async def retrieve_batch(client: AsyncOpenAI, batch_id: str) -> Batch:
    return await client._request("get", f"/batches/{batch_id}", cast_to=Batch)  # pyright: ignore[reportPrivateUsage]


def list_store_files(
    client: AsyncOpenAI, store_id: str, **query: object
) -> AsyncPaginator[VectorStoreFile, AsyncCursorPage[VectorStoreFile]]:
    return client._get_api_list(  # pyright: ignore[reportPrivateUsage]
        f"/vector_stores/{store_id}/files", page=AsyncCursorPage[VectorStoreFile], query=query
    )


# --------------------------------------------------------------------------- limit, order, memory


class Boom(Exception):
    pass


class Probe:
    """A function that sleeps ``delays[x]`` and records how many calls ran at once."""

    def __init__(self, delays: Callable[[int], float] = lambda _x: 1.0, fail: set[int] | None = None) -> None:
        self.delays = delays
        self.fail = fail or set()
        self.running = 0
        self.peak = 0
        self.started: list[int] = []
        self.finished: list[int] = []

    async def __call__(self, x: int) -> int:
        self.started.append(x)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await trio.sleep(self.delays(x))
            if x in self.fail:
                raise Boom(x)
        finally:
            self.running -= 1
        self.finished.append(x)
        return x * 10


async def test_limit_is_the_most_running_at_once(autojump_clock: trio.testing.MockClock) -> None:
    probe = Probe()
    start = trio.current_time()
    with trio.fail_after(100):
        assert await gather(probe, range(20), limit=4) == [x * 10 for x in range(20)]
    assert probe.peak == 4
    assert trio.current_time() - start == pytest.approx(5.0)  # 20 calls of 1 s, 4 at a time


async def test_unordered_results_arrive_as_they_finish_ordered_in_input_order(
    autojump_clock: trio.testing.MockClock,
) -> None:
    delays = {0: 3.0, 1: 1.0, 2: 2.0, 3: 0.5}
    with trio.fail_after(100):
        async with open_map(Probe(delays.__getitem__), range(4), limit=4) as results:
            unordered = [r.input async for r in results]
        async with open_map(Probe(delays.__getitem__), range(4), limit=4, ordered=True) as results:
            ordered = [(r.index, r.input, r.value) async for r in results]
    assert unordered == [3, 1, 2, 0]
    assert ordered == [(0, 0, 0), (1, 1, 10), (2, 2, 20), (3, 3, 30)]


@pytest.mark.parametrize("ordered", [False, True])
async def test_memory_is_bounded_by_the_window_and_inputs_are_read_lazily(
    ordered: bool, autojump_clock: trio.testing.MockClock
) -> None:
    pulled = 0

    def inputs() -> Any:
        nonlocal pulled
        for x in itertools.count():  # endless
            pulled += 1
            yield x

    taken = 0
    with trio.fail_after(100):
        async with open_map(
            Probe(lambda x: 0.1 * (x % 3)), inputs(), limit=3, window=5, ordered=ordered
        ) as results:
            async for _result in results:
                taken += 1
                await trio.sleep(1)  # a slow caller: the run must not race ahead
                assert pulled <= taken + 5
                if taken == 12:
                    break
    assert pulled <= 12 + 5


async def test_async_iterable_inputs_are_closed_when_the_run_stops_early(
    autojump_clock: trio.testing.MockClock,
) -> None:
    closed = trio.Event()

    async def ids() -> AsyncIterator[int]:
        try:
            for x in itertools.count():
                await trio.lowlevel.checkpoint()
                yield x
        finally:
            closed.set()

    with trio.fail_after(100):
        async with open_map(Probe(), ids(), limit=2) as results:
            async for result in results:
                if result.index >= 3:
                    break
    assert closed.is_set()


# --------------------------------------------------------------------------- failure policies


async def test_raise_policy_stops_everything_and_raises_the_error_itself(
    autojump_clock: trio.testing.MockClock,
) -> None:
    probe = Probe(lambda x: 1.0 if x != 5 else 0.5, fail={5})
    with trio.fail_after(100):
        with pytest.raises(Boom) as info:
            await gather(probe, range(100), limit=4)
    assert not isinstance(info.value, BaseExceptionGroup)
    assert 5 in probe.started
    assert max(probe.started) < 5 + 4 + 1  # nothing new started after the failure ...
    assert probe.running == 0  # ... and the calls that were running were cancelled
    assert len(probe.finished) < 10


async def test_collect_policy_puts_errors_beside_results(autojump_clock: trio.testing.MockClock) -> None:
    with trio.fail_after(100):
        results = await gather(Probe(fail={1, 3}), range(5), limit=2, on_error="collect")
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert [r.value for r in results if r.ok] == [0, 20, 40]
    assert all(isinstance(r.error, Boom) for r in results if not r.ok)
    with pytest.raises(Boom):
        results[1].unwrap()
    assert "error=" in repr(results[1]) and "value=20" in repr(results[2])


async def test_an_error_in_the_callers_block_cancels_the_run(autojump_clock: trio.testing.MockClock) -> None:
    probe = Probe()
    with trio.fail_after(100):
        with pytest.raises(KeyError):
            async with open_map(probe, range(50), limit=5) as results:
                async for _r in results:
                    raise KeyError("stop")
    assert probe.running == 0 and len(probe.started) <= 10


async def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        await gather(Probe(), [1], limit=0)
    with pytest.raises(ValueError, match="window"):
        async with open_map(Probe(), [1], limit=4, window=2):
            pass  # pragma: no cover
    with pytest.raises(ValueError, match="on_error"):
        await gather(Probe(), [1], on_error="ignore")  # type: ignore[call-overload]


# --------------------------------------------------------------------------- the rate limit gate


def timed_handler(
    answer: Callable[[int], MockResponse], *, latency: float = 0.1
) -> tuple[list[float], Callable[[MockRequest], Awaitable[MockResponse]]]:
    """A MockTransport handler recording when each request arrived; ``answer(n)`` for the n-th."""
    arrivals: list[float] = []

    async def handle(_request: MockRequest) -> MockResponse:
        arrivals.append(trio.current_time())
        number = len(arrivals)
        await trio.sleep(latency)
        return answer(number)

    return arrivals, handle


BATCH = {"id": "batch_x", "object": "batch", "status": "completed"}


async def test_a_429_pauses_every_new_start_for_its_retry_after(
    autojump_clock: trio.testing.MockClock,
) -> None:
    def answer(number: int) -> MockResponse:
        if number == 2:
            return MockResponse(429, json={"error": {"message": "slow"}}, headers={"retry-after": "2"})
        return MockResponse(json=BATCH)

    arrivals, handle = timed_handler(answer)
    client, _ = make_client(handle)
    gate = RateLimitGate()
    start = trio.current_time()
    with trio.fail_after(100):
        got = await gather(lambda i: retrieve_batch(client, f"b_{i}"), range(12), limit=4, gate=gate)
    assert len(got) == 12
    offsets = [t - start for t in arrivals]
    assert sum(1 for t in offsets if t < 0.05) == 4  # the first four started at once
    assert not [t for t in offsets if 0.05 < t < 2.1 - 1e-9]  # then nobody started until the pause ended
    assert len(arrivals) == 13  # the 429 was retried once
    assert gate.statistics().pauses == 1 and gate.statistics().waits >= 1
    assert gate.statistics().closed_for == 0


async def test_remaining_requests_zero_pauses_until_the_reset(autojump_clock: trio.testing.MockClock) -> None:
    def answer(number: int) -> MockResponse:
        remaining = "0" if number == 3 else "100"
        return MockResponse(
            json=BATCH,
            headers={"x-ratelimit-remaining-requests": remaining, "x-ratelimit-reset-requests": "3s"},
        )

    arrivals, handle = timed_handler(answer, latency=0.5)
    client, _ = make_client(handle)
    start = trio.current_time()
    with trio.fail_after(100):
        await gather(lambda i: retrieve_batch(client, f"b_{i}"), range(10), limit=1)
    offsets = [round(t - start, 6) for t in arrivals]
    # one at a time, 0.5 s each; the third answer (at 1.5 s) says the budget is spent for 3 s
    assert offsets == [0.0, 0.5, 1.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5]


async def test_429_without_retry_after_waits_for_the_spent_budgets_reset_or_a_default() -> None:
    gate = RateLimitGate(pause_on_429=0.25, max_pause=10)
    gate.observe(200, {"x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "1s"})
    assert gate.statistics().pauses == 0
    gate.observe(429, {"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s"})
    assert gate.statistics().closed_for == pytest.approx(10, abs=0.1)  # capped at max_pause
    other = RateLimitGate(pause_on_429=0.25)
    other.observe(429, {})
    assert other.statistics().closed_for == pytest.approx(0.25, abs=0.05)
    low = RateLimitGate(low_water=5)
    low.observe(200, {"x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "20ms"})
    assert low.statistics().pauses == 1
    with pytest.raises(ValueError, match="negative"):
        RateLimitGate(low_water=-1)


async def test_a_shared_gate_applies_to_plain_calls_too(autojump_clock: trio.testing.MockClock) -> None:
    arrivals, handle = timed_handler(lambda _n: MockResponse(json=BATCH), latency=0.0)
    client, _ = make_client(handle)
    gate = RateLimitGate()
    gate.pause(5)
    start = trio.current_time()
    with trio.fail_after(100):
        with gate.applied():
            await retrieve_batch(client, "b_1")
        await retrieve_batch(client, "b_2")  # outside the block: not gated
    assert [round(t - start, 6) for t in arrivals] == [5.0, 5.0]
    assert "1 pauses" in repr(gate)


async def test_retries_exhausted_by_429s_are_collected_as_rate_limit_errors(
    autojump_clock: trio.testing.MockClock,
) -> None:
    arrivals, handle = timed_handler(
        lambda n: (
            MockResponse(429, json={"error": {"message": "no"}}, headers={"retry-after": "1"})
            if n <= 3
            else MockResponse(json=BATCH)
        )
    )
    client, _ = make_client(handle, max_retries=0)
    with trio.fail_after(100):
        results = await gather(
            lambda i: retrieve_batch(client, f"b_{i}"), range(6), limit=3, on_error="collect"
        )
    assert [type(r.error) for r in results[:3]] == [RateLimitError] * 3
    assert all(r.ok for r in results[3:])
    assert min(arrivals[3:]) - min(arrivals) >= 1.0


# --------------------------------------------------------------------------- fleets against the fake server


async def test_all_files_of_200_vector_stores() -> None:
    async with open_fake_server(files=25) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:

            async def files_of(store: str) -> list[VectorStoreFile]:
                return await list_store_files(client, store, limit=10).collect()

            stores = [f"vs_{n:03d}" for n in range(200)]
            seen: dict[str, int] = {}
            with trio.fail_after(60):
                async with open_map(files_of, stores, limit=16) as results:
                    async for result in results:
                        files = result.value
                        assert {f.vector_store_id for f in files} == {result.input}
                        seen[result.input] = len(files)
            assert seen == dict.fromkeys(stores, 25)
            assert len(server.requests) == 200 * 3
            pool = client.statistics().pool
            assert pool is not None and pool.active_connections == 0 and pool.connections <= 16 + 16


async def test_retrieve_5000_batch_ids_in_order() -> None:
    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            ids = [f"batch_{n:05d}" for n in range(5000)]
            with trio.fail_after(120):
                batches = await gather(lambda b: retrieve_batch(client, b), ids, limit=32)
            assert [b.id for b in batches] == ids
            assert all(b.status == "completed" for b in batches)
            assert server.stats.requests_served == 5000


async def test_a_scripted_429_pauses_the_fleet_on_the_fake_server() -> None:
    async with open_fake_server() as server:
        arrivals: list[float] = []

        def handler(request: RecordedRequest) -> Reply:
            arrivals.append(trio.current_time())
            if len(arrivals) == 10:
                return Reply.error(429, "slow down", headers={"retry-after-ms": "300"})
            return Reply(
                json={"id": request.path.rsplit("/", 1)[-1], "object": "batch", "status": "completed"}
            )

        for n in range(40):
            server.route("GET", f"/batches/b_{n}", handler)
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url) as client:
            with trio.fail_after(30):
                got = await gather(lambda n: retrieve_batch(client, f"b_{n}"), range(40), limit=4)
            assert [b.id for b in got] == [f"b_{n}" for n in range(40)]
        assert len(arrivals) == 41
        t429 = arrivals[9]
        during = [t for t in arrivals[10:] if t429 < t < t429 + 0.3]
        # only the (at most limit - 1) requests already on their way when the 429 came back arrive
        # during the pause; without the gate the other ~30 would arrive within milliseconds
        assert len(during) <= 3, during
        assert any(t >= t429 + 0.3 for t in arrivals)


async def test_failure_stops_a_fleet_and_leaves_the_pool_healthy() -> None:
    async with open_fake_server(files=100, page_delay=0.02) as server:
        async with AsyncOpenAI(api_key="sk-x", base_url=server.base_url, max_retries=0) as client:

            async def files_of(store: str) -> int:
                paginator = list_store_files(client, store, limit=10)
                if store == "vs_7":
                    paginator = client._get_api_list(  # pyright: ignore[reportPrivateUsage]
                        "/vector_stores/vs_7/files",
                        page=AsyncCursorPage[VectorStoreFile],
                        query={"limit": 10},
                        options={"extra_headers": {"X-Fake-Fail-Page": "2; status=404"}},
                    )
                return len(await paginator.collect())

            with trio.fail_after(30):
                with pytest.raises(NotFoundError):
                    await gather(files_of, [f"vs_{n}" for n in range(40)], limit=8)
                stats = client.statistics()
                assert stats.in_flight == 0
                assert stats.pool is not None and stats.pool.active_connections == 0
                assert await files_of("vs_1") == 100


def test_result_reprs_and_types() -> None:
    r: Result[str, int] = Result(0, "a", 1, None)
    assert r.ok and r.value == 1 and "#0" in repr(r)
