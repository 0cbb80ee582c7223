"""``open_fake_server``: an in-process fake of the OpenAI HTTP API on 127.0.0.1, for tests and demos.

    async with open_fake_server(files=50) as server:
        server.script("POST", "/chat/completions", Reply.error(429, "slow down"))
        ...  # point a client at server.base_url
        assert server.stats.connections_opened == 1

Requests go to a scripted reply if one is queued for their method and path (FIFO), else to a
route override (``server.route``), else to the default routes, which answer deterministically in
the shapes of the real API. Unknown paths get a 404 in the OpenAI error shape.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Unpack
from urllib.parse import parse_qs, urlsplit

import trio

from ._azure import azure_path, azure_refusal
from ._batches import BatchOutcome, BatchPlan
from ._config import FakeServerConfig, FakeServerOptions
from ._http import Incoming, serve_connection
from ._records import Headers, RecordedRequest, ServerStats
from ._reply import Reply
from ._routes import Handler, Router, normalize_path
from ._state import ServerState

__all__ = ["FakeServer", "open_fake_server"]

_HOST = "127.0.0.1"


@asynccontextmanager
async def open_fake_server(**options: Unpack[FakeServerOptions]) -> AsyncGenerator[FakeServer, None]:
    """Run a fake OpenAI server for the duration of the block.

    It listens on 127.0.0.1 (an ephemeral port unless ``port=`` is given) and serves from tasks in a
    nursery bounded by this context; leaving the block closes the listener and every connection.
    An exception raised in the block comes out as itself, not wrapped in an ExceptionGroup.
    """
    config = FakeServerConfig(**options)
    listeners = await trio.open_tcp_listeners(config.port, host=_HOST)
    port: int = listeners[0].socket.getsockname()[1]
    server = FakeServer(config, port)
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(trio.serve_listeners, server._serve_connection, listeners)
            try:
                yield server
            finally:
                nursery.cancel_scope.cancel()
    except BaseExceptionGroup as group:
        leaf = _single(group)
        if leaf is group:
            raise
        context = leaf.__context__
        try:
            raise leaf
        finally:
            leaf.__context__ = context  # as if the group had never been there


async def _refuse(stream: trio.abc.Stream, status: int, reason: str, body: bytes) -> None:
    """Answer a WebSocket upgrade with a plain HTTP error and close."""
    head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
    await stream.send_all(head.encode() + b"connection: close\r\n\r\n" + body)


def _single(group: BaseExceptionGroup[BaseException]) -> BaseException | BaseExceptionGroup[BaseException]:
    """The one exception inside (possibly nested) groups, or the group when there are several."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        current = pending.pop()
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
        else:
            leaves.append(current)
    return leaves[0] if len(leaves) == 1 else group


