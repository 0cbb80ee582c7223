"""Per-minute budgets for a live run: token buckets for requests and for tokens.

A bucket for ``limit`` per minute holds at most ``burst = max(1, limit / 60)`` units (one second's
worth) and refills continuously at ``(limit - burst) / 60`` per second, so that over *any* window of
60 seconds at most ``limit`` units are spent, from the first request on. A request that costs more
than the burst waits until the bucket is full and then takes it into debt, so it is never starved.

Token costs are estimated before sending (:func:`estimate_tokens`: the prompt's characters / 4 plus
the completion budget) and corrected once the answer's ``usage`` is known (:meth:`TokenBucket.adjust`);
the server's ``x-ratelimit-remaining-*`` headers lower a bucket that thinks it has more than the
server says (:meth:`TokenBucket.clamp`). Times are trio's clock (instant under ``MockClock``).
"""

from __future__ import annotations

import math
from typing import Any, Final, cast

import msgspec
import trio

__all__ = ["TokenBucket", "estimate_tokens", "usage_tokens"]


class TokenBucket:
    """``limit`` units per minute; ``await take(n)`` waits until ``n`` can be spent."""

    __slots__ = ("_level", "_lock", "_stamp", "burst", "limit", "rate", "waited")

    def __init__(self, limit: float) -> None:
        if not limit > 0 or math.isinf(limit):
            raise ValueError(f"a per-minute limit must be a positive number, not {limit!r}")
        self.limit: Final[float] = float(limit)
        """Units per minute."""
        self.burst: Final[float] = max(1.0, self.limit / 60.0)
        """The most units the bucket holds (and a single ``take`` waits for)."""
        self.rate: Final[float] = max(self.limit - self.burst, self.limit / 60.0) / 60.0
        """Units refilled per second."""
        self._level = self.burst
        self._stamp = trio.current_time()
        self._lock = trio.Lock()  # first come, first served
        self.waited: float = 0.0
        """Seconds spent waiting for this bucket, summed over takers."""

    def level(self) -> float:
        self._refill()
        return self._level

    def _refill(self) -> None:
        now = trio.current_time()
        self._level = min(self.burst, self._level + (now - self._stamp) * self.rate)
        self._stamp = now

    async def take(self, amount: float) -> None:
        need = min(max(amount, 0.0), self.burst)  # a big request waits for a full bucket, then owes
        async with self._lock:
            started = trio.current_time()
            self._refill()
            while self._level < need - 1e-9:
                # at least a millisecond: a wait that rounds to nothing would spin without the
                # clock ever moving
                await trio.sleep(max((need - self._level) / self.rate, 0.001))
                self._refill()
            self._level -= max(amount, 0.0)
            self.waited += trio.current_time() - started

    def adjust(self, delta: float) -> None:
        """Give back (positive) or charge (negative) units after the fact."""
        self._refill()
        self._level = min(self.burst, self._level + delta)

    def clamp(self, remaining: float) -> None:
        """The server says only ``remaining`` are left: never believe in more than that."""
        self._refill()
        self._level = min(self._level, remaining)


class _Usage(msgspec.Struct):
    total_tokens: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


class _WithUsage(msgspec.Struct):
    usage: _Usage | None = None


_usage_decoder = msgspec.json.Decoder(_WithUsage)


def usage_tokens(body: bytes) -> int | None:
    """The tokens an answer says it used (``usage.total_tokens``, or the sum of its parts)."""
    try:
        usage = _usage_decoder.decode(body).usage
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if usage is None:
        return None
    if usage.total_tokens is not None:
        return usage.total_tokens
    parts = [usage.prompt_tokens, usage.completion_tokens, usage.input_tokens, usage.output_tokens]
    known = [part for part in parts if part is not None]
    return sum(known) if known else None


class _Body(msgspec.Struct):
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    max_output_tokens: int | None = None
    n: int | None = None
    messages: Any = None
    input: Any = None
    prompt: Any = None
    instructions: Any = None


_body_decoder = msgspec.json.Decoder(_Body)
_DEFAULT_COMPLETION = 16  # completions budget assumed when a request names none


def _chars(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(_chars(item) for item in value)  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, dict):
        return sum(_chars(item) for item in value.values())  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]
    return 0


def estimate_tokens(url: str, body: bytes) -> int:
    """A cheap upper-ish estimate of what a request will cost: prompt characters / 4 (plus a few per
    message) and, for generating endpoints, ``n`` times the completion budget it asks for."""
    try:
        parsed = _body_decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return max(1, len(body) // 4)
    prompt = (
        _chars(parsed.messages) + _chars(parsed.input) + _chars(parsed.prompt) + _chars(parsed.instructions)
    )
    turns: object = parsed.messages
    messages = len(cast("list[Any]", turns)) if isinstance(turns, list) else 0
    tokens = prompt // 4 + 4 * messages + 1
    if "embeddings" in url or "moderations" in url:
        return tokens
    budget = (
        parsed.max_completion_tokens or parsed.max_tokens or parsed.max_output_tokens or _DEFAULT_COMPLETION
    )
    return tokens + budget * max(1, parsed.n or 1)
