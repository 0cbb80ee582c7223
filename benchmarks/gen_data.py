"""Writes the canned responses the benchmark servers serve.

The tree mirrors URL paths, so nginx can serve it as static files:

    v1/chat/completions          one ~1 KB chat completion (JSON)
    v1/models                    a list of 100 models
    v1/embeddings                100 x 1536 embeddings as float JSON
    b64/v1/embeddings            the same vectors as base64 float32
    emb1/v1/embeddings           1 x 1536 (float JSON): warm-up for the memory scenario
    s1k/v1/chat/completions      an SSE stream of 1,000 chunks, then `data: [DONE]`
    s20k/v1/chat/completions     an SSE stream of 20,000 chunks, then `data: [DONE]`
    s10/v1/chat/completions      an SSE stream of 10 chunks: warm-up for the memory scenario
    pages/<key>.json             50 cursor pages of 100 files; <key> is the `after` value
                                 (the id of the previous page's last file), `first` for page 1
    */v1/models                  a copy of the model list under every prefix, for warm-ups
    meta.json                    what a correct client must see (counts, a probe value)

Everything is derived from a fixed seed, so the files are the same on every run.

Usage: python benchmarks/gen_data.py OUTDIR
"""

from __future__ import annotations

import base64
import json
import random
import struct
import sys
from pathlib import Path
from typing import Any

CREATED = 1_731_000_000
MODEL = "gpt-4o-mini-2024-07-18"
FINGERPRINT = "fp_0ba0d124f1"
PAGES = 50
PER_PAGE = 100
EMB_ROWS = 100
EMB_DIMS = 1536
STREAMS = {"s10": 10, "s1k": 1_000, "s20k": 20_000}
PREFIXES = ("", "b64", "emb1", *STREAMS)

_TEXT = (
    "the quick brown fox jumps over a lazy dog while trio schedules tasks and msgspec decodes "
    "structs so that every request returns quickly enough for careful measurement"
)
_WORDS = _TEXT.split()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _chat_completion(rng: random.Random) -> dict[str, Any]:
    content = " ".join(rng.choice(_WORDS) for _ in range(95)).capitalize() + "."
    return {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 19,
            "completion_tokens": 118,
            "total_tokens": 137,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
    }


def _models() -> dict[str, Any]:
    owners = ("openai", "system", "openai-internal")
    data = [
        {"id": f"model-{i:03d}", "object": "model", "created": CREATED - i * 3600, "owned_by": owners[i % 3]}
        for i in range(100)
    ]
    return {"object": "list", "data": data}


def _file_id(n: int) -> str:
    return f"file-{n:06d}Xq9ZkLmN2pRt"


def _pages() -> dict[str, bytes]:
    purposes = ("assistants", "batch", "fine-tune", "user_data", "vision")
    pages: dict[str, bytes] = {}
    for p in range(PAGES):
        items = []
        for i in range(PER_PAGE):
            n = p * PER_PAGE + i
            items.append(
                {
                    "object": "file",
                    "id": _file_id(n),
                    "purpose": purposes[n % len(purposes)],
                    "filename": f"upload-{n:06d}.jsonl",
                    "bytes": 1000 + n * 7,
                    "created_at": CREATED - n * 60,
                    "expires_at": None,
                    "status": "processed",
                    "status_details": None,
                }
            )
        key = "first" if p == 0 else _file_id(p * PER_PAGE - 1)
        body = {
            "object": "list",
            "data": items,
            "first_id": items[0]["id"],
            "last_id": items[-1]["id"],
            "has_more": p < PAGES - 1,
        }
        pages[key] = _dumps(body)
    return pages


def _vectors(rng: random.Random, rows: int) -> list[list[float]]:
    # Round through float32, as the API does, so float and base64 carry the same values.
    out: list[list[float]] = []
    for _ in range(rows):
        raw = [rng.gauss(0.0, 0.025) for _ in range(EMB_DIMS)]
        out.append(list(struct.unpack(f"<{EMB_DIMS}f", struct.pack(f"<{EMB_DIMS}f", *raw))))
    return out


def _float_text(v: float) -> str:
    # Shortest text that still reads back as the same float32 (what the API prints).
    for digits in range(6, 10):
        text = f"{v:.{digits}g}"
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == v:
            return text
    return repr(v)


def _embeddings(vectors: list[list[float]], *, b64: bool) -> bytes:
    parts: list[bytes] = []
    for i, vec in enumerate(vectors):
        if b64:
            emb = '"' + base64.b64encode(struct.pack(f"<{EMB_DIMS}f", *vec)).decode() + '"'
        else:
            emb = "[" + ",".join(_float_text(v) for v in vec) + "]"
        parts.append(f'{{"object":"embedding","index":{i},"embedding":{emb}}}'.encode())
    head = b'{"object":"list","data":['
    tail = b'],"model":"text-embedding-3-small","usage":{"prompt_tokens":800,"total_tokens":800}}'
    return head + b",".join(parts) + tail


def _stream(rng: random.Random, chunks: int) -> bytes:
    base = {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": MODEL,
        "service_tier": "default",
        "system_fingerprint": FINGERPRINT,
    }
    events: list[bytes] = []
    for i in range(chunks):
        if i == 0:
            delta: dict[str, Any] = {"role": "assistant", "content": "", "refusal": None}
            finish = None
        elif i == chunks - 1:
            delta, finish = {}, "stop"
        else:
            delta, finish = {"content": " " + rng.choice(_WORDS)}, None
        chunk = {
            **base,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            "obfuscation": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6)),
        }
        events.append(b"data: " + _dumps(chunk) + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return b"".join(events)


def generate(root: Path) -> dict[str, Any]:
    rng = random.Random(20_250_101)
    files: dict[str, bytes] = {}
    completion = _chat_completion(rng)
    files["v1/chat/completions"] = _dumps(completion)
    models = _dumps(_models())
    for prefix in PREFIXES:
        files[f"{prefix}/v1/models".lstrip("/")] = models
    vectors = _vectors(rng, EMB_ROWS)
    files["v1/embeddings"] = _embeddings(vectors, b64=False)
    files["b64/v1/embeddings"] = _embeddings(vectors, b64=True)
    files["emb1/v1/embeddings"] = _embeddings(vectors[:1], b64=False)
    for prefix, n in STREAMS.items():
        files[f"{prefix}/v1/chat/completions"] = _stream(rng, n)
    for key, body in _pages().items():
        files[f"pages/{key}.json"] = body
    meta = {
        "chat_content_len": len(completion["choices"][0]["message"]["content"]),
        "models": 100,
        "files": PAGES * PER_PAGE,
        "pages": PAGES,
        "emb_rows": EMB_ROWS,
        "emb_dims": EMB_DIMS,
        "emb_probe": vectors[EMB_ROWS - 1][EMB_DIMS - 1],
        "streams": STREAMS,
        "sizes": {},
    }
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    for rel in (
        "v1/chat/completions",
        "v1/models",
        "v1/embeddings",
        "b64/v1/embeddings",
        "s20k/v1/chat/completions",
    ):
        meta["sizes"][rel] = len(files[rel])
    meta["sizes"]["pages/first.json"] = len(files["pages/first.json"])
    (root / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(generate(Path(sys.argv[1]))["sizes"], indent=1))
