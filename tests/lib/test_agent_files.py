"""Agent environment file helpers (lib/_agent_files.py): the requests they send, the checks before I/O."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import trio

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

TIMEOUT = 10


class _Api:
    def __init__(self) -> None:
        self.seen: list[MockRequest] = []

    def __call__(self, request: MockRequest) -> MockResponse:
        self.seen.append(request)
        if request.path == "/v1/files":
            n = sum(1 for r in self.seen if r.path == "/v1/files")
            file = {"id": f"file_{n}", "object": "file", "bytes": 1, "created_at": 1}
            return MockResponse(json={**file, "filename": "f", "purpose": "user_data", "status": "processed"})
        body: dict[str, Any] = request.json()
        return MockResponse(
            json={
                "environment_id": "env",
                "object": "agent.environment.file",
                "path": body["path"],
                "size_bytes": 1,
            }
        )

    def uploaded_names(self) -> list[str]:
        return [m.decode() for r in self.seen for m in re.findall(rb'filename="([^"]+)"', r.content)]


def _client(api: _Api) -> AsyncOpenAI:
    return AsyncOpenAI(api_key="sk", base_url="http://api.test/v1", transport=MockTransport(api))


async def test_upload_uploads_then_stages() -> None:
    api = _Api()
    async with _client(api) as client:
        with trio.fail_after(TIMEOUT):
            staged = await client.beta.agents.environments.files.upload(
                "env_1", file=("a.txt", b"abcd"), path="/workspace/a.txt"
            )
    assert staged.uploaded_file_id == "file_1"
    assert [r.path for r in api.seen] == ["/v1/files", "/v1/agents/environments/env_1/files"]
    assert b"user_data" in api.seen[0].content
    assert api.seen[1].json() == {"path": "/workspace/a.txt", "type": "file_id", "file_id": "file_1"}


async def test_prepare_and_prepare_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.py").write_text("1")
    (tmp_path / "sub" / "b.py").write_text("2")
    (tmp_path / "c.txt").write_text("3")
    api = _Api()
    async with _client(api) as client:
        files = client.beta.agents.environments.files
        with trio.fail_after(TIMEOUT):
            one = await files.prepare({"/workspace/x/c.txt": tmp_path / "c.txt"})
            many = await files.prepare_directory(
                tmp_path, destination="/workspace/proj/", include=["**/*.py"]
            )
    assert one.files == [{"type": "file_id", "file_id": "file_1", "path": "/workspace/x/c.txt"}]
    assert [f["path"] for f in many.files] == ["/workspace/proj/a.py", "/workspace/proj/sub/b.py"]
    assert many.uploaded_file_ids == ["file_2", "file_3"]
    assert api.uploaded_names() == ["c.txt", "a.py", "b.py"]


@pytest.mark.parametrize(
    ("dest", "message"),
    [
        ("/workspace", "under /workspace"),
        ("workspace/x", "under /workspace"),
        ("/tmp/x", "under /workspace"),
        ("/workspace/../x", "parent components"),
        ("/workspace/a//b", "empty"),
    ],
)
async def test_bad_destinations_are_refused_before_io(tmp_path: Path, dest: str, message: str) -> None:
    (tmp_path / "a").write_text("1")
    api = _Api()
    async with _client(api) as client:
        files = client.beta.agents.environments.files
        with pytest.raises(ValueError, match=message):
            await files.prepare({dest: tmp_path / "a"})
        with pytest.raises(ValueError, match=message):
            await files.upload("env_1", file=("a", b"1"), path=dest)
        with pytest.raises(ValueError, match="explicit include"):
            await files.prepare_directory(tmp_path, destination="/workspace/d", include=[])
        with pytest.raises(ValueError, match="did not select"):
            await files.prepare_directory(tmp_path, destination="/workspace/d", include=["*.none"])
    assert api.seen == []


def test_blocking_client(tmp_path: Path) -> None:
    api = _Api()
    with OpenAI(api_key="sk", base_url="http://api.test/v1", transport=MockTransport(api)) as client:
        staged = client.beta.agents.environments.files.upload("env_2", file=("a", b"1"), path="/workspace/a")
    assert staged.uploaded_file_id == "file_1"
