"""Operations written against the official SDK's async surface, which trio_openai's AsyncOpenAI mirrors.

The same code drives `openai.AsyncOpenAI` (under trio or asyncio) and `trio_openai.AsyncOpenAI`; only
how the client is built differs (see the per-client modules).
"""

from __future__ import annotations

import inspect
from typing import Any

from ._contract import (
    CHAT_MODEL,
    EMBED_INPUT,
    EMBED_MODEL,
    MESSAGES,
    PAGE_LIMIT,
    AsyncWork,
    floats_from_base64,
)


class SdkAsyncAdapter:
    def __init__(self, client: Any) -> None:
        self._client = client

    async def chat(self, messages: Any = None, tools: Any = None) -> int:
        extra = {"tools": tools} if tools else {}
        completion = await self._client.chat.completions.create(
            model=CHAT_MODEL, messages=messages or MESSAGES, **extra
        )
        return len(completion.choices[0].message.content or "")

    async def completion(self) -> object:
        return await self._client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES)

    async def models(self) -> int:
        page = await self._client.models.list()
        return len(page.data)

    async def files(self, work: AsyncWork | None) -> int:
        count = 0
        async for item in self._client.files.list(limit=PAGE_LIMIT):
            count += bool(item.id)
            if work is not None and count % PAGE_LIMIT == 0:
                await work()
        return count

    async def embeddings(self, *, b64: bool) -> list[list[float]]:
        if b64:  # the SDK default: asks for base64 and hands back floats
            resp = await self._client.embeddings.create(model=EMBED_MODEL, input=EMBED_INPUT)
        else:
            resp = await self._client.embeddings.create(
                model=EMBED_MODEL, input=EMBED_INPUT, encoding_format="float"
            )
        return [
            floats_from_base64(d.embedding) if isinstance(d.embedding, str) else d.embedding
            for d in resp.data
        ]

    async def stream(self) -> tuple[int, int]:
        chunks = chars = 0
        stream = self._client.chat.completions.create(model=CHAT_MODEL, messages=MESSAGES, stream=True)
        if inspect.isawaitable(stream):  # the official SDK: a coroutine that gives the stream
            stream = await stream
        async for chunk in stream:
            chunks += 1
            if chunk.choices and (text := chunk.choices[0].delta.content):
                chars += len(text)
        return chunks, chars
