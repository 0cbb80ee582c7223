"""The base of every response type: a msgspec Struct that ignores unknown fields."""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec

__all__ = ["BaseModel"]


class BaseModel(msgspec.Struct, kw_only=True, omit_defaults=True, repr_omit_defaults=True, dict=True):
    """A response object. Unknown fields are ignored when decoding (the API adds fields often).

    Top-level results also carry ``_request_id`` (the ``x-request-id`` header) and the raw body, so
    :meth:`raw_dict` can reach fields newer than these types.
    """

    __trio_openai_model__: ClassVar[bool] = True

    def to_dict(self) -> dict[str, Any]:
        """The object as plain Python data (fields left at their defaults are omitted)."""
        return msgspec.to_builtins(self)

    def to_json(self, *, indent: int = 2) -> str:
        """The object as a JSON string."""
        data = msgspec.json.encode(self)
        if indent:
            data = msgspec.json.format(data, indent=indent)
        return data.decode()

    def raw_dict(self) -> dict[str, Any]:
        """Everything the server sent, unknown fields included, for top-level results; else
        :meth:`to_dict`."""
        raw: bytes | None = self.__dict__.get("_raw")
        if raw is not None:
            value = msgspec.json.decode(raw)
            if isinstance(value, dict):
                return value  # pyright: ignore[reportUnknownVariableType]
        return self.to_dict()

    @property
    def _request_id(self) -> str | None:  # overridden per instance through __dict__ by the decoder
        return self.__dict__.get("_request_id")
