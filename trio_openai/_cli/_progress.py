"""Progress on stderr: a live bar on a terminal (tqdm, from the ``cli`` extra), a plain line every
few seconds otherwise, nothing with ``--no-progress``. Notable events (a batch submitted or
finished) are printed as lines in every mode but the silent one."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any, TextIO

import msgspec

from ..batch import RunProgress

__all__ = ["make_reporter"]


def _describe(progress: RunProgress) -> str:
    parts = [f"{progress.done}/{progress.total} done"]
    if progress.failed:
        parts.append(f"{progress.failed} failed")
    if progress.in_flight:
        parts.append(f"{progress.in_flight} in flight")
    if progress.rate_limited >= 0.05:
        parts.append(f"{progress.rate_limited:.1f} s waiting on rate limits")
    if progress.batches:
        statuses = Counter(batch.status for batch in progress.batches)
        parts.append(", ".join(f"{n} {status}" for status, n in sorted(statuses.items())))
        done = sum(batch.completed + batch.failed for batch in progress.batches)
        total = sum(batch.total for batch in progress.batches)
        parts.append(f"batch requests {done}/{total}")
    return ", ".join(parts)


class PlainReporter:
    """A line every ``every`` seconds (and for every event) on a stream that is not a terminal."""

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        self._stream = stream
        self._every = every
        self._last = -float("inf")
        self._started = time.monotonic()
        self._unshown: RunProgress | None = None

    def __call__(self, progress: RunProgress) -> None:
        self._unshown = progress
        if progress.message is not None:
            print(f"trio-openai: {progress.message}", file=self._stream, flush=True)
        now = time.monotonic()
        if now - self._last >= self._every:
            self._last = now
            self._unshown = None
            rate = ""
            elapsed = now - self._started
            if elapsed > 0 and progress.done:
                rate = f", {progress.done / elapsed:.1f} req/s overall"
            print(f"trio-openai: {_describe(progress)}{rate}", file=self._stream, flush=True)

    def close(self) -> None:
        if self._unshown is not None:  # the last state is always shown
            self._last = -float("inf")
            self(msgspec.structs.replace(self._unshown, message=None))


class BarReporter:
    """A tqdm bar: done / total, rate, ETA, and failures, rate-limit waits and batches beside it."""

    def __init__(self, stream: TextIO) -> None:
        from tqdm import tqdm

        self._stream = stream
        self._bar: Any = None
        self._tqdm = tqdm
        self._shown = 0

    def __call__(self, progress: RunProgress) -> None:
        if self._bar is None:
            self._bar = self._tqdm(
                total=progress.total, initial=progress.done, file=self._stream, unit="req", dynamic_ncols=True
            )
            self._shown = progress.done
        bar = self._bar
        if progress.message is not None:
            bar.write(f"trio-openai: {progress.message}", file=self._stream)
        postfix: dict[str, object] = {}
        if progress.failed:
            postfix["failed"] = progress.failed
        if progress.rate_limited >= 0.05:
            postfix["rate-limited"] = f"{progress.rate_limited:.1f}s"
        if progress.batches:
            statuses = Counter(batch.status for batch in progress.batches)
            postfix["batches"] = " ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
            postfix["requests"] = (
                f"{sum(b.completed + b.failed for b in progress.batches)}/{sum(b.total for b in progress.batches)}"
            )
        bar.set_postfix(postfix, refresh=False)
        if progress.done > self._shown:
            bar.update(progress.done - self._shown)
            self._shown = progress.done
        else:
            bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def make_reporter(enabled: bool, stream: TextIO | None = None) -> PlainReporter | BarReporter | None:
    if not enabled:
        return None
    target: TextIO = stream if stream is not None else sys.stderr
    if target.isatty():
        try:
            return BarReporter(target)
        except ImportError:  # the `cli` extra is not installed: plain lines still work
            pass
    return PlainReporter(target)
