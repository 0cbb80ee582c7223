"""Every exception the library raises survives a pickle round trip (to cross a process boundary) with
its message, status, body and request id, and the copy carries no credential."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
import trio

import trio_openai
from tests._helpers import make_client
from trio_openai._core._errors import RequestInfo, status_error
from trio_openai._core._headers import Headers
from trio_openai.realtime._errors import RealtimeEventDecodeError
from trio_openai.testing import MockRequest, MockResponse
from trio_openai.types.chat import ChatCompletion

SECRET = "sk-very-secret-key-0123456789"

EXCEPTION_NAMES = sorted(
    name
    for name in trio_openai.__all__
    if isinstance(getattr(trio_openai, name), type) and issubclass(getattr(trio_openai, name), BaseException)
)


def _round_trip(error: BaseException) -> Any:
    data = pickle.dumps(error)
    assert SECRET.encode() not in data
    return pickle.loads(data)


def _request() -> RequestInfo:
    info = RequestInfo("POST", "http://api.test/v1/chat/completions")
    info.headers = {"api-key": ("api-key", SECRET), "x-custom": ("X-Custom", "1")}
    return info


def _completion() -> ChatCompletion:
    return ChatCompletion(id="c1", choices=[], created=0, model="m", object="chat.completion")


def _status(status: int) -> trio_openai.APIStatusError:
    headers = Headers([(b"x-request-id", b"req_42")])
    return status_error(
        status, headers, b'{"error": {"message": "nope", "code": "c", "param": "p"}}', _request()
    )


def _example(name: str) -> BaseException:
    cls = getattr(trio_openai, name)
    examples: dict[str, Any] = {
        "APIError": lambda: trio_openai.APIError("bad", _request(), body={"code": "x"}),
        "APIConnectionError": lambda: trio_openai.APIConnectionError(request=_request()),
        "APITimeoutError": lambda: trio_openai.APITimeoutError(_request()),
        "APIStatusError": lambda: _status(418),
        "LengthFinishReasonError": lambda: trio_openai.LengthFinishReasonError(completion=_completion()),
        "ContentFilterFinishReasonError": lambda: trio_openai.ContentFilterFinishReasonError(),
        "StructuredOutputError": lambda: trio_openai.StructuredOutputError(
            raw="{", output_type=int, kind="invalid_json", detail="truncated"
        ),
        "WebSocketConnectionClosedError": lambda: trio_openai.WebSocketConnectionClosedError(1011, "ping"),
        "WebSocketConnectionRejectedError": lambda: trio_openai.WebSocketConnectionRejectedError(
            403, {"x-request-id": "req_1"}, b'{"error": {"message": "no"}}'
        ),
    }
    if name in examples:
        return examples[name]()
    if issubclass(cls, trio_openai.APIStatusError):
        return _status(
            getattr(cls, "status_code", 500) if cls is not trio_openai.InternalServerError else 503
        )
    return cls("something went wrong")


# APIResponseValidationError needs a response: test_a_real_validation_error_pickles.
@pytest.mark.parametrize("name", [n for n in EXCEPTION_NAMES if n != "APIResponseValidationError"])
def test_every_exported_exception_pickles(name: str) -> None:
    error = _example(name)
    again = _round_trip(error)
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    for attr in ("message", "status_code", "body", "code", "param", "type", "request_id", "completion"):
        if hasattr(error, attr):
            assert getattr(again, attr) == getattr(error, attr), attr
    request = getattr(error, "request", None)
    if isinstance(request, RequestInfo):
        assert (again.request.method, again.request.url) == (request.method, request.url)
        assert again.request.headers is None  # the headers sent are not pickled


def test_the_list_covers_the_hierarchy() -> None:
    assert {"APIStatusError", "RateLimitError", "APITimeoutError", "LengthFinishReasonError"} <= set(
        EXCEPTION_NAMES
    )


def test_realtime_decode_error_pickles() -> None:
    again = _round_trip(RealtimeEventDecodeError(b"\x00junk", "not JSON"))
    assert (again.raw, again.reason) == (b"\x00junk", "not JSON")


def test_status_error_from_facts() -> None:
    error = _status(429)
    assert isinstance(error, trio_openai.RateLimitError)
    assert (error.status_code, error.request_id, error.code, error.param) == (429, "req_42", "c", "p")
    assert str(error) == "Error code: 429 - nope"
    with pytest.raises(AttributeError, match="no response object"):
        _ = error.response


async def test_a_real_status_error_pickles_without_its_response_or_key() -> None:
    def refuse(_req: MockRequest) -> MockResponse:
        return MockResponse(
            404,
            json={
                "error": {
                    "message": "no such model",
                    "type": "invalid_request_error",
                    "code": "model_not_found",
                }
            },
            headers={"x-request-id": "req_nf"},
        )

    client, _ = make_client(refuse, api_key=SECRET, default_headers={"X-Api-Key": SECRET})
    async with client:
        with trio.fail_after(5), pytest.raises(trio_openai.NotFoundError) as info:
            await client.models.retrieve("gpt-none")
    error = info.value
    assert error.response.status_code == 404  # the live error has its response
    again = _round_trip(error)
    assert type(again) is trio_openai.NotFoundError
    assert (again.status_code, again.request_id, again.code, again.message) == (
        404,
        "req_nf",
        "model_not_found",
        error.message,
    )
    assert (
        again.body
        == error.body
        == {
            "message": "no such model",
            "type": "invalid_request_error",
            "code": "model_not_found",
        }
    )
    assert again.headers["x-request-id"] == "req_nf"
    assert again.request.url == error.request.url
    with pytest.raises(AttributeError, match="unpickled"):
        _ = again.response


async def test_a_real_validation_error_pickles() -> None:
    def wrong(_req: MockRequest) -> MockResponse:
        return MockResponse(json={"id": 3}, headers={"x-request-id": "req_v"})

    client, _ = make_client(wrong, api_key=SECRET)
    async with client:
        with trio.fail_after(5), pytest.raises(trio_openai.APIResponseValidationError) as info:
            await client.models.retrieve("gpt-x")
    again = _round_trip(info.value)
    assert type(again) is trio_openai.APIResponseValidationError
    assert (again.message, again.status_code, again.body) == (info.value.message, 200, {"id": 3})
    with pytest.raises(AttributeError, match="unpickled"):
        _ = again.response
