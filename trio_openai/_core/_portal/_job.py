"""One unit of work sent to the portal thread, and the caller's side of waiting for it.

A `Job` is created in the calling thread, runs as a task inside the portal's trio run, and hands
its `outcome` back through a `threading.Lock` that starts out held: the task releases it when the
result is in place, the caller acquires it to wait. That is the lightest handoff between threads
that CPython offers (one futex wake), and the lock is released exactly once per job.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import outcome
import trio

from ._errors import CallInterruptedError, PortalClosedError, PortalError

__all__ = ["Job", "acquire", "is_cancellation"]

T = TypeVar("T")

# How long the main thread sleeps between checks for pending signals. A process-directed SIGINT
# may be delivered to any thread; the main thread only notices it at its next wake-up.
_SIGNAL_POLL_INTERVAL = 0.05


def is_cancellation(exc: BaseException) -> bool:
    """Whether `exc` is a trio `Cancelled`, or a group made only of them."""
    if isinstance(exc, trio.Cancelled):
        return True
    if isinstance(exc, BaseExceptionGroup):
        group: BaseExceptionGroup[BaseException] = exc  # pyright: ignore[reportUnknownVariableType]
        return group.split(trio.Cancelled)[1] is None
    return False


class Job(Generic[T]):
    """An async call waiting to run, running, or finished inside the portal."""

    __slots__ = (
        "_args",
        "_cancel_requested",
        "_done",
        "_fn",
        "_kwargs",
        "_scope",
        "cancellable",
        "finished",
        "lane",
        "long_lived",
        "result",
    )

    def __init__(
        self,
        fn: Callable[..., Awaitable[T]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        long_lived: bool = False,
    ) -> None:
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._done = threading.Lock()
        self._done.acquire()
        self._scope: trio.CancelScope | None = None
        self._cancel_requested = False
        # Only the main thread gets signals (Ctrl-C), so only its calls are ever cancelled one by
        # one; the others skip the cost of a cancel scope (closing the portal still cancels them).
        self.cancellable = threading.current_thread() is threading.main_thread()
        # A job that outlives the caller's wait (it holds an async context open) gets a scope of
        # its own; see Runner for the lane that the main thread's other calls share.
        self.long_lived = long_lived
        self.lane: trio.Nursery | None = None
        self.finished = False
        self.result: outcome.Outcome[T] | None = None

    # -- portal side (these run in the portal's trio thread) --------------------------------------

    async def run(self) -> None:
        """Run the call as a portal task; never raises (everything lands in `result`).

        The task must be cancellable from outside by other means (the nursery it runs in).
        """
        self._finish_with(await outcome.acapture(self._fn, *self._args, **self._kwargs))

    async def run_in_scope(self) -> None:
        """Like `run`, inside a cancel scope of its own that `cancel` cancels."""
        result: outcome.Outcome[T] = outcome.Error(PortalError("the call did not run"))
        with trio.CancelScope() as scope:
            self._scope = scope
            if self._cancel_requested:
                scope.cancel()
            result = await outcome.acapture(self._fn, *self._args, **self._kwargs)
        self._finish_with(result)

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_requested

    def interrupted_error(self) -> PortalError:
        """The error of a job its caller gave up on."""
        return CallInterruptedError("the call was cancelled because the calling thread was interrupted")

    def give_up(self) -> None:
        """Note, from the caller's thread, that the caller gave up before the job was surely handed
        over: a job not yet started then never starts (`Runner._spawn` checks)."""
        self._cancel_requested = True

    def cancel(self) -> None:
        """Note that the caller gave up, and cancel the job's own scope if it has one (portal thread)."""
        self._cancel_requested = True
        if self._scope is not None:
            self._scope.cancel()

    def _finish_with(self, result: outcome.Outcome[T]) -> None:
        if isinstance(result, outcome.Error) and is_cancellation(result.error):
            # A trio Cancelled must never reach a foreign thread: say why the call stopped instead.
            result = outcome.Error(self._cancelled_error())
        self.finish(result)

    def finish(self, result: outcome.Outcome[T]) -> None:
        """Store the result and wake the caller. Called exactly once."""
        self.result = result
        self.finished = True
        self._done.release()

    def _cancelled_error(self) -> PortalError:
        if self._cancel_requested:
            return self.interrupted_error()
        return PortalClosedError("the portal closed while the call was running")

    # -- caller side --------------------------------------------------------------------------------

    def unwrap(self) -> T:
        """Return the result, or raise the call's exception (with its original traceback)."""
        result = self.result
        if result is None:  # pragma: no cover - wait() guarantees a result
            raise PortalError("the call has no result yet")
        self.result = None  # drop the reference: the traceback may hold big frames
        return result.unwrap()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job finishes (at most `timeout` seconds); interruptible by signals."""
        return acquire(self._done, timeout, interruptible=self.cancellable)


def acquire(lock: threading.Lock, timeout: float | None = None, *, interruptible: bool = True) -> bool:
    """Acquire `lock`; in the main thread, wake up regularly to run signal handlers (Ctrl-C).

    A process-directed signal may be delivered to any thread, and CPython only runs the handler
    when the main thread next executes bytecode, so a plain blocking acquire could sleep through
    Ctrl-C. `interruptible=False` skips the polling (for callers known not to be the main thread).
    """
    if not interruptible or threading.current_thread() is not threading.main_thread():
        return lock.acquire(timeout=-1 if timeout is None else timeout)
    if timeout is None:
        while not lock.acquire(timeout=_SIGNAL_POLL_INTERVAL):
            pass
        return True
    return (
        lock.acquire(timeout=timeout) if timeout <= _SIGNAL_POLL_INTERVAL else _acquire_polling(lock, timeout)
    )


def _acquire_polling(lock: threading.Lock, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return lock.acquire(blocking=False)
        if lock.acquire(timeout=min(remaining, _SIGNAL_POLL_INTERVAL)):
            return True
