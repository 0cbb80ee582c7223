"""Streamed structured outputs: partial values at every cut of the stream, each delta parsed once,
parsed ``done`` events and final objects, finish-reason errors, the Responses stream, cancellation."""

from __future__ import annotations

import copy
import json
from typing import Any

import jiter
import msgspec
import pytest
import trio

from tests.structured.test_parse import HELLO, PERSON, PERSON_JSON, Lookup, Person
from trio_openai import AsyncOpenAI, LengthFinishReasonError, function_tool
from trio_openai.lib._parsing._partial import partial_parser
from trio_openai.testing import MockRequest, MockResponse, MockTransport, open_fake_server


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }


def _sse(chunks: list[dict[str, Any]]) -> bytes:
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def _client(data: bytes, split: int) -> AsyncOpenAI:
    pieces = [data[i : i + split] for i in range(0, len(data), split)]

    def handler(_request: MockRequest) -> MockResponse:
        return MockResponse(stream=pieces, headers={"content-type": "text/event-stream"})

    return AsyncOpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(handler))


def _expected_partial(prefix: str) -> Any:
    """The official SDK's partial value of a prefix (jiter's partial mode), where both agree: a prefix
    that ends inside a number is left out (jiter guesses the number so far, we wait for its end)."""
    return jiter.from_json(prefix.encode(), partial_mode=True)


def _content_chunks(text: str, finish: str = "stop") -> list[dict[str, Any]]:
    chunks = [_chunk({"role": "assistant", "content": ""})]
    chunks += [_chunk({"content": char}) for char in text]  # one delta per character: every cut
    chunks.append(_chunk({}, finish))
    return chunks


@pytest.mark.parametrize("split", [1, 7, 4096])  # network reads cut the SSE bytes anywhere
async def test_chat_content_partials_at_every_cut(split: int) -> None:
    client = _client(_sse(_content_chunks(PERSON_JSON)), split)
    partials: list[tuple[str, Any]] = []
    done: list[Any] = []
    async with client:
        with trio.fail_after(10):
            async with client.chat.completions.stream(
                model="m", messages=HELLO, response_format=Person
            ) as stream:
                async for event in stream:
                    if event.type == "content.delta" and event.delta:
                        partials.append((event.snapshot, copy.deepcopy(event.parsed)))
                    elif event.type == "content.done":
                        done.append(event.parsed)
                final = await stream.get_final_completion()
    assert len(partials) == len(PERSON_JSON)
    for snapshot, parsed in partials:
        if snapshot[-1] not in "0123456789.-eE":
            assert parsed == _expected_partial(snapshot), snapshot
    assert partials[-1][1] == json.loads(PERSON_JSON)
    assert done == [PERSON]
    assert final.choices[0].message.parsed == PERSON


def test_each_delta_is_parsed_once() -> None:
    """500 deltas of a 2 KB document: the parser sees each character once (no re-parsing of the text
    so far), and the value at the end is the whole document."""
    document = json.dumps({"items": [{"name": f"item {i}", "tags": ["a", "b"], "n": i} for i in range(40)]})
    size = len(document) // 500 + 1
    deltas = [document[i : i + size] for i in range(0, len(document), size)]
    parser = partial_parser()
    assert parser is not None
    for delta in deltas:
        parser.feed(delta)
    assert parser.fed == len(document)
    assert parser.value == json.loads(document)


def test_invalid_text_stops_partials_without_raising() -> None:
    parser = partial_parser()
    assert parser is not None
    assert parser.feed('{"a": [1,') == {"a": [1]}
    assert parser.feed("}") == {"a": [1]}  # not JSON: the value stays, the final parse reports it
    assert parser.feed('"b"') == {"a": [1]}


