"""No credential in any description of a request: the API key (given as ``api_key``, or in the caller's
``Authorization`` / ``api-key`` headers, defaults or per call) goes on the wire and nowhere else. Checked
on errors (``str``, ``repr``, pickle, the ``__cause__`` / ``__context__`` chain and every object reachable
from the error) and on raw and streamed responses (``http_request``, ``request_info``)."""

from __future__ import annotations

import pickle
import types
from typing import Any

import httpcore2
import pytest
import trio

from trio_openai import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncOpenAI,
    OpenAI,
)
from trio_openai.testing import MockRequest, MockResponse, MockTransport

KEY = "sk-SECRET-never-shown-1234"
ADMIN = "sk-admin-SECRET-never-shown-5678"
HEADERS = {"api-key": KEY, "X-Api-Key": KEY}
PER_CALL: Any = {"Authorization": f"Bearer {ADMIN}"}


def reachable_secrets(root: object, secrets: tuple[str, ...] = (KEY, ADMIN)) -> list[str]:
    """Paths from ``root`` (attributes, slots, containers, exception links) to a str or bytes holding
    one of ``secrets``. The client objects themselves are not followed: they hold the key by design."""
    seen: set[int] = set()
    stack: list[tuple[object, str]] = [(root, "root")]
    hits: list[str] = []
    while stack:
        obj, path = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes, bytearray)):
            text = obj if isinstance(obj, str) else bytes(obj).decode("latin-1")
            if any(s in text for s in secrets):
                hits.append(path)
            continue
        if obj is None or isinstance(obj, (int, float, type, types.ModuleType, types.FunctionType)):
            continue
        if isinstance(obj, (AsyncOpenAI, OpenAI)) or type(obj).__name__ == "ClientConfig":
            continue
        if isinstance(obj, dict):
            for k, v in list(obj.items()):  # pyright: ignore[reportUnknownVariableType]
                stack += [(k, f"{path}.<key>"), (v, f"{path}[{k!r}]")]
            continue
        if isinstance(obj, (list, tuple, set, frozenset)):
            stack += [(v, f"{path}[{i}]") for i, v in enumerate(obj)]  # pyright: ignore[reportUnknownArgumentType]
            continue
        own = getattr(obj, "__dict__", None)
        if isinstance(own, dict):
            stack.append((own, f"{path}.__dict__"))
        for cls in type(obj).__mro__:
            slots = cls.__dict__.get("__slots__", ())
            for name in (slots,) if isinstance(slots, str) else slots:
                try:
                    stack.append((getattr(obj, name), f"{path}.{name}"))
                except AttributeError:
                    pass
        if isinstance(obj, BaseException):
            stack += [(obj.__cause__, f"{path}.__cause__"), (obj.__context__, f"{path}.__context__")]
            stack += [(obj.args, f"{path}.args"), (obj.__traceback__, f"{path}.__traceback__")]
    return hits


def _no_secret_anywhere(err: BaseException) -> None:
    shown = [str(err), repr(err), repr(getattr(err, "request", None))]
    cause = err
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
        shown += [str(cause), repr(cause)]
    for text in shown:
        assert KEY not in text and ADMIN not in text, text
    dumped = pickle.dumps(err)
    assert KEY.encode() not in dumped and ADMIN.encode() not in dumped
    copy = pickle.loads(dumped)
    assert type(copy) is type(err) and str(copy) == str(err)
    # the traceback's frames hold the caller's locals (the key passed in): walk the error, not them
    err.__traceback__ = None
    assert reachable_secrets(err) == []


def _client(handler: Any, **kw: Any) -> AsyncOpenAI:
    return AsyncOpenAI(
        api_key=KEY,
        base_url="http://api.test/v1",
        transport=MockTransport(handler),
        max_retries=0,
        default_headers=HEADERS,
        **kw,
    )


@pytest.mark.parametrize("status", [400, 401, 404, 429, 500])
async def test_status_errors_carry_no_secret(status: int) -> None:
    def handler(request: MockRequest) -> MockResponse:
        assert request.headers["authorization"] == f"Bearer {ADMIN}"  # the real value on the wire
        assert request.headers["api-key"] == KEY
        return MockResponse(status, json={"error": {"message": "nope", "type": "invalid_request_error"}})

    async with _client(handler) as client:
        with trio.fail_after(10), pytest.raises(APIStatusError) as caught:
            await client.models.retrieve("m", extra_headers=PER_CALL)
    err = caught.value
    assert err.request is not None and err.request.headers is not None
    assert err.request.headers["api-key"] == ("api-key", "<redacted>")
    assert err.response.http_request.headers["authorization"] == "<redacted>"
    _no_secret_anywhere(err)


async def test_validation_error_carries_the_body_and_no_secret() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(json={"id": 5, "object": "model"})  # id must be a str

    async with _client(handler) as client:
        with trio.fail_after(10), pytest.raises(APIResponseValidationError) as caught:
            await client.models.retrieve("m", extra_headers=PER_CALL)
        with trio.fail_after(10), pytest.raises(APIResponseValidationError) as streamed:
            async with client.models.with_streaming_response.retrieve("m") as response:
                await response.parse()
    for err in (caught.value, streamed.value):
        assert err.response.content == b'{"id":5,"object":"model"}'  # the body that did not match
        assert err.response.json() == {"id": 5, "object": "model"} and err.status_code == 200
        assert err.body == {"id": 5, "object": "model"}
        _no_secret_anywhere(err)


async def test_connection_errors_carry_no_secret() -> None:
    def handler(request: MockRequest) -> MockResponse:
        raise httpcore2.ConnectError(f"refused for {request.url}")

    async with _client(handler) as client:
        with trio.fail_after(10), pytest.raises(APIConnectionError) as caught:
            await client.models.retrieve("m", extra_headers=PER_CALL)
    _no_secret_anywhere(caught.value)


async def test_raw_and_streamed_responses_describe_the_request_without_secrets() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(json={"id": "m", "object": "model", "created": 1, "owned_by": "me"})

    async with _client(handler) as client:
        with trio.fail_after(10):
            raw = await client.models.with_raw_response.retrieve("m", extra_headers=PER_CALL)
            async with client.models.with_streaming_response.retrieve(
                "m", extra_headers=PER_CALL
            ) as streamed:
                await streamed.read()
    for response in (raw, streamed):
        sent = response.http_request.headers
        assert sent["authorization"] == sent["api-key"] == sent["x-api-key"] == "<redacted>"
        assert KEY not in repr(sent) and ADMIN not in repr(dict(sent))
        assert response.request_info.headers is not None
        assert all(KEY not in v and ADMIN not in v for _, v in response.request_info.headers.values())


def test_blocking_errors_carry_no_secret() -> None:
    def handler(request: MockRequest) -> MockResponse:
        return MockResponse(403, json={"error": {"message": "no", "type": "permission"}})

    with OpenAI(
        api_key=KEY,
        base_url="http://api.test/v1",
        transport=MockTransport(handler),
        max_retries=0,
        default_headers=HEADERS,
    ) as client:
        with pytest.raises(APIStatusError) as caught:
            client.models.retrieve("m", extra_headers=PER_CALL)
    _no_secret_anywhere(caught.value)
