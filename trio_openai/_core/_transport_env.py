"""Proxy settings from the environment, read and matched the way httpx does it.

``proxy_routes(environ)`` reads ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (any case;
a lower-case variable wins over its upper-case twin, an empty lower-case one removes it, and under CGI,
where ``REQUEST_METHOD`` is set, upper-case ``HTTP_PROXY`` is ignored: the rules of the standard library's
``getproxies_environment``). It returns ``None`` when no proxy applies at all, else a
:class:`ProxyRoutes` whose ``lookup(scheme, host, port)`` gives the proxy URL for a request or ``None``
for a direct connection.

A proxy value without a scheme means ``http://``. ``NO_PROXY`` entries, comma separated: ``*`` (no
proxy at all), a host name (``example.com`` also covers its subdomains, ``.example.com`` and
``*.example.com`` only the subdomains), ``localhost``, an IPv4 or IPv6 address (``::1`` or ``[::1]``),
a CIDR network (``10.0.0.0/8``, ``fd00::/8``), any of them with a ``:port``, or a full pattern such as
``http://example.com``. Entries that do not parse are ignored, as curl and httpx do. The most specific
pattern wins (httpx's priority order), so ``NO_PROXY`` beats ``ALL_PROXY``.

Default ports are normalised away before matching (a pattern with ``:443`` does not match
``https://host``), as in httpx.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ipaddress

__all__ = ["ProxyRoutes", "proxy_routes", "proxies_from_environ"]

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_PATTERN = re.compile(
    r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<host>\[[^\]]*\]|[^/:\[\]]*)(?::(?P<port>\d+))?(?:/(?P<prefix>\d+))?/?$"
)


def proxies_from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """``{"http": ..., "https": ..., "all": ..., "no": ...}`` from the ``*_proxy`` variables."""
    proxies: dict[str, str] = {}
    for name, value in environ.items():
        lowered = name.lower()
        if value and lowered.endswith("_proxy"):
            proxies[lowered[:-6]] = value
    if "REQUEST_METHOD" in environ:
        proxies.pop("http", None)
    for name, value in environ.items():
        if name.endswith("_proxy"):  # the lower-case spellings override
            key = name.lower()[:-6]
            if value:
                proxies[key] = value
            else:
                proxies.pop(key, None)
    return proxies


def _is_ip(text: str, version: int) -> bool:
    import ipaddress  # only when a proxy variable is set: not on every import

    try:
        address = ipaddress.ip_address(text.split("/")[0])
    except ValueError:
        return False
    return address.version == version


class _Pattern:
    __slots__ = ("host", "host_regex", "network", "port", "scheme")

    def __init__(self, pattern: str) -> None:
        import ipaddress

        match = _PATTERN.match(pattern.lower())
        if match is None:
            raise ValueError(pattern)
        scheme, host, port, prefix = match["scheme"], match["host"], match["port"], match["prefix"]
        self.scheme = "" if scheme == "all" else scheme
        if host.startswith("["):
            host = host[1:-1]
        self.port = int(port) if port is not None else None
        if self.port is not None and self.port == _DEFAULT_PORTS.get(self.scheme):
            self.port = None
        self.network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
        self.host_regex: re.Pattern[str] | None = None
        if prefix is not None:
            self.network = ipaddress.ip_network(f"{host}/{prefix}", strict=False)  # ValueError if not an IP
        elif host and host != "*":
            if host.startswith("*."):
                self.host_regex = re.compile(f"^.+\\.{re.escape(host[2:])}$")
            elif host.startswith("*"):
                self.host_regex = re.compile(f"^(.+\\.)?{re.escape(host[1:])}$")
            else:
                self.host_regex = re.compile(f"^{re.escape(host)}$")
        self.host = "" if host == "*" else host

    def matches(self, scheme: str, host: str, port: int | None) -> bool:
        if self.scheme and self.scheme != scheme:
            return False
        if self.network is not None:
            import ipaddress

            try:
                address = ipaddress.ip_address(host)
            except ValueError:
                return False
            if address not in self.network:
                return False
        elif self.host_regex is not None and not self.host_regex.match(host):
            return False
        return self.port is None or self.port == port

    @property
    def priority(self) -> tuple[int, int, int, int, int]:
        return (
            0 if self.port is not None else 1,
            1 if self.network is not None else 0 if self.host else 2,
            self.network.num_addresses if self.network is not None else 0,
            -len(self.host) if self.network is None else 0,
            -len(self.scheme),
        )


class ProxyRoutes:
    """Ordered (most specific first) patterns, each with a proxy URL or ``None`` for direct."""

    __slots__ = ("_routes",)

    def __init__(self, routes: list[tuple[_Pattern, str | None]]) -> None:
        self._routes = sorted(routes, key=lambda r: r[0].priority)

    def lookup(self, scheme: str, host: str, port: int | None) -> str | None:
        """The proxy URL for a request to ``scheme://host:port``, or ``None`` to connect directly."""
        host = host.lower()
        if port is not None and port == _DEFAULT_PORTS.get(scheme):
            port = None
        for pattern, proxy in self._routes:
            if pattern.matches(scheme, host, port):
                return proxy
        return None

    @property
    def proxies(self) -> list[str]:
        return [proxy for _, proxy in self._routes if proxy is not None]


def proxy_routes(environ: Mapping[str, str]) -> ProxyRoutes | None:
    """The environment's proxy routes, or ``None`` when no proxy variable applies."""
    info = proxies_from_environ(environ)
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        value = info.get(scheme)
        if value:
            mounts[f"{scheme}://"] = value if "://" in value else f"http://{value}"
    if not mounts:
        return None
    for raw in info.get("no", "").split(","):
        host = raw.strip()
        if host == "*":
            return None
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif _is_ip(host, 4):
            mounts[f"all://{host}"] = None
        elif _is_ip(host, 6):
            address, slash, prefix = host.partition("/")
            mounts[f"all://[{address}]/{prefix}" if slash else f"all://[{host}]"] = None
        elif (
            host.lower() == "localhost" or host.startswith("[") or (host.startswith("*.") and "/" not in host)
        ):
            mounts[f"all://{host}"] = None
        elif "/" not in host:
            mounts[f"all://*{host}"] = None  # ".example.com" -> "*.example.com": subdomains only
    routes: list[tuple[_Pattern, str | None]] = []
    for pattern, proxy in mounts.items():
        try:
            routes.append((_Pattern(pattern), proxy))
        except ValueError:
            continue  # like curl and httpx, ignore entries that cannot be parsed
    return ProxyRoutes(routes)
