"""Building the parts of a request: path parameters, query strings, JSON and multipart bodies."""

from __future__ import annotations

import datetime
import io
import mimetypes
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any, TypeAlias, cast
from urllib.parse import quote

import msgspec
import trio

from ._options import NOT_GIVEN as _NOT_GIVEN
from ._options import NotGiven, Omit
from ._options import omit as _OMIT

__all__ = [
    "FileContent",
    "FileTypes",
    "build_multipart",
    "encode_json",
    "encode_query",
    "is_file",
    "path_param",
    "strip_not_given",
]

FileContent: TypeAlias = bytes | bytearray | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)


def path_param(value: object, name: str) -> str:
    """Percent-encode one path parameter; empty values and dot segments fail before any I/O."""
    if not isinstance(value, str):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        else:
            raise TypeError(f"Expected a string for `{name}` but received {type(value).__name__}")
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    if value in (".", ".."):
        raise ValueError(f"`{name}` cannot be {value!r}")
    return quote(value, safe="")


def strip_not_given(params: Mapping[str, object]) -> dict[str, object]:
    """The parameters the caller actually passed (``omit`` / ``NOT_GIVEN`` dropped, ``None`` kept)."""
    return {k: v for k, v in params.items() if v is not _OMIT and v is not _NOT_GIVEN}


# --- JSON -------------------------------------------------------------------------------------------


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, Omit | NotGiven):
        raise TypeError("omit / NOT_GIVEN can only be used as a top-level parameter value")
    if isinstance(obj, str | bytes | Mapping):
        raise NotImplementedError(
            f"Objects of type {type(cast(object, obj)).__name__} are not JSON serializable"
        )
    if isinstance(obj, Iterable):  # generators, dict views and other iterables the SDK's types accept
        return list(cast("Iterable[Any]", obj))
    raise NotImplementedError(f"Objects of type {type(obj).__name__} are not JSON serializable")


_encoder = msgspec.json.Encoder(enc_hook=_enc_hook)


def encode_json(body: object) -> bytes:
    """Encode a request body; a value msgspec cannot encode is a ``TypeError`` naming it."""
    try:
        return _encoder.encode(body)
    except (TypeError, NotImplementedError) as exc:
        raise TypeError(f"The request body cannot be encoded as JSON: {exc}") from exc
    except (OverflowError, ValueError) as exc:
        raise ValueError(f"The request body cannot be encoded as JSON: {exc}") from exc


# --- query strings ------------------------------------------------------------------------------------


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, msgspec.Struct):
        raise TypeError("a Struct cannot be a query parameter value")
    return str(value)


def _flatten(key: str, value: object) -> Iterator[tuple[str, str]]:
    """Bracket style: ``a[]=1&a[]=2`` for arrays, ``a[b]=c`` for objects; ``None`` is dropped."""
    if value is None or isinstance(value, Omit | NotGiven):
        return
    if isinstance(value, Mapping):
        for sub, item in cast("Mapping[str, object]", value).items():
            yield from _flatten(f"{key}[{sub}]", item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in cast("Iterable[object]", value):
            yield from _flatten(f"{key}[]", item)
    else:
        yield key, _scalar(value)


def encode_query(params: Mapping[str, object]) -> str:
    parts: list[str] = []
    for key, value in params.items():
        for name, text in _flatten(key, value):
            parts.append(f"{quote(name, safe='[]')}={quote(text, safe='')}")
    return "&".join(parts)


# --- multipart ----------------------------------------------------------------------------------------


def is_file(value: object) -> bool:
    """Whether ``value`` is one of the upload forms (bytes, a binary file, a path, a tuple)."""
    if isinstance(value, bytes | bytearray | memoryview | os.PathLike | io.IOBase):
        return True
    if isinstance(value, tuple):
        parts = cast("tuple[object, ...]", value)
        return 2 <= len(parts) <= 4 and (parts[0] is None or isinstance(parts[0], str))
    return hasattr(value, "read") and callable(value.read)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]


async def _read_file(value: object) -> tuple[str, bytes, str | None, Mapping[str, str]]:
    """Resolve one upload to (filename, bytes, content type, extra part headers)."""
    filename: str | None = None
    ctype: str | None = None
    extra: Mapping[str, str] = {}
    content: object = value
    if isinstance(value, tuple):
        parts: tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
        filename, content = parts[0], parts[1]
        if len(parts) > 2:
            ctype = parts[2]
        if len(parts) > 3:
            extra = parts[3]
    if isinstance(content, os.PathLike):
        path = str(os.fspath(cast("os.PathLike[str]", content)))
        data = await trio.Path(path).read_bytes()  # read in a worker thread, never blocking trio
        filename = filename or os.path.basename(path)
    elif isinstance(content, bytes | bytearray):
        data = bytes(content)
    elif isinstance(content, memoryview):
        data = cast("memoryview[int]", content).tobytes()
    elif hasattr(content, "read"):
        raw: object = content.read()  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(raw, str):
            raise TypeError("file objects must be opened in binary mode ('rb')")
        data = bytes(raw)  # pyright: ignore[reportArgumentType]
        name = getattr(content, "name", None)
        if filename is None and isinstance(name, str):
            filename = os.path.basename(name)
    else:
        raise TypeError(f"cannot upload a {type(content).__name__}; pass bytes, a binary file or a path")
    filename = filename or "upload"
    if ctype is None:
        ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, data, ctype, extra


def _form_fields(key: str, value: object) -> Iterator[tuple[str, object]]:
    if value is None or isinstance(value, Omit | NotGiven):
        return
    if is_file(value):
        yield key, value
    elif isinstance(value, Mapping):
        for sub, item in cast("Mapping[str, object]", value).items():
            yield from _form_fields(f"{key}[{sub}]", item)
    elif isinstance(value, list | tuple):
        for item in cast("Iterable[object]", value):
            yield from _form_fields(f"{key}[]", item)
    else:
        yield key, value


def _quote_name(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


async def build_multipart(fields: Mapping[str, object]) -> tuple[bytes, str]:
    """Encode ``fields`` as multipart/form-data; returns (body, content type with boundary)."""
    boundary = uuid.uuid4().hex
    dash = f"--{boundary}\r\n".encode()
    out: list[bytes] = []
    for top, top_value in fields.items():
        for name, value in _form_fields(top, top_value):
            out.append(dash)
            if is_file(value):
                filename, data, ctype, extra = await _read_file(value)
                out.append(
                    f'Content-Disposition: form-data; name="{_quote_name(name)}"; '
                    f'filename="{_quote_name(filename)}"\r\n'.encode()
                )
                if ctype:
                    out.append(f"Content-Type: {ctype}\r\n".encode())
                for hk, hv in extra.items():
                    out.append(f"{hk}: {hv}\r\n".encode())
                out.append(b"\r\n")
                out.append(data)
            else:
                text = encode_json(value).decode() if isinstance(value, msgspec.Struct) else _scalar(value)
                out.append(f'Content-Disposition: form-data; name="{_quote_name(name)}"\r\n\r\n'.encode())
                out.append(text.encode())
            out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"
