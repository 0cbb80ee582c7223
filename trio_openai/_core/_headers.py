"""HTTP headers: a read-only, case-insensitive view of what httpcore2 gives (a list of byte pairs), and
the check every header we send passes before any I/O.

`check_header` raises a ``TypeError`` (not a str) or a ``ValueError`` (a line break, a control
character, a character outside latin-1, whitespace at either end, a name that is not an HTTP token)
naming the header but never quoting its value, and with no exception chained: a key read from a file
with its trailing newline must not end up in a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

__all__ = ["Headers", "check_header", "check_header_value"]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE_CHAR = re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def _describe(char: str) -> str:
    if char in "\r\n":
        return "a line break"
    if ord(char) > 0xFF:
        return "a character outside latin-1"
    return "a control character"


def check_header_value(value: object, what: str) -> None:
    """Check one header value; ``what`` names it in the error (``"the OpenAI-Project header"``)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    bad = _BAD_VALUE_CHAR.search(value)
    if bad is not None:
        hint = " (a key read from a file keeps its newline: strip it)" if bad.group() in "\r\n" else ""
        raise ValueError(
            f"{what} cannot be sent: it contains {_describe(bad.group())} at position {bad.start()}{hint}"
        )
    if value != value.strip(" \t"):
        raise ValueError(f"{what} cannot be sent: it starts or ends with whitespace")


def check_header(name: object, value: object) -> None:
    """Check a header's name and value before they go on the wire."""
    if not isinstance(name, str):
        raise TypeError(f"header names must be str, not {type(name).__name__}")
    if _TOKEN.fullmatch(name) is None:
        bad = next((i for i, c in enumerate(name) if _TOKEN.fullmatch(c) is None), 0)
        char = name[bad] if name else ""
        kind = (
            _describe(char)
            if char and _BAD_VALUE_CHAR.fullmatch(char)
            else "a character not allowed in a name"
        )
        detail = "it is empty" if not name else f"it contains {kind} at position {bad}"
        raise ValueError(f"a header name is not a valid HTTP token: {detail}")
    check_header_value(value, f"the {name} header")


#: Headers whose values are credentials: kept only on the wire, ``<redacted>`` in every description of a
#: request (``RequestInfo.headers``, ``response.http_request``) and in ``Headers`` reprs.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "openai-admin-key",
        "x-api-key",
    }
)
_SECRET = SECRET_HEADERS
REDACTED = "<redacted>"


def redact_headers(headers: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """``headers`` (lower-case name -> (Name, value)) with the credentials' values replaced by
    ``<redacted>``: the same dict when it carries none (the common case: the client adds the key to
    each attempt on the wire only), else a copy."""
    if SECRET_HEADERS.isdisjoint(headers):
        return headers
    return {k: (name, REDACTED) if k in SECRET_HEADERS else (name, v) for k, (name, v) in headers.items()}


class Headers(Mapping[str, str]):
    """Response (or recorded request) headers. Lookups ignore case; repeated names join with ``", "``."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Sequence[tuple[bytes, bytes]] = ()) -> None:
        self._raw = raw

    @property
    def raw(self) -> Sequence[tuple[bytes, bytes]]:
        return self._raw

    def get_list(self, key: str) -> list[str]:
        want = key.lower().encode("latin-1")
        return [v.decode("latin-1") for k, v in self._raw if k.lower() == want]

    def __getitem__(self, key: str) -> str:
        want = key.lower().encode("latin-1")
        found: str | None = None
        for k, v in self._raw:
            if k.lower() == want:
                found = v.decode("latin-1") if found is None else f"{found}, {v.decode('latin-1')}"
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        want = key.lower().encode("latin-1")
        return any(k.lower() == want for k, _ in self._raw)

    def __iter__(self) -> Iterator[str]:
        seen: set[bytes] = set()
        for k, _ in self._raw:
            lk = k.lower()
            if lk not in seen:
                seen.add(lk)
                yield lk.decode("latin-1")

    def __len__(self) -> int:
        return len({k.lower() for k, _ in self._raw})

    def __repr__(self) -> str:
        shown = {k: ("<redacted>" if k in _SECRET else v) for k, v in self.items()}
        return f"Headers({shown!r})"
