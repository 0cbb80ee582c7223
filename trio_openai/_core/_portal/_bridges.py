"""Blocking wrappers around async iterables and async context managers, driven through a portal."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

import trio

from ._errors import PortalError
from ._job import Job

if TYPE_CHECKING:
    from ._portal import Portal
    from ._runner import Runner

__all__ = ["BlockingContextManager", "BlockingIterator"]

T = TypeVar("T")


class _End:
    """Marks the end of an async iteration (StopAsyncIteration does not cross tasks nicely)."""


_END = _End()


class BlockingIterator(Generic[T]):
    """A blocking iterator over an async iterable; made by `Portal.iterate`.

    Each `next()` runs one `__anext__` as a portal call (so Ctrl-C cancels it cleanly). The
    iterator owns its source: `close()` acloses the async iterator and the source (those that
    have an `aclose`) inside the portal, once. It is called on exhaustion, on an error from the
    source, and by `__exit__`; call it yourself (or use `with`) when you stop early. After
    Ctrl-C (or any non-`Exception`), the close is forceful: the acloses run already cancelled,
    as with `trio.aclose_forcefully`. Not for use by several threads at once.
    """

    def __init__(self, portal: Portal, source: AsyncIterable[T]) -> None:
        self._portal = portal
        self._source = source
        self._iterator: AsyncIterator[T] | None = None
        self._closed = False

    def __iter__(self) -> BlockingIterator[T]:
        return self

    def __next__(self) -> T:
        if self._closed:
            raise StopIteration
        try:
            item = self._portal.call(self._anext)
        except Exception:
            self._close_after_error(forceful=False)
            raise
        except BaseException:  # Ctrl-C and friends: close, but without waiting on I/O
            self._close_after_error(forceful=True)
            raise
        if isinstance(item, _End):
            self.close()
            raise StopIteration
        return item

    def __enter__(self) -> BlockingIterator[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None or isinstance(exc, Exception):
            self.close()
        else:
            self._close_after_error(forceful=True)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the async side inside the portal. Idempotent."""
        self._close(forceful=False)

    def _close(self, *, forceful: bool) -> None:
        if self._closed:
            return
        self._closed = True
        self._portal.call(self._aclose, forceful)

    def _close_after_error(self, *, forceful: bool) -> None:
        # The error that ended the iteration matters more than one from closing.
        try:
            self._close(forceful=forceful)
        except Exception:
            pass

    async def _anext(self) -> T | _End:
        if self._iterator is None:
            self._iterator = aiter(self._source)
        try:
            return await anext(self._iterator)
        except StopAsyncIteration:
            return _END

    async def _aclose(self, forceful: bool) -> None:
        # Forceful: like trio.aclose_forcefully, each aclose runs already cancelled, so it
        # releases what it holds without waiting on the network.
        seen: list[object] = []
        for obj in (self._iterator, self._source):
            aclose = getattr(obj, "aclose", None)
            if aclose is not None and not any(obj is other for other in seen):
                seen.append(obj)
                with trio.CancelScope() as scope:
                    if forceful:
                        scope.cancel()
                    await aclose()


class _Hold(Generic[T]):
    """The meeting point between a `with` block's thread and the portal task holding the async cm."""

    def __init__(self, cm: AbstractAsyncContextManager[T]) -> None:
        self.cm = cm
        self.entered = threading.Lock()
        self.entered.acquire()
        self.value: tuple[T] | None = None
        self.exc: BaseException | None = None
        self._exit_requested: trio.Event | None = None

    async def run(self) -> bool:
        """Portal task: enter the cm, wait for the `with` body to end, exit the cm; True = suppress."""
        self._exit_requested = trio.Event()
        try:
            self.value = (await self.cm.__aenter__(),)
        finally:
            self.entered.release()
        try:
            await self._exit_requested.wait()
        except BaseException as interrupted:  # cancelled: the portal is closing or the caller was interrupted
            await self.cm.__aexit__(type(interrupted), interrupted, interrupted.__traceback__)
            raise  # even if the cm swallowed it: the caller must learn that the block was cut short
        exc = self.exc
        self.exc = None
        if exc is None:
            return bool(await self.cm.__aexit__(None, None, None))
        return bool(await self.cm.__aexit__(type(exc), exc, exc.__traceback__))

    def request_exit(self) -> None:
        """Portal thread (run_sync_soon callback): let `run` go on to exit the cm."""
        assert self._exit_requested is not None
        self._exit_requested.set()


class BlockingContextManager(Generic[T]):
    """A blocking context manager around an async one; made by `Portal.wrap_async_cm`.

    `__enter__` starts a portal task that enters the async cm and then waits; `__exit__` lets
    that same task exit it, passing the body's exception along (the async cm may suppress it).
    Because enter and exit happen in one task, cms holding cancel scopes or nurseries work.
    If the portal closes while the block is open, the async cm is exited (cancelled) there and
    `__exit__` raises `PortalClosedError`. Single use.
    """

    def __init__(self, portal: Portal, cm: AbstractAsyncContextManager[T]) -> None:
        self._portal = portal
        self._hold = _Hold(cm)
        self._job: Job[bool] | None = None
        self._runner: Runner | None = None

    def __enter__(self) -> T:
        if self._job is not None:
            raise PortalError("this context manager was already entered")
        runner = self._portal._runner_for_call()
        hold = self._hold
        job = self._job = Job(hold.run, (), {}, long_lived=True)
        self._runner = runner
        self._portal._submit_and_wait(runner, job, hold.entered)
        if hold.value is not None:
            return hold.value[0]
        # Entering failed (or was cancelled): the job's outcome says why.
        self._portal._wait_or_interrupt(runner, job)
        job.unwrap()
        raise PortalError("the async context manager was not entered")  # pragma: no cover

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        job, runner = self._job, self._runner
        if job is None or runner is None:
            raise PortalError("this context manager was not entered")
        self._portal._check_caller()
        self._hold.exc = exc
        runner.run_soon(self._hold.request_exit)  # if the run is over, the job has finished anyway
        self._portal._wait_or_interrupt(runner, job)
        return job.unwrap()
