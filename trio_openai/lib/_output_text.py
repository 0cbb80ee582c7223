"""``Response.output_text``: the text a Responses API answer carries, in one string.

The generated ``Response`` (and ``BetaResponse``) calls :func:`response_output_text` from its ``output_text`` property (the
table in ``tools/codegen/_handwritten.py`` says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..types import BetaResponse, Response

__all__ = ["response_output_text"]


def response_output_text(response: Response | BetaResponse) -> str:
    """The ``text`` of every ``output_text`` part of every ``message`` item, in order, joined."""
    texts: list[str] = []
    for item in response.output or ():
        if item.type != "message":
            continue
        for part in getattr(item, "content", None) or ():
            if part.type == "output_text":
                text: object = getattr(part, "text", None)
                if isinstance(text, str):
                    texts.append(text)
    return "".join(texts)
