"""Sentinels, timeouts and the per-call options every API method accepts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Final, Literal, TypedDict, final

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NotGiven",
    "Omit",
    "RequestOptions",
    "Timeout",
    "TimeoutTypes",
    "not_given",
    "omit",
    "reject_unknown_options",
    "validate_max_retries",
    "to_timeout",
]


@final
class NotGiven:
    """The type of :data:`not_given`: "the caller did not pass this argument".

    It differs from ``None``, which is a real value (``timeout=None`` means *no* timeout).
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


@final
class Omit:
    """The type of :data:`omit`: leave this out of the request.

    As a body parameter it is the default of every optional argument (never serialized); in a header map
    (``extra_headers={"OpenAI-Project": omit}``) it removes a header the client would otherwise send.
    """

    _instance: Omit | None = None

    def __new__(cls) -> Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "omit"

    def __reduce__(self) -> str:
        return "omit"


NOT_GIVEN: Final = NotGiven()
not_given: Final = NOT_GIVEN
omit: Final = Omit()


@final
class Timeout:
    """Timeouts in seconds for one request attempt, and optionally for a whole call.

    ``Timeout(600, connect=5.0)`` is the default: 5 s to connect, 600 s for every other phase.
    ``connect``, ``read``, ``write`` and ``pool`` fall back to ``timeout``; ``None`` means no limit for
    that phase. ``total`` bounds the whole call including retries and backoff sleeps (default: no bound),
    up to the moment the response is handed back: for a plain call that includes reading the body; for a
    streamed one (``stream=True``, ``with_streaming_response``, ``.stream(...)`` helpers) it covers
    getting the response headers, not reading the stream afterwards, whose reads ``read`` bounds one at a
    time. To bound a whole stream, wrap its consumption in ``trio.move_on_after`` / ``trio.fail_after``.
    """

    __slots__ = ("connect", "pool", "read", "total", "write")

    connect: float | None
    read: float | None
    write: float | None
    pool: float | None
    total: float | None

    def __init__(
        self,
        timeout: float | NotGiven | None = NOT_GIVEN,
        *,
        connect: float | NotGiven | None = NOT_GIVEN,
        read: float | NotGiven | None = NOT_GIVEN,
        write: float | NotGiven | None = NOT_GIVEN,
        pool: float | NotGiven | None = NOT_GIVEN,
        total: float | None = None,
    ) -> None:
        if isinstance(timeout, NotGiven) and any(
            isinstance(x, NotGiven) for x in (connect, read, write, pool)
        ):
            raise ValueError(
                "Timeout needs a default (Timeout(10.0)) or all four of connect, read, write and pool"
            )
        default = None if isinstance(timeout, NotGiven) else _seconds(timeout, "timeout")
        self.connect = default if isinstance(connect, NotGiven) else _seconds(connect, "connect")
        self.read = default if isinstance(read, NotGiven) else _seconds(read, "read")
        self.write = default if isinstance(write, NotGiven) else _seconds(write, "write")
        self.pool = default if isinstance(pool, NotGiven) else _seconds(pool, "pool")
        self.total = _seconds(total, "total")

    def as_extension(self) -> dict[str, float | None]:
        """The form httpcore2 reads from ``request.extensions["timeout"]``."""
        return {"connect": self.connect, "read": self.read, "write": self.write, "pool": self.pool}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeout):
            return NotImplemented
        return (self.connect, self.read, self.write, self.pool, self.total) == (
            other.connect,
            other.read,
            other.write,
            other.pool,
            other.total,
        )

    def __hash__(self) -> int:
        return hash((self.connect, self.read, self.write, self.pool, self.total))

    def __repr__(self) -> str:
        phases = (self.connect, self.read, self.write, self.pool)
        if len(set(phases)) == 1:
            inner = f"timeout={self.connect}"
        else:
            inner = f"connect={self.connect}, read={self.read}, write={self.write}, pool={self.pool}"
        if self.total is not None:
            inner += f", total={self.total}"
        return f"Timeout({inner})"


def _seconds(value: object, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} timeout must be a number of seconds or None, not {type(value).__name__}")
    if math.isnan(value) or value < 0:
        raise ValueError(f"{name} timeout must be >= 0, got {value!r}")
    return None if math.isinf(value) else float(value)


TimeoutTypes = float | Timeout | None

DEFAULT_TIMEOUT: Final = Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2


def to_timeout(value: object) -> Timeout:
    """Normalize what a caller passed as ``timeout=`` (a number, ``None`` or a :class:`Timeout`)."""
    if isinstance(value, Timeout):
        return value
    if value is None:
        return Timeout(None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"timeout must be a number of seconds, a trio_openai.Timeout or None, not {type(value).__name__}"
        )
    return Timeout(value)


def validate_max_retries(value: object) -> int:
    if value is None:
        raise TypeError("max_retries cannot be None; use 0 to disable retries")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"max_retries must be >= 0, got {value}")
    return value


class RequestOptions(TypedDict, total=False):
    """Keyword arguments every API method accepts beside its own parameters."""

    extra_headers: Mapping[str, str | Omit] | None
    """Headers added to (or, with ``omit``, removed from) this request."""
    extra_query: Mapping[str, object] | None
    """Query parameters added to this request."""
    extra_body: Mapping[str, object] | None
    """Fields merged into the JSON (or multipart) body of this request."""
    timeout: float | Timeout | None
    """Overrides the client's timeout for this call; ``None`` disables it."""
    max_retries: int
    """Overrides the client's retry budget for this call."""
    idempotency_key: str
    """The ``Idempotency-Key`` to send (by default one is generated per call and kept across retries)."""
    stream_idle_timeout: float | None
    """For streamed calls: raise ``APITimeoutError`` when no event arrives for this many seconds."""


_OPTION_NAMES: Final = frozenset(RequestOptions.__required_keys__ | RequestOptions.__optional_keys__)


def reject_unknown_options(options: Mapping[str, object], where: str) -> None:
    """Raise the `TypeError` Python raises for a misspelt keyword (``where`` is the method's qualified
    name, ``AsyncCompletions.create``) when `options` holds a name that is not a request option.

    Generated methods collect per-call options in ``**options``; they call this only when it is not
    empty (``if options: ...``), so a call without options pays one truth test. Fields the types do not
    know go in ``extra_body``.
    """
    for name in options:
        if name not in _OPTION_NAMES:
            raise TypeError(f"{where}() got an unexpected keyword argument {name!r}")
