"""API mode against the fake server's batches: splitting, merging, expired/failed/cancelled
batches rerun, and resuming from the state file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import trio

from trio_openai import AsyncOpenAI
from trio_openai.batch import cancel_file_api, run_file_api, state_path
from trio_openai.testing import FakeServer, open_fake_server

from ._util import chat_line, embedding_line, recorded, write_input

FAST = {"poll_interval": 0.02}


@asynccontextmanager
async def serving() -> AsyncIterator[tuple[FakeServer, AsyncOpenAI]]:
    with trio.fail_after(30):
        async with (
            open_fake_server() as server,
            AsyncOpenAI(base_url=server.base_url, api_key="sk-test") as client,
        ):
            yield server, client


def _state(output: Path) -> Any:
    """The state file beside OUTPUT, decoded ({} when there is none)."""
    path = Path(state_path(output))
    return msgspec.json.decode(path.read_bytes()) if path.exists() else {}


def _inputs(tmp_path: Path, chats: int = 7, embeddings: int = 3) -> Path:
    lines = [chat_line(f"c{i}", f"q{i}") for i in range(chats)] + [
        embedding_line(f"e{i}") for i in range(embeddings)
    ]
    return write_input(tmp_path / "in.jsonl", lines)


def _uploaded_inputs(server: FakeServer) -> list[list[dict[str, object]]]:
    batches = [request.json() for request in server.requests_to("POST", "/batches")]
    files = server.uploaded_files
    return [[json.loads(line) for line in files[b["input_file_id"]].splitlines()] for b in batches]


async def test_split_by_endpoint_and_size_then_merged_in_the_output_format(tmp_path: Path) -> None:
    source = _inputs(tmp_path)
    output = tmp_path / "out.jsonl"
    async with serving() as (server, client):
        report = await run_file_api(client, source, output, max_batch_requests=3, **FAST)
        uploads = _uploaded_inputs(server)
    assert (report.succeeded, report.failed, report.unfinished, report.exit_status) == (10, 0, 0, 0)
    assert sorted(len(lines) for lines in uploads) == [1, 3, 3, 3]
    for lines in uploads:
        assert len({line["url"] for line in lines}) == 1  # one endpoint per batch
    ok, bad = recorded(output)
    assert set(ok) == {f"c{i}" for i in range(7)} | {f"e{i}" for i in range(3)} and set(ok.values()) == {1}
    assert not bad
    line = json.loads(output.read_text().splitlines()[0])
    assert set(line) == {"id", "custom_id", "response", "error"} and line["error"] is None
    assert line["response"]["status_code"] == 200 and line["response"]["request_id"]
    assert not _state(output)  # nothing pending: the state file is gone


async def test_byte_limit_splits_too(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.jsonl", [chat_line(f"c{i}", "x" * 200) for i in range(6)])
    async with serving() as (server, client):
        await run_file_api(client, source, tmp_path / "out.jsonl", max_batch_bytes=700, **FAST)
        assert [len(lines) for lines in _uploaded_inputs(server)] == [2, 2, 2]


async def test_an_error_status_inside_a_batch_goes_to_errors(tmp_path: Path) -> None:
    source = write_input(
        tmp_path / "in.jsonl",
        [chat_line("good"), {**chat_line("bad"), "body": {"model": "m", "messages": []}}],
    )
    output = tmp_path / "out.jsonl"
    async with serving() as (_server, client):
        report = await run_file_api(client, source, output, **FAST)
    assert (report.succeeded, report.failed, report.exit_status) == (1, 1, 1)
    ok, bad = recorded(output)
    assert set(ok) == {"good"} and set(bad) == {"bad"}
    error_line = json.loads((tmp_path / "out.errors.jsonl").read_text())
    assert error_line["error"]["code"] == "empty_array" and error_line["response"]["status_code"] == 400


async def test_expired_and_failed_batches_are_reported_and_rerun(tmp_path: Path) -> None:
    source = _inputs(tmp_path, chats=6, embeddings=4)
    output = tmp_path / "out.jsonl"
    async with serving() as (server, client):
        server.plan_batch("expired", finish=2)  # the chat batch: 2 of 6 done
        server.plan_batch("failed")  # the embeddings batch
        first = await run_file_api(client, source, output, **FAST)
        assert (first.succeeded, first.failed, first.unfinished, first.exit_status) == (2, 0, 8, 1)
        notes = " | ".join(first.notes)
        assert "expired; 4 requests not done (rerun" in notes and "failed: invalid_request" in notes
        second = await run_file_api(client, source, output, **FAST)
        assert (second.succeeded, second.unfinished, second.sent, second.exit_status) == (10, 0, 8, 0)
    ok, bad = recorded(output)
    assert len(ok) == 10 and set(ok.values()) == {1} and not bad


async def test_a_rerun_resumes_polling_instead_of_submitting_again(tmp_path: Path) -> None:
    source = _inputs(tmp_path, chats=4, embeddings=0)
    output = tmp_path / "out.jsonl"
    async with serving() as (server, client):
        server.plan_batch(polls=1000)  # never finishes during the first run
        stop = trio.Event()
        with trio.move_on_after(0.3):
            await run_file_api(client, source, output, stop=stop, **FAST)
        assert len(server.requests_to("POST", "/batches")) == 1
        state = _state(output)
        assert [entry["batch_id"] for entry in state["batches"]] == ["batch_fake000001"]
        cancelled = await cancel_file_api(client, output)
        assert cancelled == [("batch_fake000001", "cancelling")]
        report = await run_file_api(client, source, output, **FAST)  # polls, merges the cancelled batch
        assert len(server.requests_to("POST", "/batches")) == 1
        assert report.unfinished == 4 and "cancelled" in " ".join(report.notes)
        final = await run_file_api(client, source, output, **FAST)
        assert final.exit_status == 0 and len(server.requests_to("POST", "/batches")) == 2


async def test_an_upload_whose_batch_was_never_recorded_is_found_not_resubmitted(tmp_path: Path) -> None:
    source = _inputs(tmp_path, chats=3, embeddings=0)
    output = tmp_path / "out.jsonl"
    async with serving() as (server, client):
        server.plan_batch(polls=1000)
        with trio.move_on_after(0.3):
            await run_file_api(client, source, output, **FAST)
        # as if killed between batches.create and writing its id down
        state = _state(output)
        state["batches"][0]["batch_id"] = None
        Path(state_path(output)).write_bytes(msgspec.json.encode(state))  # noqa: ASYNC240 (a test's setup)
        await cancel_file_api(client, output)  # nothing to cancel without the id: no error
        with trio.move_on_after(0.3):
            await run_file_api(client, source, output, **FAST)
        assert len(server.requests_to("POST", "/batches")) == 1  # adopted, not submitted twice
        assert _state(output)["batches"][0]["batch_id"] == "batch_fake000001"
