"""Reading ``multipart/form-data`` request bodies (file uploads) in the fake server."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FormField", "parse_form"]

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_DISPOSITION = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True, slots=True)
class FormField:
    """One part: its data, and the filename and content type when it is a file."""

    data: bytes
    filename: str | None = None
    content_type: str | None = None

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


def parse_form(body: bytes, content_type: str) -> dict[str, FormField]:
    """The parts of a multipart body by field name; raises ValueError when it is not one."""
    found = _BOUNDARY.search(content_type)
    if not content_type.lower().startswith("multipart/form-data") or found is None:
        raise ValueError("expected a multipart/form-data body")
    dash = b"--" + found.group(1).encode("latin-1")
    pieces = body.split(dash)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        raise ValueError("the multipart body is incomplete")
    fields: dict[str, FormField] = {}
    for piece in pieces[1:-1]:
        piece = piece.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, sep, data = piece.partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("a multipart part has no header block")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        params = dict(_DISPOSITION.findall(headers.get("content-disposition", "")))
        if "name" not in params:
            raise ValueError("a multipart part has no name")
        fields[params["name"]] = FormField(data, params.get("filename"), headers.get("content-type"))
    return fields