async def test_chat_tool_argument_partials_and_parsed_arguments() -> None:
    arguments = '{"name":"Ada Lovelace"}'
    chunks = [
        _chunk({"role": "assistant", "content": None}),
        _chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "Lookup", "arguments": ""},
                    }
                ]
            }
        ),
    ]
    chunks += [_chunk({"tool_calls": [{"index": 0, "function": {"arguments": char}}]}) for char in arguments]
    chunks.append(_chunk({}, "tool_calls"))
    client = _client(_sse(chunks), 11)
    partials: list[Any] = []
    done: list[Any] = []
    async with client:
        with trio.fail_after(10):
            async with client.chat.completions.stream(
                model="m", messages=HELLO, tools=[function_tool(Lookup)]
            ) as stream:
                async for event in stream:
                    if event.type == "tool_calls.function.arguments.delta":
                        partials.append((event.arguments, copy.deepcopy(event.parsed_arguments)))
                    elif event.type == "tool_calls.function.arguments.done":
                        done.append(event.parsed_arguments)
                final = await stream.get_final_completion()
    for text, parsed in partials:
        if text:
            assert parsed == _expected_partial(text), text
    assert done == [Lookup("Ada Lovelace")]
    calls = final.choices[0].message.tool_calls or []
    assert calls[0].function.parsed_arguments == Lookup("Ada Lovelace")  # pyright: ignore


async def test_chat_stream_length_finish_raises() -> None:
    client = _client(_sse(_content_chunks(PERSON_JSON[:20], finish="length")), 64)
    async with client:
        with trio.fail_after(10), pytest.raises(LengthFinishReasonError) as info:
            async with client.chat.completions.stream(
                model="m", messages=HELLO, response_format=Person
            ) as stream:
                await stream.until_done()
    assert info.value.completion.choices[0].finish_reason == "length"


async def test_chat_stream_without_a_type_has_no_partials() -> None:
    client = _client(_sse(_content_chunks(PERSON_JSON[:20], finish="length")), 64)
    async with client:
        with trio.fail_after(10):
            async with client.chat.completions.stream(model="m", messages=HELLO) as stream:
                events = [event async for event in stream]
    assert all(getattr(event, "parsed", None) is None for event in events)


async def test_fake_server_streams_schema_conforming_answers() -> None:
    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
            with trio.fail_after(10):
                async with client.chat.completions.stream(
                    model="gpt-4o",
                    messages=HELLO,
                    response_format=Person,
                    extra_headers={"X-Fake-Chunks": "30"},
                ) as chat:
                    deltas = [e.parsed for e in [x async for x in chat] if e.type == "content.delta"]
                    final = await chat.get_final_completion()
                async with client.responses.stream(
                    model="gpt-4o", input="hi", text_format=Person, extra_headers={"X-Fake-Chunks": "30"}
                ) as responses:
                    texts = [e async for e in responses if e.type == "response.output_text.delta"]
                    done = [e async for e in responses]  # the rest (already consumed: nothing)
                    response = await responses.get_final_response()
    parsed = final.choices[0].message.parsed
    assert isinstance(parsed, Person)
    assert deltas[-1] == msgspec.to_builtins(parsed)
    assert len(texts) > 1 and texts[-1].parsed == msgspec.to_builtins(parsed)
    assert done == []
    assert response.output_parsed == parsed


async def test_cancelling_a_parse_stream_leaves_the_pool_healthy() -> None:
    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
            headers = {"X-Fake-Chunks": "40", "X-Fake-Chunk-Delay-Ms": "50"}
            seen = 0
            with trio.fail_after(10):
                with trio.move_on_after(0.3) as scope:
                    async with client.chat.completions.stream(
                        model="gpt-4o", messages=HELLO, response_format=Person, extra_headers=headers
                    ) as stream:
                        async for event in stream:
                            seen += event.type == "content.delta"
                assert scope.cancelled_caught
                assert 0 < seen < 40
                pool = client.statistics().pool
                assert pool is not None and pool.active_connections == 0
                again = await client.chat.completions.parse(
                    model="gpt-4o", messages=HELLO, response_format=Person
                )
                assert isinstance(again.choices[0].message.parsed, Person)
                assert client.statistics().in_flight == 0


