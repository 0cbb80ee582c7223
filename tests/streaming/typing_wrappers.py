# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Checked by pyright (test_wrapper_parity.py runs it): the wrappers' annotations say what they give.

Never executed; every line states a type that pyright must agree with.
"""

from __future__ import annotations

from typing import assert_type

from trio_openai import (
    APIResponse,
    AsyncAPIResponse,
    AsyncOpenAI,
    AsyncStream,
    BinaryContent,
    OpenAI,
    Stream,
)
from trio_openai.types import ChatCompletion, ChatCompletionChunk, Completion
from trio_openai.types.responses import ResponseStreamEvent


async def async_side(client: AsyncOpenAI) -> None:
    async with client.files.with_streaming_response.content("f") as response:
        assert_type(await response.parse(), bytes)  # a streamed binary body parses to its bytes
    async with client.audio.speech.with_streaming_response.create(
        model="tts-1", input="hi", voice="alloy"
    ) as speech:
        assert_type(await speech.parse(), bytes)
    raw = await client.files.with_raw_response.content("f")
    assert_type(raw.parse(), BinaryContent)  # read already: the official raw parse, binary content
    assert_type(await client.files.content("f"), BinaryContent)
    async with client.files.with_streaming_response.retrieve_content("f") as text:
        assert_type(await text.parse(), str)
    chunks = await client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True)
    assert_type(chunks, AsyncAPIResponse[AsyncStream[ChatCompletionChunk]])  # as at run time
    stream = chunks.parse()
    assert_type(stream, AsyncStream[ChatCompletionChunk])
    await stream.close()
    await chunks.aclose()
    plain = await client.chat.completions.with_raw_response.create(model="m", messages=[])
    assert_type(plain, APIResponse[ChatCompletion])
    assert_type(plain.parse(), ChatCompletion)
    flag: bool = bool(plain.status_code)
    either = await client.chat.completions.with_raw_response.create(model="m", messages=[], stream=flag)
    assert_type(either, APIResponse[ChatCompletion] | AsyncAPIResponse[AsyncStream[ChatCompletionChunk]])
    events = await client.responses.with_raw_response.create(model="m", input="hi", stream=True)
    assert_type(events.parse(), AsyncStream[ResponseStreamEvent])
    text = await client.completions.with_raw_response.create(model="m", prompt="x", stream=True)
    assert_type(text, AsyncAPIResponse[AsyncStream[Completion]])


def blocking_side(client: OpenAI) -> None:
    with client.files.with_streaming_response.content("f") as response:
        assert_type(response.parse(), bytes)
    with client.audio.speech.with_streaming_response.create(
        model="tts-1", input="hi", voice="alloy"
    ) as speech:
        assert_type(speech.parse(), bytes)
    assert_type(client.files.with_raw_response.content("f").parse(), BinaryContent)
    with client.files.with_streaming_response.retrieve_content("f") as text:
        assert_type(text.parse(), str)
    stream = client.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(stream, Stream[ChatCompletionChunk])
    stream.response.close()
    raw = client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True)
    assert_type(raw.parse(), Stream[ChatCompletionChunk])  # a blocking stream, as at run time
    assert_type(
        client.chat.completions.with_raw_response.create(model="m", messages=[]).parse(), ChatCompletion
    )
    with client.chat.completions.with_streaming_response.create(
        model="m", messages=[], stream=True
    ) as streamed:
        assert_type(streamed.parse(), Stream[ChatCompletionChunk])
    with client.chat.completions.with_streaming_response.create(model="m", messages=[]) as plain:
        assert_type(plain.parse(), ChatCompletion)
