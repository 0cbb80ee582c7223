"""Questions about schemas that both the response and the request side ask."""

from __future__ import annotations

import re
from typing import Any

from ._spec import Schema, Spec

__all__ = [
    "doc_text",
    "is_null",
    "merged_object",
    "non_null_variants",
    "schema_nullable",
    "single_allof",
    "tag_value",
]


def is_null(s: Any) -> bool:
    return isinstance(s, dict) and (s.get("type") == "null" or s.get("type") == ["null"])


_STRUCTURAL = ("$ref", "type", "properties", "anyOf", "oneOf", "allOf", "enum", "items", "const")


def single_allof(s: Schema) -> Schema | None:
    """``allOf: [X, {nullable: true}]`` and similar: the one part that says what the value is."""
    parts = s.get("allOf")
    if not parts or s.get("properties"):
        return None
    structural = [p for p in parts if isinstance(p, dict) and any(k in p for k in _STRUCTURAL)]
    return structural[0] if len(structural) == 1 else None


def schema_nullable(s: Schema) -> bool:
    if s.get("nullable") is True:
        return True
    if any(isinstance(p, dict) and p.get("nullable") is True for p in s.get("allOf", ())):
        return True
    t = s.get("type")
    if isinstance(t, list) and "null" in t:
        return True
    return any(is_null(v) for v in (s.get("anyOf") or s.get("oneOf") or []))


def non_null_variants(s: Schema) -> list[Schema]:
    return [v for v in (s.get("anyOf") or s.get("oneOf") or []) if not is_null(v)]


def merged_object(spec: Spec, s: Schema) -> Schema:
    """An object schema with ``allOf`` parts folded in (properties, required, description)."""
    if "allOf" not in s:
        return s
    props: dict[str, Any] = {}
    required: list[str] = []
    out: Schema = {"type": "object"}
    for part in s["allOf"]:
        part = merged_object(spec, spec.resolve(part))
        props.update(part.get("properties", {}))
        required += [r for r in part.get("required", []) if r not in required]
        for key in ("description", "title", "additionalProperties"):
            if key in part and key not in out:
                out[key] = part[key]
    props.update(s.get("properties", {}))
    required += [r for r in s.get("required", []) if r not in required]
    for key in ("description", "title", "deprecated"):
        if key in s:
            out[key] = s[key]
    out["properties"] = props
    out["required"] = required
    return out


def tag_value(spec: Spec, variant: Schema, prop: str) -> str | None:
    """The single constant value of ``prop`` in an object variant, if it has one."""
    v = merged_object(spec, spec.resolve(variant))
    p = v.get("properties", {}).get(prop)
    if p is None:
        return None
    p = spec.resolve(p)
    if "const" in p and isinstance(p["const"], str):
        return p["const"]
    enum = p.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    return None


_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u2013": "-"})
# A markdown link to a package registry's page keeps its text only: the project names no registry host.
_REGISTRY_LINK = re.compile(r"\[([^\]]*)\]\(https?://(?:pypi\.org|www\.npmjs\.com)/[^)]*\)")


def doc_text(s: Schema, *, deprecated: bool = False) -> str:
    """The first paragraph of a description, trimmed, safe inside a triple-quoted string."""
    text = str(s.get("description") or s.get("title") or "").strip()
    para = text.split("\n\n", 1)[0].strip()
    para = " ".join(line.strip() for line in para.splitlines())
    para = _REGISTRY_LINK.sub(r"\1", para)
    para = para.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    para = para.translate(_PLAIN)  # typographic quotes and dashes look like code characters (RUF002)
    if para.endswith('"'):
        para += " "
    if deprecated or s.get("deprecated"):
        para = f"Deprecated. {para}".strip()
    return para


_TAG_PROPS = ("type", "object", "event")


def _variant_kind(spec: Spec, v: Schema) -> str:
    """``object``, ``array`` (of something that gets a name), ``union`` (an inline one, which gets no
    name of its own) or ``other``."""
    if spec.ref_name(v) is not None:
        return "other"  # named after its schema
    r = spec.resolve(v)
    t = r.get("type")
    if r.get("properties") or "allOf" in r or t == "object":
        return "object"
    if len(non_null_variants(r)) > 1:
        return "union"
    if t == "array":  # named only when its items get a name here
        return "other" if _variant_kind(spec, r.get("items") or {}) == "other" else "array"
    return "other"


def variant_tails(spec: Spec, s: Schema, variants: list[Schema], *, free: bool) -> list[str]:
    """What the name of each variant of union `s` adds to the union's: its tag (``ImageUrl``), else its
    title (``StaticChunkingStrategy``), else, for the one object or one list among the variants, nothing
    when the union has no name of its own (`free`) or ``Object`` / ``List``; ``Variant<n>`` only when
    none of these tells the variants apart."""
    kinds = [_variant_kind(spec, v) for v in variants]
    objects = [v for v, k in zip(variants, kinds, strict=True) if k == "object"]
    prop: str | None = (s.get("discriminator") or {}).get("propertyName")
    if prop is None:
        prop = next((c for c in _TAG_PROPS if objects and all(tag_value(spec, v, c) for v in objects)), None)
    out: list[str] = []
    for i, (v, kind) in enumerate(zip(variants, kinds, strict=True)):
        tag = tag_value(spec, v, prop) if prop and kind == "object" else None
        title = str(spec.resolve(v).get("title") or "")
        if tag:
            tail = _pascal(tag)
        elif title:
            tail = _pascal(title)
        elif kind in ("object", "array", "union") and kinds.count(kind) == 1:
            tail = "" if free or kind == "union" else {"object": "Object", "array": "List"}[kind]
        else:
            tail = f"Variant{i + 1}"
        out.append(tail if tail not in out else f"Variant{i + 1}")
    return out


def _pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", name) if p)
