"""Text and SSE helpers shared by the generating routes (chat completions, responses)."""

from __future__ import annotations

import re

from ._config import StreamKnobs
from ._reply import DONE_FRAME, SSE_HEADERS, Reply

__all__ = ["count_tokens", "split_text", "stream_reply"]

_WORDS = re.compile(r"\s*\S+|\s+")


def split_text(text: str, chunks: int | None) -> list[str]:
    """Pieces that join back into ``text``: one per word (with its leading space), or exactly ``chunks``."""
    if chunks is None:
        return _WORDS.findall(text) or [""]
    size = len(text)
    return [text[i * size // chunks : (i + 1) * size // chunks] for i in range(chunks)]


def count_tokens(text: str) -> int:
    """A deterministic stand-in for a tokenizer: one token per word."""
    return len(text.split())


def stream_reply(events: list[bytes], knobs: StreamKnobs, error_frame: bytes, *, done: bool) -> Reply:
    """Turn SSE frames into a chunked reply, applying the stream-error and stream-cut knobs."""
    frames = list(events)
    if knobs.error_after is not None:
        frames = [*frames[: knobs.error_after], error_frame]
    elif done:
        frames.append(DONE_FRAME)
    drop = None
    if knobs.cut_after is not None:
        frames = frames[: knobs.cut_after]
        drop = "mid_body"
    return Reply(chunks=frames, chunk_delay=knobs.chunk_delay, headers=SSE_HEADERS, drop=drop)
