"""The input reader and validator, the url mapping, and the resumable journal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from trio_openai.batch import (
    BatchError,
    BatchInputError,
    BatchRequest,
    BatchResponse,
    BatchResult,
    Journal,
    JournalError,
    check_input,
    default_errors_path,
    iter_requests,
    read_results,
)
from trio_openai.batch._format import client_path

from ._util import chat_line, embedding_line, write_input


def test_client_path_maps_onto_a_v1_base_url_without_doubling() -> None:
    assert client_path("/v1/chat/completions") == "/chat/completions"
    assert client_path("v1/embeddings") == "/embeddings"
    assert client_path("/embeddings") == "/embeddings"
    assert client_path("/v1/responses/") == "/responses"
    assert client_path("/v1/images/generations") is None
    assert client_path("/v1/v1/embeddings") is None


def test_a_valid_file_is_summarised_and_streamed_back(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.jsonl", [chat_line("a"), embedding_line("b"), chat_line("c")])
    with path.open("a") as file:
        file.write("\n   \n")  # blank lines are ignored
    summary = check_input(path)
    assert summary.requests == 3
    assert summary.endpoints == {"/v1/chat/completions": 2, "/v1/embeddings": 1}
    requests = list(iter_requests(path))
    assert [r.custom_id for r in requests] == ["a", "b", "c"]
    assert json.loads(bytes(requests[1].body)) == {"model": "text-embedding-3-small", "input": "x"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"custom_id": "x", "url": ', ":2: malformed JSON"),
        ("[1, 2]", ":2: a request line must be a JSON object"),
        ('{"method": "POST", "url": "/v1/embeddings", "body": {}}', ":2: missing custom_id"),
        ('{"custom_id": 7, "url": "/v1/embeddings", "body": {}}', ":2: custom_id must be a non-empty string"),
        (
            '{"custom_id": "", "url": "/v1/embeddings", "body": {}}',
            ":2: custom_id must be a non-empty string",
        ),
        (
            '{"custom_id": "a", "url": "/v1/embeddings", "body": {}}',
            ":2: duplicate custom_id 'a' (first on line 1)",
        ),
        (
            '{"custom_id": "b", "method": "GET", "url": "/v1/embeddings", "body": {}}',
            ":2: unsupported method 'GET'",
        ),
        ('{"custom_id": "b", "url": "/v1/images/generations", "body": {}}', ":2: unsupported url"),
        ('{"custom_id": "b", "url": "/v1/embeddings"}', ":2: missing body"),
        ('{"custom_id": "b", "url": "/v1/embeddings", "body": [1]}', ":2: body must be a JSON object"),
    ],
)
def test_bad_lines_are_named_with_their_number(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(embedding_line("a")) + "\n" + line + "\n")
    with pytest.raises(BatchInputError) as caught:
        check_input(path)
    assert message in str(caught.value)
    assert caught.value.line == 2


def test_to_line_writes_the_batch_api_form(tmp_path: Path) -> None:
    request = BatchRequest.make("q1", "/embeddings", {"model": "m", "input": "x"})
    assert json.loads(request.to_line()) == {
        "custom_id": "q1",
        "method": "POST",
        "url": "/v1/embeddings",
        "body": {"model": "m", "input": "x"},
    }


def _ok(custom_id: str) -> BatchResult:
    return BatchResult(
        id=f"r-{custom_id}",
        custom_id=custom_id,
        response=BatchResponse(status_code=200, request_id="req", body=b'{"a":1}'),  # type: ignore[arg-type]
    )


def _bad(custom_id: str) -> BatchResult:
    return BatchResult(id=f"r-{custom_id}", custom_id=custom_id, error=BatchError(code="x", message="no"))


def test_default_errors_path() -> None:
    assert default_errors_path("out/x.jsonl") == "out/x.errors.jsonl"
    assert default_errors_path("x.txt") == "x.txt.errors.jsonl"


def test_journal_records_each_custom_id_once_and_resumes(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with Journal(output) as journal:
        assert journal.record(_ok("a"))
        assert journal.record(_bad("b"))
        assert not journal.record(_ok("a"))  # already recorded: nothing written
        assert not journal.record(_ok("b"))
    lines = output.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["error"] is None  # written out, as the API does
    with Journal(output) as again:
        assert again.recorded == {"a", "b"}
        assert (again.succeeded, again.failed, again.failed_ids) == (1, 1, {"b"})


@pytest.mark.parametrize(
    "tail", [b'{"id": "r-c", "custom_id": "c", "resp', b'{"id": "r-c", "cust\n', b"\x00\x00\x00"]
)
def test_a_torn_last_line_is_cut_off(tmp_path: Path, tail: bytes) -> None:
    output = tmp_path / "out.jsonl"
    with Journal(output) as journal:
        journal.record(_ok("a"))
        journal.record(_ok("b"))
    good = output.read_bytes()
    with output.open("ab") as file:
        file.write(tail)
    with Journal(output) as journal:
        assert journal.recorded == {"a", "b"}
        assert journal.discarded_torn == 1
        journal.record(_ok("c"))
    assert output.read_bytes().startswith(good)
    assert [r.custom_id for r in read_results(output)] == ["a", "b", "c"]


def test_a_bad_line_in_the_middle_is_an_error_not_silently_dropped(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    with Journal(output) as journal:
        journal.record(_ok("a"))
    with output.open("ab") as file:
        file.write(b"garbage\n")
        file.write(_ok("b").to_line())
    with pytest.raises(JournalError, match="not a result line"):
        Journal(output)


def test_output_and_errors_must_differ(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="different"):
        Journal(tmp_path / "a.jsonl", errors=os.fspath(tmp_path / "a.jsonl"))
