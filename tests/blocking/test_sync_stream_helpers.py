"""OpenAI().chat.completions.stream(...) and OpenAI().responses.stream(...): the async helpers, driven
through the portal.

The fake server runs in the test's trio loop and the blocking code in a worker thread (`blocking`), all
under `trio.fail_after`; one test runs everything in a thread with its own `FakeServerThread`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from typing import Any, ParamSpec, TypeVar

import pytest
import trio

from trio_openai import APIError, AsyncOpenAI, OpenAI
from trio_openai._core._portal import Portal
from trio_openai.lib.streaming._chat_sync import SyncChatCompletionStream
from trio_openai.lib.streaming._iteration import MAX_BATCH
from trio_openai.lib.streaming._responses_sync import SyncResponseStream
from trio_openai.testing import (
    FakeServer,
    FakeServerThread,
    MockRequest,
    MockResponse,
    MockTransport,
    open_fake_server,
)

P = ParamSpec("P")
T = TypeVar("T")

KEY = "sk-test-sync-helpers"
HELLO = [{"role": "user", "content": "hello there, how are you today?"}]
CHUNKS = {"X-Fake-Chunks": "6"}


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the blocking `fn` in a worker thread, failing (not hanging) after 10 seconds."""
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


@pytest.fixture
async def server() -> AsyncIterator[FakeServer]:
    async with open_fake_server() as fake:
        yield fake


@pytest.fixture
async def client(server: FakeServer) -> AsyncIterator[OpenAI]:
    sync_client = OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)
    yield sync_client
    await blocking(sync_client.close)


def async_client(server: FakeServer) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.base_url, api_key=KEY, max_retries=0)


def summary(event: Any) -> tuple[str, Any]:
    """What an event says, without its snapshot (a live object that keeps changing)."""
    return (
        event.type,
        getattr(event, "delta", None) if hasattr(event, "delta") else getattr(event, "content", None),
    )


# --- chat ------------------------------------------------------------------------------------------------


async def test_chat_events_and_completion_match_the_async_helper(client: OpenAI, server: FakeServer) -> None:
    async with async_client(server) as aclient:
        with trio.fail_after(10):
            async with aclient.chat.completions.stream(
                model="gpt-4o", messages=HELLO, seed=3, extra_headers=CHUNKS
            ) as astream:
                expected = [summary(e) async for e in astream]
                expected_completion = await astream.get_final_completion()

    def run() -> tuple[list[Any], Any, str | None]:
        with client.chat.completions.stream(
            model="gpt-4o", messages=HELLO, seed=3, extra_headers=CHUNKS
        ) as stream:
            assert isinstance(stream, SyncChatCompletionStream)
            events = [summary(e) for e in stream]
            return events, stream.get_final_completion(), stream.request_id

    events, completion, request_id = await blocking(run)
    assert events == expected
    deltas = [delta for kind, delta in events if kind == "content.delta"]
    assert len(deltas) == 7  # the role chunk's empty content, then the 6 pieces
    assert "".join(deltas) == "Echo: hello there, how are you today?"
    assert completion.choices == expected_completion.choices
    assert completion.choices[0].message.content == "Echo: hello there, how are you today?"
    assert completion._request_id == request_id is not None
    sent = server.requests[-1]
    assert sent.path == "/v1/chat/completions"
    assert json.loads(sent.body)["stream"] is True


async def test_chat_final_completion_after_a_partial_read(client: OpenAI) -> None:
    def run() -> tuple[list[str], Any, Any]:
        with client.chat.completions.stream(model="gpt-4o", messages=HELLO, extra_headers=CHUNKS) as stream:
            first = [next(stream).type for _ in range(4)]
            snapshot = stream.current_completion_snapshot.choices[0].message.content
            return first, snapshot, stream.get_final_completion()

    first, snapshot, completion = await blocking(run)
    assert first == ["chunk", "content.delta", "chunk", "content.delta"]
    assert snapshot and "Echo: hello there, how are you today?".startswith(snapshot)
    assert completion.choices[0].message.content == "Echo: hello there, how are you today?"
    assert completion.choices[0].finish_reason == "stop"


async def test_until_done_then_iteration_is_over(client: OpenAI) -> None:
    def run() -> tuple[Any, list[Any]]:
        with client.chat.completions.stream(model="gpt-4o", messages=HELLO) as stream:
            assert stream.until_done() is stream
            return stream.current_completion_snapshot, list(stream)

    snapshot, rest = await blocking(run)
    assert snapshot.choices[0].message.content == "Echo: hello there, how are you today?"
    assert rest == []


async def test_leaving_early_releases_the_connection(client: OpenAI, server: FakeServer) -> None:
    def run() -> str:
        with client.chat.completions.stream(
            model="gpt-4o",
            messages=HELLO,
            extra_headers={"X-Fake-Chunks": "40", "X-Fake-Chunk-Delay-Ms": "20"},
        ) as stream:
            for event in stream:
                if event.type == "content.delta":
                    break
        return client.models.retrieve("gpt-4o").id  # the client is fine afterwards

    assert await blocking(run) == "gpt-4o"
    with trio.fail_after(5):
        await server.wait_for_stats(lambda s: s.client_disconnects >= 1)
    stats = await blocking(client.statistics)
    assert stats.in_flight == 0


async def test_an_error_in_the_with_body_propagates_and_closes(client: OpenAI, server: FakeServer) -> None:
    def run() -> None:
        with client.chat.completions.stream(
            model="gpt-4o",
            messages=HELLO,
            extra_headers={"X-Fake-Chunks": "40", "X-Fake-Chunk-Delay-Ms": "20"},
        ) as stream:
            next(stream)
            raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        await blocking(run)
    with trio.fail_after(5):
        await server.wait_for_stats(lambda s: s.client_disconnects >= 1)


