"""The ``X-Stainless-*`` platform headers the official SDK sends, on both clients."""

from __future__ import annotations

import platform

import trio

from tests._helpers import make_client, ok_model
from trio_openai import OpenAI, __version__, omit
from trio_openai.testing import FakeServerThread, MockRequest, MockResponse, MockTransport


async def test_the_async_client_sends_the_platform_headers() -> None:
    client, transport = make_client(ok_model)
    with trio.fail_after(5):
        await client.models.retrieve("m")
    headers = transport.requests[-1].headers
    assert headers["x-stainless-lang"] == "python"
    assert headers["x-stainless-package-version"] == __version__
    assert headers["x-stainless-async"] == "async:trio"
    assert headers["x-stainless-runtime"] == platform.python_implementation()
    assert headers["x-stainless-runtime-version"] == platform.python_version()
    assert headers["x-stainless-os"] in {"Linux", "MacOS", "Windows", "FreeBSD", "OpenBSD"} or headers[
        "x-stainless-os"
    ].startswith("Other:")
    assert headers["x-stainless-arch"] in {"x64", "x32", "arm64", "arm"} or headers[
        "x-stainless-arch"
    ].startswith("other:")
    assert "x-stainless-lang" not in {k.lower() for k in client.default_headers}  # not the caller's


async def test_default_headers_override_or_omit_them_and_with_options_keeps_them() -> None:
    client, transport = make_client(
        ok_model, default_headers={"X-Stainless-Lang": "py", "X-Stainless-OS": omit}
    )
    with trio.fail_after(5):
        await client.models.retrieve("m")
        await client.with_options(set_default_headers={"X-A": "1"}).models.retrieve("m")
    first, second = (r.headers for r in transport.requests)
    assert first["x-stainless-lang"] == "py" and "x-stainless-os" not in first
    assert second["x-stainless-lang"] == "python" and second["x-a"] == "1"


def test_the_blocking_client_says_it_is_not_async() -> None:
    seen: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        return ok_model(request)

    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(handler)) as client:
        client.models.retrieve("m")
        client.with_options(timeout=5).models.retrieve("m")
    assert [r.headers["x-stainless-async"] for r in seen] == ["false", "false"]
    assert seen[0].headers["x-stainless-lang"] == "python"


def test_against_the_fake_server() -> None:
    with FakeServerThread() as server, OpenAI(api_key="sk-test", base_url=server.base_url) as client:
        client.models.retrieve("gpt-4o-mini")
        assert server.requests[-1].headers["x-stainless-async"] == "false"
