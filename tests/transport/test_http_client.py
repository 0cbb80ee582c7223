"""Issue 11, ``http_client=``: the user's own httpx client, through an adapter transport.

Code written for the official SDK passes ``httpx2.AsyncClient`` / ``httpx2.Client`` instances carrying
event hooks, auth and default headers. These run through trio_openai unchanged, errors keep their
typed meaning, and the cancellation guarantees hold: a ``move_on_after`` around a call leaves both our
client and the httpx pool healthy.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable, Generator
from typing import Any, ParamSpec, TypeVar

import httpx2
import pytest
import trio

import trio_openai
from tests.transport._raw_server import open_raw_server
from trio_openai import APIConnectionError, APITimeoutError, AsyncOpenAI, OpenAI, Timeout
from trio_openai.testing import Reply, open_fake_server

P = ParamSpec("P")
T = TypeVar("T")
HELLO = [{"role": "user", "content": "hi"}]


def httpx_pool(client: Any) -> list[Any]:
    """The connections of an httpx client's default transport (httpx's own pool, for assertions)."""
    return list(client._transport._pool.connections)


class HeaderAuth(httpx2.Auth):
    def __init__(self) -> None:
        self.calls = 0

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        self.calls += 1
        request.headers["x-signed"] = f"sig-{self.calls}"
        yield request


async def test_event_hooks_auth_and_default_headers_fire_through_the_adapter() -> None:
    seen: list[str] = []

    async def on_request(request: httpx2.Request) -> None:
        seen.append(
            f"request {request.method} {request.url.path} bearer={'authorization' in request.headers}"
        )

    async def on_response(response: httpx2.Response) -> None:
        seen.append(f"response {response.status_code}")

    auth = HeaderAuth()
    with trio.fail_after(10):
        async with open_fake_server() as server:
            http_client = httpx2.AsyncClient(
                event_hooks={"request": [on_request], "response": [on_response]},
                auth=auth,
                headers={"x-from-httpx": "yes"},
            )
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, http_client=http_client
            ) as client:
                model = await client.models.retrieve("gpt-4o-mini")
                assert model.id == "gpt-4o-mini"
                completion = await client.chat.completions.create(model="gpt-4o-mini", messages=HELLO)
                assert completion.choices[0].message.content
            assert http_client.is_closed  # closed with the client, as the official SDK does
    assert seen == [
        "request GET /v1/models/gpt-4o-mini bearer=True",
        "response 200",
        "request POST /v1/chat/completions bearer=True",
        "response 200",
    ]
    recorded = server.requests_to("GET", "/v1/models/gpt-4o-mini")[0]
    assert recorded.headers["x-signed"] == "sig-1"
    assert recorded.headers["x-from-httpx"] == "yes"
    assert recorded.headers["authorization"] == "Bearer sk-test"
    assert (
        recorded.headers["user-agent"].startswith("trio-openai") or "OpenAI" in recorded.headers["user-agent"]
    )


async def test_streams_go_through_the_adapter_and_a_broken_off_stream_releases_its_connection() -> None:
    with trio.fail_after(10):
        async with open_fake_server() as server:
            http_client = httpx2.AsyncClient()
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, http_client=http_client
            ) as client:
                stream = await client.chat.completions.create(
                    model="gpt-4o-mini", messages=HELLO, stream=True
                )
                async with stream:
                    async for _chunk in stream:
                        break
                chunks = [
                    c
                    async for c in await client.chat.completions.create(
                        model="gpt-4o-mini", messages=HELLO, stream=True
                    )
                ]
                assert chunks
                assert client.statistics().in_flight == 0
                assert all(conn.is_idle() or conn.is_closed() for conn in httpx_pool(http_client))


async def test_a_cancelled_call_through_the_adapter_leaves_everything_healthy() -> None:
    with trio.fail_after(20):
        async with open_fake_server() as server:
            server.script("GET", "/v1/models/slow", Reply(json={"never": "sent"}, delay=30))
            http_client = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=2))
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, http_client=http_client, max_retries=0
            ) as client:
                with trio.move_on_after(0.2) as scope:
                    await client.models.retrieve("slow")
                assert scope.cancelled_caught

                async def doomed(delay: float) -> None:
                    with trio.move_on_after(delay):
                        await client.models.retrieve("gpt-4o-mini")

                async with trio.open_nursery() as nursery:  # a small storm over a 2-connection pool
                    for i in range(40):
                        nursery.start_soon(doomed, (i % 7) * 0.002)
                assert client.statistics().in_flight == 0
                assert not any(
                    conn.is_available() is False and not conn.is_idle() and not conn.is_closed()
                    for conn in httpx_pool(http_client)
                )
                with trio.fail_after(2):
                    assert (await client.models.retrieve("gpt-4o-mini")).id == "gpt-4o-mini"
                assert len(httpx_pool(http_client)) <= 2


async def test_transport_errors_keep_their_typed_meaning_and_carry_no_secret() -> None:
    with trio.fail_after(20):
        async with open_raw_server(lambda n: [b"HTTP/1.1 abc\r\n\r\n"]) as srv:
            # a malformed response: httpx2.RemoteProtocolError -> APIConnectionError, no httpx error chained
            async with AsyncOpenAI(
                api_key="sk-secret-key",
                base_url=srv.base_url,
                http_client=httpx2.AsyncClient(),
                max_retries=0,
            ) as client:
                with pytest.raises(APIConnectionError) as info:
                    await client.models.retrieve("m")
                text = repr(info.value) + "".join(repr(e) for e in _chain(info.value))
                assert "sk-secret-key" not in text
                assert not any(isinstance(e, httpx2.HTTPError) for e in _chain(info.value))
        async with open_raw_server(lambda n: [30.0]) as silent:
            async with AsyncOpenAI(
                api_key="sk-test",
                base_url=silent.base_url,
                http_client=httpx2.AsyncClient(),
                max_retries=1,
                timeout=Timeout(0.3),
            ) as client:
                with pytest.raises(APITimeoutError):
                    await client.models.retrieve("m")
            assert silent.requests == 2  # a timeout is retried like our own transport's


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


async def test_compressed_bodies_and_redirects_follow_httpx() -> None:
    body = gzip.compress(b'{"id":"zipped","object":"model","created":1,"owned_by":"me"}')

    def answer(n: int) -> list[bytes | float]:
        if n == 0:
            return [
                b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /v1/models/moved\r\ncontent-length: 0\r\n\r\n"
            ]
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n"
        return [head + b"content-length: %d\r\n\r\n" % len(body) + body]

    with trio.fail_after(10):
        async with open_raw_server(answer) as server:
            http_client = trio_openai.DefaultAsyncHttpxClient()
            async with AsyncOpenAI(
                api_key="sk-test", base_url=server.base_url, http_client=http_client
            ) as client:
                assert (await client.models.retrieve("m")).id == "zipped"
            assert server.targets == ["/v1/models/m", "/v1/models/moved"]


def test_default_httpx_clients_carry_the_official_defaults() -> None:
    for client in (trio_openai.DefaultAsyncHttpxClient(), trio_openai.DefaultAsyncHttpx2Client()):
        assert isinstance(client, httpx2.AsyncClient)
        assert client.timeout == httpx2.Timeout(600.0, connect=5.0)
        assert client.follow_redirects is True
        pool = client._transport._pool  # type: ignore[attr-defined]
        assert (pool._max_connections, pool._max_keepalive_connections) == (1000, 100)
    with trio_openai.DefaultHttpxClient(follow_redirects=False) as blocking:
        assert isinstance(blocking, httpx2.Client) and blocking.follow_redirects is False
    assert isinstance(trio_openai.DefaultHttpx2Client(), httpx2.Client)


def test_the_http_client_timeout_is_inherited_unless_one_is_given() -> None:
    client = AsyncOpenAI(api_key="sk-test", http_client=httpx2.AsyncClient(timeout=7.0))
    assert (client.timeout.connect, client.timeout.read) == (7.0, 7.0)
    client = AsyncOpenAI(api_key="sk-test", http_client=httpx2.AsyncClient())  # httpx's own 5 s default
    assert (client.timeout.connect, client.timeout.read) == (5.0, 600.0)
    client = AsyncOpenAI(api_key="sk-test", http_client=httpx2.AsyncClient(timeout=7.0), timeout=3.0)
    assert client.timeout.read == 3.0


def test_the_wrong_kind_of_client_is_a_type_error_before_any_io() -> None:
    with pytest.raises(TypeError, match=r"httpx2\.AsyncClient"):
        AsyncOpenAI(api_key="sk-test", http_client=httpx2.Client())
    with pytest.raises(TypeError, match=r"httpx2\.Client"):
        OpenAI(api_key="sk-test", http_client=httpx2.AsyncClient())
    with pytest.raises(TypeError):
        AsyncOpenAI(api_key="sk-test", http_client=object())
    with pytest.raises(ValueError, match="not both"):
        AsyncOpenAI(
            api_key="sk-test", http_client=httpx2.AsyncClient(), transport=trio_openai.HTTPTransport()
        )


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with trio.fail_after(15):
        return await trio.to_thread.run_sync(functools.partial(fn, *args, **kwargs), abandon_on_cancel=True)


async def test_the_blocking_client_takes_a_blocking_httpx_client_with_its_hooks() -> None:
    seen: list[str] = []

    def on_response(response: httpx2.Response) -> None:
        response.read()
        seen.append(f"{response.request.url.path} {response.status_code}")

    async with open_fake_server() as server:
        http_client = httpx2.Client(event_hooks={"response": [on_response]}, auth=HeaderAuth())

        def run() -> tuple[str, int]:
            with OpenAI(api_key="sk-test", base_url=server.base_url, http_client=http_client) as client:
                model = client.models.retrieve("gpt-4o-mini")
                chunks = list(
                    client.chat.completions.create(model="gpt-4o-mini", messages=HELLO, stream=True)
                )
                return model.id, len(chunks)

        model_id, n = await blocking(run)
        assert model_id == "gpt-4o-mini" and n > 0
        assert http_client.is_closed
    assert seen[0] == "/v1/models/gpt-4o-mini 200"
    assert server.requests_to("GET", "/v1/models/gpt-4o-mini")[0].headers["x-signed"] == "sig-1"