async def test_a_stream_error_event_raises(client: OpenAI) -> None:
    def run() -> list[str]:
        seen: list[str] = []
        with client.chat.completions.stream(
            model="gpt-4o", messages=HELLO, extra_headers={**CHUNKS, "X-Fake-Stream-Error": "after=2"}
        ) as stream:
            with pytest.raises(APIError):
                for event in stream:
                    seen.append(event.type)
        return seen

    seen = await blocking(run)
    assert seen and set(seen) <= {"chunk", "content.delta"}


async def test_misuse(client: OpenAI, server: FakeServer) -> None:
    manager = client.chat.completions.stream(model="gpt-4o", messages=HELLO)

    def enter_twice() -> None:
        with manager:
            with pytest.raises(RuntimeError, match="entered already"), manager:
                pass

    await blocking(enter_twice)
    closed = OpenAI(base_url=server.base_url, api_key=KEY)
    await blocking(closed.close)
    with pytest.raises(RuntimeError, match="closed"):
        await blocking(closed.chat.completions.stream(model="gpt-4o", messages=HELLO).__enter__)


def _one_read_transport(frames: int) -> MockTransport:
    """Every chunk of the stream in a single network read."""
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    body = b"".join(
        b"data: "
        + json.dumps(
            {**chunk, "choices": [{"index": 0, "delta": {"content": f"w{i} "}, "finish_reason": None}]}
        ).encode()
        + b"\n\n"
        for i in range(frames)
    )

    def handler(_request: MockRequest) -> MockResponse:
        return MockResponse(
            stream=[body + b"data: [DONE]\n\n"], headers={"content-type": "text/event-stream"}
        )

    return MockTransport(handler)


async def test_events_cross_the_thread_once_per_read(monkeypatch: pytest.MonkeyPatch) -> None:
    crossings: list[str] = []
    original = Portal.call

    def counting(self: Portal, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        crossings.append(getattr(fn, "__name__", "?"))
        return original(self, fn, *args, **kwargs)

    monkeypatch.setattr(Portal, "call", counting)
    client = OpenAI(api_key=KEY, base_url="http://api.test/v1", transport=_one_read_transport(200))

    def run() -> int:
        with client.chat.completions.stream(model="m", messages=HELLO) as stream:
            return sum(1 for _ in stream)

    try:
        events = await blocking(run)
    finally:
        await blocking(client.close)
    assert events == 400  # a chunk event and a content.delta per chunk
    # one read of 200 chunks crosses in slices of at most MAX_BATCH chunks (4), then the end
    assert crossings.count("_anext") == -(-200 // MAX_BATCH) + 1


async def test_batches_then_the_rest_of_the_stream() -> None:
    """What the blocking stream relies on: after some lists from iter_batches(), reading to the end goes
    on from where they stopped, so the final completion has everything."""
    async with AsyncOpenAI(
        api_key=KEY, base_url="http://api.test/v1", transport=_one_read_transport(150)
    ) as client:
        with trio.fail_after(10):
            async with client.chat.completions.stream(model="m", messages=HELLO) as stream:
                batches = stream.iter_batches()
                first = await anext(batches)
                assert len(first) == 2 * MAX_BATCH  # one slice of the read: 2 events per chunk
                completion = await stream.get_final_completion()
                with pytest.raises(RuntimeError, match="already being iterated"):
                    stream.iter_batches()
    assert completion.choices[0].message.content == "".join(f"w{i} " for i in range(150))


# --- responses -------------------------------------------------------------------------------------------


async def test_responses_stream_matches_the_async_helper(client: OpenAI, server: FakeServer) -> None:
    async with async_client(server) as aclient:
        with trio.fail_after(10):
            async with aclient.responses.stream(
                model="gpt-4o", input="hi there friend", extra_headers=CHUNKS
            ) as a:
                expected = [summary(e) async for e in a]
                expected_final = await a.get_final_response()

    def run() -> tuple[list[Any], Any, Any]:
        with client.responses.stream(model="gpt-4o", input="hi there friend", extra_headers=CHUNKS) as stream:
            assert isinstance(stream, SyncResponseStream)
            events = [summary(e) for e in stream]
            return events, stream.get_final_response(), stream.current_snapshot

    events, final, snapshot = await blocking(run)
    assert events == expected
    assert final.status == "completed"
    assert final.output_text == expected_final.output_text
    assert final.output_text
    assert snapshot is not None and snapshot.status == "completed"


async def test_responses_stream_resumes(client: OpenAI) -> None:
    def run() -> tuple[list[int | None], list[int | None], str]:
        with client.responses.stream(
            model="gpt-4o", input="resume me please", extra_headers=CHUNKS
        ) as stream:
            first = [e.sequence_number for e in stream]
            response_id = stream.get_final_response().id
        with client.responses.stream(response_id=response_id, starting_after=first[2] or 0) as resumed:
            rest = [e.sequence_number for e in resumed]
            text = resumed.get_final_response().output_text
        return first, rest, text

    first, rest, text = await blocking(run)
    assert rest == first[3:]
    assert text


def _sync_program() -> tuple[str, str]:
    """Plain blocking code: its own server thread and client, no trio in sight."""
    with FakeServerThread() as server, OpenAI(base_url=server.base_url, api_key=KEY) as client:
        with client.chat.completions.stream(model="gpt-4o", messages=HELLO) as chat:
            content = chat.get_final_completion().choices[0].message.content or ""
        with client.responses.stream(model="gpt-4o", input="hello") as response:
            text = response.until_done().get_final_response().output_text
    return content, text


async def test_with_a_fake_server_thread() -> None:
    content, text = await blocking(_sync_program)
    assert content == "Echo: hello there, how are you today?"
    assert text
