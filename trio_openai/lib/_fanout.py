"""Run one async function over many inputs at once: a concurrency limit, bounded memory, results
as they finish or in input order, one failure policy, and a shared rate limit gate.

Inside ``open_map`` a feeder task walks the inputs (lazily: an endless generator is fine) and starts
one worker task per input once three things allow it: a free slot (at most ``limit`` running), a
free place in the window (at most ``window`` results started but not yet handed to the caller,
which bounds memory in both orders), and an open rate limit gate. Workers report outcomes to the
caller through a channel; nothing raises inside the nursery except on purpose.
"""

from __future__ import annotations

import enum
import math
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from contextlib import asynccontextmanager
from typing import Generic, Literal, TypeVar, cast, overload

import trio

from .._core._groups import unwrap_single
from .._core._rategate import RateLimitGate

__all__ = ["ErrorPolicy", "Result", "Results", "gather", "open_map"]

In = TypeVar("In")
Out = TypeVar("Out")

ErrorPolicy = Literal["raise", "collect"]


class Result(Generic[In, Out]):
    """One input's outcome: ``index`` (its position in the inputs), ``input``, and ``value`` or
    ``error``. ``unwrap()`` gives the value or raises the error."""

    __slots__ = ("_value", "error", "index", "input")

    def __init__(self, index: int, input: In, value: Out | None, error: Exception | None) -> None:
        self.index: int = index
        self.input: In = input
        self._value = value
        self.error: Exception | None = error

    @property
    def ok(self) -> bool:
        """Whether ``fn(input)`` returned (``error`` is None)."""
        return self.error is None

    @property
    def value(self) -> Out:
        """The function's result; raises the error when it failed."""
        return self.unwrap()

    def unwrap(self) -> Out:
        """The value, or raise the error that ``fn(input)`` raised."""
        if self.error is not None:
            raise self.error
        return cast("Out", self._value)

    def __repr__(self) -> str:
        state = f"error={self.error!r}" if self.error is not None else f"value={self._value!r}"
        return f"<Result #{self.index} input={self.input!r} {state}>"


class Results(Generic[In, Out]):
    """The results of an ``open_map`` block: an async iterator of :class:`Result`."""

    __slots__ = ("_ahead", "_next", "_on_error", "_ordered", "_receive", "_window")

    def __init__(
        self,
        receive: trio.MemoryReceiveChannel[Result[In, Out]],
        window: trio.Semaphore,
        *,
        ordered: bool,
        on_error: ErrorPolicy,
    ) -> None:
        self._receive = receive
        self._window = window
        self._ordered = ordered
        self._on_error = on_error
        self._ahead: dict[int, Result[In, Out]] = {}  # finished out of order, waiting for their turn
        self._next = 0

    def __aiter__(self) -> Results[In, Out]:
        return self

    async def __anext__(self) -> Result[In, Out]:
        if self._ordered:
            while self._next not in self._ahead:
                result = await self._take()
                self._ahead[result.index] = result
            result = self._ahead.pop(self._next)
            self._next += 1
        else:
            result = await self._take()
        self._window.release()
        return result

    async def _take(self) -> Result[In, Out]:
        try:
            result = await self._receive.receive()
        except (trio.EndOfChannel, trio.ClosedResourceError):
            raise StopAsyncIteration from None
        if result.error is not None and self._on_error == "raise":
            raise result.error
        return result


class _Run(Generic[In, Out]):
    """The feeder and the workers of one ``open_map`` block."""

    def __init__(
        self,
        fn: Callable[[In], Awaitable[Out]],
        send: trio.MemorySendChannel[Result[In, Out]],
        *,
        limit: int,
        window: trio.Semaphore,
        gate: RateLimitGate,
        on_error: ErrorPolicy,
    ) -> None:
        self._fn = fn
        self._send = send
        self._slots = trio.Semaphore(limit)
        self._window = window
        self._gate = gate
        self._on_error = on_error
        self._stop = trio.CancelScope()

    async def feed(self, inputs: Iterable[In] | AsyncIterable[In]) -> None:
        source = _Inputs(inputs)
        with self._send:  # closed when every worker is done: the caller's iteration then ends
            try:
                with self._stop:
                    async with trio.open_nursery() as workers:
                        index = 0
                        while True:
                            await self._window.acquire()  # before reading: inputs are read lazily
                            await self._slots.acquire()
                            item = await source.next()
                            if item is _END:
                                break
                            await self._gate.wait()
                            workers.start_soon(self._work, index, item)
                            index += 1
            finally:
                await source.aclose()

    async def _work(self, index: int, item: In) -> None:
        try:
            with self._gate.applied():
                result = Result[In, Out](index, item, await self._fn(item), None)
        except Exception as exc:
            result = Result[In, Out](index, item, None, exc)
            if self._on_error == "raise":
                self._stop.cancel()  # nothing new starts, nothing running goes on
        finally:
            self._slots.release()
        try:
            self._send.send_nowait(result)  # never blocks: the window bounds what can be waiting
        except trio.BrokenResourceError:
            pass  # the caller left the block


