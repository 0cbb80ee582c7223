"""client.chat.completions.stream(...): typed events, accumulation and the final ChatCompletion."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
import trio

from tests._loopback import ServerRequest, open_loopback_server, sse_reply
from trio_openai import APIError, AsyncOpenAI
from trio_openai.lib.streaming import ChatCompletionStreamState
from trio_openai.lib.streaming._chat_state import accumulate_delta
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import ChatCompletionChunk


def chunk(*choices: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-9",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": "gpt-test",
        "choices": list(choices),
        **top,
    }


def choice(
    index: int = 0, finish_reason: str | None = None, logprobs: Any = None, **delta: Any
) -> dict[str, Any]:
    return {"index": index, "delta": delta, "finish_reason": finish_reason, "logprobs": logprobs}


def body(*chunks: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def client_for(data: bytes, split: int = 13) -> tuple[AsyncOpenAI, MockTransport]:
    pieces = [data[i : i + split] for i in range(0, len(data), split)]

    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(
            stream=pieces, headers={"content-type": "text/event-stream", "x-request-id": "req_c"}
        )

    transport = MockTransport(handler)
    return AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=transport, max_retries=0
    ), transport


async def events_and_final(data: bytes, **kwargs: Any) -> tuple[list[Any], Any, MockTransport]:
    client, transport = client_for(data)
    async with client:
        with trio.fail_after(5):
            async with client.chat.completions.stream(
                model="gpt-test", messages=[{"role": "user", "content": "hi"}], **kwargs
            ) as stream:
                events = [event async for event in stream]
                final = await stream.get_final_completion()
            assert stream.response.is_closed
    return events, final, transport


async def test_content_events_and_final_completion() -> None:
    data = body(
        chunk(choice(role="assistant", content="")),
        chunk(choice(content="Hel")),
        chunk(choice(content="lo!")),
        chunk(choice(finish_reason="stop")),
        chunk(usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}),
    )
    events, final, transport = await events_and_final(
        data, temperature=0.5, timeout=9, extra_headers={"X-A": "1"}
    )
    kinds = [e.type for e in events]
    assert kinds == [
        "chunk",
        "content.delta",
        "chunk",
        "content.delta",
        "chunk",
        "content.delta",
        "chunk",
        "content.done",
        "chunk",
    ]
    deltas = [(e.delta, e.snapshot) for e in events if e.type == "content.delta"]
    assert deltas == [("", ""), ("Hel", "Hel"), ("lo!", "Hello!")]
    done = next(e for e in events if e.type == "content.done")
    assert done.content == "Hello!"
    assert events[2].snapshot.choices[0].message.content == "Hel"
    assert final.object == "chat.completion"
    assert final.choices[0].message.content == "Hello!"
    assert final.choices[0].message.role == "assistant"
    assert final.choices[0].finish_reason == "stop"
    assert final.usage is not None and final.usage.total_tokens == 5
    assert final._request_id == "req_c"
    sent = transport.requests[0]
    assert sent.json() == {
        "messages": [{"role": "user", "content": "hi"}],
        "model": "gpt-test",
        "temperature": 0.5,
        "stream": True,
    }
    assert sent.headers["x-a"] == "1"
    assert "x-stainless-helper-method" not in sent.headers


async def test_tool_calls_are_merged_by_index() -> None:
    def tc(index: int, **kw: Any) -> dict[str, Any]:
        return {"index": index, **kw}

    data = body(
        chunk(
            choice(
                role="assistant",
                tool_calls=[
                    tc(0, id="call_a", type="function", function={"name": "get_weather", "arguments": ""})
                ],
            )
        ),
        chunk(choice(tool_calls=[tc(0, function={"arguments": '{"city": '})])),
        chunk(choice(tool_calls=[tc(0, function={"arguments": '"Paris"}'})])),
        chunk(
            choice(
                tool_calls=[
                    tc(1, id="call_b", type="function", function={"name": "get_time", "arguments": "{}"})
                ]
            )
        ),
        chunk(choice(finish_reason="tool_calls")),
    )
    events, final, _ = await events_and_final(data)
    args = [
        (e.type, e.index, e.name, e.arguments, getattr(e, "arguments_delta", None))
        for e in events
        if e.type.startswith("tool_calls")
    ]
    assert args == [
        ("tool_calls.function.arguments.delta", 0, "get_weather", "", ""),
        ("tool_calls.function.arguments.delta", 0, "get_weather", '{"city": ', '{"city": '),
        ("tool_calls.function.arguments.delta", 0, "get_weather", '{"city": "Paris"}', '"Paris"}'),
        ("tool_calls.function.arguments.done", 0, "get_weather", '{"city": "Paris"}', None),
        ("tool_calls.function.arguments.delta", 1, "get_time", "{}", "{}"),
        ("tool_calls.function.arguments.done", 1, "get_time", "{}", None),
    ]
    calls = final.choices[0].message.tool_calls
    assert [(c.id, c.type, c.function.name, c.function.arguments) for c in calls] == [
        ("call_a", "function", "get_weather", '{"city": "Paris"}'),
        ("call_b", "function", "get_time", "{}"),
    ]
    assert final.choices[0].message.content is None


async def test_several_choices_accumulate_separately() -> None:
    data = body(
        chunk(choice(0, role="assistant", content="A"), choice(1, role="assistant", content="X")),
        chunk(choice(1, content="Y")),
        chunk(choice(0, content="B")),
        chunk(choice(0, finish_reason="stop"), choice(1, finish_reason="length")),
    )
    events, final, _ = await events_and_final(data, n=2)
    snapshots = [(e.choice_index, e.snapshot) for e in events if e.type == "content.delta"]
    assert snapshots == [(0, "A"), (1, "X"), (1, "XY"), (0, "AB")]
    done = [(e.choice_index, e.content) for e in events if e.type == "content.done"]
    assert done == [(0, "AB"), (1, "XY")]
    assert [(c.index, c.message.content, c.finish_reason) for c in final.choices] == [
        (0, "AB", "stop"),
        (1, "XY", "length"),
    ]


async def test_refusal_and_logprobs_events() -> None:
    def lp(token: str) -> dict[str, Any]:
        return {"token": token, "logprob": -0.5, "bytes": list(token.encode()), "top_logprobs": []}

    data = body(
        chunk(
            choice(role="assistant", refusal="I can", logprobs={"content": None, "refusal": [lp("I can")]})
        ),
        chunk(choice(refusal="not.", logprobs={"refusal": [lp("not.")]})),
        chunk(choice(finish_reason="stop")),
    )
    events, final, _ = await events_and_final(data)
    assert [(e.delta, e.snapshot) for e in events if e.type == "refusal.delta"] == [
        ("I can", "I can"),
        ("not.", "I cannot."),
    ]
    assert [e.refusal for e in events if e.type == "refusal.done"] == ["I cannot."]
    lp_deltas = [e for e in events if e.type == "logprobs.refusal.delta"]
    assert [[t.token for t in e.snapshot] for e in lp_deltas] == [["I can"], ["I can", "not."]]
    lp_done = [e for e in events if e.type == "logprobs.refusal.done"]
    assert [t.token for t in lp_done[0].refusal] == ["I can", "not."]
    assert final.choices[0].message.refusal == "I cannot."
    final_logprobs = final.choices[0].logprobs
    assert final_logprobs is not None and final_logprobs.refusal is not None
    assert [t.token for t in final_logprobs.refusal] == ["I can", "not."]

    data = body(
        chunk(choice(role="assistant", content="a", logprobs={"content": [lp("a")]})),
        chunk(choice(content="b", logprobs={"content": [lp("b")]}, finish_reason="stop")),
    )
    events, _, _ = await events_and_final(data)
    assert [e.type for e in events if e.type.startswith("logprobs")] == [
        "logprobs.content.delta",
        "logprobs.content.delta",
        "logprobs.content.done",
    ]
    assert [t.token for t in events[-1].content] == ["a", "b"]


async def test_until_done_snapshot_and_early_exit() -> None:
    data = body(*[chunk(choice(content=f"{i} ")) for i in range(20)])
    client, _ = client_for(data)
    async with client:
        with trio.fail_after(5):
            async with client.chat.completions.stream(model="m", messages=[]) as stream:
                await stream.until_done()
                assert stream.current_completion_snapshot.choices[0].message.content == "".join(
                    f"{i} " for i in range(20)
                )
            async with client.chat.completions.stream(model="m", messages=[]) as stream:
                async for event in stream:
                    if event.type == "content.delta":
                        break
                assert stream.request_id == "req_c"
            assert stream.response.is_closed


async def test_error_mid_stream_raises_through_the_helper() -> None:
    data = body(chunk(choice(content="a"))).replace(
        b"data: [DONE]", b'data: {"error": {"message": "overloaded", "type": "server_error"}}'
    )
    client, _ = client_for(data)
    async with client:
        with trio.fail_after(5), pytest.raises(APIError, match="overloaded"):
            async with client.chat.completions.stream(model="m", messages=[]) as stream:
                async for _ in stream:
                    pass


async def test_manual_state_accumulation() -> None:
    state = ChatCompletionStreamState()
    with pytest.raises(RuntimeError):
        _ = state.current_completion_snapshot
    for raw in (
        chunk(choice(role="assistant", content="x")),
        chunk(choice(content="y", finish_reason="stop")),
    ):
        events = state.handle_chunk(msgspec.convert(raw, ChatCompletionChunk))
        assert events[0].type == "chunk"
    assert state.get_final_completion().choices[0].message.content == "xy"


def test_accumulate_delta_rules() -> None:
    acc: dict[str, Any] = {
        "content": "a",
        "index": 0,
        "type": "function",
        "n": 1,
        "tool_calls": [{"index": 0, "x": "1"}],
    }
    accumulate_delta(
        acc,
        {
            "content": "b",
            "index": 3,
            "type": "fn",
            "n": 2,
            "tool_calls": [{"index": 0, "x": "2"}, {"index": 1, "x": "z"}],
            "new": {"k": "v"},
        },
    )
    assert acc == {
        "content": "ab",
        "index": 3,
        "type": "fn",
        "n": 3,
        "tool_calls": [{"index": 0, "x": "12"}, {"index": 1, "x": "z"}],
        "new": {"k": "v"},
    }
    acc = {"list": [1], "nested": {"s": "a"}, "flag": True}
    accumulate_delta(acc, {"list": [2], "nested": {"s": "b"}, "flag": False})
    assert acc == {"list": [1, 2], "nested": {"s": "ab"}, "flag": False}


async def test_helper_over_loopback_reuses_the_connection() -> None:
    data = body(chunk(choice(role="assistant", content="hi")), chunk(choice(finish_reason="stop")))

    def handler(_req: ServerRequest) -> Any:
        return sse_reply(data)

    async with (
        open_loopback_server(handler) as server,
        AsyncOpenAI(api_key="sk", base_url=server.base_url) as client,
    ):
        with trio.fail_after(10):
            for _ in range(2):
                async with client.chat.completions.stream(model="m", messages=[]) as stream:
                    final = await stream.get_final_completion()
                assert final.choices[0].message.content == "hi"
        assert server.connections == 1
        stats = client.statistics().pool
        assert stats is not None and stats.active_connections == 0
