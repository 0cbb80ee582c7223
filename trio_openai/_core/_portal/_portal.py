"""The portal: run async functions from blocking code, on one shared background trio thread.

This is the engine of the blocking facade. It is generic: it knows how to run coroutines in a
trio run that lives in a daemon thread, and nothing about what they do.

    portal = get_portal()                      # process-wide, started on first use
    value = portal.call(async_fn, *args, **kwargs)
    for item in portal.iterate(async_iterable):  # or: with portal.iterate(...) as it: ...
        ...
    with portal.wrap_async_cm(async_cm) as value:
        ...

Guarantees:

* One daemon thread per portal runs `trio.run`; it starts on first use (thread-safe) and is
  shared by every calling thread. Calls from many threads run concurrently as separate tasks;
  calls submitted while the portal is busy share one wake-up of its trio run (see `Runner.submit`).
* Results and exceptions come back through `outcome`, so exceptions keep their type and their
  original traceback. A trio `Cancelled` never reaches the caller: if the portal closes under a
  call, the caller gets `PortalClosedError`.
* Ctrl-C: when the main thread is waiting in a call and SIGINT arrives, the call is cancelled
  inside the portal, given up to `interrupt_grace` seconds to unwind (so its `finally` blocks
  and connection releases run), and then `KeyboardInterrupt` is raised. The portal stays usable.
* Calling from a thread that is running trio (including the portal's own thread) raises
  `BlockingCallInTrioError` at once, carrying `misuse_hint`, instead of freezing a loop.
* `close(timeout)` cancels in-flight calls, awaits the close callbacks, and joins the thread for
  at most `timeout` seconds. At interpreter exit every live portal is closed the same way (bounded,
  never hangs the exit). A closed portal is *not* dead: the next call starts a fresh thread and
  trio run (a new `generation`).
* After `os.fork()` every portal in the child forgets the parent's (non-existent) thread and
  starts a fresh one on first use. Close callbacks from the parent are dropped: they belong to
  the parent's trio run.
* Resources bound to the portal's trio run (a connection pool made in a call) can be closed
  inside that run before it stops: register an async callback with `on_close`.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
import weakref
from collections.abc import AsyncIterable, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, ParamSpec, TypeVar

import trio

from ._bridges import BlockingContextManager, BlockingIterator
from ._errors import BlockingCallInTrioError, CallInterruptedError, PortalClosedError, PortalError
from ._job import Job, acquire
from ._runner import CloseCallback, Runner

__all__ = [
    "DEFAULT_MISUSE_HINT",
    "BlockingCallInTrioError",
    "BlockingContextManager",
    "BlockingIterator",
    "CallInterruptedError",
    "CloseCallback",
    "Portal",
    "PortalClosedError",
    "PortalError",
    "get_portal",
]

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_MISUSE_HINT = (
    "this blocking call cannot be made from a thread that is running trio "
    "(it would block the event loop); await the async API instead"
)
# Total time the interpreter-exit hook may spend closing portals.
_EXIT_TIMEOUT = 2.0

_portals: weakref.WeakSet[Portal] = weakref.WeakSet()


class Portal:
    """A daemon thread running trio, to which blocking code hands async work.

    Args:
        name: the thread's name (shows up in debuggers and thread dumps).
        misuse_hint: the message of the `BlockingCallInTrioError` raised when a blocking method is
            called from a thread running trio; say what to use instead ("use the async client").
            A plain attribute, so an owner may set it later.
        interrupt_grace: after Ctrl-C, how long (seconds) the caller waits for the cancelled call
            to unwind before raising `KeyboardInterrupt`.
    """

    def __init__(
        self,
        *,
        name: str = "trio-portal",
        misuse_hint: str = DEFAULT_MISUSE_HINT,
        interrupt_grace: float = 3.0,
    ) -> None:
        self.name = name
        self.misuse_hint = misuse_hint
        self.interrupt_grace = interrupt_grace
        self._lock = threading.Lock()
        self._runner: Runner | None = None
        self._generation = 0
        _portals.add(self)

    def __repr__(self) -> str:
        state = "running" if self.running else "idle"
        return f"<Portal {self.name!r} {state} generation={self._generation}>"

    @property
    def running(self) -> bool:
        """Whether the portal thread is currently up."""
        runner = self._runner
        return runner is not None and runner.alive

    @property
    def generation(self) -> int:
        """Number of the current (or last) trio run: 1 for the first, +1 at each restart.

        Objects bound to one trio run (connection pools) can compare it to know whether they
        were made in the run that is executing them now. 0 until the portal first starts.
        """
        return self._generation

    # -- the calls -----------------------------------------------------------------------------------------

    def call(self, async_fn: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `await async_fn(*args, **kwargs)` in the portal and return its result.

        Blocks the calling thread. Exceptions propagate with their type and traceback. Raises
        `BlockingCallInTrioError` if called from a thread running trio, `PortalClosedError` if
        the portal closes during the call, `KeyboardInterrupt` on Ctrl-C (after cancelling the
        call and letting it unwind, see the class docs).
        """
        runner = self._runner_for_call()
        job = Job(async_fn, args, kwargs)
        self._submit_and_wait(runner, job)
        return job.unwrap()

    def iterate(self, source: AsyncIterable[T], /) -> BlockingIterator[T]:
        """A blocking iterator over `source`; each step runs in the portal.

        The iterator owns `source`: `close()` (also called by `with`, and when iteration ends
        or fails) acloses the async iterator and `source`, inside the portal. To stop early,
        use `with portal.iterate(source) as items: for item in items: ... break`, or call
        `close()`; an abandoned iterator is not cleaned up by the garbage collector (async
        generators excepted: trio finalizes those in the portal).
        """
        return BlockingIterator(self, source)

    def wrap_async_cm(self, cm: AbstractAsyncContextManager[T], /) -> BlockingContextManager[T]:
        """A blocking context manager that enters and exits `cm` inside the portal.

        `__aenter__` and `__aexit__` run in one and the same portal task, which waits in
        between, so async context managers holding cancel scopes or nurseries work. The
        exception leaving the `with` body is passed to `__aexit__`, which may suppress it.
        """
        return BlockingContextManager(self, cm)

    def on_close(self, callback: CloseCallback, /) -> Callable[[], None]:
        """Have `await callback()` run inside the portal's trio run when that run stops.

        Meant for resources made inside the current run (call it from within a portal call or
        right after one); it starts the portal if needed. Callbacks run in reverse order of
        registration, after in-flight calls were cancelled, each bounded by the close timeout;
        their exceptions are logged. They do not carry over to a later run (after close or
        fork). Returns a function that unregisters the callback (call it when the resource is
        closed earlier by its owner, so the portal does not keep it alive).
        """
        runner = self._runner
        if runner is None or not runner.alive:  # registering is quick; only starting may block
            runner = self._runner_for_call()
        return runner.add_close_callback(callback)

    # -- lifetime --------------------------------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> bool:
        """Stop the portal thread, waiting at most `timeout` seconds; True if it ended in time.

        In-flight calls are cancelled (their callers get `PortalClosedError`), then the close
        callbacks run. Idempotent. The portal may be used again afterwards: the next call
        starts a new thread (`generation` goes up).
        """
        self._check_caller()
        with self._lock:
            runner, self._runner = self._runner, None
        if runner is None:
            return True
        return runner.stop(timeout)

    # -- internals ---------------------------------------------------------------------------------------------

    def _check_caller(self) -> None:
        if trio.lowlevel.in_trio_run():
            raise BlockingCallInTrioError(self.misuse_hint)
        runner = self._runner
        if runner is not None and runner.thread_ident == threading.get_ident():
            raise BlockingCallInTrioError(self.misuse_hint)  # pragma: no cover - defensive

    def _runner_for_call(self) -> Runner:
        """Check the calling thread may block, and return the live runner (starting one if needed)."""
        self._check_caller()
        runner = self._runner
        if runner is not None and runner.alive:
            return runner
        with self._lock:
            runner = self._runner
            if runner is None or not runner.alive:
                self._generation += 1
                runner = Runner(self.name, self._generation)
                runner.start()
                self._runner = runner
            return runner

    def _submit_and_wait(self, runner: Runner, job: Job[Any], lock: threading.Lock | None = None) -> None:
        """Send `job` to the portal and wait for it to finish (or to release `lock`).

        If the wait is interrupted (Ctrl-C, or any exception a signal handler raises), the job is
        cancelled and given `interrupt_grace` seconds to unwind before the exception goes on.
        """
        submitted = False
        try:
            runner.submit(job)
            submitted = True
            if lock is None:
                job.wait()
            else:
                acquire(lock, interruptible=job.cancellable)
        except BaseException:
            if submitted:
                self._interrupt(runner, job)
            raise

    def _wait_or_interrupt(self, runner: Runner, job: Job[Any]) -> None:
        """Wait for a submitted `job` to finish, cancelling it if the wait is interrupted."""
        try:
            job.wait()
        except BaseException:
            self._interrupt(runner, job)
            raise

    def _interrupt(self, runner: Runner, job: Job[Any]) -> None:
        if job.finished:
            return
        runner.cancel(job)
        job.wait(self.interrupt_grace)

    def _after_fork_in_child(self) -> None:
        # The parent's thread does not exist here, and its locks may be held forever.
        self._lock = threading.Lock()
        self._runner = None


_default_portal: Portal | None = None
_default_lock = threading.Lock()


def get_portal() -> Portal:
    """The process-wide default portal, created on first use and shared by every caller."""
    global _default_portal
    portal = _default_portal
    if portal is None:
        with _default_lock:
            portal = _default_portal
            if portal is None:
                portal = _default_portal = Portal()
    return portal


def _close_all_at_exit() -> None:
    deadline = time.monotonic() + _EXIT_TIMEOUT
    for portal in list(_portals):
        if portal.running:
            portal.close(timeout=max(deadline - time.monotonic(), 0.0))


def _reset_all_in_child() -> None:
    global _default_lock
    _default_lock = threading.Lock()
    for portal in list(_portals):
        portal._after_fork_in_child()


atexit.register(_close_all_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_all_in_child)
