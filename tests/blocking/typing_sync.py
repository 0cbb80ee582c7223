# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Checked by pyright (tests/test_sync.py runs it): the blocking client's methods have exact types.

Never executed; every line states a type that pyright must agree with.
"""

from __future__ import annotations

from typing import Any, assert_type

import msgspec

from tests._sync_example import ChatChunk, FileObject, demo
from trio_openai import APIResponse, OpenAI, Stream, SyncAPIResponse, SyncCursorPage, SyncPage
from trio_openai._blocking._response import ResponseContextManager
from trio_openai._core._pagination import AsyncCursorPage, AsyncPage
from trio_openai.lib.streaming import ChatCompletionStreamEvent, SyncChatCompletionStream
from trio_openai.lib.streaming._responses_types import ResponseStreamEvent as HelperResponseStreamEvent
from trio_openai.lib.structured import ParsedChatCompletion, ParsedResponse
from trio_openai.types import (
    ChatCompletion,
    ChatCompletionChunk,
    CreateEmbeddingResponse,
    Model,
    ModelDeleted,
    OpenAIFile,
    Response,
    ResponseStreamEvent,
    RunObject,
    UnwrapWebhookEvent,
    VectorStoreFileBatchObject,
    VectorStoreFileObject,
    VideoResource,
)


class _Answer(msgspec.Struct):
    final: str


def check(client: OpenAI, flag: bool) -> None:
    assert_type(client.models.retrieve("gpt-4o"), Model)
    assert_type(client.models.retrieve("gpt-4o", timeout=3.0, extra_headers={"x": "1"}), Model)
    assert_type(client.models.delete("ft:x"), ModelDeleted)
    completion = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert_type(completion, ChatCompletion)

    # the generated stream overloads, blocking side
    chunks = client.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(chunks, Stream[ChatCompletionChunk])
    with chunks:
        for each_chunk in chunks:
            assert_type(each_chunk, ChatCompletionChunk)
    assert_type(
        client.chat.completions.create(model="m", messages=[], stream=flag),
        ChatCompletion | Stream[ChatCompletionChunk],
    )
    assert_type(client.responses.create(model="m", input="hi"), Response)
    assert_type(client.responses.create(model="m", input="hi", stream=True), Stream[ResponseStreamEvent])
    assert_type(client.responses.retrieve("resp_1", stream=True), Stream[ResponseStreamEvent])
    assert_type(client.embeddings.create(model="m", input="hi"), CreateEmbeddingResponse)
    assert_type(client.embeddings.create(model="m", input="hi").data[0].embedding, list[float])

    page = client.models.list()
    assert_type(page, SyncPage[Model])
    assert_type(page.page, AsyncPage[Model])
    assert_type(page.data, list[Model])
    for model in page:
        assert_type(model, Model)
    for each in page.iter_pages():
        assert_type(each, SyncPage[Model])

    raw = client.models.with_raw_response.retrieve("gpt-4o")
    assert_type(raw, APIResponse[Model])
    raw_list = client.models.with_raw_response.list()
    assert_type(raw_list, APIResponse[SyncPage[Model]])
    with client.models.with_streaming_response.retrieve("gpt-4o") as response:
        assert_type(response, SyncAPIResponse[Model])
        assert_type(response.parse(), Model)
        assert_type(response.parse(to=dict[str, Any]), dict[str, Any])
        assert_type(response.read(), bytes)
        for line in response.iter_lines():
            assert_type(line, str)
    assert_type(
        client.chat.with_streaming_response.completions.create(model="m", messages=[]),
        ResponseContextManager[ChatCompletion],
    )

    # hand-written helpers attached by the generator
    assert_type(client.beta.threads.runs.poll("run_1", thread_id="t", poll_interval_ms=5), RunObject)
    assert_type(client.beta.threads.runs.create_and_poll(thread_id="t", assistant_id="a"), RunObject)
    assert_type(client.vector_stores.files.create_and_poll("f", vector_store_id="vs"), VectorStoreFileObject)
    assert_type(client.vector_stores.file_batches.poll("b", vector_store_id="vs"), VectorStoreFileBatchObject)
    assert_type(client.videos.create_and_poll(prompt="p"), VideoResource)
    assert_type(client.files.wait_for_processing("f", poll_interval=1.0), OpenAIFile)
    assert_type(client.webhooks.unwrap("{}", {"webhook-id": "x"}), UnwrapWebhookEvent)
    with client.chat.completions.stream(model="m", messages=[]) as chat_stream:
        assert_type(chat_stream, SyncChatCompletionStream[Any])
        for event in chat_stream:
            assert_type(event, ChatCompletionStreamEvent)
        assert_type(chat_stream.get_final_completion(), ParsedChatCompletion[Any])
        assert isinstance(chat_stream.get_final_completion(), ChatCompletion)
    with client.responses.stream(model="m", input="hi") as response_stream:
        for response_event in response_stream:
            assert_type(response_event, HelperResponseStreamEvent)
        assert_type(response_stream.until_done().get_final_response(), ParsedResponse[Any])
        assert isinstance(response_stream.get_final_response(), Response)
    parsed = client.chat.completions.parse(model="m", messages=[], response_format=_Answer)
    assert_type(parsed, ParsedChatCompletion[_Answer])
    assert_type(parsed.choices[0].message.parsed, _Answer | None)

    assert_type(client.get("/models/x", cast_to=Model), Model)
    assert_type(client.with_options(max_retries=0), OpenAI)

    example = demo(client)
    files = example.files.list(limit=5)
    assert_type(files, SyncCursorPage[FileObject])
    assert_type(files.page, AsyncCursorPage[FileObject])
    assert_type(example.completions.create(model="m", messages=[]), ChatCompletion)
    assert_type(example.completions.create(model="m", messages=[], stream=False), ChatCompletion)
    stream = example.completions.create(model="m", messages=[], stream=True)
    assert_type(stream, Stream[ChatChunk])
    with stream:
        for chunk in stream:
            assert_type(chunk, ChatChunk)
    assert_type(
        example.completions.create(model="m", messages=[], stream=flag), ChatCompletion | Stream[ChatChunk]
    )

    # Results are values, not awaitables; the signatures are the async ones (an ignore that is not
    # needed is itself an error in this file).
    client.models.retrieve("x").id.upper()
    client.models.retrieve()  # pyright: ignore[reportCallIssue]
    client.models.retrieve("x", bogus=1)  # pyright: ignore[reportCallIssue]
