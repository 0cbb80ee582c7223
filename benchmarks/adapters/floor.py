"""The bare floor: httpcore2's connection pool under trio and msgspec, with no client logic at all.

No retries, no options merging, no error mapping beyond a status check: it shows what the transport and
the decoder cost, which is the least any client built on them can cost. Decoders are built once, into
msgspec Structs; streams are split on b"\\n\\n" and decoded per `data:` line.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpcore2
import msgspec
import trio

from ._contract import (
    API_KEY,
    CHAT_MODEL,
    EMBED_INPUT,
    EMBED_MODEL,
    MESSAGES,
    PAGE_LIMIT,
    AsyncWork,
    floats_from_base64,
)


class _Base(msgspec.Struct, kw_only=True):
    pass


class _Message(_Base):
    role: str
    content: str | None = None
    refusal: str | None = None


class _Choice(_Base):
    index: int
    message: _Message
    finish_reason: str | None = None


class _PromptDetails(_Base):
    cached_tokens: int | None = None
    audio_tokens: int | None = None


class _CompletionDetails(_Base):
    reasoning_tokens: int | None = None
    audio_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class _Usage(_Base):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_tokens_details: _PromptDetails | None = None
    completion_tokens_details: _CompletionDetails | None = None


class _ChatCompletion(_Base):
    id: str
    object: str
    created: int
    model: str
    choices: list[_Choice]
    usage: _Usage | None = None
    service_tier: str | None = None
    system_fingerprint: str | None = None


class _Delta(_Base):
    role: str | None = None
    content: str | None = None
    refusal: str | None = None


class _ChunkChoice(_Base):
    index: int
    delta: _Delta
    finish_reason: str | None = None


class _Chunk(_Base):
    id: str
    object: str
    created: int
    model: str
    choices: list[_ChunkChoice]
    service_tier: str | None = None
    system_fingerprint: str | None = None
    usage: _Usage | None = None


class _Model(_Base):
    id: str
    object: str
    created: int
    owned_by: str


class _ModelList(_Base):
    object: str
    data: list[_Model]


class _File(_Base):
    id: str
    object: str
    bytes: int
    created_at: int
    filename: str
    purpose: str
    status: str | None = None
    expires_at: int | None = None
    status_details: str | None = None


class _FilePage(_Base):
    object: str
    data: list[_File]
    has_more: bool
    first_id: str | None = None
    last_id: str | None = None


class _EmbUsage(_Base):
    prompt_tokens: int
    total_tokens: int


class _Embedding(_Base):
    object: str
    index: int
    embedding: list[float]


class _EmbeddingB64(_Base):
    object: str
    index: int
    embedding: str


class _Embeddings(_Base):
    object: str
    data: list[_Embedding]
    model: str
    usage: _EmbUsage


class _EmbeddingsB64(_Base):
    object: str
    data: list[_EmbeddingB64]
    model: str
    usage: _EmbUsage


_encode = msgspec.json.Encoder().encode
_chat = msgspec.json.Decoder(_ChatCompletion).decode
_chunk = msgspec.json.Decoder(_Chunk).decode
_model_list = msgspec.json.Decoder(_ModelList).decode
_file_page = msgspec.json.Decoder(_FilePage).decode
_embeddings = msgspec.json.Decoder(_Embeddings).decode
_embeddings_b64 = msgspec.json.Decoder(_EmbeddingsB64).decode


class FloorAdapter:
    def __init__(self, pool: httpcore2.AsyncConnectionPool, base_url: str) -> None:
        self._pool = pool
        self._base = base_url.rstrip("/")
        self._headers = [
            (b"Authorization", b"Bearer " + API_KEY.encode()),
            (b"Accept", b"application/json"),
            (b"Content-Type", b"application/json"),
            (b"User-Agent", b"bench-floor"),
        ]

    async def _post(self, path: str, body: object) -> bytes:
        resp = await self._pool.request(
            "POST", self._base + path, headers=self._headers, content=_encode(body)
        )
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return resp.content

    async def _get(self, url: str) -> bytes:
        resp = await self._pool.request("GET", url, headers=self._headers)
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return resp.content

    async def chat(
        self, messages: list[dict[str, str]] | None = None, tools: list[dict[str, object]] | None = None
    ) -> int:
        body: dict[str, object] = {"model": CHAT_MODEL, "messages": messages or MESSAGES}
        if tools:
            body["tools"] = tools
        completion = _chat(await self._post("/chat/completions", body))
        return len(completion.choices[0].message.content or "")

    async def completion(self) -> object:
        return _chat(await self._post("/chat/completions", {"model": CHAT_MODEL, "messages": MESSAGES}))

    async def models(self) -> int:
        return len(_model_list(await self._get(self._base + "/models")).data)

    def _files_url(self, after: str | None) -> str:
        url = f"{self._base}/files?limit={PAGE_LIMIT}"
        return url if after is None else f"{url}&after={after}"

    async def files(self, work: AsyncWork | None) -> int:
        if work is not None:
            return await self._files_ahead(work)
        count, after = 0, None
        while True:
            page = _file_page(await self._get(self._files_url(after)))
            for item in page.data:
                count += bool(item.id)
            if not (page.has_more and page.data):
                return count
            after = page.data[-1].id

    async def _files_ahead(self, work: AsyncWork) -> int:
        # Latency variant: a producer task keeps one page in hand while the caller works on the last.
        async def produce(send: trio.MemorySendChannel[_FilePage]) -> None:
            async with send:
                after = None
                while True:
                    page = _file_page(await self._get(self._files_url(after)))
                    await send.send(page)
                    if not (page.has_more and page.data):
                        return
                    after = page.data[-1].id

        count = 0
        send, receive = trio.open_memory_channel[_FilePage](0)
        async with trio.open_nursery() as nursery, receive:
            nursery.start_soon(produce, send)
            async for page in receive:
                for item in page.data:
                    count += bool(item.id)
                await work()
        return count

    async def embeddings(self, *, b64: bool) -> list[list[float]]:
        body = {"model": EMBED_MODEL, "input": EMBED_INPUT, "encoding_format": "base64" if b64 else "float"}
        raw = await self._post("/embeddings", body)
        if b64:
            return [floats_from_base64(d.embedding) for d in _embeddings_b64(raw).data]
        return [d.embedding for d in _embeddings(raw).data]

    async def stream(self) -> tuple[int, int]:
        body = _encode({"model": CHAT_MODEL, "messages": MESSAGES, "stream": True})
        chunks = chars = 0
        async with self._pool.stream(
            "POST", self._base + "/chat/completions", headers=self._headers, content=body
        ) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            pending = b""
            async for data in resp.aiter_stream():
                events = (pending + data).split(b"\n\n")
                pending = events.pop()
                for event in events:
                    if not event.startswith(b"data: "):
                        continue
                    payload = event[6:]
                    if payload == b"[DONE]":
                        return chunks, chars
                    chunk = _chunk(payload)
                    chunks += 1
                    if chunk.choices and (text := chunk.choices[0].delta.content):
                        chars += len(text)
        return chunks, chars


@contextlib.asynccontextmanager
async def open_adapter(base_url: str) -> AsyncIterator[FloorAdapter]:
    # One TLS context for the pool (httpcore2 would build one per connection if given none); plain HTTP
    # needs none, and building it loads the CA bundle, so it is made only for https.
    ssl_context = httpcore2.default_ssl_context() if base_url.startswith("https:") else None
    async with httpcore2.AsyncConnectionPool(
        max_connections=100, max_keepalive_connections=100, ssl_context=ssl_context
    ) as pool:
        yield FloorAdapter(pool, base_url)
