"""Loading the OpenAPI spec and reading its operations into plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["HTTP_METHODS", "Operation", "Param", "Spec", "load_spec"]

HTTP_METHODS = ("get", "post", "put", "patch", "delete")

Schema = dict[str, Any]

_BINARY_TYPES = (
    "application/octet-stream",
    "application/zip",
    "video/",
    "image/",
    "audio/",
    "application/sdp",
)


def load_spec(path: str | Path) -> Spec:
    """Parse the YAML spec (with libyaml's C loader when it is available: the spec is ~3 MB)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        return Spec(yaml.load(f, Loader=loader))


@dataclass
class Param:
    """A path, query or header parameter."""

    name: str
    location: str
    required: bool
    schema: Schema
    description: str = ""
    deprecated: bool = False


@dataclass
class Operation:
    op_id: str
    method: str
    spec_path: str  # the key in `paths`, which may carry a fixed query (`/responses?beta=true`)
    path: str  # the URL path template without the fixed query
    fixed_query: dict[str, str]
    summary: str
    description: str
    deprecated: bool
    params: list[Param]
    body: Schema | None  # the JSON or multipart body schema (resolved one level)
    body_required: bool
    multipart: bool
    response: Schema | None  # the JSON 2xx schema
    binary: bool  # a non-JSON 2xx body
    stream_event: Schema | None  # the schema of SSE events, when the operation can stream
    meta: dict[str, Any] = field(default_factory=dict[str, Any])
    security: tuple[str, ...] = ()  # the operation's own security schemes (``AdminApiKeyAuth``)

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.spec_path)


class Spec:
    """The parsed document, with ``$ref`` resolution and the list of operations."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Schema] = doc["components"]["schemas"]

    def resolve(self, node: Any) -> Any:
        """Follow ``$ref`` chains until a concrete node."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            node = self.lookup(node["$ref"])
            seen += 1
            if seen > 50:
                raise ValueError("reference cycle")
        return node

    def lookup(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"external reference {ref!r} is not supported")
        node: Any = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    @staticmethod
    def ref_name(node: Any) -> str | None:
        """The component name of a ``#/components/schemas/X`` reference."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref: str = node["$ref"]
            if ref.startswith("#/components/schemas/"):
                return ref.rsplit("/", 1)[1]
        return None

    def operations(self) -> list[Operation]:
        out: list[Operation] = []
        for spec_path, item in self.doc["paths"].items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is not None:
                    out.append(self._operation(spec_path, method, op, shared))
        return out

    def _operation(self, spec_path: str, method: str, op: dict[str, Any], shared: list[Any]) -> Operation:
        path, _, query = spec_path.partition("?")
        fixed = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
        params: list[Param] = []
        for raw in [*shared, *op.get("parameters", [])]:
            p = self.resolve(raw)
            params.append(
                Param(
                    name=p["name"],
                    location=p["in"],
                    required=bool(p.get("required", p["in"] == "path")),
                    schema=p.get("schema", {}),
                    description=p.get("description", ""),
                    deprecated=bool(p.get("deprecated", False)),
                )
            )
        body: Schema | None = None
        multipart = False
        body_required = False
        if "requestBody" in op:
            rb = self.resolve(op["requestBody"])
            content = rb.get("content", {})
            body_required = bool(rb.get("required", False))
            if "multipart/form-data" in content:
                multipart = True
                body = content["multipart/form-data"].get("schema")
            elif "application/json" in content:
                body = content["application/json"].get("schema")
        response: Schema | None = None
        binary = False
        stream_event: Schema | None = None
        for code, resp in sorted(op.get("responses", {}).items()):
            if not code.startswith("2"):
                continue
            content = self.resolve(resp).get("content", {})
            for ctype, media in content.items():
                if ctype == "application/json":
                    response = media.get("schema")
                elif ctype == "text/event-stream":
                    stream_event = media.get("schema")
                elif ctype.startswith(_BINARY_TYPES):
                    binary = True
            break
        if binary:
            response = None
        return Operation(
            op_id=op.get("operationId", f"{method}{path}"),
            method=method,
            spec_path=spec_path,
            path=path,
            fixed_query=fixed,
            summary=op.get("summary", "") or "",
            description=op.get("description", "") or "",
            deprecated=bool(op.get("deprecated", False)),
            params=params,
            body=body,
            body_required=body_required,
            multipart=multipart,
            response=response,
            binary=binary,
            stream_event=stream_event,
            meta=op.get("x-oaiMeta", {}) or {},
            security=tuple(name for req in op.get("security") or () for name in req),
        )