class _End(enum.Enum):
    END = enum.auto()


_END = _End.END


class _Inputs(Generic[In]):
    """Reads a sync or async iterable one item at a time, and closes it (an async generator given by
    the caller, say) when the run ends early."""

    __slots__ = ("_async", "_sync")

    def __init__(self, inputs: Iterable[In] | AsyncIterable[In]) -> None:
        self._async: AsyncIterator[In] | None = None
        self._sync: Iterator[In] | None = None
        if isinstance(inputs, AsyncIterable):
            self._async = aiter(inputs)
        else:
            self._sync = iter(inputs)

    async def next(self) -> In | _End:
        if self._async is not None:
            return await anext(self._async, _END)
        assert self._sync is not None
        return next(self._sync, _END)

    async def aclose(self) -> None:
        close = getattr(self._async, "aclose", None)
        if close is not None:
            await close()


@asynccontextmanager
async def open_map(
    fn: Callable[[In], Awaitable[Out]],
    inputs: Iterable[In] | AsyncIterable[In],
    *,
    limit: int = 16,
    ordered: bool = False,
    on_error: ErrorPolicy = "raise",
    window: int | None = None,
    gate: RateLimitGate | None = None,
) -> AsyncGenerator[Results[In, Out]]:
    """Call ``fn(input)`` for every input, at most ``limit`` at a time, and yield the results.

        async with open_map(client.batches.retrieve, batch_ids, limit=32) as results:
            async for result in results:
                print(result.input, result.value.status)

    * ``ordered=False`` hands results over as they finish; ``ordered=True`` in input order.
    * ``on_error="raise"``: the first failure stops everything (nothing new starts, running calls
      are cancelled) and is raised from the iteration as itself. ``on_error="collect"``: every input
      gets a :class:`Result`, failed ones carrying ``error``.
    * Memory stays bounded: at most ``window`` (default ``2 * limit``) results are started but not
      yet taken by the caller; inputs are read only as fast as that allows.
    * Rate limits: every call made inside ``fn`` goes through ``gate`` (a fresh
      :class:`RateLimitGate` unless one is given, e.g. to share between several maps): when a
      response says the request budget is spent, or a 429 arrives, no new call starts or retries
      until the reset.

    Leaving the block cancels whatever is still running. An exception comes out as itself, not
    inside an ``ExceptionGroup``.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, not {limit}")
    window = 2 * limit if window is None else window
    if window < limit:
        raise ValueError(f"window must be >= limit ({limit}), not {window}")
    if on_error not in ("raise", "collect"):
        raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")
    send, receive = trio.open_memory_channel[Result[In, Out]](math.inf)
    credits = trio.Semaphore(window)
    run = _Run(fn, send, limit=limit, window=credits, gate=gate or RateLimitGate(), on_error=on_error)
    with unwrap_single():
        async with trio.open_nursery() as nursery:
            nursery.start_soon(run.feed, inputs)
            with receive:
                yield Results(receive, credits, ordered=ordered, on_error=on_error)
            nursery.cancel_scope.cancel()


@overload
async def gather(
    fn: Callable[[In], Awaitable[Out]],
    inputs: Iterable[In] | AsyncIterable[In],
    *,
    limit: int = ...,
    on_error: Literal["raise"] = ...,
    gate: RateLimitGate | None = ...,
) -> list[Out]: ...


@overload
async def gather(
    fn: Callable[[In], Awaitable[Out]],
    inputs: Iterable[In] | AsyncIterable[In],
    *,
    limit: int = ...,
    on_error: Literal["collect"],
    gate: RateLimitGate | None = ...,
) -> list[Result[In, Out]]: ...


async def gather(
    fn: Callable[[In], Awaitable[Out]],
    inputs: Iterable[In] | AsyncIterable[In],
    *,
    limit: int = 16,
    on_error: ErrorPolicy = "raise",
    gate: RateLimitGate | None = None,
) -> list[Out] | list[Result[In, Out]]:
    """Every ``fn(input)`` in input order, at most ``limit`` running at a time.

    ``on_error="raise"`` gives the values and raises the first failure (stopping the rest);
    ``on_error="collect"`` gives a :class:`Result` per input, failed or not. The whole list is
    held in memory: for very many inputs iterate ``open_map`` instead.
    """
    async with open_map(fn, inputs, limit=limit, ordered=True, on_error=on_error, gate=gate) as results:
        collected = [result async for result in results]
    if on_error == "collect":
        return collected
    return [result.unwrap() for result in collected]
