"""Parsing of the ``x-ratelimit-*`` response headers."""

from __future__ import annotations

import re
from collections.abc import Mapping

import msgspec

__all__ = ["RateLimits", "parse_duration", "parse_rate_limits"]

_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


class RateLimits(msgspec.Struct, frozen=True, kw_only=True):
    """What the ``x-ratelimit-*`` headers of a response said; ``None`` where a header was absent.

    ``reset_requests`` / ``reset_tokens`` are in seconds (the API sends durations such as ``"6m0s"``).
    """

    limit_requests: int | None = None
    limit_tokens: int | None = None
    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    reset_requests: float | None = None
    reset_tokens: float | None = None

    def seconds_until_available(self) -> float | None:
        """How long until a budget that is exhausted resets, if one is (else ``None``)."""
        waits = [
            reset
            for remaining, reset in (
                (self.remaining_requests, self.reset_requests),
                (self.remaining_tokens, self.reset_tokens),
            )
            if remaining is not None and remaining <= 0 and reset is not None
        ]
        return max(waits) if waits else None


def parse_duration(text: str) -> float | None:
    """``"1s"`` -> 1.0, ``"6m0s"`` -> 360.0, ``"20ms"`` -> 0.02, ``"1.5"`` -> 1.5; junk -> ``None``."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    pos = 0
    total = 0.0
    for m in _PART.finditer(text):
        if m.start() != pos:
            return None
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    return total if pos == len(text) and pos else None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def parse_rate_limits(headers: Mapping[str, str]) -> RateLimits:
    g = headers.get
    rr = g("x-ratelimit-reset-requests")
    rt = g("x-ratelimit-reset-tokens")
    return RateLimits(
        limit_requests=_int(g("x-ratelimit-limit-requests")),
        limit_tokens=_int(g("x-ratelimit-limit-tokens")),
        remaining_requests=_int(g("x-ratelimit-remaining-requests")),
        remaining_tokens=_int(g("x-ratelimit-remaining-tokens")),
        reset_requests=None if rr is None else parse_duration(rr),
        reset_tokens=None if rt is None else parse_duration(rt),
    )
