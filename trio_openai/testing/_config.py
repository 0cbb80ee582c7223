"""Server-wide settings, and the per-request ``X-Fake-*`` headers that override them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict

__all__ = ["DEFAULT_MODELS", "FakeServerConfig", "FakeServerOptions", "StreamKnobs", "parse_after"]

DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "o3",
    "o4-mini",
    "text-embedding-3-small",
    "text-embedding-3-large",
    "whisper-1",
)


class FakeServerOptions(TypedDict, total=False):
    """Keyword arguments of ``open_fake_server`` and ``FakeServerThread``; see ``FakeServerConfig``."""

    port: int
    models: tuple[str, ...]
    files: int
    page_delay: float
    latency: float
    chunks: int | None
    chunk_delay: float
    embedding_dimensions: int
    created: int
    rate_limit_requests: int
    rate_limit_tokens: int
    idle_timeout: float
    azure_api_key: str | None
    azure_ad_token: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FakeServerConfig:
    """Every knob of the fake server with its default.

    * ``port``: 0 picks a free ephemeral port (the server only ever listens on 127.0.0.1).
    * ``models``: the ids ``GET /v1/models`` lists.
    * ``files``: how many file objects ``GET /v1/files`` (and each vector store) pages over.
    * ``page_delay``: seconds every list page takes.
    * ``latency``: seconds every default-route answer waits before it starts.
    * ``chunks``: content pieces per streamed answer; None splits the text at word boundaries.
    * ``chunk_delay``: seconds between the chunks of a stream.
    * ``embedding_dimensions``: vector size when a request gives no ``dimensions``.
    * ``created``: the Unix time stamped on generated objects (kept fixed for determinism).
    * ``rate_limit_requests`` / ``rate_limit_tokens``: the advertised ``x-ratelimit-limit-*`` values.
    * ``idle_timeout``: seconds a connection may sit idle (or stall a read or a write) before the
      server closes it; every wait of the server is bounded by this or by the server's lifetime.
    * ``azure_api_key`` / ``azure_ad_token``: the ``api-key`` / bearer token Azure-shaped requests
      (``/openai/...``) must carry; ``None`` accepts any non-empty one (see ``_azure``).
    """

    port: int = 0
    models: tuple[str, ...] = DEFAULT_MODELS
    files: int = 250
    page_delay: float = 0.0
    latency: float = 0.0
    chunks: int | None = None
    chunk_delay: float = 0.0
    embedding_dimensions: int = 1536
    created: int = 1_700_000_000
    rate_limit_requests: int = 10_000
    rate_limit_tokens: int = 2_000_000
    idle_timeout: float = 120.0
    azure_api_key: str | None = None
    azure_ad_token: str | None = None


@dataclass(frozen=True, slots=True)
class StreamKnobs:
    """How one streamed answer is shaped, after ``X-Fake-*`` headers override the server config.

    * ``X-Fake-Chunks: N``: exactly N content pieces (some may be empty if the text is shorter).
    * ``X-Fake-Chunk-Delay-Ms: N``: wait N ms before every chunk after the first.
    * ``X-Fake-Stream-Error: after=N``: after N events, send an error event and end the stream.
    * ``X-Fake-Stream-Cut: after=N``: after N events, close the connection mid-body.
    """

    chunks: int | None
    chunk_delay: float
    error_after: int | None
    cut_after: int | None

    @classmethod
    def from_request(cls, config: FakeServerConfig, headers: Mapping[str, str]) -> StreamKnobs:
        """Raises ValueError when a header does not parse."""
        chunks = headers.get("x-fake-chunks")
        delay_ms = headers.get("x-fake-chunk-delay-ms")
        error = headers.get("x-fake-stream-error")
        cut = headers.get("x-fake-stream-cut")
        return cls(
            chunks=max(1, int(chunks)) if chunks is not None else config.chunks,
            chunk_delay=max(0.0, float(delay_ms)) / 1000 if delay_ms is not None else config.chunk_delay,
            error_after=parse_after(error) if error is not None else None,
            cut_after=parse_after(cut) if cut is not None else None,
        )


def parse_after(value: str) -> int:
    """Read ``after=N`` (or a bare ``N``) from a knob header."""
    value = value.strip()
    if value.startswith("after="):
        value = value[len("after=") :]
    return max(0, int(value))
