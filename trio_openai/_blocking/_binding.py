"""Ties a blocking client's connection pool to the portal's trio run that uses it.

An httpcore2 pool on trio belongs to the trio run that made it: its sockets are registered with that
run's I/O manager. The portal runs one trio run at a time but may start a new one (after `close()`,
or in a forked child). Every call of the blocking client goes through `PoolBinding.run` inside the
portal, which notices a new run (its trio token differs from the one the pool was made in), drops
the old pool without I/O and registers a close callback so that the pool made in this run is closed
inside this run when the portal stops.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, Generic, ParamSpec, TypeVar

import trio

from .._core._portal import Portal
from .._core._transport import AsyncTransport, HTTPTransport

__all__ = ["PoolBinding"]

P = ParamSpec("P")
T = TypeVar("T")


class _BoundContextManager(Generic[T]):
    """An async context manager entered through `PoolBinding.run` (see `PoolBinding.wrap_cm`)."""

    __slots__ = ("_binding", "_cm")

    def __init__(self, binding: PoolBinding, cm: AbstractAsyncContextManager[T]) -> None:
        self._binding = binding
        self._cm = cm

    async def __aenter__(self) -> T:
        return await self._binding.run(self._cm.__aenter__)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        return await self._cm.__aexit__(exc_type, exc, tb)


class PoolBinding:
    """Shared by a blocking client and its `with_options` copies (they share one transport)."""

    __slots__ = ("__weakref__", "_portal", "_token", "_transport", "_unregister")

    _unregister: weakref.finalize[[], Any] | None

    def __init__(self, portal: Portal, transport: AsyncTransport) -> None:
        self._portal = portal
        self._transport = transport
        self._token: trio.lowlevel.TrioToken | None = None  # the run the pool belongs to
        self._unregister = None

    @property
    def bound_to_live_run(self) -> bool:
        """Whether the pool belongs to the portal's current run (call only while it is running)."""
        return self._token is not None and self._portal.running

    async def run(self, fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Portal side of every call: make sure the pool is this run's, then `await fn(...)`."""
        if self._token is not trio.lowlevel.current_trio_token():
            self._rebind()
        return await fn(*args, **kwargs)

    def wrap_cm(self, cm: AbstractAsyncContextManager[T]) -> AbstractAsyncContextManager[T]:
        """`cm`, entered (in the portal) with the pool bound to the current run, as `run` does."""
        return _BoundContextManager(self, cm)

    async def aclose(self, close: Callable[[], Awaitable[Any]]) -> None:
        """Portal side of the client's `close()`: `await close()` if the pool is this run's."""
        if self._token is not trio.lowlevel.current_trio_token():
            self.forget()
        self._drop_callback()
        self._token = None
        await close()

    def forget(self) -> None:
        """Drop the pool of an ended run (no I/O; any thread)."""
        if isinstance(self._transport, HTTPTransport):
            self._transport.forget_pool()

    def _rebind(self) -> None:
        # The pool (if any) was made in an earlier run, in this process or in the parent: drop it.
        self.forget()
        self._drop_callback()
        self._token = trio.lowlevel.current_trio_token()
        # The callback holds the binding weakly: a client dropped without close() is collected
        # with its pool instead of being kept alive until the portal stops.
        ref = weakref.ref(self)

        async def close_pool() -> None:
            binding = ref()
            if binding is not None:
                binding._token = None
                await binding._transport.aclose()

        # Unregistered when the client closes, or when the binding is collected.
        self._unregister = weakref.finalize(self, self._portal.on_close(close_pool))

    def _drop_callback(self) -> None:
        unregister, self._unregister = self._unregister, None
        if unregister is not None:
            unregister()  # a finalize runs its callback at most once
