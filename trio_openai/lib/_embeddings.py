"""Embeddings travel as base64 unless the caller asks otherwise.

A vector of 1536 floats is about 33 KB as JSON numbers and 8 KB as base64 float32, and decoding base64
is far cheaper than parsing numbers. So ``embeddings.create`` without ``encoding_format`` asks for
``"base64"`` and turns each vector back into ``list[float]`` before the caller sees it (the official
SDK does the same). An explicit ``encoding_format`` is sent as given and the response left untouched.

The generated ``embeddings.create`` calls :func:`default_to_base64` with its request body (the table in
``tools/codegen/_handwritten.py`` says so).
"""

from __future__ import annotations

import array
import base64
import binascii
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..types import CreateEmbeddingResponse

__all__ = ["decode_base64_embeddings", "default_to_base64", "floats_from_base64"]


def default_to_base64(body: dict[str, object]) -> Callable[[Any], Any] | None:
    """Ask for base64 when the caller named no format; returns the decoder for the result, if so."""
    if "encoding_format" in body:
        return None
    body["encoding_format"] = "base64"
    return decode_base64_embeddings


def floats_from_base64(data: str) -> list[float]:
    """A base64 string of little-endian float32 values, as Python floats."""
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"an embedding is not valid base64: {exc}") from None
    values = array.array("f")
    if len(raw) % values.itemsize:
        raise ValueError(f"an embedding of {len(raw)} bytes is not a whole number of float32 values")
    values.frombytes(raw)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()


def decode_base64_embeddings(result: CreateEmbeddingResponse) -> CreateEmbeddingResponse:
    """Replace every base64 ``embedding`` of the result by its floats (in place)."""
    for item in result.data or ():
        vector: object = item.embedding  # a string at runtime when base64 was asked for
        if isinstance(vector, str):
            item.embedding = floats_from_base64(vector)
    return result
