"""The core client: configuration, request building, lifetime. No sockets: MockTransport."""

from __future__ import annotations

import io
import logging
import pathlib
from typing import Any

import msgspec
import pytest
import trio

import trio_openai
from tests._helpers import COMPLETION, MODEL, make_client, ok_model
from trio_openai import AsyncOpenAI, OpenAIError, Timeout, omit
from trio_openai._core import _response
from trio_openai.testing import MockRequest, MockResponse


async def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        AsyncOpenAI()


async def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env.test/prefix/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    seen: list[MockRequest] = []

    def handler(req: MockRequest) -> MockResponse:
        seen.append(req)
        return ok_model(req)

    client, _ = make_client(handler, api_key=None, base_url=None)
    async with client:
        with trio.fail_after(5):
            await client.models.retrieve("gpt-test")
    req = seen[0]
    assert req.url == "http://env.test/prefix/v1/models/gpt-test"
    assert req.headers["authorization"] == "Bearer sk-from-env"
    assert req.headers["openai-organization"] == "org-env"
    assert req.headers["openai-project"] == "proj-env"
    assert client.base_url == "http://env.test/prefix/v1/"


async def test_default_headers_and_user_agent() -> None:
    client, transport = make_client(ok_model, default_headers={"X-Custom": "1"})
    async with client:
        with trio.fail_after(5):
            await client.models.retrieve("m")
    h = transport.requests[0].headers
    assert h["user-agent"].startswith(f"trio-openai/{trio_openai.__version__}")
    assert h["x-custom"] == "1"
    assert h["accept"] == "application/json"
    assert "openai-organization" not in h
    assert h["x-stainless-retry-count"] == "0"
    assert "idempotency-key" not in h  # GET requests are idempotent already


async def test_extra_headers_override_and_omit_removes() -> None:
    client, transport = make_client(ok_model, organization="org-1", default_headers={"X-A": "a"})
    async with client:
        with trio.fail_after(5):
            await client.models.retrieve(
                "m", extra_headers={"OpenAI-Organization": omit, "x-a": "b", "X-New": "n"}
            )
    h = transport.requests[0].headers
    assert "openai-organization" not in h
    assert h.get_list("x-a") == ["b"]
    assert h["x-new"] == "n"


async def test_api_key_callables_are_asked_on_every_attempt() -> None:
    calls = 0

    def key() -> str:
        nonlocal calls
        calls += 1
        return f"sk-{calls}"

    statuses = iter([500, 200])

    def handler(req: MockRequest) -> MockResponse:
        status = next(statuses)
        return MockResponse(status, json=MODEL if status == 200 else {"error": {"message": "x"}})

    client, transport = make_client(handler, api_key=key, retry_policy=trio_openai.RetryPolicy(jitter=0))
    async with client:
        with trio.fail_after(10):
            await client.models.retrieve("m")
    assert [r.headers["authorization"] for r in transport.requests] == ["Bearer sk-1", "Bearer sk-2"]

    async def async_key() -> str:
        await trio.lowlevel.checkpoint()
        return "sk-async"

    client, transport = make_client(ok_model, api_key=async_key)
    async with client:
        with trio.fail_after(5):
            await client.models.retrieve("m")
    assert transport.requests[0].headers["authorization"] == "Bearer sk-async"


async def test_base_url_path_prefix_and_trailing_slash() -> None:
    for base in ("http://h.test/openai/v1", "http://h.test/openai/v1/"):
        client, transport = make_client(ok_model, base_url=base)
        async with client:
            with trio.fail_after(5):
                await client.models.retrieve("a b/c")
        assert transport.requests[0].url == "http://h.test/openai/v1/models/a%20b%2Fc"


async def test_empty_path_parameter_fails_before_io() -> None:
    client, transport = make_client(ok_model)
    async with client:
        with pytest.raises(ValueError, match="non-empty"):
            await client.models.retrieve("")
        with pytest.raises(ValueError):
            await client.models.delete("..")
    assert transport.requests == []


async def test_query_strings_use_brackets_and_merge() -> None:
    client, transport = make_client(
        lambda r: MockResponse(json={"ok": True}), default_query={"api-version": "1"}
    )
    async with client:
        with trio.fail_after(5):
            await client.get(
                "/things?fixed=yes",
                cast_to=dict,
                query={"a": [1, 2], "b": {"c": "d"}, "t": True, "n": None, "s": "x y&z"},
                options={"extra_query": {"e": "f"}},
            )
    req = transport.requests[0]
    assert req.raw_query == "api-version=1&fixed=yes&a[]=1&a[]=2&b[c]=d&t=true&s=x%20y%26z&e=f"


