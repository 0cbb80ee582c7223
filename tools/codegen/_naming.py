"""Names: Python identifiers from spec names, and where each operation lives on the client.

The attribute path of every operation follows the official SDK. ``official_surface.json`` (recorded by
``python -m tools.codegen.official``) says which HTTP operation each official method sends; an operation
is matched to the official method that sends it, and the few the recording cannot tell are in
``OVERRIDES``. Operations the official SDK does not have get a path derived from their URL.
"""

from __future__ import annotations

import json
import keyword
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._spec import Operation

__all__ = [
    "ARTEFACT",
    "OVERRIDES",
    "MethodPlace",
    "OfficialSurface",
    "pascal",
    "SchemaNames",
    "place_operations",
    "safe_ident",
    "snake",
]

SURFACE_FILE = Path(__file__).with_name("official_surface.json")

#: operationId -> official "resource.path.method" where the recording cannot decide (the official
#: method needs a real file to send anything, or it sends to a different URL than the spec says).
OVERRIDES: dict[str, str] = {
    "createVoice": "audio.voices.create",
    "cancelEvalRun": "evals.runs.cancel",
    "CreateVideoEdit": "videos.edit",
    "CreateVideoExtend": "videos.extend",
}

#: Official methods that are conveniences over another method of the same operation.
_HELPER_NAME = re.compile(r"(^|_)(poll|parse|stream|upload|wait_for_processing|retrieve_content)($|_)")

#: Names that generated annotations use; a field with one of these names would shadow it.
RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "None", "Any", "Literal", "OpenEnum", "Required"}
)


#: What a generated name must not look like: a counter added to tell two names apart (``Error2``,
#: ``InputFileContentParam2``, ``message_phase_2``) or a variant's position (``Variant1``). The official SDK's
#: own names are exempt (it has ``AgentBrowserOriginAccessParamParam``).
ARTEFACT = re.compile(r"Variant\d|variant_\d|[A-Za-z]_?\d+(Param)?$|ParamParam|_param_param")


