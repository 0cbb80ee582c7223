"""Issue 11, transport: the environment the official client honours through httpx.

``HTTP_PROXY`` / ``HTTPS_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY`` (any case) and ``SSL_CERT_FILE`` are read by
default and ignored with ``trust_env=False``. The matching rules are checked against a table that
mirrors httpx's (hosts, domains, ``*``, ports, CIDRs); the routing is checked end to end with a loopback
server standing in for the proxy (a plain-HTTP proxy receives the absolute URL as the request target).
"""

from __future__ import annotations

import base64
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import trio
import trustme

from tests.transport._raw_server import json_response, open_raw_server
from trio_openai import APIConnectionError, AsyncOpenAI, HTTPTransport
from trio_openai._core._transport_env import proxies_from_environ, proxy_routes

P = "http://proxy.test:3128"


@pytest.mark.parametrize(
    ("no_proxy", "url", "proxied"),
    [
        ("example.com", "https://example.com/", False),
        ("example.com", "https://api.example.com/", False),
        ("example.com", "https://wwwexample.com/", True),
        (".example.com", "https://example.com/", True),
        (".example.com", "https://api.example.com/", False),
        ("*.example.com", "https://example.com/", True),
        ("*.example.com", "https://a.b.example.com/", False),
        ("*", "https://anything.test/", False),
        ("other.org, *", "https://anything.test/", False),
        ("localhost", "http://localhost:8080/", False),
        ("127.0.0.1", "http://127.0.0.1:9/", False),
        ("127.0.0.1", "http://127.0.0.2:9/", True),
        ("10.0.0.0/8", "https://10.20.30.40/", False),
        ("10.0.0.0/8", "https://11.0.0.1/", True),
        ("::1", "http://[::1]:8000/", False),
        ("[::1]", "http://[::1]:8000/", False),
        ("fd00::/8", "https://[fd12::1]/", False),
        ("api.test:8443", "https://api.test:8443/", False),
        ("api.test:8443", "https://api.test/", True),
        ("http://only-http.test", "http://only-http.test/", False),
        ("http://only-http.test", "https://only-http.test/", True),
        ("not a host/x, ", "https://example.com/", True),  # unparsable entries are ignored
        ("", "https://example.com/", True),
    ],
)
def test_no_proxy_matches_like_httpx(no_proxy: str, url: str, proxied: bool) -> None:
    routes = proxy_routes({"ALL_PROXY": P, "NO_PROXY": no_proxy})
    parts = urlsplit(url)
    got = routes.lookup(parts.scheme, parts.hostname or "", parts.port) if routes is not None else None
    assert (got == P) is proxied


def test_scheme_specific_variables_and_their_precedence() -> None:
    routes = proxy_routes({"HTTP_PROXY": "http://h:1", "HTTPS_PROXY": "s:2", "ALL_PROXY": "socks5://a:3"})
    assert routes is not None
    assert routes.lookup("http", "x.test", None) == "http://h:1"
    assert routes.lookup("https", "x.test", None) == "http://s:2"  # no scheme means http://
    assert routes.lookup("wss", "x.test", None) == "socks5://a:3"


def test_lower_case_wins_an_empty_lower_case_removes_and_cgi_ignores_http_proxy() -> None:
    assert proxies_from_environ({"HTTPS_PROXY": "http://up:1", "https_proxy": "http://low:2"}) == {
        "https": "http://low:2"
    }
    assert proxies_from_environ({"HTTPS_PROXY": "http://up:1", "https_proxy": ""}) == {}
    assert proxies_from_environ({"HTTP_PROXY": "http://up:1", "REQUEST_METHOD": "GET"}) == {}
    assert proxies_from_environ({"http_proxy": "http://low:1", "REQUEST_METHOD": "GET"}) == {
        "http": "http://low:1"
    }
    assert proxy_routes({"NO_PROXY": "example.com"}) is None  # nothing to route


def test_the_transport_reads_the_environment_once_and_trust_env_false_ignores_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", P)
    monkeypatch.setenv("no_proxy", "internal.test")
    assert HTTPTransport().proxy_for("https://api.openai.com/v1") == P
    assert HTTPTransport().proxy_for("https://svc.internal.test/v1") is None
    assert HTTPTransport(trust_env=False).proxy_for("https://api.openai.com/v1") is None
    explicit = "http://explicit.test:8080"
    assert HTTPTransport(proxy=explicit).proxy_for("https://svc.internal.test/") == explicit


def test_bad_proxy_settings_fail_before_any_io(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="proxy must be"):
        HTTPTransport(proxy="ftp://user:hunter2@proxy.test")
    monkeypatch.setenv("HTTPS_PROXY", "gopher://user:hunter2@proxy.test")
    with pytest.raises(ValueError, match="proxy must be") as info:
        AsyncOpenAI(api_key="sk-test")
    assert "hunter2" not in str(info.value)
    AsyncOpenAI(api_key="sk-test", trust_env=False)  # ignored when the environment is not trusted


def model(name: str) -> bytes:
    return b'{"id":"%s","object":"model","created":1,"owned_by":"me"}' % name.encode()


async def test_http_proxy_from_the_environment_carries_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    with trio.fail_after(10):
        async with open_raw_server(lambda n: [json_response(model(f"via-proxy-{n}"))]) as proxy:
            monkeypatch.setenv("http_proxy", f"http://alice:s%40cret@127.0.0.1:{proxy.port}")
            # nothing listens on the target: only the proxy can answer
            async with AsyncOpenAI(
                api_key="sk-test", base_url="http://upstream.test:81/v1", max_retries=0
            ) as client:
                assert (await client.models.retrieve("m")).id == "via-proxy-0"
                assert (await client.models.retrieve("m")).id == "via-proxy-1"
            assert proxy.targets == ["http://upstream.test:81/v1/models/m"] * 2
            assert proxy.connections == 1  # kept alive
            auth = b"Basic " + base64.b64encode(b"alice:s@cret")
            assert any(
                line.split(b": ", 1) == [b"Proxy-Authorization", auth]
                for line in proxy.heads[0].split(b"\r\n")
            )


async def test_no_proxy_and_trust_env_false_connect_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    with trio.fail_after(10):
        async with (
            open_raw_server(lambda n: [json_response(model("from-proxy"))]) as proxy,
            open_raw_server(lambda n: [json_response(model("direct"))]) as server,
        ):
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
                assert (await client.models.retrieve("m")).id == "from-proxy"
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, max_retries=0, trust_env=False
            ) as client:
                assert (await client.models.retrieve("m")).id == "direct"
            monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
                assert (await client.models.retrieve("m")).id == "direct"
                stats = client.statistics().pool
                assert stats is not None and stats.connections == 1
            assert proxy.requests == 1 and server.requests == 2


def chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


async def test_ssl_cert_file_is_trusted_only_with_trust_env(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with trio.fail_after(10):
        async with open_raw_server(lambda n: [json_response(model("tls"))], tls=server_ctx) as server:
            async with AsyncOpenAI(api_key="sk-test", base_url=server.base_url, max_retries=0) as client:
                assert (await client.models.retrieve("m")).id == "tls"
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, max_retries=0, trust_env=False
            ) as client:
                with pytest.raises(APIConnectionError) as info:
                    await client.models.retrieve("m")
                assert any(isinstance(e, ssl.SSLCertVerificationError) for e in chain(info.value))
            # verify= a CA bundle path works without the environment too
            transport = HTTPTransport(verify=str(bundle), trust_env=False)
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, transport=transport, max_retries=0
            ) as client:
                assert (await client.models.retrieve("m")).id == "tls"
            await transport.aclose()
