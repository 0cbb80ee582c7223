"""A Python type -> what structured outputs need of it: a strict JSON schema, a name, and a decoder.

:func:`output_type` accepts a msgspec ``Struct`` (the native path), a dataclass, a ``TypedDict``, an
``Enum`` or ``Literal``, lists and unions of those (msgspec's rules: at most one untagged Struct-like
type per union; tag the Structs otherwise), and a pydantic ``BaseModel`` subclass when pydantic is in use.
The result is cached per type, so a schema is built once per process.

The schema follows the API's strict mode, checked here so a bad type fails before any request:

* every object has ``additionalProperties: false`` and lists all its properties in ``required``; a field
  that may be missing is a union with ``null`` (``x: int | None``), and defaults are dropped;
* named types live under ``$defs`` and are referred to with ``$ref`` (recursive types work); a ``$ref``
  with sibling keys is inlined; a one-element ``allOf`` is inlined; ``oneOf`` becomes ``anyOf``;
* open dicts (``dict[str, X]``), ``Any`` (an unconstrained value), tuples and empty objects are rejected
  with a ``TypeError`` that names the field;
* the root must be an object: a list, union, enum or literal root is wrapped as
  ``{"value": <schema>}`` and unwrapped again on decoding.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable
from typing import Any, cast

import msgspec

from ._errors import StructuredOutputError

__all__ = ["OutputType", "is_pydantic_model", "output_type", "strict_json_schema"]

Schema = dict[str, Any]
_REF = "#/$defs/"
_UNSUPPORTED = {
    "prefixItems": "a tuple (use a list or a Struct)",
    "patternProperties": "an object with pattern properties",
    "not": "a 'not' schema",
    "if": "a conditional schema",
}
_NAME_OK = re.compile(r"[^a-zA-Z0-9_-]+")


class OutputType:
    """What the client needs of one output type (built by :func:`output_type`, cached; read-only).

    ``name`` fits ``^[a-zA-Z0-9_-]{1,64}$`` (``list_Step`` for ``list[Step]``); ``schema`` is the strict
    JSON schema (an object at the root); ``wrapped`` says the root is ``{"value": ...}`` around the
    type's own schema.
    """

    __slots__ = ("_decode", "name", "schema", "type", "wrapped")

    type: Any
    """The Python type (or type expression) this was built from."""
    name: str
    """The format's name (``^[a-zA-Z0-9_-]{1,64}$``)."""
    schema: Schema
    """The strict JSON schema, an object at the root."""
    wrapped: bool
    """Whether the root is ``{"value": ...}`` around the type's own schema."""

    def __init__(
        self, tp: Any, name: str, schema: Schema, wrapped: bool, decode: Callable[[str | bytes], Any]
    ) -> None:
        self.type = tp
        self.name = name
        self.schema = schema
        self.wrapped = wrapped
        self._decode = decode

    def __repr__(self) -> str:
        return f"<OutputType {self.name}{' (wrapped)' if self.wrapped else ''}>"

    def decode(self, text: str | bytes) -> Any:
        """The model's text as a value of :attr:`type`; :class:`StructuredOutputError` if it is not."""
        return self._decode(text)

    def response_format(self) -> dict[str, Any]:
        """The Chat Completions ``response_format`` for this type."""
        return {
            "type": "json_schema",
            "json_schema": {"schema": self.schema, "name": self.name, "strict": True},
        }

    def text_format(self) -> dict[str, Any]:
        """The Responses API ``text.format`` for this type."""
        return {"type": "json_schema", "strict": True, "name": self.name, "schema": self.schema}


_cache: dict[Any, OutputType] = {}


def output_type(tp: Any) -> OutputType:
    """The cached :class:`OutputType` of ``tp``; ``TypeError`` when strict mode cannot express it."""
    try:
        return _cache[tp]
    except KeyError:
        pass
    except TypeError:  # unhashable type expression: build it each time
        return _build(tp)
    built = _cache[tp] = _build(tp)
    return built


