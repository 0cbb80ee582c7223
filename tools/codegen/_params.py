"""Request types: TypedDicts (``total=False`` plus ``Required[...]``) so callers pass plain dicts.

They exist for the type checker only: at runtime a request body is whatever mapping the caller built,
so a params module imports its neighbours under ``TYPE_CHECKING`` and costs nothing to load.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from typing import Any

from ._naming import SchemaNames, pascal, snake
from ._schema import doc_text, merged_object, non_null_variants, schema_nullable, single_allof, variant_tails
from ._spec import Schema, Spec

__all__ = ["PAnn", "ParamBuilder", "ParamDecl"]


@dataclass(frozen=True)
class PAnn:
    expr: str
    refs: frozenset[str] = frozenset()


@dataclass
class ParamDecl:
    name: str
    home: str  # module name, e.g. "chat_completion_tool_param"
    code: str = ""
    refs: set[str] = field(default_factory=set[str])


OBJECT = PAnn("dict[str, object]")

#: Names request annotations use; a TypedDict key spelled like one would shadow it in a class body.
_ANNOTATION_NAMES = frozenset(
    {"str", "int", "float", "bool", "dict", "object", "Literal", "Required", "Iterable", "FileTypes", "None"}
)


def _param_home(name: str) -> str:
    """The module of a request type: ``foo_param`` for ``FooParam``."""
    return snake(name)


class ParamBuilder:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.decls: dict[str, ParamDecl] = {}
        self._by_schema: dict[int, str] = {}
        self._keep: list[Any] = []
        self.names = SchemaNames.of(spec.schemas)
        self._component_names = set(self.names.param.values())

    def ann(self, s: Any, hint: str, home: str) -> PAnn:
        if not isinstance(s, dict):
            return OBJECT
        a = self._ann(s, hint, home)
        if schema_nullable(self.spec.resolve(s)) and not a.expr.endswith("| None"):
            a = PAnn(f"{a.expr} | None", a.refs)
        return a

    def _ann(self, s: Schema, hint: str, home: str) -> PAnn:
        inner = single_allof(s)
        if inner is not None:
            return self._ann(inner, hint, home)
        ref = self.spec.ref_name(s)
        if ref is not None:
            ref = self.names.canonical(ref)
            target = self.spec.schemas[ref]
            name = self.names.param[ref]
            if single_allof(target) is not None:
                return self._ann(target, name.removesuffix("Param"), _param_home(name))
            if target.get("properties") or ("allOf" in target and len(target["allOf"]) > 1):
                return self._declare(target, name, _param_home(name), component=True)
            if len(non_null_variants(target)) > 1:
                return self._declare(target, name, _param_home(name), component=True)
            return self._ann(target, name.removesuffix("Param"), _param_home(name))
        if s.get("properties") or ("allOf" in s and len(s["allOf"]) > 1):
            return self._declare(s, hint, home)
        if "const" in s:
            return PAnn(f"Literal[{s['const']!r}]")
        variants = non_null_variants(s)
        if variants:
            base = hint.removesuffix("Param")
            tails = variant_tails(self.spec, s, variants, free=True)
            anns = [self.ann(v, base + tail, home) for v, tail in zip(variants, tails, strict=True)]
            return _union(anns)
        if "allOf" in s and len(s["allOf"]) == 1:
            return self._ann(s["allOf"][0], hint, home)
        t = s.get("type")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), None)
        enum = s.get("enum")
        if isinstance(enum, list) and enum:
            values = [v for v in enum if v is not None]
            if all(isinstance(v, str) for v in values):
                return PAnn("Literal[" + ", ".join(repr(v) for v in values) + "]")
        if t == "string":
            return PAnn("FileTypes") if s.get("format") == "binary" else PAnn("str")
        if t == "integer":
            return PAnn("int")
        if t == "number":
            return PAnn("float")
        if t == "boolean":
            return PAnn("bool")
        if t == "array":
            item = self.ann(s.get("items", {}), f"{hint}Item", home)
            return PAnn(f"Iterable[{item.expr}]", item.refs)
        if t == "object" or "additionalProperties" in s:
            extra = s.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value = self.ann(extra, f"{hint}Value", home)
                return PAnn(f"dict[str, {value.expr}]", value.refs)
            return OBJECT
        return PAnn("object")

    def _claim(self, name: str, *, component: bool) -> str:
        if name not in self.decls and (component or name not in self._component_names):
            return name
        n = 2
        while f"{name}{n}" in self.decls or f"{name}{n}" in self._component_names:
            n += 1
        return f"{name}{n}"

    def _declare(self, s: Schema, hint: str, home: str, *, component: bool = False) -> PAnn:
        known = self._by_schema.get(id(s))
        if known is None:
            name = hint if hint.endswith("Param") else f"{hint}Param"
            own = (
                home == f"{snake(name.removesuffix('Param'))}_param"
            )  # a component behind a nullable wrapper
            known = self._claim(name, component=component or own)
            self._by_schema[id(s)] = known
            self._keep.append(s)
            decl = ParamDecl(known, home)
            self.decls[known] = decl
            if non_null_variants(s) and not s.get("properties"):
                self._build_alias(decl, s)
            else:
                self._build_typeddict(decl, s)
        return PAnn(known, frozenset({known}))

    def _build_alias(self, decl: ParamDecl, s: Schema) -> None:
        base = decl.name.removesuffix("Param")
        variants = non_null_variants(s)
        tails = variant_tails(self.spec, s, variants, free=False)
        anns = [self.ann(v, base + tail, decl.home) for v, tail in zip(variants, tails, strict=True)]
        u = _union(anns)
        decl.refs |= u.refs
        code = f'{decl.name}: TypeAlias = "{u.expr}"\n'
        doc = doc_text(s)
        if doc:
            code += f'"""{doc}"""\n'
        decl.code = code

    def _build_typeddict(self, decl: ParamDecl, s: Schema) -> None:
        obj = merged_object(self.spec, s)
        base = decl.name.removesuffix("Param")
        required = set(obj.get("required", []))
        fields: list[tuple[str, str, str]] = []
        for wire, prop in obj.get("properties", {}).items():
            resolved = self.spec.resolve(prop) if isinstance(prop, dict) else {}
            if resolved.get("readOnly"):
                continue
            a = self.ann(prop, base + pascal(wire), decl.home)
            decl.refs |= a.refs
            expr = f"Required[{a.expr}]" if wire in required else a.expr
            fields.append((wire, expr, doc_text(resolved, deprecated=bool(prop.get("deprecated")))))
        doc = doc_text(obj)
        syntax_only = any(not w.isidentifier() or keyword.iskeyword(w) for w, _, _ in fields)
        shadowing = any(w in _ANNOTATION_NAMES for w, _, _ in fields)
        if syntax_only or shadowing:
            # keys that are keywords need the functional form; keys named like a builtin would shadow it
            # inside a class body
            items = "".join(f'        "{w}": "{e}",\n' for w, e, _ in fields)
            noqa = "" if syntax_only else "  # noqa: UP013"
            code = f'{decl.name} = TypedDict({noqa}\n    "{decl.name}",\n    {{\n{items}    }},\n    total=False,\n)\n'
            if doc:
                code += f'"""{doc}"""\n'
        else:
            lines = [f"class {decl.name}(TypedDict, total=False):"]
            if doc:
                lines += [f'    """{doc}"""', ""]
            if not fields and not doc:
                lines.append("    pass")
            for w, e, d in fields:
                lines.append(f"    {w}: {e}")
                if d:
                    lines += [f'    """{d}"""', ""]
            code = "\n".join(lines).rstrip() + "\n"
        decl.code = code


def _union(anns: list[PAnn]) -> PAnn:
    exprs: list[str] = []
    refs: frozenset[str] = frozenset()
    for a in anns:
        refs |= a.refs
        for part in a.expr.split(" | ") if "[" not in a.expr else [a.expr]:
            part = part.removesuffix(" | None")
            if part != "None" and part not in exprs:
                exprs.append(part)
    return PAnn(" | ".join(exprs), refs)
