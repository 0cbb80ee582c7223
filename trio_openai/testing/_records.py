"""What the fake server remembers: recorded requests, their headers, and connection statistics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

__all__ = ["Headers", "RecordedRequest", "ServerStats"]


class Headers(Mapping[str, str]):
    """Read-only HTTP headers with case-insensitive lookup.

    Repeated headers are joined with ``", "`` by ``headers[name]``; ``get_list(name)`` keeps them apart.
    Iteration yields lower-cased names.
    """

    __slots__ = ("_items", "_joined")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: tuple[tuple[str, str], ...] = tuple((name.lower(), value) for name, value in items)
        joined: dict[str, str] = {}
        for name, value in self._items:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        self._joined = joined

    def __getitem__(self, name: str) -> str:
        return self._joined[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._joined

    def __iter__(self) -> Iterator[str]:
        return iter(self._joined)

    def __len__(self) -> int:
        return len(self._joined)

    def get_list(self, name: str) -> list[str]:
        """Every value sent for ``name``, in order."""
        wanted = name.lower()
        return [value for key, value in self._items if key == wanted]

    def raw(self) -> list[tuple[str, str]]:
        """The (lower-cased name, value) pairs in the order they arrived."""
        return list(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake server received it.

    ``path`` has no query string (``/v1/models``); ``query`` maps each parameter to all its values.
    ``request_id`` is the ``x-request-id`` the server answered with; ``connection_id`` counts
    connections from 1, so two requests with the same id travelled on the same connection.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    connection_id: int
    request_id: str

    def json(self) -> Any:
        """The body decoded as JSON (raises ``msgspec.DecodeError`` when it is not JSON)."""
        return msgspec.json.decode(self.body)

    def query_value(self, name: str) -> str | None:
        """The first value of query parameter ``name``, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass(frozen=True, slots=True)
class ServerStats:
    """A snapshot of the server's connection counters.

    ``requests_served`` counts requests received in full and answered (or deliberately dropped);
    ``client_disconnects`` counts connections the client closed while a response was pending or
    being sent.
    """

    connections_opened: int = 0
    connections_open: int = 0
    requests_served: int = 0
    client_disconnects: int = 0
