"""A raw HTTP/1.1 server on 127.0.0.1 for transport tests: it writes exactly the bytes it is told to.

``async with open_raw_server(answer) as server``: for the n-th request received (counted over all
connections, from 0), ``answer(n)`` returns the list of parts to send: ``bytes`` are written as one
``send_all`` each, a ``float`` is a pause in seconds. Requests are read by their head only (the tests
send GETs). The server counts connections and requests, and stops when the block ends.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial

import trio

__all__ = ["RawServer", "json_response", "open_raw_server"]

Answer = Callable[[int], Sequence[bytes | float]]


def json_response(body: bytes, *, extra: bytes = b"") -> bytes:
    """An HTTP/1.1 200 with ``body`` and a correct Content-Length, followed by ``extra`` bytes."""
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
    return head + body + extra


class RawServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.port = 0
        self.connections = 0
        self.requests = 0
        self.targets: list[str] = []
        self.heads: list[bytes] = []  # every request head as received
        self.scheme = "http"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}/v1"

    async def serve(self, stream: trio.abc.Stream) -> None:
        self.connections += 1
        buffer = b""
        try:
            with trio.move_on_after(30):  # a bounded life for every connection
                while True:
                    while b"\r\n\r\n" not in buffer:
                        data = await stream.receive_some(65536)
                        if not data:
                            return
                        buffer += data
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    self.heads.append(head)
                    self.targets.append(head.split(b" ", 2)[1].decode())
                    n = self.requests
                    self.requests += 1
                    for part in self.answer(n):
                        if isinstance(part, bytes):
                            await stream.send_all(part)
                        else:
                            await trio.sleep(part)
        except (trio.BrokenResourceError, trio.ClosedResourceError, ssl.SSLError):
            pass
        finally:
            with trio.CancelScope(shield=True):
                await stream.aclose()


@asynccontextmanager
async def open_raw_server(answer: Answer, *, tls: ssl.SSLContext | None = None) -> AsyncIterator[RawServer]:
    """Serve on 127.0.0.1 (over TLS with ``tls``, a server-side context) until the block ends."""
    server = RawServer(answer)
    async with trio.open_nursery() as nursery:
        if tls is None:
            listeners: list[trio.SocketListener] = await nursery.start(
                partial(trio.serve_tcp, server.serve, 0, host="127.0.0.1")
            )
            server.port = listeners[0].socket.getsockname()[1]
        else:
            server.scheme = "https"
            tls_listeners: list[trio.SSLListener[trio.SocketStream]] = await nursery.start(
                partial(trio.serve_ssl_over_tcp, server.serve, 0, tls, host="127.0.0.1")
            )
            server.port = tls_listeners[0].transport_listener.socket.getsockname()[1]
        try:
            yield server
        finally:
            nursery.cancel_scope.cancel()
