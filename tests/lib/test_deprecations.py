"""Official methods the SDK deprecates stay callable on both clients and warn at the caller's line.

The list is ``tools/codegen/official_deprecations.json`` (recorded from the official SDK's
``__deprecated__`` markers); the methods we did not have (``files.retrieve_content``,
``fine_tuning.checkpoints.permissions.retrieve``) are aliases of their replacements."""

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

DEPRECATIONS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parents[2] / "tools" / "codegen" / "official_deprecations.json").read_text()
)["methods"]


def _lookup(client: object, dotted: str) -> Any:
    node: Any = client
    for part in dotted.split("."):
        node = getattr(node, part)
    return node


def _transport(seen: list[MockRequest]) -> MockTransport:
    def handler(request: MockRequest) -> MockResponse:
        seen.append(request)
        if request.url.endswith("/content"):
            return MockResponse(content=b"file bytes", headers={"content-type": "application/octet-stream"})
        return MockResponse(
            json={"object": "list", "data": [], "has_more": False, "first_id": None, "last_id": None}
        )

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


async def test_async_alias_warns_at_the_caller_and_calls_the_replacement() -> None:
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
    assert content.content == replacement.content == b"file bytes"
    assert [r.url for r in seen] == ["http://api.test/v1/files/file_1/content"] * 2


async def test_async_deprecated_list_method_warns() -> None:
    seen: list[MockRequest] = []
    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)
    ) as client:
        with trio.fail_after(10):
            with pytest.warns(DeprecationWarning, match="paginated") as record:
                page = await client.fine_tuning.checkpoints.permissions.retrieve("ft:ckpt")
    assert record[0].filename == __file__
    assert page.data == []
    assert seen[0].url.startswith("http://api.test/v1/fine_tuning/checkpoints/ft%3Ackpt/permissions")


def test_blocking_methods_warn_in_the_callers_thread_at_the_callers_line() -> None:
    seen: list[MockRequest] = []
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=_transport(seen)) as client:
        with pytest.warns(DeprecationWarning, match="use `files.content` instead") as record:
            content = client.files.retrieve_content("file_1")
        assert content.content == b"file bytes"
        with pytest.warns(DeprecationWarning, match="Assistants API") as listed:
            page = client.beta.assistants.list()
        assert page.data == []
        with pytest.warns(DeprecationWarning, match="paginated"):
            client.fine_tuning.checkpoints.permissions.retrieve("ft:ckpt")
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


def test_skills_create_takes_files_as_optional_like_the_official_sdk() -> None:
    import inspect

    for cls in (type(AsyncOpenAI(api_key="k").skills), type(AsyncOpenAI(api_key="k").skills.versions)):
        files = inspect.signature(cls.create).parameters["files"]
        assert files.default is not inspect.Parameter.empty
        assert files.kind is files.KEYWORD_ONLY
