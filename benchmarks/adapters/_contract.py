"""What every adapter offers, and the request payloads they all send.

Each operation does the whole job a caller would: send the request, decode the response into the
client's own types, and consume the result (count the items, read each chunk's text), so the harness
can check the result and nothing is left lazily undone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

API_KEY = "sk-bench-not-a-real-key"
CHAT_MODEL = "gpt-4o-mini"
EMBED_MODEL = "text-embedding-3-small"
MESSAGES = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Say something about benchmarks in about one hundred words."},
]
EMBED_INPUT = [f"benchmark sentence number {i}" for i in range(100)]


def conversation(n: int) -> list[dict[str, str]]:
    """A long conversation: a system message, then ``n - 1`` alternating user/assistant turns."""
    turns = [
        {
            "role": "user" if i % 2 == 0 else "assistant",
            "content": f"Turn {i}: a sentence or two of conversation, as a chat history holds them.",
        }
        for i in range(n - 2)
    ]
    return [MESSAGES[0], *turns, MESSAGES[1]]


CONVERSATIONS = {100: conversation(100), 1000: conversation(1000)}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": f"tool_{i}",
            "description": f"Tool number {i}: looks something up.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                "required": ["query"],
            },
        },
    }
    for i in range(20)
]
PAGE_LIMIT = 100

AsyncWork = Callable[[], Awaitable[None]]
SyncWork = Callable[[], None]


class AsyncAdapter(Protocol):
    # length of the reply's text; `messages`/`tools` default to MESSAGES and none
    async def chat(
        self, messages: list[dict[str, str]] | None = None, tools: list[dict[str, object]] | None = None
    ) -> int: ...
    async def completion(self) -> object: ...  # the decoded chat completion, to hold
    async def models(self) -> int: ...  # number of models
    async def files(self, work: AsyncWork | None) -> int: ...  # items across all pages; work() per page
    async def embeddings(self, *, b64: bool) -> list[list[float]]: ...
    async def stream(self) -> tuple[int, int]: ...  # (chunks, characters of text)


class SyncAdapter(Protocol):
    def chat(
        self, messages: list[dict[str, str]] | None = None, tools: list[dict[str, object]] | None = None
    ) -> int: ...
    def completion(self) -> object: ...
    def models(self) -> int: ...
    def files(self, work: SyncWork | None) -> int: ...
    def embeddings(self, *, b64: bool) -> list[list[float]]: ...
    def stream(self) -> tuple[int, int]: ...


def floats_from_base64(text: str) -> list[float]:
    """Little-endian float32 values, as the API packs them (this suite runs on little-endian machines)."""
    import array
    import base64

    return array.array("f", base64.b64decode(text)).tolist()
