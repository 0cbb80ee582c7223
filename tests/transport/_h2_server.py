"""A real HTTP/2 server for transport tests: hypercorn (trio worker) with a trustme certificate.

``async with open_h2_server(ca, **config) as server`` serves a tiny ASGI app on 127.0.0.1 (dynamic port,
TLS with ALPN h2) until the block ends. ``GET /v1/models/{id}`` answers a model; ``slow`` waits 30 s
(for cancellation), ``reset`` starts a body and then fails, which hypercorn turns into a stream reset.
The server records each request's HTTP version and client port (one port = one connection).
"""

from __future__ import annotations

import json
import logging
import ssl
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import trio
import trustme
from hypercorn.config import Config
from hypercorn.trio import serve

__all__ = ["H2Server", "client_tls", "open_h2_server"]


class H2Server:
    def __init__(self) -> None:
        self.base_url = ""
        self.seen: list[tuple[str, int, str]] = []  # (http_version, client port, path)
        self.in_flight = 0

    @property
    def client_ports(self) -> set[int]:
        return {port for _, port, _ in self.seen}

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path: str = scope["path"]
        self.seen.append((scope["http_version"], scope["client"][1], path))
        name = path.rsplit("/", 1)[-1]
        self.in_flight += 1
        try:
            if name == "slow":
                await trio.sleep(30)
            if name.startswith("delay-"):
                await trio.sleep(float(name.removeprefix("delay-")))
            body = json.dumps({"id": name, "object": "model", "created": 1, "owned_by": "h2"}).encode()
            headers = [(b"content-type", b"application/json")]
            if name == "reset":
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body[:5], "more_body": True})
                raise RuntimeError("the application failed mid-body")
            headers.append((b"content-length", str(len(body)).encode()))
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        finally:
            self.in_flight -= 1


def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@asynccontextmanager
async def open_h2_server(ca: trustme.CA, **options: Any) -> AsyncIterator[H2Server]:
    server = H2Server()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    with tempfile.TemporaryDirectory() as tmp:
        certfile, keyfile = Path(tmp) / "cert.pem", Path(tmp) / "key.pem"
        cert.cert_chain_pems[0].write_to_path(str(certfile))
        for extra in cert.cert_chain_pems[1:]:
            extra.write_to_path(str(certfile), append=True)
        cert.private_key_pem.write_to_path(str(keyfile))
        config = Config()
        config.bind = ["127.0.0.1:0"]
        config.certfile, config.keyfile = str(certfile), str(keyfile)
        config.alpn_protocols = ["h2", "http/1.1"]
        config.accesslog = None
        config.errorlog = logging.getLogger("tests.h2server")
        config.graceful_timeout = 0.5
        for key, value in options.items():
            setattr(config, key, value)
        stop = trio.Event()
        async with trio.open_nursery() as nursery:
            binds: list[str] = await nursery.start(
                partial(serve, server.app, config, shutdown_trigger=stop.wait)
            )
            server.base_url = binds[0].replace("0.0.0.0", "127.0.0.1") + "/v1"
            try:
                with trio.fail_after(60):  # a bounded life
                    yield server
            finally:
                stop.set()
                nursery.cancel_scope.deadline = trio.current_time() + 3
