"""Client CPU per call of trio_openai's own layers, with no sockets: an in-memory transport answers
every request with a canned body, so what is measured is request building, the retry loop, result
handling and decoding (and what a bare httpcore2 request + msgspec decode costs, as the floor).

    .venv/bin/python benchmarks/layers_micro.py [calls-per-round] [rounds]

Each row prints the best and the median microseconds per call over the rounds (``time.process_time``).
``--profile ROW`` runs one row under cProfile instead and prints the top functions.
"""

from __future__ import annotations

import cProfile
import pstats
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(_HERE))
sys.path.insert(0, str(_HERE.parent))

import httpcore2  # noqa: E402
import msgspec  # noqa: E402
import trio  # noqa: E402
from adapters._contract import API_KEY, CHAT_MODEL, CONVERSATIONS, MESSAGES, TOOLS  # noqa: E402
from adapters.floor import _FilePage  # noqa: E402
from gen_data import _chat_completion, _dumps, _models, _pages  # noqa: E402

import trio_openai  # noqa: E402
from trio_openai.types.chat import ChatCompletion  # noqa: E402

CHAT = _dumps(_chat_completion(random.Random(1)))
MODELS = _dumps(_models())


class _Canned:
    """A transport answering every request with one canned body (no sockets, no copies)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.count = 0

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        self.count += 1
        headers = [
            (b"Content-Type", b"application/json"),
            (b"x-request-id", b"req_%024d" % self.count),
            (b"Content-Length", str(len(self.body)).encode()),
        ]
        return httpcore2.Response(200, headers=headers, content=self.body)

    async def aclose(self) -> None:
        pass


class _CannedPages(_Canned):
    """The 50 cursor pages of the benchmark's listing, picked by the ``after`` query parameter."""

    def __init__(self) -> None:
        super().__init__(b"")
        self.pages = _pages()

    async def handle_async_request(self, request: httpcore2.Request) -> httpcore2.Response:
        target = request.url.target
        after = target.rpartition(b"after=")[2].decode() if b"after=" in target else "first"
        self.body = self.pages[after]
        return await super().handle_async_request(request)


_chat_dec = msgspec.json.Decoder(ChatCompletion)
_models_dec = msgspec.json.Decoder(dict[str, Any])
_enc = msgspec.json.Encoder()


def _floor(
    transport: _Canned, body_of: Callable[[], dict[str, Any]], decode: Any, method: bytes, path: bytes
):
    headers = [
        (b"Host", b"127.0.0.1"),
        (b"Authorization", b"Bearer " + API_KEY.encode()),
        (b"Accept", b"application/json"),
        (b"Content-Type", b"application/json"),
        (b"User-Agent", b"bench-floor"),
    ]
    url = httpcore2.URL(scheme=b"http", host=b"127.0.0.1", port=8000, target=path)

    async def op() -> None:
        content = _enc.encode(body_of()) if method == b"POST" else None
        resp = await transport.handle_async_request(
            httpcore2.Request(method, url, headers=headers, content=content)
        )
        data = await resp.aread()
        await resp.aclose()
        decode(data)

    return op


def canned_client(body: bytes, transport: _Canned | None = None) -> tuple[trio_openai.AsyncOpenAI, _Canned]:
    """A client whose every request is answered by a `_Canned` transport."""
    transport = transport or _Canned(body)
    client = trio_openai.AsyncOpenAI(api_key=API_KEY, base_url="http://127.0.0.1:8000/v1")
    client._config = client._config.replace(default_headers={}, transport=transport)  # pyright: ignore
    return client, transport


