"""A nursery that a system task holds open, so it can be opened in one task and closed in another.

A client's ``async with`` block owns a nursery for work that outlives a single call (fetching the
next page ahead of the caller). A nursery opened in ``__aenter__`` would tie the client to the task
that entered it: leaving the block from another task (an ``AsyncExitStack`` closed elsewhere, a
service torn down by its supervisor) corrupts trio's cancel-scope stack. Here the nursery lives in a
system task instead, so :meth:`HostedNursery.aclose` may run in any task of the same trio run, and
the blocking client can hold one open in the portal between calls.

The tasks started in it must not raise (fetch-ahead hands every failure to the caller as an
outcome); if one does anyway, :meth:`~HostedNursery.aclose` raises it rather than letting it crash
the run. A run that ends with the nursery still open cancels it, as it does every system task.
"""

from __future__ import annotations

import trio

from ._cleanup import shielded
from ._groups import unwrap_single

__all__ = ["HostedNursery"]


class HostedNursery:
    """A nursery run by a system task; ``await HostedNursery.open()``, then ``await host.aclose()``."""

    __slots__ = ("_done", "_error", "_nursery", "_scope")

    def __init__(self) -> None:
        self._scope = trio.CancelScope()
        self._done = trio.Event()
        self._nursery: trio.Nursery | None = None
        self._error: BaseException | None = None

    @classmethod
    async def open(cls) -> HostedNursery:
        host = cls()
        ready = trio.Event()
        trio.lowlevel.spawn_system_task(host._run, ready, name="trio_openai client nursery")
        try:
            await ready.wait()
        except BaseException:
            host._scope.cancel()  # cancelled while it started: it ends as soon as it runs
            raise
        return host

    @property
    def nursery(self) -> trio.Nursery | None:
        """The open nursery, or ``None`` once closing has begun."""
        return self._nursery

    async def _run(self, ready: trio.Event) -> None:
        try:
            with self._scope, unwrap_single():
                async with trio.open_nursery() as nursery:
                    self._nursery = nursery
                    ready.set()
                    await trio.sleep_forever()
        except Exception as exc:  # a task that broke the no-raise rule: handed to aclose
            self._error = exc
        finally:
            self._nursery = None
            ready.set()
            self._done.set()

    async def aclose(self) -> None:
        """Cancel the tasks and wait for them (bounded, and shielded from the caller's cancellation).
        Idempotent; from any task of the run that opened it."""
        self._nursery = None
        self._scope.cancel()
        with shielded():
            await self._done.wait()
        error, self._error = self._error, None
        if error is not None:
            raise error
