"""A tiny HTTP/1.1 server that answers `GET /v1/files?after=...` with the canned pages after a delay.

Stock nginx cannot wait before answering (`echo_sleep` is a third-party module, and `limit_rate` shapes
bandwidth, not latency), so the latency variant of the pagination scenario uses this instead: plain
asyncio, keep-alive, one task per connection, and `asyncio.sleep(delay)` before each response. That is
an honest stand-in for an API that takes `delay` seconds per page: the server holds the response, the
client's CPU is free.

Run: python benchmarks/delay_server.py ROOT DELAY_SECONDS
It prints `PORT <n>` once listening on 127.0.0.1 and serves until stdin closes or it gets SIGTERM.
"""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

_SAFE_KEY = re.compile(r"^file-[0-9A-Za-z]+$")


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


class _Pages:
    def __init__(self, root: Path) -> None:
        self._pages = {p.stem: p.read_bytes() for p in (root / "pages").glob("*.json")}

    def answer(self, target: str) -> bytes:
        url = urlsplit(target)
        if not url.path.endswith("/v1/files"):
            return _response("404 Not Found", b'{"error":{"message":"not found"}}')
        after = parse_qs(url.query).get("after", [""])[0]
        key = "first" if not after else after if _SAFE_KEY.match(after) else "missing"
        body = self._pages.get(key)
        if body is None:
            return _response("404 Not Found", b'{"error":{"message":"no such page"}}')
        return _response("200 OK", body)


async def _serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pages: _Pages, delay: float
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            target = lines[0].split(" ")[1]
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(delay)
            writer.write(pages.answer(target))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _main(root: Path, delay: float) -> None:
    pages = _Pages(root)
    server = await asyncio.start_server(
        lambda r, w: _serve_connection(r, w, pages, delay), host="127.0.0.1", port=0
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    # Serve until the parent closes our stdin (so we never outlive it).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(_main(Path(sys.argv[1]), float(sys.argv[2])))
