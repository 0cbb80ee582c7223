"""Live runs: results as they complete, limits measured where the requests arrive, the shared
pause on 429, attempts, cancellation, the blocking client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trio
import trio.testing

from tests._helpers import make_client
from trio_openai import OpenAI
from trio_openai.batch import (
    BatchInputError,
    BatchRequest,
    TokenBucket,
    idempotency_key,
    iter_live,
    open_live_run,
    run_file,
    run_file_live,
)
from trio_openai.testing import FakeServerThread, MockRequest, MockResponse, open_fake_server

from ._util import chat_line, recorded, write_input


def _requests(n: int, *, url: str = "/v1/chat/completions", text: str = "hello") -> list[BatchRequest]:
    return [
        BatchRequest.make(f"r{i}", url, {"model": "m", "messages": [{"role": "user", "content": text}]})
        for i in range(n)
    ]


class Recorder:
    """A MockTransport handler answering chat completions, recording when each request arrived."""

    def __init__(self, *, tokens: int = 10, delay: float = 0.0) -> None:
        self.arrivals: list[tuple[float, MockRequest]] = []
        self.tokens = tokens
        self.delay = delay
        self.script: list[MockResponse] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def __call__(self, request: MockRequest) -> MockResponse:
        self.arrivals.append((trio.current_time(), request))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay:
                await trio.sleep(self.delay)
            if self.script:
                return self.script.pop(0)
            return MockResponse(
                json={"id": "c", "object": "chat.completion", "usage": {"total_tokens": self.tokens}},
                headers={"x-request-id": f"req_{len(self.arrivals)}"},
            )
        finally:
            self.in_flight -= 1

    def times(self) -> list[float]:
        return [when for when, _ in self.arrivals]


def _max_in_window(times: list[float], weights: list[float], window: float) -> float:
    best = 0.0
    for i, start in enumerate(times):
        best = max(best, sum(w for t, w in zip(times[i:], weights[i:], strict=True) if t < start + window))
    return best


async def test_every_result_arrives_once_with_the_url_mapped_and_a_stable_key() -> None:
    recorder = Recorder()
    client, _ = make_client(recorder)
    requests = _requests(20)
    async with client, open_live_run(client, requests, concurrency=4, namespace="ns") as run:
        results = [result async for result in run]
    assert sorted(r.custom_id for r in results) == sorted(r.custom_id for r in requests)
    assert all(r.ok and r.response is not None and r.response.status_code == 200 for r in results)
    assert {request.path for _, request in recorder.arrivals} == {"/v1/chat/completions"}
    keys = {json.loads(request.content)["messages"][0]["content"]: 0 for _, request in recorder.arrivals}
    assert keys  # bodies went out unchanged
    sent = {request.headers["idempotency-key"] for _, request in recorder.arrivals}
    assert sent == {idempotency_key("ns", request) for request in requests}
    assert idempotency_key("ns", requests[0]) != idempotency_key("other", requests[0])
    assert recorder.max_in_flight <= 4


async def test_results_come_as_they_complete_from_an_async_iterable(
    autojump_clock: trio.testing.MockClock,
) -> None:
    async def slow_first(request: MockRequest) -> MockResponse:
        if json.loads(request.content)["messages"][0]["content"] == "slow":
            await trio.sleep(10)
        return MockResponse(json={"ok": True})

    async def source() -> AsyncIterator[BatchRequest]:
        yield BatchRequest.make("slow", "/v1/chat/completions", {"messages": [{"content": "slow"}]})
        for i in range(3):
            yield BatchRequest.make(f"fast{i}", "/v1/chat/completions", {"messages": [{"content": "f"}]})

    client, _ = make_client(slow_first)
    async with client, open_live_run(client, source(), concurrency=4) as run:
        order = [result.custom_id async for result in run]
    assert order[-1] == "slow" and set(order[:3]) == {"fast0", "fast1", "fast2"}


async def test_requests_per_minute_stay_under_the_limit(autojump_clock: trio.testing.MockClock) -> None:
    recorder = Recorder()
    client, _ = make_client(recorder)
    async with (
        client,
        open_live_run(client, _requests(150), concurrency=50, max_requests_per_minute=60) as run,
    ):
        async for _ in run:
            pass
    times = recorder.times()
    assert len(times) == 150
    assert _max_in_window(times, [1.0] * 150, 60.0) <= 60
    assert times[-1] - times[0] >= 120  # and it was not slower than needed by much
    assert times[-1] - times[0] < 160


async def test_tokens_per_minute_stay_under_the_limit_reconciled_with_usage(
    autojump_clock: trio.testing.MockClock,
) -> None:
    # The estimate (prompt / 4 + 16 completion tokens by default) is far below what the answers
    # say they used (500): only reconciling with usage keeps the rate under the limit.
    recorder = Recorder(tokens=500)
    client, _ = make_client(recorder)
    async with (
        client,
        open_live_run(client, _requests(40), concurrency=10, max_tokens_per_minute=6000) as run,
    ):
        async for _ in run:
            pass
    times = recorder.times()
    spent = _max_in_window(times, [500.0] * len(times), 60.0)
    assert spent <= 6000 + 10 * 500  # at most the requests in flight before the first answers came back
    late = [t for t in times if t >= 60.0]
    assert _max_in_window(late, [500.0] * len(late), 60.0) <= 6000


async def test_a_429_pauses_the_whole_run_for_its_retry_after(autojump_clock: trio.testing.MockClock) -> None:
    recorder = Recorder(delay=0.01)
    recorder.script = [
        MockResponse(
            status=429,
            json={"error": {"message": "slow", "code": "rate_limit_exceeded"}},
            headers={"retry-after": "20"},
        )
    ] * 3
    client, _ = make_client(recorder)
    async with client, open_live_run(client, _requests(30), concurrency=8) as run:
        results = [result async for result in run]
        stats = run.statistics()
    assert all(result.ok for result in results)
    times = recorder.times()
    first_429 = times[0]
    # once the 429s arrived, nothing else reached the server for 20 s, not only their own retries
    after = [t for t in times if t > first_429 + 0.5]
    assert after and min(after) >= first_429 + 20
    assert stats.gate_pauses >= 1 and stats.rate_limited >= 19


async def test_max_attempts_bounds_the_retries_and_records_the_failure(
    autojump_clock: trio.testing.MockClock,
) -> None:
    recorder = Recorder()
    recorder.script = [
        MockResponse(status=500, json={"error": {"message": "boom", "type": "server_error"}})
    ] * 10
    client, _ = make_client(recorder)
    async with client, open_live_run(client, _requests(1), max_attempts=3) as run:
        (result,) = [result async for result in run]
    assert len(recorder.arrivals) == 3
    assert not result.ok and result.error is not None and result.error.code == "server_error"
    assert result.response is not None and result.response.status_code == 500
    assert result.response.json()["error"]["message"] == "boom"


async def test_a_bad_request_from_an_iterable_raises_before_it_is_sent() -> None:
    recorder = Recorder()
    client, _ = make_client(recorder)
    bad = [*_requests(1), BatchRequest.make("x", "/v1/images/generations", {})]
    with pytest.raises(BatchInputError, match="unsupported url"):
        async with client, open_live_run(client, bad) as run:
            async for _ in run:
                pass
    duplicate = _requests(1) * 2
    client2, _ = make_client(recorder)
    with pytest.raises(BatchInputError, match="duplicate"):
        async with client2, open_live_run(client2, duplicate, concurrency=1) as run:
            async for _ in run:
                pass
    assert len(recorder.arrivals) == 2  # only the good first requests went out


async def test_stop_lets_running_requests_finish_and_starts_no_more(
    autojump_clock: trio.testing.MockClock,
) -> None:
    recorder = Recorder(delay=5)
    client, _ = make_client(recorder)
    async with client, open_live_run(client, _requests(100), concurrency=5) as run:
        got = []
        async for result in run:
            got.append(result)
            if len(got) == 7:
                run.stop()
    assert len(recorder.arrivals) == len(got)  # everything sent was answered and handed out
    assert 7 <= len(got) <= 12


def test_token_bucket_never_exceeds_its_limit_per_minute() -> None:
    async def main() -> None:
        bucket = TokenBucket(120)
        spent: list[float] = []
        for _ in range(400):
            await bucket.take(1)
            spent.append(trio.current_time())
        assert _max_in_window(spent, [1.0] * len(spent), 60.0) <= 120
        assert spent[-1] < 60 * 400 / 120 + 5

    trio.run(main, clock=trio.testing.MockClock(autojump_threshold=0))


async def test_cancelling_a_file_run_leaves_files_and_client_consistent(tmp_path: Path) -> None:
    lines = [chat_line(f"r{i}", f"hello {i}") for i in range(60)]
    source = write_input(tmp_path / "in.jsonl", lines)
    output = tmp_path / "out.jsonl"
    with trio.fail_after(30):
        async with open_fake_server(latency=0.05) as server:
            from trio_openai import AsyncOpenAI

            async with AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client:
                with trio.move_on_after(0.3):
                    await run_file_live(client, source, output, concurrency=8)
                ok, bad = recorded(output)
                assert 0 < sum(ok.values()) < 60 and not bad
                assert set(ok.values()) == {1}
                await client.models.list()  # the client is healthy
                report = await run_file_live(client, source, output, concurrency=8)
                assert client.statistics().in_flight == 0
            assert (report.succeeded, report.failed, report.unfinished, report.exit_status) == (60, 0, 0, 0)
            ok, bad = recorded(output)
            assert set(ok) == {f"r{i}" for i in range(60)} and set(ok.values()) == {1} and not bad
            answers = [
                json.loads(line)["response"]["body"]["choices"][0]["message"]["content"]
                for line in output.read_text().splitlines()
            ]
            assert sorted(answers) == sorted(f"Echo: hello {i}" for i in range(60))
            await server.wait_for_stats(lambda stats: stats.connections_open == 0)


def test_the_blocking_client_runs_files_and_iterates_results(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", [chat_line(f"r{i}") for i in range(10)])
    with FakeServerThread() as server, OpenAI(base_url=server.base_url, api_key="sk-test") as client:
        report = run_file(client, source, tmp_path / "out.jsonl", concurrency=3)
        assert report.succeeded == 10 and report.exit_status == 0
        results = list(iter_live(client, _requests(5), concurrency=2))
        assert sorted(result.custom_id for result in results) == [f"r{i}" for i in range(5)]
        for result in iter_live(client, _requests(50), concurrency=2):
            assert result.ok
            break  # leaving early cancels the rest; the client stays usable
        assert client.models.list().data