async def test_responses_stream_text_partials_and_done() -> None:
    text_events = [
        {
            "type": "response.output_text.delta",
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "delta": c,
            "sequence_number": i,
        }
        for i, c in enumerate(PERSON_JSON)
    ]
    response = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "m",
        "status": "completed",
        "tools": [],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "output": [
            {
                "type": "message",
                "id": "m",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": PERSON_JSON, "annotations": [], "logprobs": []}],
            }
        ],
    }
    start = {**response, "status": "in_progress", "output": []}
    events = [
        {"type": "response.created", "response": start, "sequence_number": 0},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {
                "type": "message",
                "id": "m",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            },
            "sequence_number": 0,
        },
        {
            "type": "response.content_part.added",
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
            "sequence_number": 0,
        },
        *text_events,
        {
            "type": "response.output_text.done",
            "item_id": "m",
            "output_index": 0,
            "content_index": 0,
            "text": PERSON_JSON,
            "sequence_number": 0,
        },
        {"type": "response.completed", "response": response, "sequence_number": 0},
    ]
    data = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    client = _client(data, 5)
    partials: list[tuple[str, Any]] = []
    done: list[Any] = []
    async with client:
        with trio.fail_after(10):
            async with client.responses.stream(model="m", input="hi", text_format=Person) as stream:
                async for event in stream:
                    if event.type == "response.output_text.delta":
                        partials.append((event.snapshot, copy.deepcopy(event.parsed)))  # pyright: ignore
                    elif event.type == "response.output_text.done":
                        done.append(event.parsed)  # pyright: ignore
                final = await stream.get_final_response()
    assert len(partials) == len(PERSON_JSON)
    for snapshot, parsed in partials:
        if snapshot[-1] not in "0123456789.-eE":
            assert parsed == _expected_partial(snapshot), snapshot
    assert done == [PERSON]
    assert final.output_parsed == PERSON


async def test_blocking_client_streams_parsed() -> None:
    from trio_openai import OpenAI
    from trio_openai.testing import FakeServerThread

    def run() -> tuple[Any, Any, int]:
        with FakeServerThread() as server, OpenAI(api_key="sk-test", base_url=server.base_url) as client:
            with client.chat.completions.stream(
                model="gpt-4o", messages=HELLO, response_format=Person
            ) as stream:
                partials = sum(1 for e in stream if e.type == "content.delta" and e.parsed is not None)
                chat = stream.get_final_completion().choices[0].message.parsed
            with client.responses.stream(model="gpt-4o", input="hi", text_format=Person) as responses:
                response = responses.get_final_response().output_parsed
        return chat, response, partials

    with trio.fail_after(20):
        chat, response, partials = await trio.to_thread.run_sync(run, abandon_on_cancel=True)
    assert isinstance(chat, Person) and chat == response
    assert partials > 0


async def test_fake_server_responses_function_calls_streamed_and_not() -> None:
    from trio_openai import responses_function_tool

    async with open_fake_server() as server:
        async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
            with trio.fail_after(10):
                tools = [responses_function_tool(Lookup)]
                plain = await client.responses.parse(model="gpt-4o", input="call Lookup", tools=tools)
                async with client.responses.stream(
                    model="gpt-4o", input="call Lookup", tools=tools
                ) as stream:
                    partial = [
                        e
                        for e in [x async for x in stream]
                        if e.type == "response.function_call_arguments.delta"
                    ]
                    done = await stream.get_final_response()
    calls = [item for item in plain.output if item.type == "function_call"]
    assert [c.parsed_arguments for c in calls] == [Lookup("fake")]  # pyright: ignore
    assert partial and partial[-1].parsed_arguments == {"name": "fake"}  # pyright: ignore
    assert [i.parsed_arguments for i in done.output if i.type == "function_call"] == [Lookup("fake")]  # pyright: ignore