class FakeServer:
    """A running fake server. Create it with ``open_fake_server`` (or ``FakeServerThread``)."""

    def __init__(self, config: FakeServerConfig, port: int) -> None:
        self.config = config
        self.port = port
        self.requests: list[RecordedRequest] = []
        """Every request received, in arrival order (a test may clear it between phases)."""
        self._state = ServerState(config)
        self._router = Router(self._state)
        self._connections_opened = 0
        self._connections_open = 0
        self._client_disconnects = 0
        self._requests_served = 0
        self._changed = trio.Event()

    def __repr__(self) -> str:
        stats = self.stats
        return (
            f"<FakeServer {self.base_url} connections={stats.connections_open}/{stats.connections_opened}"
            f" requests={stats.requests_served}>"
        )

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what a client's ``base_url`` should be."""
        return f"http://{_HOST}:{self.port}/v1"

    @property
    def azure_endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: an Azure client's ``azure_endpoint`` (requests then go to the Azure
        shapes under ``/openai/...``; ``azure_endpoint + "/openai/v1"`` is the newer v1 style)."""
        return f"http://{_HOST}:{self.port}"

    @property
    def stats(self) -> ServerStats:
        return ServerStats(
            connections_opened=self._connections_opened,
            connections_open=self._connections_open,
            requests_served=self._requests_served,
            client_disconnects=self._client_disconnects,
        )

    @property
    def errors(self) -> list[Exception]:
        """Exceptions raised by route handlers (each was answered with a 500); a test can assert it is empty."""
        return list(self._router.errors)

    @property
    def pending_scripts(self) -> int:
        """Scripted replies not yet consumed by a request."""
        return self._router.pending()

    async def wait_for_stats(self, predicate: Callable[[ServerStats], bool]) -> ServerStats:
        """Wait until ``predicate(server.stats)`` holds, e.g. ``lambda s: s.connections_open == 0``.

        It rechecks whenever a counter changes. It waits as long as it takes: put it under
        ``trio.fail_after``.
        """
        while not predicate(stats := self.stats):
            await self._changed.wait()
        return stats

    def _stats_changed(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Queue replies for the next requests to ``method path``, first in, first out.

        ``path`` may be given with or without the ``/v1`` prefix and its leading slash
        (``"chat/completions"`` and ``"/v1/chat/completions"`` are the same); a query string is
        ignored, and matching ignores the request's query too. Once the queue is empty, requests
        fall back to the override or default route.
        """
        self._router.script(method, path, *replies)

    def plan_batch(self, outcome: BatchOutcome = "completed", *, finish: int = 0, polls: int = 1) -> None:
        """Make the next created batch end with ``outcome``: ``"completed"``, ``"failed"`` (at
        validation) or ``"expired"`` (after answering ``finish`` requests); ``polls`` retrieves
        make it move one status step. Plans queue up, one per ``POST /v1/batches``."""
        if outcome not in ("completed", "failed", "expired"):
            raise ValueError(f"outcome must be 'completed', 'failed' or 'expired', not {outcome!r}")
        if polls < 1 or finish < 0:
            raise ValueError("polls must be >= 1 and finish >= 0")
        self._state.batch_plans.append(BatchPlan(outcome=outcome, finish=finish, polls=polls))

    @property
    def uploaded_files(self) -> dict[str, bytes]:
        """The content of every file uploaded (and every batch output file), by id."""
        return {file_id: stored.data for file_id, stored in self._state.uploads.items()}

    def route(self, method: str, path: str, handler: Handler | None) -> None:
        """Answer every request to ``method path`` with ``handler(request) -> Reply`` (None removes it).

        Paths are matched as in ``script``. Scripted replies still take precedence.
        """
        self._router.override(method, path, handler)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The recorded requests for ``method path`` (path matched as in ``script``)."""
        wanted = (method.upper(), normalize_path(path))
        return [
            request for request in self.requests if (request.method, normalize_path(request.path)) == wanted
        ]

    # The connection layer's side (see _http.App).

    @property
    def idle_timeout(self) -> float:
        return self.config.idle_timeout

    def answer(self, incoming: Incoming, connection_id: int) -> tuple[Reply, list[tuple[str, str]]]:
        request = self._record(incoming, connection_id)
        reply = self._router.dispatch(request)
        return reply, self._headers(reply, request, self._requests_served)

    async def serve_websocket(self, stream: trio.abc.Stream, incoming: Incoming, connection_id: int) -> None:
        """A WebSocket upgrade: a Realtime session at ``/v1/realtime`` (see ``_realtime``); any
        other path is answered 404 as over HTTP."""
        request = self._record(incoming, connection_id)
        if normalize_path(request.path) != "/v1/realtime":
            body = b'{"error": {"message": "Not found.", "type": "invalid_request_error"}}'
            await _refuse(stream, 404, "Not Found", body)
            return
        from ._realtime import serve_realtime

        model = request.query_value("model")
        authorized = (request.headers.get("authorization") or "").startswith("Bearer ")
        shape = azure_path(request.path)
        if shape is not None:  # Azure: api-version and credential checks, the deployment for the model
            refusal = azure_refusal(request, shape, self.config)
            if refusal is not None:
                await _refuse(stream, refusal.status, "Refused", refusal.payload())
                return
            authorized = True
            model = request.query_value("deployment") or model
        await serve_realtime(
            stream, incoming.raw, model=model, authorized=authorized, idle_timeout=self.config.idle_timeout
        )

    def _record(self, incoming: Incoming, connection_id: int) -> RecordedRequest:
        self._requests_served += 1
        number = self._requests_served
        parts = urlsplit(incoming.target)
        request = RecordedRequest(
            method=incoming.method.upper(),
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=Headers(incoming.headers),
            body=incoming.body,
            connection_id=connection_id,
            request_id=f"req_{number}",
        )
        self.requests.append(request)
        self._stats_changed()
        return request

    def client_gone(self) -> None:
        self._client_disconnects += 1
        self._stats_changed()

    def _headers(self, reply: Reply, request: RecordedRequest, number: int) -> list[tuple[str, str]]:
        config = self.config
        spent = len(request.body) // 4 + 1
        headers = {
            "x-request-id": request.request_id,
            "openai-version": "2020-10-01",
            "openai-processing-ms": "1",
            "x-ratelimit-limit-requests": str(config.rate_limit_requests),
            "x-ratelimit-remaining-requests": str(
                config.rate_limit_requests - 1 - (number - 1) % config.rate_limit_requests
            ),
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-limit-tokens": str(config.rate_limit_tokens),
            "x-ratelimit-remaining-tokens": str(max(0, config.rate_limit_tokens - spent)),
            "x-ratelimit-reset-tokens": "6ms",
            "server": "trio-openai-fake",
        }
        content_type = reply.content_type()
        if content_type is not None:
            headers["content-type"] = content_type
        for name, value in reply.headers.items():
            headers[name.lower()] = value
        return list(headers.items())

    async def _serve_connection(self, stream: trio.SocketStream) -> None:
        self._connections_opened += 1
        self._connections_open += 1
        self._stats_changed()
        try:
            await serve_connection(stream, self._connections_opened, self)
        finally:
            self._connections_open -= 1
            self._stats_changed()
