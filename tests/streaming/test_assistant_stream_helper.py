"""Assistants run streams (lib/streaming/assistants.py): events, what they accumulate, the event handler,
on both clients."""

from __future__ import annotations

import inspect
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import trio

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.lib.streaming.assistants import AssistantEventHandler
from trio_openai.testing import MockRequest, MockResponse, MockTransport

TIMEOUT = 10


def _run(status: str) -> dict[str, Any]:
    return {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": status,
        "model": "m",
        "instructions": "",
        "tools": [],
    }


def _message(status: str, text: str) -> dict[str, Any]:
    content = [{"type": "text", "text": {"value": text, "annotations": []}}] if text else []
    return {
        "id": "msg_1",
        "object": "thread.message",
        "created_at": 1,
        "thread_id": "thread_1",
        "status": status,
        "role": "assistant",
        "content": content,
        "assistant_id": "asst_1",
        "run_id": "run_1",
        "attachments": [],
        "metadata": {},
    }


def _delta(text: str) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": {"value": text}}]},
    }


EVENTS: list[tuple[str, Any]] = [
    ("thread.run.created", _run("queued")),
    ("thread.run.in_progress", _run("in_progress")),
    ("thread.message.created", _message("in_progress", "")),
    ("thread.message.delta", _delta("Hel")),
    ("thread.message.delta", _delta("lo")),
    ("thread.message.completed", _message("completed", "Hello")),
    ("thread.run.completed", _run("completed")),
    ("done", "[DONE]"),
]


def _sse() -> bytes:
    out = b""
    for name, data in EVENTS:
        body = data if isinstance(data, str) else json.dumps(data)
        out += f"event: {name}\ndata: {body}\n\n".encode()
    return out


def _transport(seen: list[MockRequest]) -> MockTransport:
    data = _sse()
    pieces = [data[i : i + 23] for i in range(0, len(data), 23)]

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        return MockResponse(stream=pieces, headers={"content-type": "text/event-stream"})

    return MockTransport(handler)


@contextmanager
def _quiet() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


class Recorder(AssistantEventHandler):
    def __init__(self) -> None:
        self.calls: list[str] = []

    def on_text_delta(self, delta: str, snapshot: str) -> None:
        self.calls.append(f"delta:{delta}:{snapshot}")

    async def on_message_done(self, message: Any) -> None:  # a coroutine callback is awaited
        await trio.lowlevel.checkpoint()
        self.calls.append(f"message_done:{message.id}")

    def on_text_done(self, text: str) -> None:
        self.calls.append(f"text_done:{text}")

    def on_end(self) -> None:
        self.calls.append("end")


async def test_runs_stream_accumulates_and_calls_the_handler() -> None:
    seen: list[MockRequest] = []
    handler = Recorder()
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with trio.fail_after(TIMEOUT), _quiet() as caught:
            async with client.beta.threads.runs.stream(
                thread_id="thread_1", assistant_id="asst_1", event_handler=handler
            ) as stream:
                texts = [t async for t in stream.text_deltas]
                run = await stream.get_final_run()
                messages = await stream.get_final_messages()
    assert texts == ["Hel", "lo"]
    assert run.status == "completed"
    assert [m.status for m in messages] == ["completed"]
    assert handler.calls == [
        "delta:Hel:Hel",
        "delta:lo:Hello",
        "text_done:Hello",
        "message_done:msg_1",
        "end",
    ]
    assert seen[0].path == "/v1/threads/thread_1/runs"
    assert seen[0].json() == {"assistant_id": "asst_1", "stream": True}
    deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecations == [
        "`beta.threads.runs.stream` is deprecated: the Assistants API is superseded by the Responses API (`client.responses`)."
    ]


async def test_submit_tool_outputs_stream_and_create_and_run_stream_send_their_requests() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with trio.fail_after(TIMEOUT), _quiet():
            async with client.beta.threads.runs.submit_tool_outputs_stream(
                tool_outputs=[{"tool_call_id": "c1", "output": "42"}], run_id="run_1", thread_id="thread_1"
            ) as stream:
                await stream.until_done()
            async with client.beta.threads.create_and_run_stream(assistant_id="asst_1") as stream2:
                events = [e.event async for e in stream2]
    assert seen[0].path == "/v1/threads/thread_1/runs/run_1/submit_tool_outputs"
    assert seen[0].json()["stream"] is True and seen[0].json()["tool_outputs"][0]["output"] == "42"
    assert seen[1].path == "/v1/threads/runs"
    assert events[0] == "thread.run.created" and events[-1] == "thread.run.completed"  # [DONE] ends it


