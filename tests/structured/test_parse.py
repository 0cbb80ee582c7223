"""``chat.completions.parse`` and ``responses.parse``: parsed content, refusals, finish-reason errors,
invalid output, tool arguments, the raw-response and blocking faces, ``responses.stream(text_format=)``."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
import trio

from tests._helpers import make_client
from trio_openai import (
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    OpenAI,
    StructuredOutputError,
    function_tool,
    pydantic_function_tool,
    responses_function_tool,
)
from trio_openai.lib.structured import ParsedChatCompletion, ParsedResponse, output_type
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types import ChatCompletion, Response


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


class Address(msgspec.Struct):
    city: str
    zip: str | None


class Person(msgspec.Struct):
    name: str
    age: int
    mood: Mood
    addresses: list[Address]


class Lookup(msgspec.Struct):
    """Look a person up."""

    name: str


PERSON_JSON = '{"name":"Ada","age":36,"mood":"happy","addresses":[{"city":"London","zip":null}]}'
PERSON = Person("Ada", 36, Mood.HAPPY, [Address("London", None)])
HELLO = [{"role": "user", "content": "hi"}]


def completion(
    content: str | None = PERSON_JSON,
    *,
    finish_reason: str = "stop",
    refusal: str | None = None,
    tool_calls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_calls is not None:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


def call(name: str, arguments: str, index: int = 0) -> dict[str, Any]:
    return {"id": f"call_{index}", "type": "function", "function": {"name": name, "arguments": arguments}}


class Recorder:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.requests: list[MockRequest] = []

    def __call__(self, request: MockRequest) -> MockResponse:
        self.requests.append(request)
        return MockResponse(json=self.body, headers={"x-request-id": "req_parse"})

    @property
    def sent(self) -> dict[str, Any]:
        return self.requests[-1].json()


async def test_chat_parse_struct_and_request_body() -> None:
    recorder = Recorder(completion())
    client, _ = make_client(recorder)
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.parse(
                model="gpt-test", messages=HELLO, response_format=Person, temperature=0
            )
    assert isinstance(result, ParsedChatCompletion)
    assert isinstance(result, ChatCompletion)
    assert result.choices[0].message.parsed == PERSON
    assert result._request_id == "req_parse"
    sent = recorder.sent
    assert sent["response_format"] == output_type(Person).response_format()
    assert sent["temperature"] == 0
    assert "stream" not in sent


async def test_chat_parse_refusal_gives_no_parsed_value() -> None:
    client, _ = make_client(Recorder(completion(None, refusal="I can't help with that.")))
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
    message = result.choices[0].message
    assert message.parsed is None
    assert message.refusal == "I can't help with that."


@pytest.mark.parametrize(
    ("reason", "error"),
    [("length", LengthFinishReasonError), ("content_filter", ContentFilterFinishReasonError)],
)
async def test_chat_parse_finish_reason_errors(reason: str, error: type[Exception]) -> None:
    client, _ = make_client(Recorder(completion('{"name": "Ad', finish_reason=reason)))
    async with client:
        with trio.fail_after(5), pytest.raises(error) as info:
            await client.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
    caught: Any = info.value
    assert caught.completion.choices[0].finish_reason == reason
    if reason == "length":
        assert str(caught).startswith("Could not parse response content as the length limit was reached")


@pytest.mark.parametrize(
    ("content", "kind"),
    [('{"name": "Ada", "ag', "invalid_json"), ('{"name": "Ada", "age": "old"}', "schema_mismatch")],
)
async def test_chat_parse_bad_output_is_a_typed_error_with_the_raw_text(content: str, kind: str) -> None:
    client, _ = make_client(Recorder(completion(content)))
    async with client:
        with trio.fail_after(5), pytest.raises(StructuredOutputError) as info:
            await client.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
    assert info.value.raw == content
    assert info.value.kind == kind
    assert info.value.output_type is Person
    assert client.statistics().in_flight == 0


async def test_chat_parse_tool_arguments() -> None:
    calls = [
        call("Lookup", '{"name":"Ada"}', 0),
        call("raw_tool", '{"x": [1, 2]}', 1),
        call("other", "{}", 2),
    ]
    recorder = Recorder(completion(None, finish_reason="tool_calls", tool_calls=calls))
    client, _ = make_client(recorder)
    raw_tool = {
        "type": "function",
        "function": {
            "name": "raw_tool",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {"x": {"type": "array", "items": {"type": "integer"}}},
                "required": ["x"],
                "additionalProperties": False,
            },
        },
    }
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.parse(
                model="m", messages=HELLO, tools=[function_tool(Lookup), raw_tool]
            )
    tool_calls = result.choices[0].message.tool_calls or []
    parsed = [c.function.parsed_arguments for c in tool_calls if c.type == "function"]  # pyright: ignore
    assert parsed == [Lookup("Ada"), {"x": [1, 2]}, None]
    sent_tools = recorder.sent["tools"]
    assert sent_tools[0] == {
        "type": "function",
        "function": {
            "name": "Lookup",
            "strict": True,
            "parameters": output_type(Lookup).schema,
            "description": "Look a person up.",
        },
    }


async def test_chat_parse_bad_tool_arguments_raise_typed_error() -> None:
    calls = [call("Lookup", '{"name": 5}')]
    client, _ = make_client(Recorder(completion(None, finish_reason="tool_calls", tool_calls=calls)))
    async with client:
        with trio.fail_after(5), pytest.raises(StructuredOutputError) as info:
            await client.chat.completions.parse(model="m", messages=HELLO, tools=[function_tool(Lookup)])
    assert info.value.raw == '{"name": 5}'


async def test_chat_parse_rejects_bad_input_before_sending() -> None:
    recorder = Recorder(completion())
    client, _ = make_client(recorder)

    class Open(msgspec.Struct):
        meta: dict[str, Any]

    loose = {"type": "function", "function": {"name": "loose", "parameters": {}}}
    async with client:
        with pytest.raises(ValueError, match="`loose` is not strict"):
            await client.chat.completions.parse(model="m", messages=HELLO, tools=[loose])
        with pytest.raises(ValueError, match="only `function` tool types"):
            await client.chat.completions.parse(model="m", messages=HELLO, tools=[{"type": "custom"}])
        with pytest.raises(TypeError, match=r"Open\.meta"):
            await client.chat.completions.parse(model="m", messages=HELLO, response_format=Open)
        with pytest.raises(TypeError, match="unexpected keyword argument 'stream'"):
            await client.chat.completions.parse(model="m", messages=HELLO, stream=True)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="unexpected keyword argument 'bogus'"):
            await client.chat.completions.parse(model="m", messages=HELLO, bogus=1)  # type: ignore[call-arg]
    assert recorder.requests == []


async def test_chat_parse_dict_response_format_is_sent_as_given() -> None:
    recorder = Recorder(completion('{"a": 1}'))
    client, _ = make_client(recorder)
    fmt = {"type": "json_object"}
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.parse(model="m", messages=HELLO, response_format=fmt)
    assert recorder.sent["response_format"] == fmt
    assert result.choices[0].message.parsed is None


async def test_chat_parse_with_raw_response_and_beta_alias() -> None:
    client, _ = make_client(Recorder(completion()))
    async with client:
        with trio.fail_after(5):
            raw = await client.chat.completions.with_raw_response.parse(
                model="m", messages=HELLO, response_format=Person
            )
            assert raw.status_code == 200
            assert raw.parse().choices[0].message.parsed == PERSON
            beta = await client.beta.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
            assert beta.choices[0].message.parsed == PERSON
            async with client.chat.completions.with_streaming_response.parse(
                model="m", messages=HELLO, response_format=Person
            ) as streamed:
                assert (await streamed.parse()).choices[0].message.parsed == PERSON


pydantic = pytest.importorskip("pydantic")


class PLookup(pydantic.BaseModel):
    name: str


class PPerson(pydantic.BaseModel):
    name: str
    age: int


async def test_chat_parse_pydantic_model_and_tool() -> None:
    calls = [call("PLookup", '{"name":"Ada"}')]
    body = completion('{"name":"Ada","age":36}', tool_calls=calls)
    client, _ = make_client(Recorder(body))
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.parse(
                model="m", messages=HELLO, response_format=PPerson, tools=[pydantic_function_tool(PLookup)]
            )
    message = result.choices[0].message
    assert message.parsed == PPerson(name="Ada", age=36)
    assert message.tool_calls is not None
    assert message.tool_calls[0].function.parsed_arguments == PLookup(name="Ada")  # pyright: ignore


def response_body(text: str = PERSON_JSON, *, phase: str | None = None, calls: int = 0) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }
    if phase is not None:
        message["phase"] = phase
    output: list[dict[str, Any]] = [{"type": "reasoning", "id": "rs_1", "summary": []}, message]
    output += [
        {"type": "function_call", "call_id": f"c{i}", "name": "Lookup", "arguments": '{"name":"Ada"}'}
        for i in range(calls)
    ]
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-test",
        "status": "completed",
        "output": output,
        "tools": [],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    }


async def test_responses_parse_output_parsed_and_text_format() -> None:
    recorder = Recorder(response_body(calls=1))
    client, _ = make_client(recorder)
    async with client:
        with trio.fail_after(5):
            result = await client.responses.parse(
                model="m",
                input="hi",
                text_format=Person,
                text={"verbosity": "low"},
                tools=[responses_function_tool(Lookup)],
            )
    assert isinstance(result, ParsedResponse)
    assert isinstance(result, Response)
    assert result.output_parsed == PERSON
    assert result.output_text == PERSON_JSON
    assert result.output[2].parsed_arguments == Lookup("Ada")  # pyright: ignore
    sent = recorder.sent
    assert sent["text"] == {"verbosity": "low", "format": output_type(Person).text_format()}
    assert sent["tools"][0]["name"] == "Lookup" and sent["tools"][0]["strict"] is True


async def test_responses_parse_only_final_answers_and_typed_errors() -> None:
    client, _ = make_client(Recorder(response_body(phase="commentary")))
    async with client:
        with trio.fail_after(5):
            result = await client.responses.parse(model="m", input="hi", text_format=Person)
        assert result.output_parsed is None
    client, _ = make_client(Recorder(response_body("not json")))
    async with client:
        with trio.fail_after(5), pytest.raises(StructuredOutputError) as info:
            await client.responses.parse(model="m", input="hi", text_format=Person)
        assert info.value.raw == "not json"
        with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
            await client.responses.parse(model="m", input="hi", nope=1)


async def test_responses_stream_sends_the_schema_not_the_class() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request.json())
        return MockResponse(content=b"", headers={"content-type": "text/event-stream"})

    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(5):
            async with client.responses.stream(model="m", input="hi", text_format=Person) as stream:
                async for _ in stream:
                    pass
    assert seen[0]["text"]["format"] == output_type(Person).text_format()
    assert "text_format" not in seen[0]


def _blocking_client(body: dict[str, Any]) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(Recorder(body)))


async def _in_thread(fn: Callable[[], Any]) -> Any:
    with trio.fail_after(10):
        return await trio.to_thread.run_sync(functools.partial(fn), abandon_on_cancel=True)


async def test_blocking_client_parse() -> None:
    def run() -> tuple[Any, Any, Any]:
        with _blocking_client(completion()) as client:
            parsed = client.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
            raw = client.chat.completions.with_raw_response.parse(
                model="m", messages=HELLO, response_format=Person
            )
            beta = client.beta.chat.completions.parse(model="m", messages=HELLO, response_format=Person)
        with _blocking_client(response_body()) as client:
            response = client.responses.parse(model="m", input="hi", text_format=Person)
        return parsed, raw.parse(), (beta, response)

    parsed, raw, (beta, response) = await _in_thread(run)
    assert parsed.choices[0].message.parsed == PERSON
    assert raw.choices[0].message.parsed == PERSON
    assert beta.choices[0].message.parsed == PERSON
    assert response.output_parsed == PERSON


async def test_create_refuses_a_type_and_points_to_parse() -> None:
    recorder = Recorder(completion())
    client, _ = make_client(recorder)
    async with client:
        with pytest.raises(TypeError, match=r"`Person` class to `chat.completions.create\(\)`.*parse\(\)"):
            await client.chat.completions.create(model="m", messages=HELLO, response_format=Person)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"responses.parse\(text_format=...\)"):
            await client.responses.create(model="m", input="hi", text={"format": Person})  # type: ignore[typeddict-item]
        with trio.fail_after(5):
            plain = await client.chat.completions.create(
                model="m", messages=HELLO, response_format={"type": "json_object"}
            )
    assert plain.choices[0].message.content == PERSON_JSON
    assert len(recorder.requests) == 1
