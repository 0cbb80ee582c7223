"""The errors of structured outputs.

``LengthFinishReasonError`` and ``ContentFilterFinishReasonError`` have the official SDK's names, messages
and ``completion`` attribute. :class:`StructuredOutputError` is ours: the server's text did not parse into
the requested type (invalid JSON, or JSON that does not match it); it carries the raw text and is also a
``ValueError`` (as pydantic's ``ValidationError`` is), so code catching either keeps working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ..._core._errors import OpenAIError

if TYPE_CHECKING:
    from ...types import ChatCompletion

__all__ = ["ContentFilterFinishReasonError", "LengthFinishReasonError", "StructuredOutputError"]

_EXCERPT = 200


class LengthFinishReasonError(OpenAIError):
    """A choice stopped at the token limit (``finish_reason == "length"``), so its JSON is cut short."""

    completion: ChatCompletion
    """The completion that caused this error (when streaming, the accumulated one, without usage)."""

    def __init__(self, *, completion: ChatCompletion) -> None:
        message = "Could not parse response content as the length limit was reached"
        if completion.usage:
            message += f" - {completion.usage}"
        super().__init__(message)
        self.completion = completion


class ContentFilterFinishReasonError(OpenAIError):
    """A choice was stopped by the content filter (``finish_reason == "content_filter"``)."""

    completion: ChatCompletion | None
    """The completion that caused this error, if provided."""

    def __init__(self, *, completion: ChatCompletion | None = None) -> None:
        super().__init__("Could not parse response content as the request was rejected by the content filter")
        self.completion = completion


class StructuredOutputError(OpenAIError, ValueError):
    """The model's text does not parse into the requested type.

    ``kind`` is ``"invalid_json"`` (not JSON at all, e.g. cut short) or ``"schema_mismatch"`` (JSON of
    another shape); ``raw`` is the whole text as received and ``output_type`` the type asked for.
    """

    raw: str
    output_type: Any
    kind: Literal["invalid_json", "schema_mismatch"]

    def __init__(
        self, *, raw: str, output_type: Any, kind: Literal["invalid_json", "schema_mismatch"], detail: str
    ) -> None:
        excerpt = raw if len(raw) <= _EXCERPT else raw[:_EXCERPT] + "..."
        what = "is not valid JSON for" if kind == "invalid_json" else "does not match"
        name = getattr(output_type, "__name__", None) or repr(output_type)
        super().__init__(f"The model's output {what} {name}: {detail} (output: {excerpt!r})")
        self.raw = raw
        self.output_type = output_type
        self.kind = kind
