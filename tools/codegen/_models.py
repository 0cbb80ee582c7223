"""Response types: msgspec Structs, open enums and tagged unions with an unknown-tag fallback.

Each named schema becomes a declaration (a class or a union marker) with a home module; inline object
schemas become classes named after where they sit (``ResponseUsage`` for ``Response.usage``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._handwritten import RUNTIME_WIDENED_FIELDS, TYPE_PROPERTIES
from ._naming import ARTEFACT, SchemaNames, pascal, safe_ident, snake
from ._schema import (
    doc_text,
    merged_object,
    non_null_variants,
    schema_nullable,
    single_allof,
    tag_value,
    variant_tails,
)
from ._spec import Schema, Spec

__all__ = ["Ann", "Decl", "ModelBuilder"]

_TAG_PROPS = ("type", "object", "event")


@dataclass(frozen=True)
class Ann:
    """An annotation expression, the declarations it names, and its msgspec kind (which decides
    whether a union of it can be decoded natively)."""

    expr: str
    refs: frozenset[str] = frozenset()
    kind: str = "any"  # str, int, float, bool, array, object, custom, any
    literals: tuple[str, ...] = ()  # for str kinds: the known values
    open: bool = True  # for str kinds: whether any string is accepted


ANY = Ann("Any", kind="any")


@dataclass
class Decl:
    name: str
    home: str
    code: str = ""
    refs: set[str] = field(default_factory=set[str])
    kind: str = "struct"  # struct | union | alias


def _lit(values: tuple[str, ...]) -> str:
    return "Literal[" + ", ".join(repr(v) for v in values) + "]"


def _str_ann(literals: tuple[str, ...], open_: bool) -> Ann:
    if not literals:
        return Ann("str", kind="str")
    if open_:
        return Ann(f"OpenEnum[{_lit(literals)}]", kind="str", literals=literals, open=True)
    return Ann(_lit(literals), kind="str", literals=literals, open=False)


class ModelBuilder:
    def __init__(self, spec: Spec, renames: Mapping[str, str] | None = None) -> None:
        self.spec = spec
        self.decls: dict[str, Decl] = {}
        #: spec-derived name -> the official SDK's name for it (``CreateChatCompletionResponse`` ->
        #: ``ChatCompletion``); nested declarations keep names derived from the spec-derived one (`stems`)
        self._renames: Mapping[str, str] = renames or {}
        self.stems: dict[str, str] = {}
        self._by_schema: dict[int, str] = {}  # id(schema dict) -> declaration name
        self._keep: list[Any] = []  # keeps schema dicts alive so their ids stay unique
        self.names = SchemaNames.of(spec.schemas)
        self._component_names = set(self.names.model.values())

    # --- entry points ------------------------------------------------------------------------------

    def named(self, name: str) -> Ann:
        """The annotation for ``#/components/schemas/<name>``."""
        return self.ann({"$ref": f"#/components/schemas/{name}"}, name, snake(name))

    def ann(self, s: Any, hint: str, home: str) -> Ann:
        """The annotation for schema ``s`` (nullability folded in as ``| None``)."""
        if not isinstance(s, dict):
            return ANY
        a = self._ann(s, hint, home)
        if schema_nullable(self.spec.resolve(s)) and a.expr != "Any" and not a.expr.endswith("| None"):
            a = Ann(f"{a.expr} | None", a.refs, a.kind, a.literals, a.open)
        return a

    # --- dispatch ---------------------------------------------------------------------------------

    def _ann(self, s: Schema, hint: str, home: str) -> Ann:
        inner = single_allof(s)
        if inner is not None:
            return self._ann(inner, hint, home)
        ref = self.spec.ref_name(s)
        if ref is not None:
            ref = self.names.canonical(ref)
            target = self.spec.schemas[ref]
            name = self.names.model[ref]
            if single_allof(target) is not None:
                return self._ann(target, name, snake(name))
            if self._is_declared(target):
                return self._declare(target, name, snake(name), component=True)
            a = self._ann(target, name, snake(name))
            if a.kind == "str" and a.literals and a.open:
                return self._alias(target, name, snake(name), a)
            return a
        if self._is_declared(s):
            return self._declare(s, hint, home)
        if "const" in s and isinstance(s["const"], str):
            return _str_ann((s["const"],), False)
        variants = non_null_variants(s)
        if variants:
            return self._inline_union(s, variants, hint, home)
        if "allOf" in s and len(s["allOf"]) == 1:
            return self._ann(s["allOf"][0], hint, home)
        t = s.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        enum = s.get("enum")
        if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum if v is not None):
            values = tuple(v for v in enum if v is not None)
            closed = len(values) == 1 and (s.get("x-stainless-const") or hint.endswith(("Type", "Object")))
            return _str_ann(values, not closed)
        if t == "string":
            return Ann("str", kind="str")
        if t == "integer":
            return Ann("int", kind="int")
        if t == "number":
            return Ann("float", kind="float")
        if t == "boolean":
            return Ann("bool", kind="bool")
        if t == "array":
            item = self.ann(s.get("items", {}), f"{hint}Item", home)
            return Ann(f"list[{item.expr}]", item.refs, "array")
        if t == "object" or "additionalProperties" in s:
            extra = s.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.ann(extra, f"{hint}Value", home)
                return Ann(f"dict[str, {value.expr}]", value.refs, "object")
            return Ann("dict[str, Any]", kind="object")
        return ANY

    def _is_declared(self, s: Schema) -> bool:
        """Whether the schema becomes a class (an object with properties, or a union marker)."""
        inner = single_allof(s)
        if inner is not None:
            return self._is_declared(self.spec.resolve(inner))
        if s.get("properties") or ("allOf" in s and len(s["allOf"]) > 1):
            return True
        variants = non_null_variants(s)
        if len(variants) > 1:
            return not self._native_union([self._peek(v) for v in variants])
        return False

    def _peek(self, s: Schema) -> str:
        """The msgspec kind of a schema without declaring anything."""
        target = self.spec.resolve(s)
        inner = single_allof(target)
        if inner is not None:
            return self._peek(inner)
        if target.get("properties") or ("allOf" in target and len(target["allOf"]) > 1):
            return "object"
        variants = non_null_variants(target)
        if len(variants) == 1:
            return self._peek(variants[0])
        if len(variants) > 1:
            kinds = [self._peek(v) for v in variants]
            return kinds[0] if len(set(kinds)) == 1 and kinds[0] == "str" else "custom"
        t = target.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        if "enum" in target or "const" in target or t == "string":
            return "str"
        return {"integer": "int", "number": "float", "boolean": "bool", "array": "array"}.get(
            str(t), "object" if t == "object" or "additionalProperties" in target else "any"
        )

    @staticmethod
    def _native_union(kinds: list[str]) -> bool:
        if "custom" in kinds or "any" in kinds:
            return False
        non_str = [k for k in kinds if k != "str"]
        return len(non_str) == len(set(non_str))

    # --- declarations -----------------------------------------------------------------------------

    def _alias(self, s: Schema, name: str, home: str, a: Ann) -> Ann:
        """A named open enum: ``ChatModel: TypeAlias = OpenEnum[Literal[...]]``."""
        known = self._by_schema.get(id(s))
        if known is None:
            known = self._claim(name, component=True)
            self._by_schema[id(s)] = known
            self._keep.append(s)
            doc = doc_text(s)
            code = f"{known}: TypeAlias = {a.expr}\n"
            if doc:
                code += f'"""{doc}"""\n'
            self.decls[known] = Decl(known, home, code, set(), "alias")
        return Ann(known, frozenset({known}), "str", a.literals, a.open)

    def _declare(self, s: Schema, name: str, home: str, *, component: bool = False) -> Ann:
        known = self._by_schema.get(id(s))
        if known is None:
            # a component reached through a nullable wrapper still owns its name
            known = self._claim(name, component=component or home == snake(name))
            official = self._renames.get(known)
            if official is not None and official not in self.decls:
                if not ARTEFACT.search(known):  # the spec-derived name still imports, unless an artefact
                    self.stems[official] = known
                if ARTEFACT.search(home):
                    home = snake(official)
                known = official
            self._by_schema[id(s)] = known
            self._keep.append(s)
            decl = Decl(known, home)
            self.decls[known] = decl
            if non_null_variants(s) and not s.get("properties"):
                decl.kind = "union"
                self._build_union(decl, s)
            else:
                self._build_struct(decl, s)
        kind = "custom" if self.decls[known].kind == "union" else "object"
        return Ann(known, frozenset({known}), kind)

    def _claim(self, name: str, *, component: bool) -> str:
        """A free declaration name; a component's own name is reserved for that component."""
        if name not in self.decls and (component or name not in self._component_names):
            return name
        n = 2
        while f"{name}{n}" in self.decls or f"{name}{n}" in self._component_names:
            n += 1
        return f"{name}{n}"

    def _build_struct(self, decl: Decl, s: Schema) -> None:
        obj = merged_object(self.spec, s)
        lines = [f"class {decl.name}(BaseModel, kw_only=True):"]
        doc = doc_text(obj)
        if doc:
            lines.append(f'    """{doc}"""')
            lines.append("")
        required = set(obj.get("required", []))
        props: dict[str, Any] = obj.get("properties", {})
        if not props and not doc:
            lines.append("    pass")
        stem = self.stems.get(decl.name, decl.name)
        computed = {p.name for p in TYPE_PROPERTIES.get(stem, ())}
        for wire, prop in props.items():
            if wire in computed:  # "SDK-only convenience property": computed, not sent
                continue
            ident = safe_ident(wire)
            a = self.ann(prop, stem + pascal(wire), decl.home)
            decl.refs |= a.refs
            expr = a.expr
            resolved = self.spec.resolve(prop) if isinstance(prop, dict) else {}
            optional = wire not in required or expr.endswith("| None")
            if optional and not expr.endswith("| None") and expr != "Any":
                expr += " | None"
            # A required field the server leaves out must not fail the whole response (the official SDK
            # never validates either): it decodes as None. Constant tags get no default of their own,
            # since `to_dict()` leaves out values equal to the default and a tag must survive it.
            value = "None" if optional else "REQUIRED"
            default = f' = msgspec.field(name="{wire}", default={value})' if ident != wire else f" = {value}"
            wider = RUNTIME_WIDENED_FIELDS.get((stem, wire))
            if wider is None:
                lines.append(f"    {ident}: {expr}{default}")
            else:
                lines += [
                    "    if TYPE_CHECKING:",
                    f"        {ident}: {expr}{default}",
                    "    else:",
                    f"        {ident}: {wider}{default}",
                ]
            pdoc = doc_text(resolved, deprecated=bool(isinstance(prop, dict) and prop.get("deprecated")))
            if pdoc:
                lines.append(f'    """{pdoc}"""')
                lines.append("")
        for prop in TYPE_PROPERTIES.get(stem, ()):
            lines += [
                "",
                "    @property",
                f"    def {prop.name}(self) -> {prop.returns}:",
                f'        """{prop.doc}"""',
                f"        from ..{prop.module} import {prop.function}  # hand-written",
                "",
                f"        return {prop.function}(self)",
            ]
        decl.code = "\n".join(lines).rstrip() + "\n"

    def _union_variants(self, s: Schema, decl: Decl) -> tuple[str | None, dict[str, Ann], list[Ann]]:
        """(tag property, tag value -> variant, other variants tried in order)."""
        variants = non_null_variants(s)
        disc = s.get("discriminator") or {}
        prop: str | None = disc.get("propertyName")
        objects = [v for v in variants if self._peek(v) == "object"]
        if prop is None:
            for candidate in _TAG_PROPS:
                if objects and all(tag_value(self.spec, v, candidate) for v in objects):
                    prop = candidate
                    break
        tagged: dict[str, Ann] = {}
        others: list[Ann] = []
        tails = variant_tails(self.spec, s, variants, free=False)
        for i, v in enumerate(variants):
            tag = tag_value(self.spec, v, prop) if prop else None
            resolved = self.spec.resolve(v)
            hint_tail = pascal(tag) if tag else pascal(str(resolved.get("title", ""))) or tails[i]
            a = self._ann(v, self.stems.get(decl.name, decl.name) + hint_tail, decl.home)
            if tag is not None and tag not in tagged:
                tagged[tag] = a
            else:
                others.append(a)
        return prop, tagged, others

    def _build_union(self, decl: Decl, s: Schema) -> None:
        prop, tagged, others = self._union_variants(s, decl)
        members: list[str] = []
        for a in [*tagged.values(), *others]:
            decl.refs |= a.refs
            if a.expr not in members:
                members.append(a.expr)
        doc = doc_text(s)
        tag_map = ", ".join(f"{k!r}: {a.expr}" for k, a in tagged.items())
        other_list = ", ".join(_runtime_expr(a.expr) for a in others)
        lines = [
            "if TYPE_CHECKING:",
            f"    {decl.name}: TypeAlias = {' | '.join(members)}",
        ]
        if doc:
            lines.append(f'    """{doc}"""')
        lines += [
            "else:",
            f"    {decl.name} = tagged_union(",
            f"        {decl.name!r},",
            f"        {prop!r},",
            f"        lambda: {{{tag_map}}}," if tagged else "        dict,",
            f"        lambda: ({other_list}{',' if len(others) == 1 else ''}),"
            if others
            else "        tuple,",
            "    )",
        ]
        decl.code = "\n".join(lines) + "\n"

    # --- inline unions ------------------------------------------------------------------------------

    def _inline_union(self, s: Schema, variants: list[Schema], hint: str, home: str) -> Ann:
        if len(variants) == 1:
            return self._ann(variants[0], hint, home)
        tails = variant_tails(self.spec, s, variants, free=True)
        anns = [self.ann(v, hint + tail, home) for v, tail in zip(variants, tails, strict=True)]
        strs = [a for a in anns if a.kind == "str"]
        rest = [a for a in anns if a.kind != "str"]
        parts: list[Ann] = []
        if strs:
            literals = tuple(dict.fromkeys(x for a in strs for x in a.literals))
            open_ = any(a.open for a in strs)
            parts.append(_str_ann(literals, open_))
        parts += rest
        exprs: list[str] = []
        refs: frozenset[str] = frozenset()
        for a in parts:
            refs |= a.refs
            expr = a.expr.removesuffix(" | None")
            if expr not in exprs:
                exprs.append(expr)
        kind = parts[0].kind if len(parts) == 1 else "union"
        first = parts[0]
        return Ann(" | ".join(exprs), refs, kind, first.literals if len(parts) == 1 else (), first.open)


def _runtime_expr(expr: str) -> str:
    """What a variant annotation is at runtime (open enums decode as ``str``)."""
    if expr.startswith("OpenEnum["):
        return "str"
    if expr.startswith("Literal["):
        return "str"
    return expr