async def test_bad_arguments_are_refused_before_io() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with _quiet(), pytest.raises(TypeError, match="AssistantEventHandler"):
            client.beta.threads.runs.stream(thread_id="t", assistant_id="a", event_handler=object())  # type: ignore[arg-type]
        with _quiet(), pytest.raises(TypeError, match="stream="):
            client.beta.threads.runs.stream(thread_id="t", assistant_id="a", stream=True)
    assert seen == []


def test_blocking_runs_stream() -> None:
    seen: list[MockRequest] = []
    with OpenAI(api_key="sk", base_url="http://api.test/v1", transport=_transport(seen)) as client, _quiet():
        with client.beta.threads.runs.stream(thread_id="thread_1", assistant_id="asst_1") as stream:
            names = [e.event for e in stream]
            run = stream.get_final_run()
    assert names[0] == "thread.run.created" and run.status == "completed"


async def test_cancelled_run_stream_leaves_the_client_healthy() -> None:
    """A ``move_on_after`` around a run stream that stalls mid-way closes its response: nothing stays
    in flight and the next stream runs to the end on the same client."""
    body_closed = trio.Event()
    data = _sse()
    half = data[: len(data) // 2]

    async def stalling() -> Any:
        try:
            yield half
            await trio.sleep_forever()
        finally:
            body_closed.set()

    bodies = [stalling()]

    def handler(request: MockRequest) -> MockResponse:
        body: Any = bodies.pop() if bodies else [data]
        return MockResponse(stream=body, headers={"content-type": "text/event-stream"})

    async with AsyncOpenAI(
        api_key="sk", base_url="http://api.test/v1", transport=MockTransport(handler)
    ) as client:
        with _quiet():
            with trio.move_on_after(0.2) as scope:
                async with client.beta.threads.runs.stream(
                    thread_id="thread_1", assistant_id="asst_1"
                ) as stream:
                    async for _ in stream:
                        pass
            assert scope.cancelled_caught
            with trio.fail_after(TIMEOUT):
                await body_closed.wait()
                assert client.statistics().in_flight == 0
                async with client.beta.threads.runs.stream(
                    thread_id="thread_1", assistant_id="asst_1"
                ) as stream:
                    run = await stream.get_final_run()
    assert run.status == "completed"


_OFFICIAL = json.loads(
    (Path(__file__).resolve().parents[2] / "tools" / "codegen" / "official_surface.json").read_text()
)["methods"]
_REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")


@pytest.mark.parametrize(
    "name",
    [
        "beta.threads.runs.stream",
        "beta.threads.runs.create_and_stream",
        "beta.threads.runs.submit_tool_outputs_stream",
        "beta.threads.create_and_run_stream",
    ],
)
def test_the_helpers_have_the_official_parameters(name: str) -> None:
    """Typed parameters, not ``**kwargs: Any``: ``inspect.signature`` of the async and the blocking
    helper lists the official SDK's parameters (keyword-only), then the request options."""
    from trio_openai._core._options import RequestOptions

    expected = _OFFICIAL[name]["params"]
    async_client, sync_client = AsyncOpenAI(api_key="k"), OpenAI(api_key="k")
    try:
        for client in (async_client, sync_client):
            method: Any = client
            for part in name.split("."):
                method = getattr(method, part)
            parameters = inspect.signature(method).parameters
            *named, options = parameters.values()
            assert [p.name for p in named] == expected
            assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in named)
            assert all(p.annotation != "Any" for p in named)
            assert options.kind is inspect.Parameter.VAR_KEYWORD
            assert options.annotation == "Unpack[RequestOptions]"
            assert set(_REQUEST_OPTIONS) <= RequestOptions.__optional_keys__
    finally:
        sync_client.close()