def strict_json_schema(tp: Any) -> Schema:
    """The strict JSON schema of ``tp`` (a deep copy: the caller may change it)."""
    return copy.deepcopy(output_type(tp).schema)


def is_pydantic_model(tp: object) -> bool:
    """``tp`` is a pydantic ``BaseModel`` subclass (without importing pydantic: a class of it can only
    exist if the module is loaded)."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(tp, type):
        return False
    return issubclass(tp, pydantic.BaseModel)


def _type_name(tp: Any) -> str:
    name = getattr(tp, "__name__", None)
    origin = getattr(tp, "__origin__", None)
    if origin is not None and getattr(tp, "__args__", None):
        parts = [_type_name(origin), *(_type_name(a) for a in tp.__args__)]
        name = "_".join(parts)
    elif name is None:
        args = getattr(tp, "__args__", None)
        name = "_or_".join(_type_name(a) for a in args) if args else repr(tp)
    cleaned = _NAME_OK.sub("_", str(name)).strip("_") or "Output"
    return cleaned[:64]


def _build(tp: Any) -> OutputType:
    if isinstance(tp, dict):
        raise TypeError("a response format dict is sent as given; pass a type to have the output parsed")
    if is_pydantic_model(tp):
        root, defs = _pydantic_schema(tp)
    else:
        try:
            (root,), defs = msgspec.json.schema_components((tp,), ref_template=_REF + "{name}")
        except TypeError as exc:
            raise TypeError(f"{_type_name(tp)} cannot be used as a structured output type: {exc}") from None
        defs = cast("dict[str, Schema]", defs)
    name = _type_name(tp)
    root_name = None
    ref = root.get("$ref")
    if isinstance(ref, str) and len(root) == 1:
        root_name = ref.removeprefix(_REF)
        root = copy.deepcopy(defs[root_name])
    wrapped = root.get("type") != "object" or "anyOf" in root
    strict_defs = {key: _strict(value, key, defs) for key, value in defs.items()}
    if wrapped:
        root = {
            "type": "object",
            "properties": {"value": _strict(root, f"{name}.value", defs)},
            "required": ["value"],
            "additionalProperties": False,
        }
    else:
        root = _strict(root, root_name or name, defs)
    needed: set[str] = set()
    frontier = _refs_in(root)
    while frontier:
        ref_name = frontier.pop()
        if ref_name not in needed and ref_name in strict_defs:
            needed.add(ref_name)
            frontier |= _refs_in(strict_defs[ref_name])
    strict_defs = {key: value for key, value in strict_defs.items() if key in needed}
    if strict_defs:
        root["$defs"] = strict_defs
    decode = _pydantic_decoder(tp) if is_pydantic_model(tp) else _msgspec_decoder(tp, wrapped)
    return OutputType(tp, name, root, wrapped, decode)


def _refs_in(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            fields = cast(Schema, item)
            ref = fields.get("$ref")
            if isinstance(ref, str):
                found.add(ref.removeprefix(_REF))
            stack.extend(fields.values())
        elif isinstance(item, list):
            stack.extend(cast("list[Any]", item))
    return found


def _strict(node: Schema, path: str, defs: dict[str, Schema]) -> Schema:
    """A strict copy of ``node`` (``path`` names it in errors)."""
    out: Schema = {}
    for key, value in node.items():
        if key in _UNSUPPORTED:
            raise TypeError(f"{path}: {_UNSUPPORTED[key]} is not supported by strict structured outputs")
        if key in ("default", "discriminator", "examples"):
            continue
        out[key] = value
    ref = out.get("$ref")
    if isinstance(ref, str):
        if len(out) == 1:
            return out
        target = defs.get(ref.removeprefix(_REF).removeprefix("#/definitions/"))
        if target is None:
            raise TypeError(f"{path}: unresolvable reference {ref!r}")
        merged = {**target, **{k: v for k, v in out.items() if k != "$ref"}}
        return _strict(merged, path, defs)
    if "oneOf" in out:
        out["anyOf"] = out.pop("oneOf")
    all_of = out.get("allOf")
    if isinstance(all_of, list) and len(cast("list[Any]", all_of)) == 1:
        del out["allOf"]
        return _strict({**cast("list[Schema]", all_of)[0], **out}, path, defs)
    if all_of is not None:
        out["allOf"] = [_strict(s, path, defs) for s in cast("list[Schema]", all_of)]
    any_of = out.get("anyOf")
    if any_of is not None:
        out["anyOf"] = [_strict(s, path, defs) for s in cast("list[Schema]", any_of)]
    kind = out.get("type")
    if (
        kind is None
        and "anyOf" not in out
        and "allOf" not in out
        and "enum" not in out
        and "const" not in out
    ):
        raise TypeError(
            f"{path}: an unconstrained value (Any) is not supported by strict structured outputs; "
            "give the field a concrete type"
        )
    if "enum" in out and kind is None:
        values = cast("list[Any]", out["enum"])
        if all(isinstance(v, str) for v in values):
            out["type"] = "string"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            out["type"] = "integer"
    if kind == "object" or (isinstance(kind, list) and "object" in kind):
        extra = out.get("additionalProperties", False)
        if extra is not False:
            raise TypeError(
                f"{path}: an open dict (dict[str, ...] or extra fields) is not supported by strict "
                "structured outputs; use a Struct (or a list of key/value Structs)"
            )
        properties = cast("Schema | None", out.get("properties"))
        if not properties:
            raise TypeError(
                f"{path}: an open dict (dict[str, ...]) or an object without named fields is not supported "
                "by strict structured outputs; use a Struct"
            )
        out["properties"] = {
            key: _strict(cast(Schema, value), f"{path}.{key}", defs) for key, value in properties.items()
        }
        out["required"] = list(properties)
        out["additionalProperties"] = False
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        items = out.get("items")
        if not isinstance(items, dict):
            raise TypeError(
                f"{path}: a list of unconstrained values (list[Any]) is not supported by strict structured outputs"
            )
        out["items"] = _strict(cast(Schema, items), f"{path}[]", defs)
    return out


def _pydantic_schema(tp: Any) -> tuple[Schema, dict[str, Schema]]:
    schema = cast(Schema, tp.model_json_schema(ref_template=_REF + "{model}"))
    defs = cast("dict[str, Schema]", schema.pop("$defs", {}))
    return schema, defs


def _msgspec_decoder(tp: Any, wrapped: bool) -> Callable[[str | bytes], Any]:
    if wrapped:
        holder = msgspec.defstruct("Wrapped", [("value", tp)])
        decoder = msgspec.json.Decoder(holder)

        def unwrap(text: str | bytes) -> Any:
            return _checked(decoder.decode, text, tp).value

        return unwrap
    plain = msgspec.json.Decoder(tp)
    return lambda text: _checked(plain.decode, text, tp)


def _checked(decode: Callable[[str | bytes], Any], text: str | bytes, tp: Any) -> Any:
    try:
        return decode(text)
    except msgspec.ValidationError as exc:
        raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
        raise StructuredOutputError(raw=raw, output_type=tp, kind="schema_mismatch", detail=str(exc)) from exc
    except msgspec.DecodeError as exc:
        raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
        raise StructuredOutputError(raw=raw, output_type=tp, kind="invalid_json", detail=str(exc)) from exc


def _pydantic_decoder(tp: Any) -> Callable[[str | bytes], Any]:
    pydantic = sys.modules["pydantic"]

    def decode(text: str | bytes) -> Any:
        try:
            return tp.model_validate_json(text)
        except pydantic.ValidationError as exc:
            raw = text if isinstance(text, str) else text.decode("utf-8", "replace")
            errors = cast("list[dict[str, Any]]", exc.errors())
            kind = (
                "invalid_json" if any(e.get("type") == "json_invalid" for e in errors) else "schema_mismatch"
            )
            raise StructuredOutputError(raw=raw, output_type=tp, kind=kind, detail=str(exc)) from exc

    return decode
