"""What opening a Realtime session sends: the ``ws(s)://`` URL, the handshake headers and the TLS context.

Built from the client's configuration the way the HTTP pipeline builds a request, so a session sees
the same base URL, default query, default headers, organization and project as every other call.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import httpcore2

from .._core._options import Omit
from .._core._request import apply_headers, encode_query, resolve_api_key
from .._core._transport import HTTPTransport

if TYPE_CHECKING:
    from .._client import AsyncOpenAI

__all__ = ["Handshake", "build_handshake"]

_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
#: Request headers of the HTTP API that mean nothing on a WebSocket upgrade.
_HTTP_ONLY = ("accept",)
#: Stands for the bearer token until we know the headers keep it (so a key provider is only asked
#: when the key is actually sent).
_AUTH_PENDING = "\x00pending"


class Handshake:
    """The URL, headers and TLS context of one connection attempt. Its ``repr`` leaves out the headers:
    they carry the key."""

    __slots__ = ("headers", "ssl_context", "url")

    def __init__(
        self, url: str, headers: list[tuple[bytes, bytes]], ssl_context: ssl.SSLContext | None
    ) -> None:
        self.url = url
        self.headers = headers
        self.ssl_context = ssl_context

    def __repr__(self) -> str:
        return f"<Handshake {self.url}>"


def _websocket_base(base: str) -> str:
    parts = urlsplit(base)
    scheme = _SCHEMES.get(parts.scheme)
    if scheme is None or not parts.hostname:
        raise ValueError(f"websocket_base_url must be an absolute ws(s):// or http(s):// URL, got {base!r}")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), parts.query, ""))


def _ssl_context(client: AsyncOpenAI) -> ssl.SSLContext:
    transport = client._lifetime.transport
    if isinstance(transport, HTTPTransport):
        return transport.ssl_context()  # the client's `verify=` setting, verified by default
    return httpcore2.default_ssl_context()


async def build_handshake(
    client: AsyncOpenAI,
    path: str,
    query: Mapping[str, object],
    *,
    extra_query: Mapping[str, object] | None = None,
    extra_headers: Mapping[str, str | Omit] | None = None,
) -> Handshake:
    """The handshake for ``path`` (``"/realtime"``) with ``query`` (``model=...``) on ``client``."""
    target, query = client._realtime_target(query)  # the Azure client routes its sessions itself
    base = _websocket_base(target)
    parts = urlsplit(base)
    merged: dict[str, object] = dict(client._config.default_query)
    merged.update(query)
    if extra_query:
        merged.update(extra_query)
    qs = "&".join(q for q in (parts.query, encode_query(merged)) if q)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path + path, qs, ""))

    auth = client._config.auth
    auth_name = "authorization" if auth is None else auth.header
    headers: dict[str, tuple[str, str]] = {auth_name: (auth_name, _AUTH_PENDING)}
    headers.update(client._config.static_headers)
    for name in _HTTP_ONLY:
        headers.pop(name, None)
    # the client's `default_headers={"Authorization": omit}` removes the bearer token here too
    apply_headers(headers, {k: v for k, v in client._config.default_headers.items() if isinstance(v, Omit)})
    apply_headers(headers, extra_headers)
    pending = headers.get(auth_name)
    if pending is not None and pending[1] == _AUTH_PENDING:
        if auth is None:
            headers[auth_name] = ("Authorization", f"Bearer {await resolve_api_key(client._config)}")
        else:
            headers[auth_name] = await auth()
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.values()]
    return Handshake(url, raw, _ssl_context(client) if parts.scheme == "wss" else None)
