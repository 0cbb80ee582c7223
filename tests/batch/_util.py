"""Helpers for the batch tests: input files and reading results back."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from trio_openai.batch import read_results


def chat_line(custom_id: str, text: str = "hi", **extra: Any) -> dict[str, Any]:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def embedding_line(custom_id: str, text: str = "x") -> dict[str, Any]:
    body = {"model": "text-embedding-3-small", "input": text}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/embeddings", "body": body}


def write_input(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def recorded(output: Path) -> tuple[Counter[str], Counter[str]]:
    """custom_id counts in OUTPUT and in its default ERRORS file."""
    errors = output.with_name(output.name.removesuffix(".jsonl") + ".errors.jsonl")
    ok = Counter(result.custom_id for result in read_results(output))
    bad = Counter(result.custom_id for result in read_results(errors))
    return ok, bad