async def test_json_body_omits_unset_and_keeps_explicit_none() -> None:
    client, transport = make_client(lambda r: MockResponse(json=COMPLETION))
    async with client:
        with trio.fail_after(5):
            result = await client.chat.completions.create(
                model="gpt-test",
                messages=[{"role": "user", "content": "héllo"}],
                temperature=None,
                extra_body={"custom": [1, 2]},
            )
    assert result.choices[0].message.content == "Hello!"
    req = transport.requests[0]
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {
        "messages": [{"role": "user", "content": "héllo"}],
        "model": "gpt-test",
        "temperature": None,
        "custom": [1, 2],
    }
    assert "héllo".encode() in req.content  # UTF-8, not \\u escapes
    assert req.headers["idempotency-key"].startswith("trio-openai-retry-")


async def test_unencodable_body_is_a_type_error_before_io() -> None:
    client, transport = make_client(lambda r: MockResponse(json=COMPLETION))
    async with client:
        with pytest.raises(TypeError, match="JSON"):
            await client.chat.completions.create(model="m", messages=[{"role": "user", "content": object()}])
    assert transport.requests == []


@pytest.mark.parametrize(
    ("kwargs", "exc"),
    [
        ({"max_retries": -1}, ValueError),
        ({"max_retries": None}, TypeError),
        ({"max_retries": "2"}, TypeError),
        ({"max_retries": 2.5}, TypeError),
        ({"timeout": "10"}, TypeError),
        ({"timeout": -1}, ValueError),
        ({"timeout": float("nan")}, ValueError),
    ],
)
async def test_bad_options_fail_before_io(kwargs: dict[str, Any], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        make_client(ok_model, **kwargs)
    client, transport = make_client(ok_model)
    async with client:
        with pytest.raises(exc):
            await client.models.retrieve("m", **kwargs)
    assert transport.requests == []


async def test_very_large_max_retries_is_allowed() -> None:
    client, _ = make_client(ok_model, max_retries=10**100)
    async with client:
        assert client.max_retries == 10**100


async def test_multipart_uploads(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    client, transport = make_client(lambda r: MockResponse(json={"id": "file-1"}))
    async with client:
        for upload, name in [
            (b"raw-bytes", "upload"),
            (io.BytesIO(b"file-object"), "upload"),
            (path, "data.jsonl"),
            (("custom.txt", b"tuple", "text/plain"), "custom.txt"),
        ]:
            with trio.fail_after(5):
                await client._request(
                    "post",
                    "/files",
                    cast_to=dict,
                    body={"file": upload, "purpose": "batch", "tags": ["a", "b"], "meta": {"k": "v"}},
                    multipart=True,
                )
            req = transport.requests[-1]
            ctype = req.headers["content-type"]
            assert ctype.startswith("multipart/form-data; boundary=")
            body = req.content
            assert f'name="file"; filename="{name}"'.encode() in body
            assert b'name="purpose"\r\n\r\nbatch\r\n' in body
            assert b'name="tags[]"\r\n\r\na\r\n' in body and b'name="tags[]"\r\n\r\nb\r\n' in body
            assert b'name="meta[k]"\r\n\r\nv\r\n' in body
            assert int(req.headers["content-length"]) == len(body)
    assert b"Content-Type: text/plain" in transport.requests[3].content
    assert b"file-object" in transport.requests[1].content
    assert b'{"a": 1}' in transport.requests[2].content


async def test_raw_binary_content() -> None:
    client, transport = make_client(lambda r: MockResponse(json={"ok": True}))
    async with client:
        with trio.fail_after(5):
            await client._request(
                "post", "/uploads/x/parts", cast_to=dict, content=b"\x00\x01", content_type="audio/wav"
            )
    req = transport.requests[0]
    assert req.content == b"\x00\x01"
    assert req.headers["content-type"] == "audio/wav"


async def test_results_are_structs_with_request_id_and_tolerate_unknown_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Unknown fields are looked for on the first results of a type (then on a sample): start afresh.
    monkeypatch.setattr(_response, "_looks", {})

    def handler(req: MockRequest) -> MockResponse:
        return MockResponse(json={**MODEL, "brand_new_field": {"x": 1}}, headers={"x-request-id": "req_9"})

    client, _ = make_client(handler)
    async with client:
        with trio.fail_after(5):
            model = await client.models.retrieve("gpt-test")
    assert isinstance(model, msgspec.Struct)
    assert model.id == "gpt-test"
    assert model._request_id == "req_9"
    # As the official SDK's models: unknown fields are kept (model_extra) and dumped with the rest.
    assert model.model_extra == {"brand_new_field": {"x": 1}}
    assert model.to_dict() == {**MODEL, "brand_new_field": {"x": 1}}
    assert msgspec.json.decode(model.to_json()) == {**MODEL, "brand_new_field": {"x": 1}}
    assert model.raw_dict()["brand_new_field"] == {"x": 1}


async def test_invalid_response_is_a_validation_error() -> None:
    client, _ = make_client(lambda r: MockResponse(json={"id": 5}))
    async with client:
        with pytest.raises(trio_openai.APIResponseValidationError, match="Model"):
            await client.models.retrieve("m")
    client, _ = make_client(
        lambda r: MockResponse(content=b"<html>hi</html>", headers={"content-type": "text/html"})
    )
    async with client:
        with pytest.raises(trio_openai.APIResponseValidationError, match="text/html"):
            await client.models.retrieve("m")


async def test_closed_client_raises_and_with_options_shares_the_pool() -> None:
    client, transport = make_client(ok_model)
    copy = client.with_options(max_retries=5, default_headers={"X-Copy": "1"})
    assert copy.max_retries == 5 and client.max_retries == 2
    assert copy._config.transport is client._config.transport
    with trio.fail_after(5):
        await copy.models.retrieve("m")
    await copy.aclose()
    assert not transport.closed
    assert transport.requests[0].headers["x-copy"] == "1"
    with pytest.raises(RuntimeError, match="closed"):
        await copy.models.retrieve("m")
    with trio.fail_after(5):
        await client.models.retrieve("m")  # the original still works
    await client.aclose()
    await client.aclose()  # idempotent
    assert transport.closed
    with pytest.raises(RuntimeError, match="closed"):
        await client.models.retrieve("m")


async def test_with_options_header_merge_and_replace() -> None:
    client, _ = make_client(ok_model, default_headers={"A": "1", "B": "2"})
    merged = client.with_options(default_headers={"B": "3"})
    replaced = client.with_options(set_default_headers={"C": "4"})
    assert merged.default_headers == {"A": "1", "B": "3"}
    assert replaced.default_headers == {"C": "4"}
    with pytest.raises(ValueError):
        client.with_options(default_headers={}, set_default_headers={})
    await client.aclose()


async def test_statistics_and_repr_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    client, _ = make_client(ok_model, api_key="sk-very-secret")
    caplog.set_level(logging.DEBUG, logger="trio_openai")
    async with client:
        with trio.fail_after(5):
            raw = await client.models.with_raw_response.retrieve("m")
        stats = client.statistics()
        assert stats.in_flight == 0 and not stats.closed
        for text in (repr(client), repr(raw), repr(raw.headers), caplog.text, repr(client.timeout)):
            assert "sk-very-secret" not in text
    assert "HTTP Request: GET http://api.test/v1/models/m" in caplog.text


async def test_timeout_objects() -> None:
    t = Timeout(10, connect=2)
    assert (t.connect, t.read, t.write, t.pool) == (2, 10, 10, 10)
    assert Timeout(None).read is None
    with pytest.raises(ValueError):
        Timeout(connect=1)
    seen: list[Any] = []

    class Recorder:
        async def handle_async_request(self, request: Any) -> Any:
            seen.append(request.extensions["timeout"])
            import httpcore2

            return httpcore2.Response(200, content=msgspec.json.encode(MODEL))

        async def aclose(self) -> None:
            pass

    client = AsyncOpenAI(api_key="k", transport=Recorder(), base_url="http://x")
    async with client:
        with trio.fail_after(5):
            await client.models.retrieve("m")
            await client.models.retrieve("m", timeout=3)
            await client.models.retrieve("m", timeout=None)
    assert seen[0] == {"connect": 5.0, "read": 600.0, "write": 600.0, "pool": 600.0}
    assert seen[1] == {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    assert seen[2] == {"connect": None, "read": None, "write": None, "pool": None}


def test_public_names_match_all() -> None:
    exported = {name for name in dir(trio_openai) if not name.startswith("_")} - {
        "types",
        "resources",
        "testing",
        "lib",
        "batch",
        "realtime",
    }
    from trio_openai._module_client import SETTINGS

    exported -= set(SETTINGS)  # the module-level client's settings (trio_openai.api_key = ...)
    assert set(trio_openai.__all__) | {"__version__"} >= exported - {"annotations"}
    for name in trio_openai.__all__:
        assert hasattr(trio_openai, name)