def snake(name: str) -> str:
    """``createChatCompletion`` / ``Create-Project user`` -> ``create_chat_completion`` ..."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.strip("_").lower() or "x"


def pascal(name: str) -> str:
    """``vector_store.file`` / ``chatCompletion`` -> ``VectorStoreFile`` / ``ChatCompletion``."""
    parts = re.split(r"[^0-9A-Za-z]+", name)
    out = "".join(p[:1].upper() + p[1:] for p in parts if p)
    if not out:
        return "X"
    return out if not out[0].isdigit() else f"N{out}"


@dataclass
class SchemaNames:
    """The class names of the spec's schemas, decided once for the whole spec.

    * ``same``: a schema the spec repeats under a numbered name (``MessagePhase-2``) with the same
      content is the first one.
    * ``model``: the response class. The spec names some request-side shapes ``XParam`` and uses them in
      results too; their class drops the suffix (``CustomToolParam`` -> ``CustomTool``), so a result is
      never spelled like a request type; where the spec also has an ``X``, it is ``XInput`` (or
      ``XRequest`` when ``X`` has an ``input`` field). A numbered name (``Error-2``) takes its title, or
      drops the number when that name is free (``GrammarSyntax1`` -> ``GrammarSyntax``).
    * ``param``: the request TypedDict, ``<model>Param``; an ``XParam`` schema keeps its name, and an
      ``X`` whose ``XParam`` is a schema too is ``XObjectParam``.
    """

    same: dict[str, str] = field(default_factory=dict[str, str])
    model: dict[str, str] = field(default_factory=dict[str, str])
    param: dict[str, str] = field(default_factory=dict[str, str])

    @classmethod
    def of(cls, schemas: dict[str, Any]) -> SchemaNames:
        out = cls()
        plain = {pascal(n) for n in schemas}
        taken: set[str] = set(plain)
        for ref, schema in schemas.items():
            numbered = _NUMBERED.fullmatch(ref)
            if (
                numbered is not None
                and numbered.group(1) in schemas
                and _content(schema) == _content(schemas[numbered.group(1)])
            ):
                out.same[ref] = numbered.group(1)
        for ref, schema in schemas.items():
            name = pascal(ref)
            if ref in out.same:
                continue
            numbered = _NUMBERED.fullmatch(ref)
            if numbered is not None:
                title = pascal(str(schema.get("title") or "")) if schema.get("title") else ""
                if title and ref.startswith("Beta") and not title.startswith("Beta"):
                    title = f"Beta{title}"
                for candidate in (title, pascal(numbered.group(1))):
                    if candidate and candidate not in taken:
                        name = candidate
                        break
            base = name.removesuffix("Param")
            model = name
            if base != name and base:
                model = base
                if base in plain:
                    fields = _fields(schemas.get(_ref_of(base, schemas), {}))
                    model = next(
                        (
                            f"{base}{suffix}"
                            for suffix in ("Input", "Request", "Shape")
                            if suffix.lower() not in fields and f"{base}{suffix}" not in taken
                        ),
                        name,
                    )
            if model != pascal(ref):
                taken.add(model)
            out.model[ref] = model
            if base != name:
                out.param[ref] = name  # the spec's own request name
            elif f"{name}Param" in plain:  # taken by that schema: this one is the object form
                out.param[ref] = f"{model}ObjectParam"
            else:
                out.param[ref] = f"{model}Param"
        return out

    def canonical(self, ref: str) -> str:
        return self.same.get(ref, ref)


_NUMBERED = re.compile(r"(.+?)(?:-\d+|1)")
_IGNORED = frozenset({"description", "title", "example", "examples", "x-oaiMeta"})


def _content(schema: Any) -> Any:
    """What makes two schemas the same type: the words and the constraints that only validate apart."""
    if isinstance(schema, dict) and "properties" in schema:
        return {"type": schema.get("type", "object"), "properties": _content(schema["properties"])}
    if isinstance(schema, dict):
        return {k: _content(v) for k, v in typing.cast("dict[str, Any]", schema).items() if k not in _IGNORED}
    if isinstance(schema, list):
        return [_content(v) for v in typing.cast("list[Any]", schema)]
    return schema


def _fields(schema: Any) -> set[str]:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return set(typing.cast("dict[str, Any]", props)) if isinstance(props, dict) else set()


def _ref_of(name: str, schemas: dict[str, Any]) -> str:
    return next((ref for ref in schemas if pascal(ref) == name), name)


def safe_ident(name: str) -> str:
    """A Python identifier for a wire name (``from`` -> ``from_``, ``a-b`` -> ``a_b``)."""
    ident = re.sub(r"\W", "_", name)
    if not ident or ident[0].isdigit():
        ident = f"_{ident}"
    if keyword.iskeyword(ident) or keyword.issoftkeyword(ident) or ident in RESERVED:
        ident += "_"
    return ident


@dataclass
class OfficialMethod:
    path: str  # "beta.threads.runs.create"
    http: tuple[str, str] | None
    params: list[str]
    positional: list[str]
    page: str | None
    returns: str
    deprecated: bool
    headers: dict[str, str]


@dataclass
class OfficialSurface:
    version: str
    methods: dict[str, OfficialMethod] = field(default_factory=dict[str, OfficialMethod])

    @classmethod
    def load(cls, path: Path = SURFACE_FILE) -> OfficialSurface:
        data: dict[str, Any] = json.loads(path.read_text())
        out = cls(version=data["openai_version"])
        for name, m in data["methods"].items():
            http = m.get("http")
            out.methods[name] = OfficialMethod(
                path=name,
                http=(http[0], http[1]) if http else None,
                params=m["params"],
                positional=m["positional"],
                page=m["page"],
                returns=m["returns"],
                deprecated=m["deprecated"],
                headers=m.get("headers", {}),
            )
        return out


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@dataclass
class MethodPlace:
    """Where an operation lives: ``resource`` ("beta.threads.runs") and ``name`` ("create")."""

    resource: tuple[str, ...]
    name: str
    official: OfficialMethod | None
    source: str  # "official", "override" or "derived"

    @property
    def dotted(self) -> str:
        return ".".join((*self.resource, self.name))


def _pick(candidates: list[OfficialMethod]) -> OfficialMethod:
    """The canonical method among official methods that send the same operation."""
    pool = candidates
    for keep in (
        lambda m: not _HELPER_NAME.search(m.path.rsplit(".", 1)[1]),
        lambda m: not m.deprecated,
        lambda m: not m.path.startswith("beta.") or (m.http is not None and "beta=true" in m.http[1]),
        lambda m: "x-stainless-helper-method" not in m.headers,
    ):
        kept = [m for m in pool if keep(m)]
        if kept:
            pool = kept
    return sorted(pool, key=lambda m: (len(m.path), m.path))[0]


def _derive(op: Operation) -> tuple[tuple[str, ...], str]:
    segs = [s for s in op.path.strip("/").split("/") if not s.startswith("{")]
    last_is_param = op.path.rstrip("/").endswith("}")
    verb = {"get": "retrieve" if last_is_param else "list", "post": "create", "delete": "delete"}.get(
        op.method, op.method
    )
    if op.method == "post" and last_is_param:
        verb = "update"
    return tuple(snake(s) for s in segs), verb


def place_operations(ops: list[Operation], surface: OfficialSurface) -> dict[tuple[str, str], MethodPlace]:
    """Map every operation to its place on the client."""
    index: dict[tuple[str, str], list[OfficialMethod]] = {}
    for m in surface.methods.values():
        if m.http is not None:
            index.setdefault((m.http[0], _norm(m.http[1])), []).append(m)
    out: dict[tuple[str, str], MethodPlace] = {}
    for op in ops:
        forced = OVERRIDES.get(op.op_id)
        if forced is not None:
            res, _, name = forced.rpartition(".")
            out[op.key] = MethodPlace(tuple(res.split(".")), name, surface.methods.get(forced), "override")
            continue
        candidates = index.get((op.method, _norm(op.spec_path)))
        if candidates:
            best = _pick(candidates)
            res, _, name = best.path.rpartition(".")
            out[op.key] = MethodPlace(tuple(res.split(".")), name, best, "official")
        else:
            res_path, name = _derive(op)
            out[op.key] = MethodPlace(res_path, name, None, "derived")
    seen: dict[str, str] = {}
    for op in ops:
        dotted = out[op.key].dotted
        if dotted in seen:
            raise ValueError(f"{op.op_id} and {seen[dotted]} both map to {dotted}")
        seen[dotted] = op.op_id
    return out
