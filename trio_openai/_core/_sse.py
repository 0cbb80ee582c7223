"""An incremental Server-Sent Events decoder that follows the WHATWG EventSource parsing rules.

Feed it the body of a ``text/event-stream`` response in chunks of any size; each call returns the events
that the chunk completed. Everything is done on bytes: CR and LF are ASCII, so splitting on them never cuts
a multi-byte character that lies inside a complete line, and the payload of each event stays as bytes for
``msgspec.json.Decoder.decode``.

The common frames ``data: ...\\n\\n`` and ``event: ...\\ndata: ...\\n\\n`` take a fast path that slices
whole frames out of the chunk; anything else goes through the general line parser.

Rules, from https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation:

- a line ends at CRLF, LF or CR (a CRLF split across two chunks is one line end); one leading UTF-8 BOM is
  skipped;
- a line starting with ``:`` is a comment; otherwise the field name runs to the first ``:`` and one space
  after it is dropped from the value; a line without ``:`` is a field with an empty value;
- ``event`` sets the type, ``data`` lines are joined with ``\\n``, ``id`` sets the last event id unless the
  value contains NUL, ``retry`` sets the reconnection time if the value is all ASCII digits, other fields
  are ignored;
- a blank line ends the block: the last event id takes the value of the id buffer, an event is dispatched
  if at least one ``data`` line was seen, and the event type resets. An unterminated block at the end of
  the stream is dropped.
"""

from __future__ import annotations

import msgspec

