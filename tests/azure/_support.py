"""A recording MockTransport for the Azure tests: every request is answered from a queue of replies
(200 with a small JSON body once the queue is empty) and kept for the assertions."""

from __future__ import annotations

from typing import Any

from trio_openai.testing import MockRequest, MockResponse, MockTransport

ENDPOINT = "https://res.openai.azure.com"
VERSION = "2024-10-21"

CHAT = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}],
}


class Recorder:
    def __init__(self, *replies: MockResponse, default: Any = None) -> None:
        self.replies = list(replies)
        self.default = CHAT if default is None else default
        self.transport = MockTransport(self._answer)

    def _answer(self, request: MockRequest) -> MockResponse:
        if self.replies:
            return self.replies.pop(0)
        return MockResponse(200, json=self.default)

    @property
    def requests(self) -> list[MockRequest]:
        return self.transport.requests

    @property
    def last(self) -> MockRequest:
        return self.transport.requests[-1]


def auth_headers(request: MockRequest) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers.items() if k.lower() in ("api-key", "authorization")}
