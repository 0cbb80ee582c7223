"""Steady accepts every request ``parse()`` and the parse streams send: ``response_format`` /
``text.format`` and strict ``tools`` built from types are valid against the spec.

Steady answers with schema-shaped filler, not JSON of our type, so a parse may end in
:class:`StructuredOutputError` or a finish-reason error; what must never happen is a 400.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from typing import Any, Literal

import msgspec
import pytest
import trio

from trio_openai import (
    AsyncOpenAI,
    ContentFilterFinishReasonError,
    LengthFinishReasonError,
    StructuredOutputError,
    function_tool,
    responses_function_tool,
)

TOLERATED = (StructuredOutputError, LengthFinishReasonError, ContentFilterFinishReasonError)


class Kind(enum.Enum):
    A = "a"
    B = "b"


class Leaf(msgspec.Struct):
    label: str
    weight: float | None


class Tree(msgspec.Struct):
    """A tree of leaves."""

    name: str
    kind: Kind
    mode: Literal["x", "y"]
    leaves: list[Leaf]
    children: list[Tree]


class Lookup(msgspec.Struct):
    key: str


FORMATS: list[Any] = [Tree, list[Leaf], Kind]
HELLO = [{"role": "user", "content": "hi"}]


@pytest.fixture
async def client(steady_url: str) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(
        api_key="sk-conformance", admin_api_key="sk-admin-conformance", base_url=steady_url, max_retries=0
    ) as c:
        yield c


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda t: getattr(t, "__name__", repr(t)))
async def test_chat_parse_request_is_valid(client: AsyncOpenAI, fmt: Any) -> None:
    with trio.fail_after(20):
        try:
            await client.chat.completions.parse(
                model="gpt-4o", messages=HELLO, response_format=fmt, tools=[function_tool(Lookup)]
            )
        except TOLERATED:
            pass


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda t: getattr(t, "__name__", repr(t)))
async def test_responses_parse_request_is_valid(client: AsyncOpenAI, fmt: Any) -> None:
    with trio.fail_after(20):
        try:
            await client.responses.parse(
                model="gpt-4o", input="hi", text_format=fmt, tools=[responses_function_tool(Lookup)]
            )
        except TOLERATED:
            pass


async def test_chat_stream_request_is_valid(client: AsyncOpenAI) -> None:
    with trio.fail_after(20):
        try:
            async with client.chat.completions.stream(
                model="gpt-4o",
                messages=HELLO,
                response_format=Tree,
                tools=[function_tool(Lookup)],
                extra_headers={"Accept": "text/event-stream"},
            ) as stream:
                await stream.until_done()
        except TOLERATED:
            pass
