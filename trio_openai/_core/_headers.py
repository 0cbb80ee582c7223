"""A read-only, case-insensitive view of HTTP headers as httpcore2 gives them (a list of byte pairs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

__all__ = ["Headers"]

_SECRET = frozenset({"authorization", "api-key", "proxy-authorization", "cookie", "set-cookie"})


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
