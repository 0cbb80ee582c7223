"""A gate shared by many concurrent calls that closes while the server says the budget is spent.

The retry policy makes one call wait after its own 429; a fleet of calls needs more: once any
response says "no requests left until the reset" (``x-ratelimit-remaining-requests: 0``) or a 429
arrives, no call of the fleet should start (or retry) before the reset. A gate is made active for a
task with ``with gate.applied():``; the request pipeline then waits on it before every attempt and
reports every response to it. Tasks started from inside that block inherit it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Generator, Mapping
from contextlib import contextmanager

import msgspec
import trio

from ._ratelimits import parse_rate_limits
from ._retry import parse_retry_after

__all__ = ["RateLimitGate", "RateLimitGateStatistics", "current_gate"]

_current: contextvars.ContextVar[RateLimitGate | None] = contextvars.ContextVar(
    "trio_openai_rate_limit_gate", default=None
)


def current_gate() -> RateLimitGate | None:
    """The gate the calls of the current task go through, if any."""
    return _current.get()


class RateLimitGateStatistics(msgspec.Struct, frozen=True, kw_only=True):
    """``gate.statistics()``: whether it is closed now, and how often and how long it closed."""

    closed_for: float
    """Seconds until the gate opens again (0 when open)."""
    pauses: int
    """How many responses closed (or extended the closing of) the gate."""
    waits: int
    """How many attempts had to wait for the gate."""


class RateLimitGate:
    """Pauses every call that goes through it while the server's rate limit is spent.

    A response closes the gate when it is a 429 (for its ``retry-after``, else until the
    ``x-ratelimit-reset-*`` of the spent budget, else ``pause_on_429`` seconds) or when its
    ``x-ratelimit-remaining-requests`` / ``-tokens`` is at or below ``low_water`` (until that budget's
    reset). A pause never exceeds ``max_pause`` seconds. Times are trio's clock, so
    ``MockClock`` tests run them instantly.
    """

    __slots__ = ("_opens_at", "_pauses", "_waits", "low_water", "max_pause", "pause_on_429")

    def __init__(self, *, low_water: int = 0, pause_on_429: float = 1.0, max_pause: float = 60.0) -> None:
        if low_water < 0 or pause_on_429 < 0 or max_pause < 0:
            raise ValueError("low_water, pause_on_429 and max_pause cannot be negative")
        self.low_water: int = low_water
        self.pause_on_429: float = pause_on_429
        self.max_pause: float = max_pause
        self._opens_at = -float("inf")
        self._pauses = 0
        self._waits = 0

    def __repr__(self) -> str:
        return f"<RateLimitGate {self._pauses} pauses, {self._waits} waits>"

    @contextmanager
    def applied(self) -> Generator[RateLimitGate]:
        """Make every API call of this block (and of tasks started inside it) go through the gate."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    def pause(self, seconds: float) -> None:
        """Close the gate for ``seconds`` from now (capped at ``max_pause``); it never reopens earlier."""
        seconds = min(max(seconds, 0.0), self.max_pause)
        if seconds <= 0:
            return
        self._pauses += 1
        self._opens_at = max(self._opens_at, trio.current_time() + seconds)

    async def wait(self) -> None:
        """Return once the gate is open (at once if it is)."""
        if trio.current_time() >= self._opens_at:
            return
        self._waits += 1
        while True:  # a pause may be extended while we sleep
            opens_at = self._opens_at
            if trio.current_time() >= opens_at:
                return
            await trio.sleep_until(opens_at)

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Learn from a response's status and headers; the pipeline calls this for every response."""
        limits = parse_rate_limits(headers)
        if status == 429:
            after = parse_retry_after(headers)
            if after is None or after <= 0:
                after = limits.seconds_until_available()
            self.pause(after if after is not None and after > 0 else self.pause_on_429)
            return
        waits = [
            reset
            for remaining, reset in (
                (limits.remaining_requests, limits.reset_requests),
                (limits.remaining_tokens, limits.reset_tokens),
            )
            if remaining is not None and remaining <= self.low_water and reset is not None
        ]
        if waits:
            self.pause(max(waits))

    def statistics(self) -> RateLimitGateStatistics:
        """Whether the gate is closed now (``closed_for`` seconds), how often it closed and how many attempts waited."""
        closed_for = max(0.0, self._opens_at - trio.current_time())
        return RateLimitGateStatistics(closed_for=closed_for, pauses=self._pauses, waits=self._waits)
