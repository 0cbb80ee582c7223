"""Partial JSON, parsed incrementally: each delta is parsed once, so it costs about its own size.

Streamed structured outputs arrive as JSON text in small deltas. Re-parsing the whole text at every delta
(what a partial-mode parser such as jiter does) costs the text so far each time, quadratic over a stream;
:class:`PartialJSON` instead pushes each delta into ijson's push parser (its C backend, a maintained
incremental JSON tokenizer) and applies the tokens it yields to one value built in place.

The value follows the official SDK's partial rules (jiter's ``partial_mode=True``): containers appear as
soon as they open; a key appears with its value once that value is complete (strings, numbers,
``true``/``false``/``null``) or has opened (objects, lists). **The value is the same object from one
delta to the next, updated in place**; copy it to keep the state at one point.

ijson is an optional dependency (the ``structured`` extra). Without it :func:`partial_parser` returns
``None`` and streams carry no partial values (the final parsed value does not need it).
"""

from __future__ import annotations

from typing import Any, cast

__all__ = ["PartialJSON", "partial_parser"]


class _Sink:
    __slots__ = ("events",)

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def send(self, event: tuple[str, Any]) -> None:
        self.events.append(event)


class PartialJSON:
    """Feed the deltas of one JSON text to :meth:`feed`; :attr:`value` is what they add up to so far."""

    __slots__ = ("_coro", "_error", "_keys", "_sink", "_stack", "fed", "value")

    def __init__(self, ijson: Any) -> None:
        self._sink = _Sink()
        self._coro: Any = ijson.basic_parse_coro(self._sink, use_float=True)
        self._error: type[BaseException] = ijson.JSONError
        self._stack: list[Any] = []
        self._keys: list[str | None] = []
        self.value: Any = None
        self.fed = 0
        """Characters parsed so far (each delta once: the proof that no text is parsed twice)."""

    def feed(self, delta: str) -> Any:
        """Parse one more piece of the text; returns :attr:`value`. Text that is not JSON stops the
        parsing (the value stays as it was; the final parse reports the error)."""
        if self._coro is None or not delta:
            return self.value
        self.fed += len(delta)
        try:
            self._coro.send(delta.encode())
        except self._error:
            self._coro = None
        events = self._sink.events
        if events:
            self._apply(events)
            events.clear()
        return self.value

    def _apply(self, events: list[tuple[str, Any]]) -> None:
        stack = self._stack
        keys = self._keys
        for kind, data in events:
            if kind == "map_key":
                keys[-1] = cast(str, data)
                continue
            if kind == "end_map" or kind == "end_array":
                stack.pop()
                keys.pop()
                continue
            if kind == "start_map":
                value: Any = {}
            elif kind == "start_array":
                value = []
            else:
                value = data
            if stack:
                top = stack[-1]
                if type(top) is dict:
                    top[keys[-1]] = value
                else:
                    top.append(value)
            else:
                self.value = value
            if kind == "start_map" or kind == "start_array":
                stack.append(value)
                keys.append(None)


_ijson: Any = None


def partial_parser() -> PartialJSON | None:
    """A new :class:`PartialJSON`, or ``None`` when ijson is not installed."""
    global _ijson
    if _ijson is None:
        try:
            import ijson  # pyright: ignore[reportMissingTypeStubs]
        except ImportError:
            _ijson = False
            return None
        _ijson = ijson
    if _ijson is False:
        return None
    return PartialJSON(_ijson)
