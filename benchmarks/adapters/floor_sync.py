"""The blocking floor: httpcore2's blocking `ConnectionPool` and msgspec, with no client logic.

The same work as `floor.py` (the same Structs and decoders, reused from there) without trio: the least
any blocking client built on httpcore2 can cost, so the blocking clients' rows have a floor of their
own kind. Threads share one pool (the pool is thread-safe); in `pages_latency` a producer thread
fetches one page ahead through a queue of one.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator

import httpcore2

from ._contract import (
    API_KEY,
    CHAT_MODEL,
    EMBED_INPUT,
    EMBED_MODEL,
    MESSAGES,
    PAGE_LIMIT,
    SyncWork,
    floats_from_base64,
)
from .floor import (
    _chat,
    _chunk,
    _embeddings,
    _embeddings_b64,
    _encode,
    _file_page,
    _FilePage,
    _model_list,
)


class FloorSyncAdapter:
    def __init__(self, pool: httpcore2.ConnectionPool, base_url: str) -> None:
        self._pool = pool
        self._base = base_url.rstrip("/")
        self._headers = [
            (b"Authorization", b"Bearer " + API_KEY.encode()),
            (b"Accept", b"application/json"),
            (b"Content-Type", b"application/json"),
            (b"User-Agent", b"bench-floor"),
        ]

    def _post(self, path: str, body: object) -> bytes:
        resp = self._pool.request("POST", self._base + path, headers=self._headers, content=_encode(body))
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return resp.content

    def _get(self, url: str) -> bytes:
        resp = self._pool.request("GET", url, headers=self._headers)
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status}")
        return resp.content

    def chat(
        self, messages: list[dict[str, str]] | None = None, tools: list[dict[str, object]] | None = None
    ) -> int:
        body: dict[str, object] = {"model": CHAT_MODEL, "messages": messages or MESSAGES}
        if tools:
            body["tools"] = tools
        completion = _chat(self._post("/chat/completions", body))
        return len(completion.choices[0].message.content or "")

    def completion(self) -> object:
        return _chat(self._post("/chat/completions", {"model": CHAT_MODEL, "messages": MESSAGES}))

    def models(self) -> int:
        return len(_model_list(self._get(self._base + "/models")).data)

    def _files_url(self, after: str | None) -> str:
        url = f"{self._base}/files?limit={PAGE_LIMIT}"
        return url if after is None else f"{url}&after={after}"

    def _pages(self) -> Iterator[_FilePage]:
        after = None
        while True:
            page = _file_page(self._get(self._files_url(after)))
            yield page
            if not (page.has_more and page.data):
                return
            after = page.data[-1].id

    def files(self, work: SyncWork | None) -> int:
        count = 0
        pages = self._pages() if work is None else self._pages_ahead()
        for page in pages:
            for item in page.data:
                count += bool(item.id)
            if work is not None:
                work()
        return count

    def _pages_ahead(self) -> Iterator[_FilePage]:
        # One page in hand while the caller works on the last (a producer thread, a queue of one).
        done = object()
        ahead: queue.Queue[object] = queue.Queue(maxsize=1)

        def produce() -> None:
            try:
                for page in self._pages():
                    ahead.put(page)
            except BaseException as exc:  # handed to the consumer
                ahead.put(exc)
                return
            ahead.put(done)

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        while (item := ahead.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, _FilePage)
            yield item
        producer.join()

    def embeddings(self, *, b64: bool) -> list[list[float]]:
        body = {"model": EMBED_MODEL, "input": EMBED_INPUT, "encoding_format": "base64" if b64 else "float"}
        raw = self._post("/embeddings", body)
        if b64:
            return [floats_from_base64(d.embedding) for d in _embeddings_b64(raw).data]
        return [d.embedding for d in _embeddings(raw).data]

    def stream(self) -> tuple[int, int]:
        body = _encode({"model": CHAT_MODEL, "messages": MESSAGES, "stream": True})
        chunks = chars = 0
        with self._pool.stream(
            "POST", self._base + "/chat/completions", headers=self._headers, content=body
        ) as resp:
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            pending = b""
            for data in resp.iter_stream():
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


@contextlib.contextmanager
def open_adapter(base_url: str) -> Iterator[FloorSyncAdapter]:
    with httpcore2.ConnectionPool(max_connections=100, max_keepalive_connections=100) as pool:
        yield FloorSyncAdapter(pool, base_url)
