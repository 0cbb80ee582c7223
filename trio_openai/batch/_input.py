"""Reading a Batch API input file: a validating pass before any request, then a streaming read.

``check_input(path)`` reads the whole file once, line by line (never all of it in memory), and
raises :class:`BatchInputError` naming the first bad line: malformed JSON, a missing or duplicate
``custom_id``, a method other than POST, an endpoint the Batch API does not accept, a body that is
not a JSON object. ``iter_requests(path)`` then yields the :class:`BatchRequest` of each line.
Blank lines are ignored; line numbers count from 1 and include them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import msgspec

from ._format import SUPPORTED_URLS, BatchRequest, client_path

__all__ = ["BatchInputError", "InputSummary", "check_input", "check_request", "iter_requests"]


class BatchInputError(ValueError):
    """A bad request line (or a bad request given to a run): ``line`` is its number when known."""

    def __init__(self, message: str, *, line: int | None = None, path: str | None = None) -> None:
        where = f"{path}:{line}: " if path is not None and line is not None else ""
        where = where or (f"line {line}: " if line is not None else "")
        super().__init__(where + message)
        self.line = line
        self.path = path


class InputSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What the validating pass found: how many requests, per endpoint (``/v1/...``)."""

    requests: int
    endpoints: dict[str, int]


class _Line(msgspec.Struct):
    custom_id: Any = None
    method: Any = None
    url: Any = None
    body: msgspec.Raw = msgspec.Raw(b"")


_line_decoder = msgspec.json.Decoder(_Line)


def check_request(request: BatchRequest) -> str:
    """Validate one request; returns its endpoint (``"/v1/chat/completions"``). Raises BatchInputError."""
    if not isinstance(request.custom_id, str) or not request.custom_id:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise BatchInputError("custom_id must be a non-empty string")
    if request.method.upper() != "POST":
        raise BatchInputError(f"unsupported method {request.method!r} (the Batch API takes POST only)")
    path = client_path(request.url)
    if path is None:
        raise BatchInputError(
            f"unsupported url {request.url!r} (the Batch API accepts {', '.join(SUPPORTED_URLS)})"
        )
    body = bytes(request.body).lstrip()
    if not body.startswith(b"{"):
        raise BatchInputError("body must be a JSON object")
    return "/v1" + path


def _parse(raw: bytes, number: int, path: str) -> BatchRequest:
    try:
        line = _line_decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise BatchInputError(
            f"a request line must be a JSON object ({exc})", line=number, path=path
        ) from None
    except msgspec.DecodeError as exc:
        raise BatchInputError(f"malformed JSON ({exc})", line=number, path=path) from None
    if line.custom_id is None:
        raise BatchInputError("missing custom_id", line=number, path=path)
    if not isinstance(line.custom_id, str) or not line.custom_id:
        raise BatchInputError("custom_id must be a non-empty string", line=number, path=path)
    method = "POST" if line.method is None else line.method
    if not isinstance(method, str):
        raise BatchInputError("method must be a string", line=number, path=path)
    if not isinstance(line.url, str):
        raise BatchInputError("missing url", line=number, path=path)
    if not line.body:
        raise BatchInputError("missing body", line=number, path=path)
    request = BatchRequest(custom_id=line.custom_id, url=line.url, body=line.body, method=method)
    try:
        check_request(request)
    except BatchInputError as problem:
        raise BatchInputError(str(problem), line=number, path=path) from None
    return request


def _lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, bytes]]:
    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            if raw.strip():
                yield number, raw


def iter_requests(path: str | os.PathLike[str]) -> Iterator[BatchRequest]:
    """Every request of the file, in order, read lazily (raises BatchInputError on a bad line)."""
    name = os.fspath(path)
    for number, raw in _lines(path):
        yield _parse(raw, number, name)


def check_input(path: str | os.PathLike[str]) -> InputSummary:
    """Validate the whole file before anything is sent; raises BatchInputError at the first bad line.

    Memory is one line at a time plus the set of custom_ids seen (to find duplicates).
    """
    name = os.fspath(path)
    seen: dict[str, int] = {}
    endpoints: dict[str, int] = {}
    count = 0
    for number, raw in _lines(path):
        request = _parse(raw, number, name)
        first = seen.setdefault(request.custom_id, number)
        if first != number:
            raise BatchInputError(
                f"duplicate custom_id {request.custom_id!r} (first on line {first})", line=number, path=name
            )
        endpoint = "/v1" + (client_path(request.url) or "")
        endpoints[endpoint] = endpoints.get(endpoint, 0) + 1
        count += 1
    return InputSummary(requests=count, endpoints=endpoints)
