"""Official methods the SDK deprecates stay callable on both clients and warn at the caller's line.

The list is ``tools/codegen/official_deprecations.json`` (recorded from the official SDK's
``__deprecated__`` markers). The two that send the operation of another method give their own result,
as the official ones do: ``files.retrieve_content`` the body as ``str``,
``fine_tuning.checkpoints.permissions.retrieve`` one ``PermissionRetrieveResponse`` (not a page)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import trio

from tests.codegen.test_official_surface_coverage import EXCEPTIONS
from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport
from trio_openai.types.fine_tuning.checkpoints import PermissionRetrieveResponse

DEPRECATIONS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parents[2] / "tools" / "codegen" / "official_deprecations.json").read_text()
)["methods"]


def _lookup(client: object, dotted: str) -> Any:
    node: Any = client
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


_PERMISSION = {"id": "cp_1", "object": "checkpoint.permission", "created_at": 1, "project_id": "proj_1"}
_PERMISSIONS = {
    "object": "list",
    "data": [_PERMISSION],
    "has_more": False,
    "first_id": "cp_1",
    "last_id": "cp_1",
}


def _transport(seen: list[MockRequest]) -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        if request.url.endswith("/content"):
            return MockResponse(content=b"file bytes", headers={"content-type": "application/octet-stream"})
        if "/permissions" in request.url:
            return MockResponse(json=_PERMISSIONS)
        return MockResponse(json={**_PERMISSIONS, "data": [], "first_id": None, "last_id": None})

    return MockTransport(handler)


# the official stream helpers we do not have yet are listed (with why) in the surface coverage test
@pytest.mark.parametrize("dotted", sorted(set(DEPRECATIONS) - set(EXCEPTIONS)))
def test_every_official_deprecation_is_marked_on_both_clients(dotted: str) -> None:
    message = DEPRECATIONS[dotted]["message"]
    async_client = AsyncOpenAI(api_key="sk-test", base_url="http://api.test/v1")
    sync_client = OpenAI(api_key="sk-test", base_url="http://api.test/v1")
    try:
        for client in (async_client, sync_client):
            method = _lookup(client, dotted)
            assert callable(method)
            assert method.__deprecated__ == message
            assert f"`{dotted}`" in message
    finally:
        sync_client.close()


async def test_async_retrieve_content_warns_at_the_caller_and_gives_the_text() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        with trio.fail_after(10):
            with pytest.warns(DeprecationWarning, match="use `files.content` instead") as record:
                content = await client.files.retrieve_content("file_1")
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                replacement = await client.files.content("file_1")  # the replacement stays silent
    assert record[0].filename == __file__
    assert content == "file bytes" and type(content) is str  # the official result: the text
    assert replacement.content == b"file bytes"
    assert [r.url for r in seen] == ["http://api.test/v1/files/file_1/content"] * 2


async def test_async_retrieve_content_raw_and_streamed_parse_to_str() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        with trio.fail_after(10):
            with pytest.warns(DeprecationWarning, match="files.content"):
                raw = await client.files.with_raw_response.retrieve_content("file_1")
            with pytest.warns(DeprecationWarning, match="files.content"):
                async with client.files.with_streaming_response.retrieve_content("file_1") as streamed:
                    text = await streamed.parse()
    assert raw.parse() == "file bytes" and text == "file bytes"


def test_blocking_retrieve_content_raw_and_streamed_parse_to_str() -> None:
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=_transport([])) as client:
        with pytest.warns(DeprecationWarning, match="files.content"):
            raw = client.files.with_raw_response.retrieve_content("file_1")
        with pytest.warns(DeprecationWarning, match="files.content"):
            with client.files.with_streaming_response.retrieve_content("file_1") as streamed:
                text = streamed.parse()
    assert raw.parse() == "file bytes" and text == "file bytes"


async def test_async_permissions_retrieve_warns_and_gives_one_object() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        with trio.fail_after(10):
            with pytest.warns(DeprecationWarning, match="paginated") as record:
                result = await client.fine_tuning.checkpoints.permissions.retrieve("ft:ckpt", limit=5)
            with pytest.warns(DeprecationWarning, match="paginated"):
                raw = await client.fine_tuning.checkpoints.permissions.with_raw_response.retrieve("ft:ckpt")
    assert record[0].filename == __file__
    assert isinstance(result, PermissionRetrieveResponse)  # one list object, as the official method gives
    assert not hasattr(result, "get_next_page")
    assert [p.id for p in result.data] == ["cp_1"] and result.has_more is False
    assert isinstance(raw.parse(), PermissionRetrieveResponse)
    assert "limit=5" in seen[0].url
    assert seen[0].url.startswith("http://api.test/v1/fine_tuning/checkpoints/ft%3Ackpt/permissions")


def test_blocking_methods_warn_in_the_callers_thread_at_the_callers_line() -> None:
    seen: list[MockRequest] = []
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with pytest.warns(DeprecationWarning, match="use `files.content` instead") as record:
            content = client.files.retrieve_content("file_1")
        assert content == "file bytes"
        with pytest.warns(DeprecationWarning, match="Assistants API") as listed:
            page = client.beta.assistants.list()
        assert page.data == []
        with pytest.warns(DeprecationWarning, match="paginated"):
            result = client.fine_tuning.checkpoints.permissions.retrieve("ft:ckpt")
        assert isinstance(result, PermissionRetrieveResponse) and result.data[0].project_id == "proj_1"
    assert record[0].filename == __file__
    assert listed[0].filename == __file__
    assert len(record) == len(listed) == 1  # warned once, not again inside the portal
    assert len(seen) == 3


async def test_video_create_and_poll_takes_the_official_keywords() -> None:
    seen: list[MockRequest] = []

    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        video = {
            "id": "video_1",
            "object": "video",
            "status": "completed",
            "created_at": 0,
            "model": "sora-2",
        }
        return MockResponse(json={**video, "progress": 100, "seconds": "8", "size": "1280x720"})

    transport = MockTransport(handler)
    async with AsyncOpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=transport) as client:
        with trio.fail_after(10), pytest.warns(DeprecationWarning, match="Sora"):
            video = await client.videos.create_and_poll(
                prompt="a cat", model="sora-2", seconds="8", size="1280x720"
            )
    assert video.status == "completed"
    sent = seen[0].content
    assert b'name="model"\r\n\r\nsora-2' in sent and b'name="seconds"\r\n\r\n8' in sent
    assert b'name="size"\r\n\r\n1280x720' in sent and b"input_reference" not in sent


def _video_transport(seen: list[MockRequest]) -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        status = "completed" if len(seen) > 1 else "queued"
        video = {"id": "video_1", "object": "video", "status": status, "created_at": 0, "model": "sora-2"}
        return MockResponse(json={**video, "progress": 100, "seconds": "8", "size": "1280x720"})

    return MockTransport(handler)


async def test_video_create_and_poll_takes_request_options_like_the_other_methods() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=_video_transport(seen)
    ) as client:
        with trio.fail_after(10), pytest.warns(DeprecationWarning, match="Sora"):
            video = await client.videos.create_and_poll(
                prompt="a cat",
                poll_interval_ms=0,
                extra_headers={"X-Trace": "t1"},
                extra_query={"q": "1"},
                extra_body={"note": "x"},
                timeout=30,
            )
        with pytest.warns(DeprecationWarning, match="Sora"), pytest.raises(TypeError, match="promt"):
            await client.videos.create_and_poll(prompt="a", promt="typo")  # type: ignore[call-arg]
    assert video.status == "completed" and len(seen) == 2
    assert all(r.headers.get("x-trace") == "t1" and "q=1" in r.url for r in seen)
    assert b'name="note"\r\n\r\nx' in seen[0].content  # extra_body joins the create's form


def test_blocking_video_create_and_poll_takes_request_options() -> None:
    import inspect

    seen: list[MockRequest] = []
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=_video_transport(seen)) as client:
        assert "options" in inspect.signature(client.videos.create_and_poll).parameters
        with pytest.warns(DeprecationWarning, match="Sora"):
            video = client.videos.create_and_poll(
                prompt="a cat", poll_interval_ms=0, extra_headers={"X-Trace": "t2"}
            )
    assert video.status == "completed"
    assert [r.headers.get("x-trace") for r in seen] == ["t2", "t2"]


def test_skills_create_takes_files_as_optional_like_the_official_sdk() -> None:
    import inspect

    for cls in (type(AsyncOpenAI(api_key="k").skills), type(AsyncOpenAI(api_key="k").skills.versions)):
        files = inspect.signature(cls.create).parameters["files"]
        assert files.default is not inspect.Parameter.empty
        assert files.kind is files.KEYWORD_ONLY
