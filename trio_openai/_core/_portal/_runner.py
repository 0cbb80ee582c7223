"""One life of a portal: a daemon thread running one `trio.run`, from start to stop.

A `Portal` owns at most one `Runner` at a time and makes a new one after a close or a fork.
The runner's trio run holds a nursery of jobs; stopping it cancels the jobs, waits for them to
unwind, then awaits the close callbacks that owners registered (each bounded by the deadline),
and only then lets `trio.run` return.
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import outcome
import trio

from ._errors import PortalClosedError, PortalError
from ._job import Job

__all__ = ["CloseCallback", "Runner"]

CloseCallback = Callable[[], Awaitable[object]]

_log = logging.getLogger("trio_openai.portal")

# How long start() waits for the new thread to enter trio.run.
_START_TIMEOUT = 10.0
# Part of the close timeout kept back from the close callbacks so the thread can still exit in time.
_EXIT_MARGIN = 0.1


def _pop(jobs: deque[Job[Any]]) -> Job[Any] | None:
    try:
        return jobs.popleft()
    except IndexError:
        return None


class Runner:
    """A daemon thread running one trio run that executes jobs submitted from other threads."""

    def __init__(self, name: str, generation: int) -> None:
        self.generation = generation
        self.alive = True
        self._thread = threading.Thread(target=self._thread_main, name=name, daemon=True)
        self._ready = threading.Event()
        self._token: trio.lowlevel.TrioToken | None = None
        self._jobs: trio.Nursery | None = None
        self._lane: trio.Nursery | None = None  # for the main thread's calls; None while replaced
        self._stop_requested: trio.Event | None = None
        self._callbacks_deadline = math.inf  # time.monotonic() seconds
        self._callbacks: dict[int, CloseCallback] = {}
        self._callbacks_lock = threading.Lock()
        self._callbacks_closed = False
        self._keys = itertools.count()
        self._crash: BaseException | None = None
        # Submitted jobs not yet spawned, and whether a `_drain` is queued in the run (or running and
        # not yet past clearing the flag): callers that find one queued skip waking the portal.
        self._pending: deque[Job[Any]] = deque()
        self._drain_queued = False

    @property
    def thread_ident(self) -> int | None:
        return self._thread.ident

    # -- lifetime (any thread but the portal's own) -------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT) or self._token is None:
            self.alive = False
            raise PortalError("the portal thread failed to start") from self._crash

    def stop(self, timeout: float) -> bool:
        """Ask the run to stop, then join the thread for at most `timeout` seconds.

        Returns whether the thread has ended. In-flight jobs are cancelled (their callers get
        `PortalClosedError`), then close callbacks run; whatever is still running at the deadline
        is abandoned to the daemon thread.
        """
        deadline = time.monotonic() + max(timeout, 0.0)
        self._callbacks_deadline = deadline - min(_EXIT_MARGIN, timeout / 10)
        token = self._token
        if token is not None:
            try:
                token.run_sync_soon(self._request_stop, idempotent=True)
            except trio.RunFinishedError:
                pass
        self._thread.join(max(deadline - time.monotonic(), 0.0))
        return not self._thread.is_alive()

    # -- jobs (caller threads) --------------------------------------------------------------------------

    def submit(self, job: Job[Any]) -> None:
        """Schedule `job` to run as a task in the portal; it reports back through itself.

        Submissions are batched: a job joins `_pending`, and only a caller that finds no `_drain`
        queued wakes the portal (one `run_sync_soon`, a socket write and a pass of trio's entry
        queue). Calls from many threads arriving while the portal is busy share one wake-up.
        Every job in `_pending` has a `_drain` queued after it was added, or one running that has
        not yet emptied the queue (the flag is cleared before draining); `deque` operations and
        the flag's reads and writes are atomic under the GIL. A spare `_drain` finds nothing.
        """
        try:
            self._pending.append(job)
            if not self._drain_queued:
                self._wake()
        except PortalClosedError:
            raise
        except BaseException:
            # Interrupted (a signal handler raised: Ctrl-C) while handing the job over. The caller
            # gives the job up, so it must not run should a drain still take it; and callers that saw
            # the flag set must not wait for a drain that may never have been queued.
            job.give_up()
            self._drain_queued = False
            if self._pending:
                self._wake_quietly()
            raise

    def _wake(self) -> None:
        """Queue a `_drain` in the run; if the run is over, fail every pending job (ours too)."""
        token = self._token
        assert token is not None
        self._drain_queued = True
        try:
            token.run_sync_soon(self._drain)
        except trio.RunFinishedError:
            # No drain will come: fail whatever is pending (including the jobs of callers that saw
            # the flag set by us), so no caller waits for a drain forever.
            self._drain_queued = False
            self._fail_pending()
            raise PortalClosedError("the portal is closed") from None

    def _wake_quietly(self) -> None:
        try:
            self._wake()
        except PortalClosedError:
            pass

    def _fail_pending(self) -> None:
        while (job := _pop(self._pending)) is not None:
            job.finish(outcome.Error(PortalClosedError("the portal is closed")))

    def cancel(self, job: Job[Any]) -> None:
        """Cancel `job` inside the portal (without waiting). Harmless if it already finished."""
        token = self._token
        assert token is not None
        try:
            token.run_sync_soon(self._cancel, job)
        except trio.RunFinishedError:
            pass

    def run_soon(self, fn: Callable[[], object]) -> bool:
        """Run the quick, non-raising `fn` in the portal thread. False if the run has finished."""
        token = self._token
        assert token is not None
        try:
            token.run_sync_soon(fn)
        except trio.RunFinishedError:
            return False
        return True

    # -- close callbacks ----------------------------------------------------------------------------------

    def add_close_callback(self, callback: CloseCallback) -> Callable[[], None]:
        with self._callbacks_lock:
            if self._callbacks_closed:
                raise PortalClosedError("the portal is closing; it no longer accepts close callbacks")
            key = next(self._keys)
            self._callbacks[key] = callback

        def remove() -> None:
            with self._callbacks_lock:
                self._callbacks.pop(key, None)

        return remove

    # -- inside the portal thread ---------------------------------------------------------------------------

    def _thread_main(self) -> None:
        try:
            trio.run(self._main)
        except BaseException as exc:  # pragma: no cover - only a bug in trio or here gets this far
            self._crash = exc
            _log.error("the portal's trio run crashed", exc_info=exc)
        finally:
            self.alive = False
            self._ready.set()

    async def _main(self) -> None:
        self._stop_requested = trio.Event()
        async with trio.open_nursery() as jobs:
            self._jobs = jobs
            jobs.start_soon(self._run_lane)
            self._token = trio.lowlevel.current_trio_token()
            self._ready.set()
            await self._stop_requested.wait()
            jobs.cancel_scope.cancel()
        await self._run_close_callbacks()

    def _request_stop(self) -> None:
        assert self._stop_requested is not None
        self._stop_requested.set()

    def _drain(self) -> None:
        # run_sync_soon callback: spawn every pending job. The flag is cleared first, so a job added
        # after this point is either taken below or brings a drain of its own.
        self._drain_queued = False
        pending = self._pending
        while (job := _pop(pending)) is not None:  # a caller may be failing jobs at the same time
            self._spawn(job)

    def _spawn(self, job: Job[Any]) -> None:
        # Runs inside a run_sync_soon callback: it must not raise, or trio would crash.
        jobs, lane = self._jobs, self._lane
        assert jobs is not None
        if job.cancel_requested:  # the caller gave up before the job started (its cancel came first)
            job.finish(outcome.Error(job.interrupted_error()))
            return
        try:
            if not job.cancellable:
                jobs.start_soon(job.run)
            elif lane is not None and not job.long_lived:
                job.lane = lane
                lane.start_soon(job.run)
            else:
                jobs.start_soon(job.run_in_scope)
        except RuntimeError:  # the nursery is closed: the portal is stopping
            job.finish(outcome.Error(PortalClosedError("the portal is closed")))

    def _cancel(self, job: Job[Any]) -> None:
        # run_sync_soon callback, usually run after the job's _spawn; if it comes first, _spawn sees
        # the request and finishes the job without running it.
        job.cancel()
        if job.lane is not None and job.lane is self._lane:
            self._lane = None
            job.lane.cancel_scope.cancel()
            assert self._jobs is not None
            try:
                self._jobs.start_soon(self._run_lane)
            except RuntimeError:  # the portal is stopping: no more lanes needed
                pass

    async def _run_lane(self) -> None:
        async with trio.open_nursery() as lane:
            self._lane = lane
            await trio.sleep_forever()

    async def _run_close_callbacks(self) -> None:
        with self._callbacks_lock:
            self._callbacks_closed = True
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in reversed(callbacks):
            # Each callback gets its chance even past the deadline: sync cleanup still runs,
            # and the first await of a late one is cancelled at once.
            remaining = self._callbacks_deadline - time.monotonic()
            with trio.move_on_after(max(remaining, 0.0)):
                try:
                    await callback()
                except Exception as exc:
                    _log.warning("a portal close callback failed: %r", callback, exc_info=exc)
