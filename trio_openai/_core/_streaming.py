"""AsyncStream: the typed items of a ``text/event-stream`` response, decoded as they arrive.

``async for item in stream`` runs one tight loop: read bytes from the connection, split them into events
(:class:`~._sse.SSEDecoder`), decode each event's data with the cached msgspec decoder of the item type.

How a stream ends:

- ``data: [DONE]`` (the whole data, exactly) ends it, and so does an event named ``done`` whatever its
  data (Assistants send ``event: done`` with ``data: [DONE]``; some servers send ``data: {}``). The
  rest of the body, normally just the end of the chunked message, is then read (at most 64 KiB, for at
  most a quarter of a second, shielded from cancellation) so the connection goes back to the pool clean
  and the next request reuses it.
- The body ending cleanly after whole events is a normal end too: the Responses API sends no
  ``[DONE]``; :attr:`AsyncStream.done` tells which of the two happened. A body that ends inside an event
  (an unfinished line, or data lines without the closing blank line) raises :class:`APIConnectionError`,
  and so does a connection dropped mid-body (an incomplete chunked or sized body): never a quiet end.
- An ``event: error`` event, or data that is a JSON object with a truthy top-level ``error`` key, raises
  :class:`APIError` carrying the server's message, code, type and param.
- ``idle_timeout`` (seconds, on the stream or as the per-call option ``stream_idle_timeout``) raises
  :class:`APITimeoutError` when no event arrives for that long.
- Cancellation, ``break`` followed by leaving ``async with stream``, or ``await stream.aclose()`` close the
  connection at once (a half-read HTTP/1.1 body cannot be reused), without waiting for the server.

Event names: data is decoded as it is (Chat Completions sends no event names; the Responses API repeats
the event name as ``type`` inside the data). Assistants events (named ``thread.*``) carry their kind only
in the event name, so their data is wrapped as ``{"event": name, "data": data}`` before decoding: the item
type is then a union tagged by ``event``, or :class:`NamedEvent`. ``envelope=True`` wraps every event,
``envelope=False`` none. Events with empty data are skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload

import msgspec
import trio

from ._cleanup import shielded
from ._decoding import decoder_for
from ._errors import APIConnectionError, APIError, APIResponseValidationError, APITimeoutError
from ._response import AsyncAPIResponse
from ._sse import ServerSentEvent, SSEDecoder
from ._transport import map_transport_errors

__all__ = ["AsyncStream", "NamedEvent"]

T = TypeVar("T")
U = TypeVar("U")
D = TypeVar("D")

_DONE = b"[DONE]"
_ERROR_KEY = b'"error"'
_DRAIN_BYTES = 64 * 1024
_DRAIN_SECONDS = 0.25
_CLOSE_SECONDS = 5.0


class NamedEvent(msgspec.Struct, Generic[D], frozen=True):
    """An event whose kind is only in its SSE event name (Assistants' ``thread.*`` events), as
    ``AsyncStream[NamedEvent[X]]`` yields it: ``event`` is the name, ``data`` the decoded payload."""

    event: str
    data: D


class _ErrorProbe(msgspec.Struct):
    error: Any = None


_probe = msgspec.json.Decoder(_ErrorProbe)
_SKIP: Any = object()
_END: Any = object()


_strictness: dict[Any, bool] = {}
_SAMPLE_ERROR = b'{"error":{"message":"m","type":"t","code":"c","param":null}}'


def _rejects_error_payloads(item_type: Any) -> bool:
    """Whether an ``{"error": ...}`` payload fails to decode as ``item_type`` (true of Structs with
    required fields and of tagged unions). For such types the stream looks for an error key only in
    data that failed to decode, which keeps the check off the hot path."""
    try:
        return _strictness[item_type]
    except KeyError:
        pass
    except TypeError:
        return False
    try:
        decoder_for(item_type).decode(_SAMPLE_ERROR)
    except msgspec.MsgspecError:
        strict = True
    except Exception:
        strict = False
    else:
        strict = False
    _strictness[item_type] = strict
    return strict


class _State(Generic[T]):
    """What the iterating generator needs. Deliberately holds no reference to the AsyncStream, so a
    stream dropped without closing is freed at once (and its generator finalized by trio)."""

    __slots__ = ("decode", "done", "envelope", "idle_timeout", "item_type", "response", "sse", "strict")

    def __init__(
        self, response: AsyncAPIResponse[Any], item_type: Any, envelope: bool | None, idle: float | None
    ) -> None:
        self.response = response
        self.item_type = item_type
        self.decode: Callable[[bytes], T] = decoder_for(item_type).decode
        self.strict = _rejects_error_payloads(item_type)
        self.sse = SSEDecoder()
        self.envelope = envelope
        self.idle_timeout = idle
        self.done = False

    def special(self, ev: ServerSentEvent) -> T:
        """Everything off the fast path: [DONE], empty data, errors, named events."""
        data = ev.data_bytes
        name = ev.event
        if data == _DONE or name == "done":
            return _END
        if not data.strip():
            return _SKIP
        if name == "error":
            raise self.error_event(data, named=True)
        if _ERROR_KEY in data:
            self.check_error_key(data)
        envelope = self.envelope
        if envelope or (envelope is None and name.startswith("thread.")):
            data = b'{"event":' + msgspec.json.encode(name) + b',"data":' + data + b"}"
        return self.decode_checked(data)

    def decode_checked(self, data: bytes) -> T:
        try:
            return self.decode(data)
        except msgspec.MsgspecError as exc:
            raise self.invalid(data, exc) from exc

    def check_error_key(self, data: bytes) -> None:
        try:
            probe = _probe.decode(data)
        except msgspec.MsgspecError:  # not a JSON object: no error key
            return
        if probe.error:
            raise self.error_event(data, named=False)

    def error_event(self, data: bytes, *, named: bool) -> APIError:
        try:
            payload: object = msgspec.json.decode(data)
        except msgspec.DecodeError:
            payload = data.decode("utf-8", "replace")
        body: object = payload
        if isinstance(payload, dict):
            nested = cast("dict[str, object]", payload).get("error")
            if not named or isinstance(nested, dict):
                body = cast(object, nested)
        message: object = None
        if isinstance(body, dict):
            body = cast("dict[str, object]", body)
            message = body.get("message")
        elif isinstance(body, str) and body:
            message = body
        if not isinstance(message, str) or not message:
            message = "An error occurred during streaming"
        return APIError(message, self.response.request_info, body=body)

    def invalid(self, data: bytes, exc: msgspec.MsgspecError) -> APIResponseValidationError:
        name = getattr(self.item_type, "__name__", None) or repr(self.item_type)
        try:
            body: object = msgspec.json.decode(data)
        except msgspec.DecodeError:
            body = data.decode("utf-8", "replace")
        return APIResponseValidationError(
            cast(Any, self.response), body, message=f"A stream event does not match {name}: {exc}"
        )

    def cut(self) -> APIConnectionError:
        return APIConnectionError(
            message="The stream ended in the middle of an event.", request=self.response.request_info
        )


async def _aclose_iterator(iterator: object) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


async def _drain(read: Callable[[], Any]) -> None:
    """After [DONE]: read what is left of the body (bounded) so the connection can be reused. Whatever
    goes wrong here is ignored: the answer is complete, and a connection not read to its end is closed."""
    with shielded(_DRAIN_SECONDS):
        left = _DRAIN_BYTES
        try:
            while left > 0:
                left -= len(await read())
        except StopAsyncIteration:
            pass
        except Exception:
            pass


def _general(sse: SSEDecoder) -> Callable[[bytes], tuple[list[bytes] | None, list[ServerSentEvent]]]:
    """A ``feed_payloads`` that never takes the fast path (every event goes through ``special``)."""
    feed = sse.feed

    def feed_events(chunk: bytes) -> tuple[list[bytes] | None, list[ServerSentEvent]]:
        return None, feed(chunk)

    return feed_events


_KEY_SEAM = len(_ERROR_KEY) - 1


Entry = bytes | ServerSentEvent
"""What a network read gives: a payload of the fast path to decode (bytes), or an event for ``special``."""


async def _reads(state: _State[Any]) -> AsyncIterator[list[Entry]]:
    """The hot loop: per network read, its events as a non-empty list of entries, not yet decoded.

    Decoding is left to the consumer, one item at a time (:func:`_iterate`), so a read's items are
    not all alive at once: a read of ~225 chat chunks decoded into a list kept some 900 objects
    tracked by the garbage collector, which then ran ~80 young collections per 20,000 chunks. The end
    of the stream ([DONE], an event named ``done``) is found here, before decoding: the entries stop
    there, and the rest of the body is drained when the consumer asks for more."""
    response = state.response
    response._consumed = True
    raw_iterator = cast(Any, response._raw.stream).__aiter__()  # pyright: ignore[reportUnknownMemberType]
    read = raw_iterator.__anext__
    sse = state.sse
    feed = sse.feed_payloads if not state.envelope else _general(sse)
    strict = state.strict
    idle = state.idle_timeout
    deadline = trio.current_time() + idle if idle is not None else 0.0
    carry = False
    tail = b""
    try:
        with map_transport_errors(response.request_info):
            while True:
                chunk: bytes
                try:
                    if idle is None:
                        chunk = await read()
                    else:
                        chunk = b""
                        with trio.move_on_at(deadline) as scope:
                            chunk = await read()
                        if scope.cancelled_caught:
                            raise APITimeoutError(
                                response.request_info,
                                message=f"No stream event for {idle} s (idle_timeout).",
                            )
                except StopAsyncIteration:
                    break
                # Searching every payload for an error key costs as much as a third of decoding it;
                # search the network chunk once instead (plus the seam with the previous chunk, and
                # any frame still open from an earlier chunk that had a hit).
                suspicious = not strict and (
                    carry or _ERROR_KEY in chunk or _ERROR_KEY in tail + chunk[:_KEY_SEAM]
                )
                tail = chunk[-_KEY_SEAM:] if len(chunk) >= _KEY_SEAM else (tail + chunk)[-_KEY_SEAM:]
                payloads, events = feed(chunk)
                carry = suspicious and sse.in_event
                entries: list[Entry] = cast("list[Entry]", events)
                end = False
                if events:
                    # Events the general parser completed (they come before any payloads); each goes
                    # to `special`, which also finds errors. [DONE] or an event named done ends there.
                    for at, ev in enumerate(events):
                        if ev.data_bytes == _DONE or ev.event == "done":
                            entries, end = entries[:at], True
                            break
                if payloads and not end:
                    # The common case: whole `data: ...` frames, decoded by the consumer. A payload
                    # that may hold an error goes to `special` as an event; [DONE] ends the stream.
                    more = cast("list[Entry]", payloads)
                    if _DONE in payloads:
                        at = payloads.index(_DONE)
                        more, end = more[:at], True
                    if suspicious:
                        more = [
                            ServerSentEvent("message", data) if _ERROR_KEY in data else data
                            for data in cast("list[bytes]", more)
                        ]
                    entries = entries + more if entries else more
                if not entries and not end:
                    continue
                if idle is not None:
                    deadline = trio.current_time() + idle
                if entries:
                    yield entries
                if end:
                    state.done = True
                    await _drain(read)
                    return
        if state.sse.in_event:
            raise state.cut()
    finally:
        with shielded(_CLOSE_SECONDS) as scope:
            try:
                await _aclose_iterator(raw_iterator)
            finally:
                await response.aclose()


async def _iterate(state: _State[T], reads: AsyncIterator[list[Entry]]) -> AsyncIterator[T]:
    """One item at a time, each decoded as it is handed out."""
    decode = state.decode
    special = state.special
    try:
        async for entries in reads:
            for entry in entries:
                if type(entry) is bytes:
                    try:
                        item = decode(entry)
                    except msgspec.MsgspecError:
                        item = special(ServerSentEvent("message", entry))
                        if item is _SKIP:
                            continue
                    yield item
                else:
                    item = special(cast(ServerSentEvent, entry))
                    if item is not _SKIP:
                        yield item
    finally:
        await _aclose_iterator(reads)


async def _batches(state: _State[T], reads: AsyncIterator[list[Entry]]) -> AsyncIterator[list[T]]:
    """The items of each network read, decoded, as one non-empty list (the blocking client crosses
    threads once per read). Items before a failure (an error event, a bad payload) are delivered
    before it is raised."""
    decode = state.decode
    special = state.special
    try:
        async for entries in reads:
            batch: list[T] = []
            append = batch.append
            for entry in entries:
                try:
                    if type(entry) is bytes:
                        try:
                            append(decode(entry))
                            continue
                        except msgspec.MsgspecError:
                            entry = ServerSentEvent("message", entry)
                    item = special(cast(ServerSentEvent, entry))
                except Exception:
                    if batch:
                        yield batch
                    raise
                if item is not _SKIP:
                    append(item)
            if batch:
                yield batch
    finally:
        await _aclose_iterator(reads)


_factories: dict[Any, Callable[[AsyncAPIResponse[Any]], Any]] = {}


class AsyncStream(Generic[T]):
    """The items of a server-sent-events response, typed: ``async for chunk in stream``.

    Use it as an async context manager (``async with await client.chat.completions.create(...,
    stream=True) as stream``) or iterate it to the end; either way the connection is released. It can be
    iterated once. ``response`` is the :class:`AsyncAPIResponse` (status, headers, ``request_id``).
    """

    __slots__ = ("_closed", "_iterator", "_state")

    @overload
    def __init__(
        self: AsyncStream[U],
        response: AsyncAPIResponse[Any],
        item_type: type[U],
        *,
        idle_timeout: float | None = ...,
        envelope: bool | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        response: AsyncAPIResponse[Any],
        item_type: object,
        *,
        idle_timeout: float | None = ...,
        envelope: bool | None = None,
    ) -> None: ...

    def __init__(
        self,
        response: AsyncAPIResponse[Any],
        item_type: object,
        *,
        idle_timeout: float | object | None = _SKIP,
        envelope: bool | None = None,
    ) -> None:
        if idle_timeout is _SKIP:
            call = response._call
            idle_timeout = call.options.get("stream_idle_timeout") if call is not None else None
        if idle_timeout is not None and (
            isinstance(idle_timeout, bool) or not isinstance(idle_timeout, int | float) or idle_timeout <= 0
        ):
            raise ValueError(
                f"idle_timeout must be a positive number of seconds or None, not {idle_timeout!r}"
            )
        self._state = _State[T](response, item_type, envelope, idle_timeout)
        self._iterator: AsyncIterator[T] | None = None
        self._closed = False

    @overload
    @classmethod
    def factory(cls, item_type: type[U]) -> Callable[[AsyncAPIResponse[Any]], AsyncStream[U]]: ...

    @overload
    @classmethod
    def factory(cls, item_type: object) -> Callable[[AsyncAPIResponse[Any]], AsyncStream[Any]]: ...

    @classmethod
    def factory(cls, item_type: object) -> Callable[[AsyncAPIResponse[Any]], AsyncStream[Any]]:
        """A ``stream_cls`` for the client: ``response -> AsyncStream[item_type]``, one per type."""
        try:
            return _factories[item_type]
        except KeyError:
            pass
        except TypeError:  # an unhashable type expression
            return lambda response: cls(response, item_type)

        def make(response: AsyncAPIResponse[Any]) -> AsyncStream[Any]:
            return cls(response, item_type)

        _factories[item_type] = make
        return make

    # --- facts ---------------------------------------------------------------------------------------

    @property
    def response(self) -> AsyncAPIResponse[Any]:
        return self._state.response

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the response."""
        return self._state.response.request_id

    @property
    def done(self) -> bool:
        """True once the server's ``[DONE]`` sentinel was read."""
        return self._state.done

    @property
    def closed(self) -> bool:
        return self._closed or self._state.response.is_closed

    @property
    def idle_timeout(self) -> float | None:
        return self._state.idle_timeout

    @idle_timeout.setter
    def idle_timeout(self, value: float | None) -> None:
        """Change the idle timeout before iteration starts."""
        if self._iterator is not None:
            raise RuntimeError("idle_timeout can only be changed before iteration starts")
        self._state.idle_timeout = value

    # --- iteration and closing ---------------------------------------------------------------------

    def __await__(self) -> Generator[Any, None, AsyncStream[T]]:
        """``await raw.parse()`` and ``raw.parse()`` both give the stream (the official SDK's
        ``parse()`` of a raw ``stream=True`` response returns it without an await)."""
        return self
        yield  # a generator: awaiting the stream finishes at once, with the stream

    def __aiter__(self) -> AsyncIterator[T]:
        iterator = self._iterator
        if iterator is None:
            if self._closed:
                return _empty()
            iterator = self._iterator = _iterate(self._state, _reads(self._state))
        return iterator

    def iter_batches(self) -> AsyncIterator[list[T]]:
        """The items in lists, one per network read (never empty), instead of one at a time. The
        blocking client uses this to cross threads once per read. Like iteration, only once."""
        if self._iterator is not None:
            raise RuntimeError("this stream is already being iterated")
        if self._closed:
            return _empty()
        batches = _batches(self._state, _reads(self._state))
        self._iterator = cast("AsyncIterator[T]", batches)
        return batches

    async def __anext__(self) -> T:
        return await self.__aiter__().__anext__()

    async def aclose(self) -> None:
        """Close the connection (at once, if the body was not read to the end). Idempotent and safe to
        call from a cancelled scope."""
        if self._closed:
            return
        self._closed = True
        iterator = self._iterator
        with shielded(_CLOSE_SECONDS):
            try:
                if iterator is not None:
                    await _aclose_iterator(iterator)
            except RuntimeError:  # being iterated in another task: closing the response ends that
                pass
            finally:
                await self._state.response.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncStream[T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        state = self._state
        name = getattr(state.item_type, "__name__", None) or repr(state.item_type)
        status = "closed" if self.closed else ("done" if state.done else "open")
        return f"<AsyncStream[{name}] {status} {state.response.request_info.method} {state.response.url}>"


async def _empty() -> AsyncIterator[Any]:
    return
    yield
