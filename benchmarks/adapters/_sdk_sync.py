"""Operations written against the official SDK's blocking surface, which trio_openai's OpenAI mirrors.

The same code drives `openai.OpenAI` and `trio_openai.OpenAI`; only
how the client is built differs (see the per-client modules).
"""

from __future__ import annotations

from typing import Any

from ._contract import (
    CHAT_MODEL,
    EMBED_INPUT,
    EMBED_MODEL,
    MESSAGES,
    PAGE_LIMIT,
    SyncWork,
    floats_from_base64,
)


class SdkSyncAdapter:
    def __init__(self, client: Any) -> None:
        self._client = client

    def chat(self, messages: Any = None, tools: Any = None) -> int:
        extra = {"tools": tools} if tools else {}
        completion = self._client.chat.completions.create(
            model=CHAT_MODEL, messages=messages or MESSAGES, **extra
        )
        return len(completion.choices[0].message.content or "")

    def completion(self) -> object:
        return self._client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)

    def models(self) -> int:
        page = self._client.models.list()
        return len(page.data)

    def files(self, work: SyncWork | None) -> int:
        count = 0
        for item in self._client.files.list(limit=PAGE_LIMIT):
            count += bool(item.id)
            if work is not None and count % PAGE_LIMIT == 0:
                work()
        return count

    def embeddings(self, *, b64: bool) -> list[list[float]]:
        if b64:  # the SDK default: asks for base64 and hands back floats
            resp = self._client.embeddings.create(model=EMBED_MODEL, input=EMBED_INPUT)
        else:
            resp = self._client.embeddings.create(
                model=EMBED_MODEL, input=EMBED_INPUT, encoding_format="float"
            )
        return [
            floats_from_base64(d.embedding) if isinstance(d.embedding, str) else d.embedding
            for d in resp.data
        ]

    def stream(self) -> tuple[int, int]:
        chunks = chars = 0
        stream = self._client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
        for chunk in stream:
            chunks += 1
            if chunk.choices and (text := chunk.choices[0].delta.content):
                chars += len(text)
        return chunks, chars
