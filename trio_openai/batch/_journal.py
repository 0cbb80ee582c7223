"""The output side of a run: OUTPUT (successes) and ERRORS (failures) as append-only journals.

Opening a journal reads both files back, collects the custom_ids already recorded, and cuts off a
torn last line (one without its ``\\n``, or that does not parse: what a crash in the middle of a
write leaves) so that the next append starts on a clean line. Each result is then written with a
single ``write()`` of the whole line on an ``O_APPEND`` descriptor, so a process killed at any
moment (``kill -9`` included) leaves every line either complete or absent. ``sync()`` makes what
was written durable (``fsync``); the runs call it every ``sync_interval`` seconds and at the end.

A custom_id is recorded at most once across the two files: ``record`` skips one already there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Final

import msgspec
import trio

from ._format import BatchResult, decode_result, encode_result

__all__ = ["Journal", "JournalError", "default_errors_path", "read_results"]


class JournalError(ValueError):
    """An OUTPUT or ERRORS file that cannot be resumed from (a bad line that is not the last one)."""


def default_errors_path(output: str | os.PathLike[str]) -> str:
    """``out.jsonl`` -> ``out.errors.jsonl`` (any other name gets ``.errors.jsonl`` appended)."""
    name = os.fspath(output)
    if name.endswith(".jsonl"):
        return name[: -len(".jsonl")] + ".errors.jsonl"
    return name + ".errors.jsonl"


def read_results(path: str | os.PathLike[str]) -> Iterator[BatchResult]:
    """The complete, well-formed result lines of a file (a torn last line is skipped)."""
    for _offset, result in _scan(os.fspath(path)):
        if result is not None:
            yield result


def _scan(path: str) -> Iterator[tuple[int, BatchResult | None]]:
    """``(offset after the line, result)`` for each line; a torn or bad last line yields
    ``(its start offset, None)`` and ends the scan; a bad line before the end raises."""
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed by the `with` below)
    except FileNotFoundError:
        return
    with file:
        offset = 0
        pending: tuple[int, bytes] | None = None
        for raw in file:
            if pending is not None:
                start, bad = pending
                raise JournalError(f"{path}: byte {start}: not a result line: {bad[:80]!r}")
            start = offset
            offset += len(raw)
            if not raw.endswith(b"\n"):
                yield start, None  # torn: the write never finished
                return
            if not raw.strip():
                continue
            try:
                result = decode_result(raw)
            except (msgspec.DecodeError, msgspec.ValidationError):
                pending = (start, raw)
                continue
            yield offset, result
        if pending is not None:
            yield pending[0], None  # a last line with its newline but garbled: also torn


class Journal:
    """OUTPUT and ERRORS opened for appending, with the custom_ids they already hold.

    Use as a context manager (or call ``close()``); ``recorded`` is the set of custom_ids found in
    either file plus those recorded since. ``succeeded`` / ``failed`` count the lines of each file.
    """

    def __init__(self, output: str | os.PathLike[str], errors: str | os.PathLike[str] | None = None) -> None:
        self.output_path: Final[str] = os.fspath(output)
        """The path of OUTPUT (one line per succeeded request)."""
        self.errors_path: Final[str] = default_errors_path(output) if errors is None else os.fspath(errors)
        """The path of ERRORS (one line per failed request)."""
        if os.path.abspath(self.output_path) == os.path.abspath(self.errors_path):
            raise ValueError("OUTPUT and ERRORS must be different files")
        self.recorded: set[str] = set()
        self.succeeded: int = 0
        """Lines in OUTPUT."""
        self.failed: int = 0
        """Lines in ERRORS."""
        self.failed_ids: set[str] = set()
        self.discarded_torn: int = 0
        """How many torn last lines were cut off when opening (0 or 1 per file)."""
        self._ok_fd = self._open(self.output_path, ok=True)
        try:
            self._err_fd = self._open(self.errors_path, ok=False)
        except BaseException:
            os.close(self._ok_fd)
            raise
        self._dirty = False
        self._closed = False

    def _open(self, path: str, *, ok: bool) -> int:
        good = 0
        for offset, result in _scan(path):
            if result is None:
                if offset < os.path.getsize(path):
                    self.discarded_torn += 1
                break
            good = offset
            if result.custom_id in self.recorded:
                continue  # never written twice by us; tolerate a hand-merged file
            self.recorded.add(result.custom_id)
            if ok:
                self.succeeded += 1
            else:
                self.failed += 1
                self.failed_ids.add(result.custom_id)
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            if os.fstat(fd).st_size > good:
                os.ftruncate(fd, good)  # the torn tail goes; the next line starts clean
                os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Journal {self.output_path!r}: {self.succeeded} succeeded, {self.failed} failed>"

    def record(self, result: BatchResult) -> bool:
        """Append ``result`` to OUTPUT (``ok``) or ERRORS in one write; False if its custom_id is
        already recorded (nothing is written then)."""
        if self._closed:
            raise RuntimeError("the journal is closed")
        if result.custom_id in self.recorded:
            return False
        line = encode_result(result)
        fd = self._ok_fd if result.ok else self._err_fd
        view = memoryview(line)
        while view:  # a regular file takes it in one write; loop for the pathological case
            written = os.write(fd, view)
            view = view[written:]
        self.recorded.add(result.custom_id)
        if result.ok:
            self.succeeded += 1
        else:
            self.failed += 1
            self.failed_ids.add(result.custom_id)
        self._dirty = True
        return True

    def sync(self) -> None:
        """``fsync`` both files if anything was written since the last sync."""
        if self._dirty and not self._closed:
            self._dirty = False
            os.fsync(self._ok_fd)
            os.fsync(self._err_fd)

    async def sync_every(self, interval: float) -> None:
        """Run forever (in a nursery), making appends durable every ``interval`` seconds."""
        while True:
            await trio.sleep(interval)
            if self._dirty:
                self._dirty = False
                await trio.to_thread.run_sync(_fsync_pair, self._ok_fd, self._err_fd)

    def close(self) -> None:
        if self._closed:
            return
        try:
            self.sync()
        finally:
            self._closed = True
            os.close(self._ok_fd)
            os.close(self._err_fd)


def _fsync_pair(a: int, b: int) -> None:
    os.fsync(a)
    os.fsync(b)
