"""Upload helpers (lib/_uploads.py): the requests each one sends, in order, on both clients."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import trio

from trio_openai import AsyncOpenAI, OpenAI
from trio_openai.testing import MockRequest, MockResponse, MockTransport

TIMEOUT = 10
_VS_FILE = {
    "id": "file_1",
    "object": "vector_store.file",
    "usage_bytes": 1,
    "created_at": 1,
    "vector_store_id": "vs_1",
    "status": "completed",
    "last_error": None,
}


class _Api:
    """Answers the endpoints the helpers use, numbering uploaded files and parts."""

    def __init__(self) -> None:
        self.seen: list[MockRequest] = []
        self.files = 0
        self.parts: list[bytes] = []

    def __call__(self, request: MockRequest) -> MockResponse:
        self.seen.append(request)
        path = request.path.removeprefix("/v1")
        if path == "/files":
            self.files += 1
            return MockResponse(json=_file(f"file_{self.files}"))
        if path == "/uploads":
            return MockResponse(json=_upload("pending", request.json()))
        if path.endswith("/parts"):
            self.parts.append(request.content)
            return MockResponse(
                json={
                    "id": f"part_{len(self.parts)}",
                    "object": "upload.part",
                    "created_at": 1,
                    "upload_id": "u",
                }
            )
        if path.endswith("/complete"):
            return MockResponse(json=_upload("completed", {"filename": "f", "bytes": 1, "purpose": "batch"}))
        if "/file_batches" in path:
            counts = {"in_progress": 0, "completed": 2, "failed": 0, "cancelled": 0, "total": 2}
            return MockResponse(
                json={
                    "id": "vsfb_1",
                    "object": "vector_store.files_batch",
                    "created_at": 1,
                    "vector_store_id": "vs_1",
                    "status": "completed",
                    "file_counts": counts,
                }
            )
        if path.startswith("/vector_stores/"):
            return MockResponse(json=_VS_FILE)
        if path == "/threads/runs" or path.startswith("/threads/"):
            return MockResponse(json=_run("completed" if request.method == "GET" else "queued"))
        return MockResponse(status_code=404, json={"error": {"message": path}})

    def calls(self) -> list[str]:
        return [f"{r.method} {r.path.removeprefix('/v1')}" for r in self.seen]


def _file(file_id: str) -> dict[str, Any]:
    return {
        "id": file_id,
        "object": "file",
        "bytes": 4,
        "created_at": 1,
        "filename": "f.txt",
        "purpose": "assistants",
        "status": "processed",
    }


def _upload(status: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "upload_1",
        "object": "upload",
        "created_at": 1,
        "expires_at": 2,
        "status": status,
        "filename": body.get("filename", "f"),
        "bytes": body.get("bytes", 1),
        "purpose": body.get("purpose", "batch"),
    }


def _run(status: str) -> dict[str, Any]:
    return {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": status,
        "model": "m",
        "instructions": "",
        "tools": [],
    }


def _client(api: _Api) -> AsyncOpenAI:
    return AsyncOpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(api))


async def test_upload_file_chunked_sends_parts_in_order_from_a_path(tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    source.write_bytes(b"abcdefghij")
    api = _Api()
    async with _client(api) as client:
        with trio.fail_after(TIMEOUT):
            upload = await client.uploads.upload_file_chunked(
                file=source, mime_type="text/jsonl", purpose="batch", part_size=4, md5="m5"
            )
    assert upload.status == "completed"
    assert api.calls() == [
        "POST /uploads",
        "POST /uploads/upload_1/parts",
        "POST /uploads/upload_1/parts",
        "POST /uploads/upload_1/parts",
        "POST /uploads/upload_1/complete",
    ]
    assert api.seen[0].json() == {
        "filename": "data.jsonl",
        "purpose": "batch",
        "bytes": 10,
        "mime_type": "text/jsonl",
    }
    assert [b"abcd" in p for p in api.parts] == [True, False, False]
    assert [b"ij" in p for p in api.parts] == [False, False, True]
    assert api.seen[-1].json() == {"part_ids": ["part_1", "part_2", "part_3"], "md5": "m5"}


async def test_upload_file_chunked_refuses_bad_arguments_before_io() -> None:
    api = _Api()
    async with _client(api) as client:
        with pytest.raises(TypeError, match="filename"):
            await client.uploads.upload_file_chunked(file=b"xy", mime_type="t", purpose="batch")
        with pytest.raises(ValueError, match="part_size"):
            await client.uploads.upload_file_chunked(
                file=b"xy", filename="a", mime_type="t", purpose="batch", part_size=0
            )
    assert api.seen == []


async def test_vector_store_upload_and_poll_and_batch_upload() -> None:
    api = _Api()
    async with _client(api) as client:
        with trio.fail_after(TIMEOUT):
            vs_file = await client.vector_stores.files.upload(vector_store_id="vs_1", file=("a.txt", b"a"))
            polled = await client.vector_stores.files.upload_and_poll(
                vector_store_id="vs_1", file=("b.txt", b"b"), poll_interval_ms=1
            )
            batch = await client.vector_stores.file_batches.upload_and_poll(
                "vs_1", files=[("c.txt", b"c"), ("d.txt", b"d")], file_ids=["file_0"], max_concurrency=2
            )
    assert vs_file.id == "file_1" and polled.status == "completed"
    assert batch.file_counts.completed == 2
    calls = api.calls()
    assert calls[:2] == ["POST /files", "POST /vector_stores/vs_1/files"]
    assert json.loads(api.seen[1].content) == {"file_id": "file_1"}
    assert calls[2:5] == [
        "POST /files",
        "POST /vector_stores/vs_1/files",
        "GET /vector_stores/vs_1/files/file_2",
    ]
    assert calls[5:7] == ["POST /files", "POST /files"]
    batch_body = json.loads(api.seen[7].content)
    assert batch_body["file_ids"][0] == "file_0" and sorted(batch_body["file_ids"][1:]) == [
        "file_3",
        "file_4",
    ]
    assert b'name="purpose"' in api.seen[0].content and b"assistants" in api.seen[0].content


async def test_batch_upload_refuses_nothing_to_upload_before_io() -> None:
    api = _Api()
    async with _client(api) as client:
        with pytest.raises(ValueError, match="files"):
            await client.vector_stores.file_batches.upload_and_poll("vs_1", files=[])
        with pytest.raises(ValueError, match="max_concurrency"):
            await client.vector_stores.file_batches.upload_and_poll(
                "vs_1", files=[("a", b"a")], max_concurrency=0
            )
    assert api.seen == []


async def test_threads_create_and_run_poll_polls_the_run() -> None:
    api = _Api()
    async with _client(api) as client:
        with trio.fail_after(TIMEOUT), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = await client.beta.threads.create_and_run_poll(assistant_id="asst_1", poll_interval_ms=1)
    messages = [str(w.message) for w in caught]
    assert "create_and_run_poll` is deprecated" in messages[0]
    assert not any("create_and_run` is" in m for m in messages)  # warned once for the helper, not its call
    assert run.status == "completed"
    assert api.calls() == ["POST /threads/runs", "GET /threads/thread_1/runs/run_1"]
    assert api.seen[1].headers.get("x-stainless-poll-helper") == "true"


def test_blocking_client_has_the_helpers(tmp_path: Path) -> None:
    source = tmp_path / "x.bin"
    source.write_bytes(b"12345")
    api = _Api()
    with OpenAI(api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(api)) as client:
        upload = client.uploads.upload_file_chunked(file=source, mime_type="a/b", purpose="batch")
        vs_file = client.vector_stores.files.upload(vector_store_id="vs_1", file=("a.txt", b"a"))
    assert upload.status == "completed" and vs_file.id == "file_1"
    assert api.calls()[:3] == [
        "POST /uploads",
        "POST /uploads/upload_1/parts",
        "POST /uploads/upload_1/complete",
    ]


async def test_cancelled_batch_upload_and_poll_leaves_the_client_healthy() -> None:
    """A ``move_on_after`` around ``file_batches.upload_and_poll`` whose batch never finishes stops the
    polling at once; nothing stays in flight and the client keeps working."""
    api = _Api()

    def handler(request: MockRequest) -> MockResponse:
        response = api(request)
        if "/file_batches" in request.path:
            batch = json.loads(response.content)
            batch["status"] = "in_progress"
            batch["file_counts"]["in_progress"] = 1  # what polling waits on
            return MockResponse(json=batch)
        return response

    async with AsyncOpenAI(
        api_key="sk-test", base_url="http://api.test/v1", transport=MockTransport(handler)
    ) as client:
        with trio.move_on_after(0.3) as scope:
            await client.vector_stores.file_batches.upload_and_poll(
                "vs_1", files=[("c.txt", b"c"), ("d.txt", b"d")], poll_interval_ms=5
            )
        assert scope.cancelled_caught
        assert client.statistics().in_flight == 0
        polls = [c for c in api.calls() if c.startswith("GET /vector_stores/vs_1/file_batches/")]
        assert polls  # it was polling when cancelled
        with trio.fail_after(TIMEOUT):
            uploaded = await client.files.create(file=("e.txt", b"e"), purpose="assistants")
    assert uploaded.id == "file_3"
