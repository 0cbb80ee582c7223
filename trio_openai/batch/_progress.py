"""What a file run reports while it works: a snapshot handed to a callback every so often."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

__all__ = ["BatchCounts", "OnProgress", "RunProgress"]


class BatchCounts(msgspec.Struct, frozen=True, kw_only=True):
    """One Batch API batch as last polled (API mode)."""

    id: str
    status: str
    total: int
    completed: int
    failed: int


class RunProgress(msgspec.Struct, frozen=True, kw_only=True):
    """``total`` requests in the input, of which ``succeeded`` + ``failed`` are recorded (earlier
    runs included); ``rate_limited`` seconds spent waiting on rate limits (live mode);
    ``batches`` the submitted batches (API mode); ``elapsed`` seconds since this run started."""

    total: int
    succeeded: int
    failed: int
    in_flight: int = 0
    rate_limited: float = 0.0
    elapsed: float = 0.0
    batches: tuple[BatchCounts, ...] = ()
    message: str | None = None
    """A notable event (a batch submitted, finished or expired), for the log."""

    @property
    def done(self) -> int:
        return self.succeeded + self.failed


OnProgress = Callable[[RunProgress], None]
