"""Retries: the policy (which failures to retry, how long to wait) and the loop that applies it.

`retrying` runs one attempt after another until an attempt returns, or raises an error the policy will
not retry: an `APIStatusError` the policy declines (or any once the budget is spent), an
`APIConnectionError` that is not transient (see `_transport.is_transient`), or anything else, at once.
Sleeps go through trio, so they are cancellable and instant under ``MockClock(autojump_threshold=0)``.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import trio

from ._errors import APIConnectionError, APIStatusError
from ._logs import logger
from ._ratelimits import parse_rate_limits
from ._transport import is_transient

__all__ = ["RetryPolicy", "parse_retry_after", "retrying"]

T = TypeVar("T")


def _number(text: str) -> float | None:
    """A float, ``inf`` for a number too long for a float, ``None`` for junk (``"inf"``, ``"nan"``)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isnan(value):
        return None
    if math.isinf(value):
        return math.inf if text.lstrip("+").replace(".", "", 1).isdigit() else None
    return value


def parse_retry_after(headers: Mapping[str, str], *, now: Callable[[], float] = time.time) -> float | None:
    """The server's requested delay in seconds: ``retry-after-ms``, then ``retry-after`` (seconds or an
    HTTP date). ``None`` when absent or unreadable; an overflowing number is ``inf``."""
    ms = headers.get("retry-after-ms")
    if ms is not None:
        value = _number(ms)
        if value is not None:
            return value / 1000.0
    ra = headers.get("retry-after")
    if ra is None:
        return None
    value = _number(ra)
    if value is not None:
        return value
    parsed = email.utils.parsedate_tz(ra.strip())
    if parsed is None:
        return None
    try:
        return email.utils.mktime_tz(parsed) - now()
    except (OverflowError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how a failed attempt is retried. One immutable object; ``replace()`` to adjust.

    The defaults are the official SDK's: retry 408, 409, 429 and every 5xx plus connection errors and
    timeouts, at most ``max_retries`` times; honour ``x-should-retry``; wait what ``retry-after-ms`` /
    ``retry-after`` asks when it is in (0, ``max_retry_after``], refuse to retry when it asks for more;
    else back off exponentially from ``initial_delay`` doubling up to ``max_delay`` with up to
    ``jitter`` (a fraction) taken off. Beyond the SDK: on a 429 without ``retry-after``, when an
    ``x-ratelimit-remaining-*`` header says the budget is spent, wait for its reset (capped at
    ``max_retry_after``) instead of hammering.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 120.0
    jitter: float = 0.25
    retry_statuses: frozenset[int] = field(default_factory=lambda: frozenset({408, 409, 429}))
    retry_server_errors: bool = True
    respect_rate_limit_headers: bool = True

    def replace(self, **changes: object) -> RetryPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]

    def should_retry_status(self, status: int, headers: Mapping[str, str]) -> bool:
        """Whether a response with this status and headers is worth another attempt."""
        after = parse_retry_after(headers)
        if after is not None and after > self.max_retry_after:
            return False
        should = headers.get("x-should-retry")
        if should == "true":
            return True
        if should == "false":
            return False
        return status in self.retry_statuses or (self.retry_server_errors and status >= 500)

    def backoff(self, retries_taken: int) -> float:
        """The exponential delay before attempt ``retries_taken + 1``, with jitter."""
        base = min(self.initial_delay * 2.0 ** min(retries_taken, 1000), self.max_delay)
        return base * (1.0 - self.jitter * random.random())

    def delay(self, retries_taken: int, status: int | None, headers: Mapping[str, str] | None) -> float:
        """Seconds to sleep before the next attempt."""
        if headers is not None:
            after = parse_retry_after(headers)
            if after is not None and 0 < after <= self.max_retry_after:
                return after
            if status == 429 and self.respect_rate_limit_headers and after is None:
                wait = parse_rate_limits(headers).seconds_until_available()
                if wait is not None and wait > 0:
                    return min(wait, self.max_retry_after)
        return self.backoff(retries_taken)


async def retrying(
    policy: RetryPolicy, max_retries: int, attempt: Callable[[int], Awaitable[T]], *, path: str
) -> T:
    """``await attempt(retries_taken)`` until it returns, retrying what ``policy`` allows, at most
    ``max_retries`` times; the last error is raised as it was."""
    retries_taken = 0
    while True:
        try:
            return await attempt(retries_taken)
        except APIStatusError as exc:
            status, headers = exc.status_code, exc.headers
            if retries_taken >= max_retries or not policy.should_retry_status(status, headers):
                raise
            delay = policy.delay(retries_taken, status, headers)
            logger.info(
                "Retrying request to %s in %f seconds (retry %i of %i) after HTTP %d",
                path,
                delay,
                retries_taken + 1,
                max_retries,
                status,
            )
        except APIConnectionError as exc:
            if retries_taken >= max_retries or not is_transient(exc):
                raise
            delay = policy.delay(retries_taken, None, None)
            logger.info(
                "Retrying request to %s in %f seconds (retry %i of %i) after %s",
                path,
                delay,
                retries_taken + 1,
                max_retries,
                type(exc.__cause__).__name__,
            )
        await trio.sleep(delay)
        retries_taken += 1
