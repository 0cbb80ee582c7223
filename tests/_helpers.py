"""Shared helpers for the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest

from trio_openai import AsyncOpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

MODEL = {"id": "gpt-test", "object": "model", "created": 1700000000, "owned_by": "openai"}
COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "gpt-test",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}


def make_client(handler: Callable[[MockRequest], Any], **kwargs: Any) -> tuple[AsyncOpenAI, MockTransport]:
    transport = MockTransport(handler)
    kwargs.setdefault("api_key", "sk-test-key")
    kwargs.setdefault("base_url", "http://api.test/v1")
    return AsyncOpenAI(transport=transport, **kwargs), transport


def ok_model(_req: MockRequest) -> MockResponse:
    return MockResponse(json=MODEL, headers={"x-request-id": "req_123"})


def warns_if_deprecated(method: object) -> contextlib.AbstractContextManager[object]:
    """``pytest.warns(DeprecationWarning)`` when `method` is one the official SDK deprecates (it carries
    ``__deprecated__``), else a context that expects nothing."""
    if getattr(method, "__deprecated__", None):
        return pytest.warns(DeprecationWarning)
    return contextlib.nullcontext()