__all__ = ["SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"
_LF = 10
_CR = 13
_COLON = 58
_SPACE = 32
_MAX_CACHED_TYPES = 256
_FAST_PARTIAL = 64 * 1024  # longest carried-over line the payload fast path copies


class ServerSentEvent(msgspec.Struct, frozen=True, gc=False):
    """One dispatched event. Immutable; ``data`` is decoded from ``data_bytes`` on access."""

    event: str
    """The event type; ``"message"`` when the block had no (or an empty) ``event`` field."""
    data_bytes: bytes
    """The ``data`` lines joined with ``\\n``, as raw UTF-8 bytes."""
    id: str = ""
    """The last event id in force when the event was dispatched (``""`` if none)."""
    retry: int | None = None
    """The reconnection time in milliseconds, if this event's block set one."""

    @property
    def data(self) -> str:
        """The data as text; invalid UTF-8 becomes U+FFFD."""
        return self.data_bytes.decode("utf-8", "replace")

    def __repr__(self) -> str:
        data = self.data_bytes
        shown = data if len(data) <= 40 else data[:37] + b"..."
        parts = [f"event={self.event!r}", f"data={shown!r}"]
        if self.id:
            parts.append(f"id={self.id!r}")
        if self.retry is not None:
            parts.append(f"retry={self.retry}")
        return f"ServerSentEvent({', '.join(parts)})"


class SSEDecoder:
    """Turns ``text/event-stream`` bytes into :class:`ServerSentEvent` objects, incrementally.

    ``last_event_id`` is the WHATWG "last event ID string": it changes when a blank line ends a block that
    set an ``id`` (whether or not that block produced an event), and is what a reconnecting client sends
    as ``Last-Event-ID``. ``retry`` is the latest reconnection time in milliseconds, or ``None``.
    """

    __slots__ = (
        "_at_start",
        "_block_retry",
        "_data",
        "_event",
        "_id_buffer",
        "_partial",
        "_pending_cr",
        "_type_cache",
        "last_event_id",
        "retry",
    )

    def __init__(self) -> None:
        self.last_event_id: str = ""
        self.retry: int | None = None
        self._at_start = True  # no byte seen yet, or only a prefix of the BOM (kept in _partial)
        self._partial = bytearray()  # an unterminated line carried over to the next chunk
        self._pending_cr = False  # the previous chunk ended with CR: a leading LF belongs to it
        self._id_buffer = ""
        self._data: list[bytes] = []
        self._event: bytes | None = None
        self._block_retry: int | None = None
        self._type_cache: dict[bytes, str] = {}

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Consume the next piece of the stream; return the events it completed, in order."""
        events: list[ServerSentEvent] = []
        if self._at_start:
            head = bytes(self._partial) + chunk
            if len(head) < len(_BOM) and _BOM.startswith(head):
                self._partial[:] = head
                return events
            self._at_start = False
            self._partial.clear()
            chunk = head[len(_BOM) :] if head.startswith(_BOM) else head
        n = len(chunk)
        if not n:
            return events
        pos = 0
        if self._pending_cr:
            self._pending_cr = False
            if chunk[0] == _LF:
                pos = 1
        if self._partial:
            pos = self._finish_partial(chunk, pos, events)
            if pos < 0:
                return events
        if pos < n:
            self._scan(chunk, pos, events)
        return events

    def feed_payloads(self, chunk: bytes) -> tuple[list[bytes] | None, list[ServerSentEvent]]:
        """:meth:`feed`, with a faster answer for the commonest shape of stream.

        Returns ``(payloads, events)``: the events the chunk completed come in ``events`` first, then
        those in ``payloads``. ``payloads`` is for a run of whole ``data: ...\\n\\n`` frames with no CR
        and no block in progress: the data of each of those events (type ``"message"``, id
        :attr:`last_event_id`) as bytes, found with a few C-level passes instead of a loop per frame; a
        trailing unfinished frame is kept for the next call as usual. When the chunk does not start that
        way (the first chunk of a stream, one that starts inside a frame, or after any other kind of
        line), the part up to its first blank line goes through :meth:`feed` and the rest takes the fast
        path if it can, so one odd start does not send a whole read the slow way. ``payloads`` is
        ``None`` when the fast path took nothing, and then ``events == feed(chunk)``. Mixing calls to
        both methods is allowed.
        """
        payloads = self._payloads(chunk)
        if payloads is not None:
            return payloads, []
        if chunk.startswith(b"\n") and not self._partial and not self._pending_cr:
            cut = 1  # the previous chunk ended a line: this LF is a blank line
        else:
            cut = chunk.find(b"\n\n") + 2
            if cut < 2:
                return None, self.feed(chunk)
        if not chunk.startswith(b"data: ", cut):
            return None, self.feed(chunk)
        # A blank line ends whatever was open (a line, a block, a pending CR), so the rest starts clean.
        events = self.feed(chunk[:cut])
        rest = chunk[cut:]
        payloads = self._payloads(rest)
        if payloads is None:
            events += self.feed(rest)
        return payloads, events

    def _payloads(self, chunk: bytes) -> list[bytes] | None:
        """The fast path of :meth:`feed_payloads`: the payloads of ``chunk``, or ``None`` (nothing
        consumed) when it is not a run of plain ``data:`` frames continuing a clean state."""
        if self._data or self._event is not None or self._block_retry is not None or self._pending_cr:
            return None
        if self._partial:
            # The carried-over line holds no LF, so a frame can only end inside this chunk. Until one
            # does, append to the line without copying or rescanning it: an event that arrives in many
            # reads costs time linear in its size (copying it on every read made it quadratic). A long
            # line is finished by the general parser, which copies it fewer times than the fast path.
            if len(self._partial) > _FAST_PARTIAL or b"\n\n" not in chunk:
                return None
            buf = bytes(self._partial) + chunk
        else:
            buf = chunk
        if self._at_start or not buf.startswith(b"data: ") or b"\r" in buf:
            return None
        end = buf.rfind(b"\n\n") + 2
        if end < 8:
            return None
        region = buf[6 : end - 2]
        payloads = region.split(b"\n\ndata: ")
        # Each separator holds two LFs; any other LF means a frame of another shape.
        if region.count(b"\n") != 2 * len(payloads) - 2:
            return None
        self._partial.clear()
        self.last_event_id = self._id_buffer
        if end < len(buf):
            self._scan(buf[end:], 0, [])  # no blank line in there: it only carries state over
        return payloads

    @property
    def in_event(self) -> bool:
        """Whether the bytes fed so far stop inside an event: an unfinished line or data lines not yet
        closed by a blank line. A stream that ends here was cut (WHATWG drops that event)."""
        return bool(self._data) or (bool(self._partial) and not self._at_start)

    def end(self) -> list[ServerSentEvent]:
        """Signal the end of the stream. An unterminated event is dropped (WHATWG), so this returns ``[]``."""
        self._partial.clear()
        self._pending_cr = False
        self._data = []
        self._event = None
        self._block_retry = None
        return []

    def __repr__(self) -> str:
        return (
            f"<SSEDecoder last_event_id={self.last_event_id!r} retry={self.retry!r} "
            f"buffered={len(self._partial)} bytes, {len(self._data)} data lines>"
        )

    # -- internals ---------------------------------------------------------------------------------------

    def _finish_partial(self, chunk: bytes, pos: int, events: list[ServerSentEvent]) -> int:
        """Complete the carried-over line with the start of ``chunk``; return where to go on, or -1."""
        lf = chunk.find(b"\n", pos)
        cr = chunk.find(b"\r", pos)
        end = cr if lf < 0 or 0 <= cr < lf else lf
        view = memoryview(chunk)
        if end < 0:
            self._partial += view[pos:]
            return -1
        self._partial += view[pos:end]
        line = bytes(self._partial)
        self._partial.clear()
        self._line(line, events)
        if chunk[end] == _CR:
            if end + 1 == len(chunk):
                self._pending_cr = True
                return end + 1
            if chunk[end + 1] == _LF:
                return end + 2
        return end + 1

    def _scan(self, chunk: bytes, pos: int, events: list[ServerSentEvent]) -> None:
        """Parse ``chunk`` from ``pos``: whole frames on the fast path, other lines one by one."""
        n = len(chunk)
        find = chunk.find
        startswith = chunk.startswith
        append = events.append
        lf = -1
        cr = find(b"\r", pos)
        if cr < 0:
            cr = n  # sentinels: "not in the rest of the chunk"
        while pos < n:
            if cr < pos:
                cr = find(b"\r", pos)
                if cr < 0:
                    cr = n
            if not self._data and self._event is None and self._block_retry is None:
                # Fast path: frames made of LF-terminated lines, [event: T\n] data: D\n\n.
                start = pos
                id_ = self._id_buffer
                while True:
                    etype = "message"
                    dpos = pos
                    if startswith(b"event: ", pos):
                        dpos = find(b"\n", pos, cr)  # searches stop at the next CR: linear on CR-only streams
                        if dpos < 0:
                            break
                        name = chunk[pos + 7 : dpos]
                        etype = self._type_cache.get(name) or self._event_type(name)
                        dpos += 1
                    if not startswith(b"data: ", dpos):
                        break
                    dend = find(b"\n", dpos, cr)
                    # no CR anywhere in the frame, and a blank line right after the data line
                    if dend < 0 or not startswith(b"\n", dend + 1):
                        break
                    append(ServerSentEvent(etype, chunk[dpos + 6 : dend], id_))
                    pos = dend + 2
                if pos != start:
                    self.last_event_id = id_
                    if pos >= n:
                        return
            # General path: one line.
            if lf < pos:
                lf = find(b"\n", pos)
                if lf < 0:
                    lf = n
            if lf < cr:
                self._line(chunk[pos:lf], events)
                pos = lf + 1
            elif cr < n:
                self._line(chunk[pos:cr], events)
                pos = cr + 1
                if pos == n:
                    self._pending_cr = True
                elif chunk[pos] == _LF:
                    pos += 1
            else:
                self._partial += memoryview(chunk)[pos:]
                return

    def _line(self, line: bytes, events: list[ServerSentEvent]) -> None:
        """Process one complete line (without its line end)."""
        if not line:
            self._dispatch(events)
            return
        if line[0] == _COLON:
            return
        colon = line.find(b":")
        if colon < 0:
            name, value = line, b""
        else:
            name = line[:colon]
            start = colon + 2 if line.startswith(b" ", colon + 1) else colon + 1
            value = line[start:]
        if name == b"data":
            self._data.append(value)
        elif name == b"event":
            self._event = value
        elif name == b"id":
            if b"\0" not in value:
                self._id_buffer = value.decode("utf-8", "replace")
        elif name == b"retry" and value.isdigit():  # bytes.isdigit() is ASCII-only
            try:
                retry = int(value)
            except ValueError:  # more digits than int() accepts: not a usable time, ignore it
                return
            self.retry = self._block_retry = retry

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        """End the block at a blank line."""
        self.last_event_id = self._id_buffer
        data = self._data
        if data:
            name = self._event
            etype = (self._type_cache.get(name) or self._event_type(name)) if name else "message"
            payload = data[0] if len(data) == 1 else b"\n".join(data)
            events.append(ServerSentEvent(etype, payload, self._id_buffer, self._block_retry))
            self._data = []
        self._event = None
        self._block_retry = None

    def _event_type(self, name: bytes) -> str:
        """Decode an event type, remembering a bounded number of them (streams reuse a handful)."""
        if not name:
            return "message"
        text = name.decode("utf-8", "replace")
        cache = self._type_cache
        if len(cache) >= _MAX_CACHED_TYPES:
            cache.clear()
        cache[name] = text
        return text
