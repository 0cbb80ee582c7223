"""Polling helpers (runs, vector store files and batches, videos, files.wait_for_processing).

The API is a MockTransport serving scripted objects in turn; the async tests run under the autojump
clock, so the sleeps between requests are measured exactly (and take no real time).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pytest
import trio
import trio.testing

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import SubmitToolOuputsToRunToolOutputsItemParam

# The run and video pollers are official methods the SDK deprecates: they warn on each call (asserted in
# tests/lib/test_deprecations.py); here only their polling is under test.
pytestmark = pytest.mark.filterwarnings("ignore:`(beta.threads|videos).*` is deprecated:DeprecationWarning")

P = ParamSpec("P")
T = TypeVar("T")

RUN_PATH = "/v1/threads/thread_1/runs/run_1"
VS_FILE_PATH = "/v1/vector_stores/vs_1/files/file_1"
BATCH_PATH = "/v1/vector_stores/vs_1/file_batches/batch_1"
VIDEO_PATH = "/v1/videos/video_1"
FILE_PATH = "/v1/files/file_1"


class Api:
    """Serves each (method, path) from its own queue of replies (the last one repeats) and records the
    time of every request."""

    def __init__(self) -> None:
        self.replies: dict[tuple[str, str], list[MockResponse]] = {}
        self.requests: list[tuple[float, MockRequest]] = []
        self.transport = MockTransport(self._handle)

    def on(
        self, method: str, path: str, *objects: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Api:
        queue = self.replies.setdefault((method, path), [])
        queue += [MockResponse(json=obj, headers=headers) for obj in objects]
        return self

    def _handle(self, request: MockRequest) -> MockResponse:
        self.requests.append((trio.current_time(), request))
        queue = self.replies.get((request.method, request.path))
        if not queue:
            return MockResponse(404, json={"error": {"message": f"no reply for {request.path}"}})
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def times(self, method: str = "GET") -> list[float]:
        return [t for t, r in self.requests if r.method == method]

    def gaps(self, method: str = "GET") -> list[float]:
        times = self.times(method)
        return [round(b - a, 6) for a, b in itertools.pairwise(times)]

    def client(self) -> AsyncOpenAI:
        return AsyncOpenAI(
            api_key="sk-test", base_url="http://api.test/v1", transport=self.transport, max_retries=0
        )


def run(status: str, **extra: Any) -> dict[str, Any]:
    return {"id": "run_1", "object": "thread.run", "thread_id": "thread_1", "status": status, **extra}


def vs_file(status: str) -> dict[str, Any]:
    return {"id": "file_1", "object": "vector_store.file", "vector_store_id": "vs_1", "status": status}


def batch(in_progress: int, completed: int = 0, failed: int = 0) -> dict[str, Any]:
    counts = {"in_progress": in_progress, "completed": completed, "failed": failed, "cancelled": 0}
    counts["total"] = in_progress + completed + failed
    status = "in_progress" if in_progress else "completed"
    return {"id": "batch_1", "object": "vector_store.files_batch", "status": status, "file_counts": counts}


def video(status: str) -> dict[str, Any]:
    return {"id": "video_1", "object": "video", "status": status}


def file(status: str) -> dict[str, Any]:
    return {"id": "file_1", "object": "file", "purpose": "assistants", "status": status}


# --- runs --------------------------------------------------------------------------------------------------


async def test_run_poll_waits_one_second_by_default(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", RUN_PATH, run("queued"), run("in_progress"), run("in_progress"), run("completed"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.poll("run_1", thread_id="thread_1")
    assert result.status == "completed"
    assert api.gaps() == [1.0, 1.0, 1.0]
    for _, request in api.requests:
        assert request.headers["x-stainless-poll-helper"] == "true"
        assert "x-stainless-custom-poll-interval" not in request.headers
        assert request.headers["openai-beta"] == "assistants=v2"


async def test_the_server_sets_the_interval(autojump_clock: trio.testing.MockClock) -> None:
    api = Api()
    api.on("GET", RUN_PATH, run("queued"), headers={"openai-poll-after-ms": "250"})
    api.on("GET", RUN_PATH, run("in_progress"), headers={"openai-poll-after-ms": "3000"})
    api.on("GET", RUN_PATH, run("in_progress"))  # no hint: the last one holds
    api.on("GET", RUN_PATH, run("in_progress"), headers={"openai-poll-after-ms": "not a number"})
    api.on("GET", RUN_PATH, run("completed"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.poll("run_1", "thread_1")
    assert result.status == "completed"
    assert api.gaps() == [0.25, 3.0, 3.0, 3.0]


async def test_the_callers_interval_wins(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on(
        "GET", RUN_PATH, run("queued"), run("queued"), run("failed"), headers={"openai-poll-after-ms": "5000"}
    )
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.poll(
                "run_1", thread_id="thread_1", poll_interval_ms=100, extra_headers={"x-mine": "1"}, timeout=7
            )
    assert result.status == "failed"
    assert api.gaps() == [0.1, 0.1]
    request = api.requests[0][1]
    assert request.headers["x-stainless-custom-poll-interval"] == "100"
    assert request.headers["x-mine"] == "1"


@pytest.mark.parametrize(
    ("status", "terminal"),
    [
        ("requires_action", True),
        ("cancelled", True),
        ("completed", True),
        ("failed", True),
        ("expired", True),
        ("incomplete", True),
        ("queued", False),
        ("in_progress", False),
        ("cancelling", False),
    ],
)
async def test_run_terminal_states(
    status: str, terminal: bool, autojump_clock: trio.testing.MockClock
) -> None:
    api = Api().on("GET", RUN_PATH, run(status), run("completed"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.poll("run_1", thread_id="thread_1")
    assert result.status == (status if terminal else "completed")
    assert len(api.requests) == (1 if terminal else 2)


async def test_create_and_poll(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("POST", "/v1/threads/thread_1/runs", run("queued"))
    api.on("GET", RUN_PATH, run("in_progress"), run("requires_action"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.create_and_poll(
                thread_id="thread_1", assistant_id="asst_1", instructions="be brief", poll_interval_ms=500
            )
            with pytest.raises(TypeError, match="stream"):
                await client.beta.threads.runs.create_and_poll(
                    thread_id="thread_1", assistant_id="a", stream=True
                )
    assert result.status == "requires_action"
    post = api.requests[0][1]
    assert post.method == "POST"
    assert post.json() == {"assistant_id": "asst_1", "instructions": "be brief"}
    assert api.gaps() == [0.5]
    assert len(api.requests) == 3


async def test_submit_tool_outputs_and_poll(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("POST", RUN_PATH + "/submit_tool_outputs", run("queued"))
    api.on("GET", RUN_PATH, run("in_progress"), run("completed"))
    outputs: list[SubmitToolOuputsToRunToolOutputsItemParam] = [{"tool_call_id": "call_1", "output": "42"}]
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.beta.threads.runs.submit_tool_outputs_and_poll(
                tool_outputs=outputs, run_id="run_1", thread_id="thread_1"
            )
    assert result.status == "completed"
    assert api.requests[0][1].json() == {"tool_outputs": outputs}
    assert api.gaps() == [1.0]


async def test_polling_can_be_cancelled(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", RUN_PATH, run("in_progress"))
    async with api.client() as client:
        with trio.move_on_after(10.5) as scope:
            await client.beta.threads.runs.poll("run_1", thread_id="thread_1")
        assert scope.cancelled_caught
        assert len(api.requests) == 11  # at 0, 1, ..., 10 s
        assert client.statistics().in_flight == 0
        api.on("GET", "/v1/models/m", {"id": "m", "object": "model", "created": 1, "owned_by": "o"})
        with trio.fail_after(60):
            assert (await client.models.retrieve("m")).id == "m"


# --- vector store files and batches ----------------------------------------------------------------------


@pytest.mark.parametrize("final", ["completed", "failed", "cancelled", "some_new_state"])
async def test_vector_store_file_poll(final: str, autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", VS_FILE_PATH, vs_file("in_progress"), vs_file("in_progress"), vs_file(final))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.vector_stores.files.poll("file_1", vector_store_id="vs_1")
    assert result.status == final
    assert api.gaps() == [1.0, 1.0]


async def test_vector_store_file_max_wait(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", VS_FILE_PATH, vs_file("in_progress"), headers={"openai-poll-after-ms": "2000"})
    async with api.client() as client:
        with trio.fail_after(60):
            with pytest.raises(TimeoutError, match="file_1"):
                await client.vector_stores.files.poll("file_1", vector_store_id="vs_1", max_wait_seconds=5)
            assert api.times() == [0.0, 2.0, 4.0]  # the last sleep is cut to the deadline: no request at 5
            with pytest.raises(TimeoutError):
                await client.vector_stores.files.poll("file_1", vector_store_id="vs_1", max_wait_seconds=0)
            assert len(api.requests) == 3  # zero: not even one request
            for bad in (-1, float("inf"), float("nan")):
                with pytest.raises(ValueError, match="max_wait_seconds"):
                    await client.vector_stores.files.poll(
                        "file_1", vector_store_id="vs_1", max_wait_seconds=bad
                    )
                with pytest.raises(ValueError, match="max_wait_seconds"):
                    await client.vector_stores.files.create_and_poll(
                        "file_1", vector_store_id="vs_1", max_wait_seconds=bad
                    )
    assert len(api.requests) == 3  # a bad max_wait_seconds creates nothing


async def test_vector_store_file_create_and_poll(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("POST", "/v1/vector_stores/vs_1/files", vs_file("in_progress"))
    api.on("GET", VS_FILE_PATH, vs_file("in_progress"), vs_file("completed"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.vector_stores.files.create_and_poll(
                "file_1",
                vector_store_id="vs_1",
                attributes={"a": 1},
                poll_interval_ms=20,
                idempotency_key="k1",
            )
    assert result.status == "completed"
    post = api.requests[0][1]
    assert post.json() == {"file_id": "file_1", "attributes": {"a": 1}}
    assert post.headers["idempotency-key"] == "k1"
    assert api.gaps() == [0.02]


async def test_file_batch_polls_until_no_file_is_in_progress(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("POST", "/v1/vector_stores/vs_1/file_batches", batch(3))
    api.on("GET", BATCH_PATH, batch(2, 1), batch(1, 1, 1), batch(0, 2, 1))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.vector_stores.file_batches.create_and_poll("vs_1", file_ids=["a", "b", "c"])
            again = await client.vector_stores.file_batches.poll("batch_1", vector_store_id="vs_1")
    assert result.file_counts.in_progress == 0
    assert result.file_counts.failed == 1
    assert again.status == "completed"
    assert api.requests[0][1].json() == {"file_ids": ["a", "b", "c"]}
    assert api.gaps() == [1.0, 1.0, 0.0]


# --- videos and files --------------------------------------------------------------------------------------


async def test_video_create_and_poll(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("POST", "/v1/videos", video("queued"))
    api.on("GET", VIDEO_PATH, video("queued"), video("in_progress"), video("completed"))
    api.on("GET", "/v1/videos/video_2", {"id": "video_2", "object": "video", "status": "failed"})
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.videos.create_and_poll(prompt="a cat", seconds="4")
            failed = await client.videos.poll("video_2")
    assert result.status == "completed"
    assert failed.status == "failed"
    assert api.gaps()[:2] == [1.0, 1.0]
    assert api.requests[0][1].method == "POST"


async def test_wait_for_processing(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", FILE_PATH, file("uploaded"), file("uploaded"), file("processed"))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.files.wait_for_processing("file_1")
    assert result.status == "processed"
    assert api.gaps() == [5.0, 5.0]
    assert "x-stainless-poll-helper" not in api.requests[0][1].headers


@pytest.mark.parametrize("final", ["error", "deleted"])
async def test_wait_for_processing_terminal_states(
    final: str, autojump_clock: trio.testing.MockClock
) -> None:
    api = Api().on("GET", FILE_PATH, file("uploaded"), file(final))
    async with api.client() as client:
        with trio.fail_after(60):
            result = await client.files.wait_for_processing("file_1", poll_interval=0.5)
    assert result.status == final
    assert api.gaps() == [0.5]


async def test_wait_for_processing_gives_up(autojump_clock: trio.testing.MockClock) -> None:
    api = Api().on("GET", FILE_PATH, file("uploaded"))
    async with api.client() as client:
        with trio.fail_after(4000):
            with pytest.raises(RuntimeError, match="file_1"):
                await client.files.wait_for_processing("file_1")
            assert api.times()[-1] == 1805.0  # 5 s steps until past 30 minutes
            with pytest.raises(RuntimeError, match="after 12 seconds"):
                await client.files.wait_for_processing("file_1", poll_interval=4, max_wait_seconds=12)


# --- the blocking client ---------------------------------------------------------------------------------


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


def sync_client(api: Api) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=api.transport, max_retries=0)


async def test_blocking_helpers() -> None:
    api = Api().on("GET", RUN_PATH, run("queued"), run("completed"), headers={"openai-poll-after-ms": "10"})
    api.on("POST", "/v1/vector_stores/vs_1/files", vs_file("in_progress"))
    api.on("GET", VS_FILE_PATH, vs_file("in_progress"), vs_file("completed"))
    api.on("GET", FILE_PATH, file("uploaded"), file("processed"))
    client = sync_client(api)
    try:
        result = await blocking(client.beta.threads.runs.poll, "run_1", thread_id="thread_1")
        assert result.status == "completed"
        vs = await blocking(
            client.vector_stores.files.create_and_poll, "file_1", vector_store_id="vs_1", poll_interval_ms=5
        )
        assert vs.status == "completed"
        processed = await blocking(client.files.wait_for_processing, "file_1", poll_interval=0.01)
        assert processed.status == "processed"
    finally:
        await blocking(client.close)
    assert len(api.requests) == 7