def rows() -> dict[str, Callable[[], Awaitable[Any]]]:
    chat_client, chat_t = canned_client(CHAT)
    models_client, models_t = canned_client(MODELS)
    pages_client, pages_t = canned_client(b"", _CannedPages())

    def chat(messages: Any, tools: Any = None) -> Callable[[], Awaitable[Any]]:
        if tools is None:
            return lambda: chat_client.chat.completions.create(model=CHAT_MODEL, messages=messages)
        return lambda: chat_client.chat.completions.create(model=CHAT_MODEL, messages=messages, tools=tools)

    def body(messages: Any, tools: Any = None) -> Callable[[], dict[str, Any]]:
        if tools is None:
            return lambda: {"model": CHAT_MODEL, "messages": messages}
        return lambda: {"model": CHAT_MODEL, "messages": messages, "tools": tools}

    post = (b"POST", b"/v1/chat/completions")
    return {
        "chat": chat(MESSAGES),
        "chat floor": _floor(chat_t, body(MESSAGES), _chat_dec.decode, *post),
        "tools20": chat(MESSAGES, TOOLS),
        "tools20 floor": _floor(chat_t, body(MESSAGES, TOOLS), _chat_dec.decode, *post),
        "conv100": chat(CONVERSATIONS[100]),
        "conv100 floor": _floor(chat_t, body(CONVERSATIONS[100]), _chat_dec.decode, *post),
        "models": lambda: _count(models_client),
        "models floor": _floor(models_t, dict, _models_dec.decode, b"GET", b"/v1/models"),
        "pages/50": lambda: _walk(pages_client),
        "pages/50 floor": _floor_pages(pages_t),
    }


async def _walk(client: trio_openai.AsyncOpenAI) -> int:
    # The benchmark adapter's walk: plain iteration with the client open (so it fetches ahead).
    await client._open_nursery()  # pyright: ignore  # as `async with client` does (once)
    count = 0
    async for item in client.files.list(limit=100):
        count += bool(item.id)
    assert count == 5000
    return count


def _floor_pages(transport: _Canned) -> Callable[[], Awaitable[Any]]:
    decode = msgspec.json.Decoder(_FilePage).decode
    headers = [(b"Host", b"127.0.0.1"), (b"Authorization", b"Bearer " + API_KEY.encode())]

    async def op() -> int:
        count, after = 0, None
        while True:
            target = b"/v1/files?limit=100" + (b"" if after is None else b"&after=" + after.encode())
            url = httpcore2.URL(scheme=b"http", host=b"127.0.0.1", port=8000, target=target)
            resp = await transport.handle_async_request(httpcore2.Request(b"GET", url, headers=headers))
            page = decode(await resp.aread())
            await resp.aclose()
            count += sum(bool(item.id) for item in page.data)
            if not (page.has_more and page.data):
                return count
            after = page.data[-1].id

    return op


async def _count(client: trio_openai.AsyncOpenAI) -> int:
    return len((await client.models.list()).data)


async def _rounds(
    table: dict[str, Callable[[], Awaitable[Any]]], calls: int, rounds: int
) -> dict[str, list[float]]:
    """Interleaved: each round runs every row once, so a burst of other load hits all rows alike."""
    for op in table.values():
        for _ in range(200):
            await op()
    out: dict[str, list[float]] = {name: [] for name in table}
    for _ in range(rounds):
        for name, op in table.items():
            start = time.process_time()
            for _ in range(calls):
                await op()
            out[name].append((time.process_time() - start) / calls * 1e6)
    return out


async def main() -> None:
    argv = sys.argv[1:]
    profile = None
    if "--profile" in argv:
        at = argv.index("--profile")
        profile = argv[at + 1]
        del argv[at : at + 2]
    args = argv
    calls = int(args[0]) if args else 2000
    rounds = int(args[1]) if len(args) > 1 else 7
    table = rows()
    if profile is not None:
        op = table[profile]
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(calls):
            await op()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    results = await _rounds(table, calls, rounds)
    for name, vals in results.items():
        floor = results.get(f"{name} floor")
        extra = ""
        if floor:
            extra = f"  (best {min(vals) - min(floor):+.1f} us, {min(vals) / min(floor):.2f}x its floor)"
        print(f"{name:16} best {min(vals):6.1f} us  median {statistics.median(vals):6.1f} us{extra}")


if __name__ == "__main__":
    trio.run(main)
