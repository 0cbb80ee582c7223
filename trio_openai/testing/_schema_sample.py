"""A deterministic value that conforms to a JSON schema: what the fake server answers for structured outputs.

Handles what strict structured outputs use: ``$ref`` into ``$defs`` (recursive schemas end: past a small
depth a list is empty and a nullable value ``null``), ``anyOf`` (the first option that is not ``null``),
``enum`` / ``const`` (the first value), objects (every property), arrays (one item), and the scalar types
(``format: date-time`` / ``date`` give ISO values). The same schema always gives the same value.
"""

from __future__ import annotations

from typing import Any, cast

__all__ = ["sample_for_schema"]

_MAX_DEPTH = 4
_SCALARS: dict[str, object] = {"string": "fake", "integer": 1, "number": 1.5, "boolean": True, "null": None}
_FORMATS: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00",
    "email": "fake@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def sample_for_schema(schema: object) -> object:
    """A value of ``schema`` (a JSON-schema dict; anything else gives ``{}``)."""
    if not isinstance(schema, dict):
        return {}
    root = cast("dict[str, Any]", schema)
    defs = cast("dict[str, Any]", root.get("$defs") or root.get("definitions") or {})
    return _sample(root, defs, 0)


def _sample(schema: dict[str, Any], defs: dict[str, Any], depth: int) -> object:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        target = defs.get(name)
        return _sample(cast("dict[str, Any]", target), defs, depth + 1) if isinstance(target, dict) else {}
    if "const" in schema:
        return schema["const"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return cast("list[object]", enum)[0]
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list) and options:
        listed = [cast("dict[str, Any]", o) for o in cast("list[object]", options) if isinstance(o, dict)]
        concrete = [o for o in listed if o.get("type") != "null"]
        if concrete and (depth < _MAX_DEPTH or len(concrete) == len(listed)):
            return _sample(concrete[0], defs, depth + 1)
        return None
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        merged: dict[str, Any] = {}
        for part in cast("list[object]", all_of):
            if isinstance(part, dict):
                merged.update(cast("dict[str, Any]", part))
        return _sample(merged, defs, depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in cast("list[object]", kind) if k != "null"]
        if not kinds or depth >= _MAX_DEPTH:
            return None
        kind = kinds[0]
    if kind == "object" or "properties" in schema:
        properties = cast("dict[str, Any]", schema.get("properties") or {})
        return {
            str(key): _sample(
                cast("dict[str, Any]", value) if isinstance(value, dict) else {}, defs, depth + 1
            )
            for key, value in properties.items()
        }
    if kind == "array":
        items = schema.get("items")
        least = schema.get("minItems")
        count = least if isinstance(least, int) and least > 1 else (1 if depth < _MAX_DEPTH else 0)
        if not isinstance(items, dict):
            return []
        return [_sample(cast("dict[str, Any]", items), defs, depth + 1) for _ in range(count)]
    if kind == "string":
        fmt = schema.get("format")
        return _FORMATS.get(fmt, "fake") if isinstance(fmt, str) else "fake"
    if isinstance(kind, str) and kind in _SCALARS:
        return _SCALARS[kind]
    return "fake"
