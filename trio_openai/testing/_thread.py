"""``FakeServerThread``: the fake server on its own daemon thread, for synchronous code and demos."""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar, Unpack

import trio

from ._batches import BatchOutcome
from ._config import FakeServerOptions
from ._records import RecordedRequest, ServerStats
from ._reply import Reply
from ._routes import Handler
from ._server import FakeServer, open_fake_server

__all__ = ["FakeServerThread"]

_START_TIMEOUT = 10.0
_T = TypeVar("_T")


class FakeServerThread:
    """Run ``open_fake_server(**options)`` in a daemon thread's own ``trio.run``.

        with FakeServerThread(chunk_delay=0.01) as server:
            client = OpenAI(base_url=server.base_url)
            ...

    Methods and properties mirror ``FakeServer`` and are safe to call from any thread: each one runs
    on the server's trio thread. Leaving the block stops the server and joins the thread for at most
    ``stop_timeout`` seconds (it is a daemon thread, so a stuck one never keeps the process alive).
    """

    def __init__(self, *, stop_timeout: float = 5.0, **options: Unpack[FakeServerOptions]) -> None:
        self._options = options
        self._stop_timeout = stop_timeout
        self._thread: threading.Thread | None = None
        self._server: FakeServer | None = None
        self._token: trio.lowlevel.TrioToken | None = None
        self._stop: trio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def __enter__(self) -> FakeServerThread:
        if self._thread is not None:
            raise RuntimeError("a FakeServerThread can only be started once")
        self._thread = threading.Thread(target=self._run, name="trio-openai-fake-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT):
            raise RuntimeError(f"the fake server did not start within {_START_TIMEOUT} s")
        if self._failure is not None:
            raise self._failure  # e.g. OSError when a fixed port is taken
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server (closing its connections) and join its thread, both bounded."""
        thread, token, stop = self._thread, self._token, self._stop
        if thread is None:
            return
        if token is not None and stop is not None and thread.is_alive():
            try:
                token.run_sync_soon(stop.set)
            except trio.RunFinishedError:
                pass
        thread.join(self._stop_timeout)
        if thread.is_alive():
            raise RuntimeError(f"the fake server thread did not stop within {self._stop_timeout} s")
        if self._failure is not None and self._server is not None:
            raise RuntimeError("the fake server thread crashed") from self._failure

    def _run(self) -> None:
        try:
            trio.run(self._main)
        except BaseException as failure:  # reported to the starting thread, not lost in this one
            self._failure = failure
        finally:
            self._ready.set()

    async def _main(self) -> None:
        async with open_fake_server(**self._options) as server:
            self._server = server
            self._token = trio.lowlevel.current_trio_token()
            self._stop = trio.Event()
            self._ready.set()
            await self._stop.wait()

    def _call(self, function: Callable[[], _T]) -> _T:
        if self._token is None or self._thread is None or not self._thread.is_alive():
            raise RuntimeError("the fake server thread is not running")
        return trio.from_thread.run_sync(function, trio_token=self._token)

    @property
    def server(self) -> FakeServer:
        """The server object itself; only touch it from the server's thread (``_call`` does)."""
        if self._server is None:
            raise RuntimeError("the fake server thread is not running")
        return self._server

    @property
    def port(self) -> int:
        """The port the server listens on (127.0.0.1 only)."""
        return self.server.port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``: pass it as a client's ``base_url``."""
        return self.server.base_url

    @property
    def azure_endpoint(self) -> str:
        """``http://127.0.0.1:<port>``: pass it as an Azure client's ``azure_endpoint``."""
        return self.server.azure_endpoint

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the recorded requests."""
        return self._call(lambda: list(self.server.requests))

    @property
    def stats(self) -> ServerStats:
        """Connections opened and open, requests served, clients that went away mid-answer."""
        return self._call(lambda: self.server.stats)

    @property
    def errors(self) -> list[Exception]:
        """Exceptions the server's own handlers raised (a test should assert this is empty)."""
        return self._call(lambda: self.server.errors)

    @property
    def pending_scripts(self) -> int:
        """How many scripted replies are still waiting for their request."""
        return self._call(lambda: self.server.pending_scripts)

    def script(self, method: str, path: str, *replies: Reply) -> None:
        """Queue ``replies`` for the next requests to ``method path``; see ``FakeServer.script``."""
        self._call(lambda: self.server.script(method, path, *replies))

    def plan_batch(self, outcome: BatchOutcome = "completed", *, finish: int = 0, polls: int = 1) -> None:
        self._call(lambda: self.server.plan_batch(outcome, finish=finish, polls=polls))

    @property
    def uploaded_files(self) -> dict[str, bytes]:
        return self._call(lambda: self.server.uploaded_files)

    def route(self, method: str, path: str, handler: Handler | None) -> None:
        """Answer ``method path`` with ``handler(request) -> Reply`` (None restores the default); see ``FakeServer.route``."""
        self._call(lambda: self.server.route(method, path, handler))

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """The recorded requests for ``method path``, oldest first."""
        return self._call(lambda: self.server.requests_to(method, path))
