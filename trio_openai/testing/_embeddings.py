"""``POST /v1/embeddings``: deterministic unit vectors, as floats or base64 little-endian float32."""

from __future__ import annotations

import array
import base64
import functools
import math
import random
import sys
import zlib
from typing import Any

from ._records import RecordedRequest
from ._reply import Reply
from ._state import BadRequest, ServerState, as_list, json_body, require
from ._streams import count_tokens

__all__ = ["create_embeddings", "fake_embedding"]

_MAX_DIMENSIONS = 65_536


def create_embeddings(request: RecordedRequest, params: dict[str, str], state: ServerState) -> Reply:
    document = json_body(request)
    model = require(document, "model")
    inputs = _inputs(require(document, "input"))
    dimensions = document.get("dimensions") or state.config.embedding_dimensions
    if not isinstance(dimensions, int) or not 1 <= dimensions <= _MAX_DIMENSIONS:
        raise BadRequest(f"Invalid 'dimensions': {dimensions!r}.", param="dimensions")
    encoding = document.get("encoding_format") or "float"
    if encoding not in ("float", "base64"):
        raise BadRequest(
            f"Invalid 'encoding_format': {encoding!r}. Expected 'float' or 'base64'.", param="encoding_format"
        )
    data: list[dict[str, Any]] = []
    for index, text in enumerate(inputs):
        vector = fake_embedding(text, dimensions)
        encoded: object = (
            base64.b64encode(_little_endian(vector)).decode() if encoding == "base64" else vector.tolist()
        )
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(max(1, count_tokens(text)) for text in inputs)
    return Reply(
        json={
            "object": "list",
            "data": data,
            "model": str(model),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
    )


@functools.lru_cache(maxsize=512)
def fake_embedding(text: str, dimensions: int) -> array.array[float]:
    """The unit-length float32 vector the fake server gives ``text`` (stable across runs and machines)."""
    generator = random.Random(zlib.crc32(text.encode()) ^ dimensions)
    values = [generator.gauss(0.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(value * value for value in values)) or 1.0
    return array.array("f", [value / norm for value in values])


def _little_endian(vector: array.array[float]) -> bytes:
    if sys.byteorder == "little":
        return vector.tobytes()
    swapped = array.array("f", vector)
    swapped.byteswap()
    return swapped.tobytes()


def _inputs(value: object) -> list[str]:
    """One key per input: a string, or a token array written out as its numbers."""
    if isinstance(value, str):
        return [value]
    items = as_list(value)
    if not items:
        raise BadRequest("'input' must be a non-empty string or array.", param="input")
    if all(isinstance(item, int) for item in items):
        return [" ".join(str(item) for item in items)]
    keys: list[str] = []
    for item in items:
        tokens = as_list(item)
        if isinstance(item, str):
            keys.append(item)
        elif tokens:
            keys.append(" ".join(str(token) for token in tokens))
        else:
            raise BadRequest("'input' items must be strings or non-empty token arrays.", param="input")
    return keys
