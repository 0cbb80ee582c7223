"""Valid example arguments for every generated method, made from the spec (required fields only)."""

from __future__ import annotations

import functools
from typing import Any

from tools.codegen.__main__ import DEFAULT_SPEC
from tools.codegen._generate import Plan, plan
from tools.codegen._resources import Method, body_schema
from tools.codegen._schema import merged_object, non_null_variants
from tools.codegen._spec import Spec


@functools.cache
def spec_plan() -> Plan:
    """What the generator decided for the spec (parsed once per test session)."""
    return plan(DEFAULT_SPEC)


FILE = ("sample.bin", b"\x00\x01 sample bytes", "application/octet-stream")

# Values for parameters whose format the spec constrains beyond their type.
_BY_NAME: dict[str, object] = {
    "purpose": "assistants",
}


def example(spec: Spec, schema: Any, name: str = "", depth: int = 0) -> object:
    """A small value that satisfies ``schema``."""
    s = spec.resolve(schema) if isinstance(schema, dict) else {}
    if depth > 12:
        return None
    if "const" in s:
        return s["const"]
    if isinstance(s.get("enum"), list) and s["enum"]:
        return next((v for v in s["enum"] if v is not None), None)
    if "default" in s and s["default"] is not None and not isinstance(s["default"], dict | list):
        return s["default"]
    variants = non_null_variants(s)
    if variants:
        return example(spec, _simplest(spec, variants), name, depth + 1)
    if "allOf" in s:
        s = merged_object(spec, s)
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "string" or (t is None and "format" in s):
        if s.get("format") == "binary":
            return FILE
        if "example" in s and isinstance(s["example"], str):
            return s["example"]
        if name in _BY_NAME:
            return _BY_NAME[name]
        length = max(int(s.get("minLength", 1)), 1)
        return ("x" * length)[: int(s.get("maxLength", length))]
    if t == "integer":
        return int(s.get("minimum", 1))
    if t == "number":
        return float(s.get("minimum", 1))
    if t == "boolean":
        return True
    if t == "array":
        count = max(int(s.get("minItems", 1)), 1)
        return [example(spec, s.get("items", {}), name, depth + 1) for _ in range(count)]
    if t == "object" or "properties" in s:
        props: dict[str, Any] = s.get("properties", {})
        return {k: example(spec, props[k], k, depth + 1) for k in s.get("required", []) if k in props}
    return "x"


def _simplest(spec: Spec, variants: list[Any]) -> Any:
    """Prefer a plain string variant, then the variant with the fewest required fields."""

    def cost(v: Any) -> int:
        r = spec.resolve(v)
        if r.get("type") == "string" and "enum" not in r:
            return 0
        if non_null_variants(r):
            return 5
        return 1 + len(merged_object(spec, r).get("required", []))

    return min(variants, key=cost)


def call_arguments(spec: Spec, method: Method) -> tuple[list[object], dict[str, object]]:
    """Positional and keyword arguments for a call with every required parameter filled in."""
    params = {p.name.removesuffix("[]"): p for p in method.op.params}
    body: dict[str, Any] = {}
    body_required: set[str] = set()
    if method.op.body is not None:
        schema = body_schema(spec, method.op)
        body = schema.get("properties", {})
        body_required = set(schema.get("required", []))  # the spec's, which may be stricter than ours
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for a in method.all_args:
        if not a.required and not (a.location == "body" and a.wire in body_required):
            continue
        if a.location == "body":
            value = example(spec, body[a.wire], a.wire)
        else:
            p = params[a.wire]
            value = example(spec, p.schema, a.wire)
            if a.location == "path":
                value = f"{a.wire}_123" if not isinstance(value, str) or value == "x" else value
        if a in method.positional:
            args.append(value)
        else:
            kwargs[a.ident] = value
    return args, kwargs
