"""The official SDK's type names and packages, paired with the generated declarations.

``official_types.json`` (recorded by ``python -m tools.codegen.official_types``) says which names each
``openai.types`` package exports and which types every official method parameter, model field and
request field refers to. The pairing starts from the names both sides spell the same and from the
methods both sides have (the same attribute path), then walks the fields of every paired type: where a
field (or parameter) refers to exactly one type on both sides, those two are the same type; a union's
members and a method's results pair by position when both sides have as many.

The result is one table: official package -> official name -> generated name, written as lazy alias
packages (``trio_openai.types.chat.ChatCompletion``).
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any

from ._models import Decl
from ._params import ParamDecl
from ._resources import Method

__all__ = ["TYPES_FILE", "official_packages"]

TYPES_FILE = Path(__file__).with_name("official_types.json")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIELD = re.compile(r"^    ([A-Za-z_][A-Za-z0-9_]*): (.+?)(?: = .*)?$")
_ORDERED_SLOTS = ("", "return")  # slots whose references pair by position


def _names_in(expr: str, ours: set[str]) -> list[str]:
    return list(dict.fromkeys(t for t in _TOKEN.findall(expr) if t in ours))


def _our_slots(
    models: dict[str, Decl], params: dict[str, ParamDecl], methods: list[Method]
) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, list[str]]]]:
    """Per declaration and per official method path: slot name -> generated names referred to."""
    ours = set(models) | set(params)
    decls: dict[str, dict[str, list[str]]] = {}
    for name, code, kind in [(d.name, d.code, d.kind) for d in models.values()] + [
        (p.name, p.code, "param") for p in params.values()
    ]:
        slots: dict[str, list[str]] = {}
        if kind in ("struct", "param") and f"class {name}(" in code:
            for line in code.splitlines():
                if line.startswith(("    def ", "    @")):
                    break
                m = _FIELD.match(line)
                if m is not None:
                    refs = _names_in(m.group(2), ours)
                    if refs:
                        slots[m.group(1).rstrip("_")] = refs
        else:
            rhs = code.partition("=")[2].split("\n", 1)[0]  # not the docstring below
            refs = [r for r in _names_in(rhs, ours) if r != name]
            if refs:
                slots[""] = refs
        decls[name] = slots
    by_method: dict[str, dict[str, list[str]]] = {}
    for m in methods:
        if m.place.official is None:
            continue
        slots = {a.ident.rstrip("_"): refs for a in m.all_args if (refs := _names_in(a.ann, ours))}
        returns = _names_in(m.returns, ours) + ([m.stream_event] if m.stream_event in ours else [])
        if returns:
            slots["return"] = list(dict.fromkeys(returns))
        by_method[m.place.official.path] = slots
    return decls, by_method


_KEY = re.compile(r'^        "([^"]+)": "(.*)",$')
_TAG = re.compile(r"""^(?:Required\[)?Literal\[['"]([^'"]+)['"]\]\]?$""")
_TAG_FIELDS = ("type", "object", "event")


def _our_shape(code: str, name: str) -> tuple[frozenset[str], str | None] | None:
    """A generated class's field names and tag (see ``official_types._shape``); None for a union or an
    alias."""
    if f"class {name}(" not in code and f'"{name}",' not in code:
        return None
    fields: dict[str, str] = {}
    for line in code.splitlines():
        if line.startswith(("    def ", "    @")):
            break
        m = _FIELD.match(line) or _KEY.match(line)
        if m is not None:
            wire = re.search(r'name="([^"]+)"', line)
            fields[wire.group(1) if wire else m.group(1)] = m.group(2).split(" = ")[0]
    tag = None
    for f in _TAG_FIELDS:
        t = _TAG.match(fields.get(f, ""))
        if t is not None:
            tag = t.group(1)
            break
    return frozenset(fields), tag


def _alike(theirs: dict[str, Any] | None, ours: tuple[frozenset[str], str | None] | None) -> bool:
    """Whether two classes paired by position can be the same type: the same tag where both have one,
    and at least half the fields of the smaller in common."""
    if theirs is None or ours is None:
        return True
    fields, tag = ours
    their_fields = frozenset(str(theirs.get("fields", "")).split())
    their_tag = theirs.get("tag")
    if tag is not None and their_tag is not None and tag != their_tag:
        return False
    if not fields or not their_fields:
        return True
    return 2 * len(fields & their_fields) >= min(len(fields), len(their_fields))


#: Field names two classes must share (of both together) to be paired by shape alone.
_NEARLY = 0.75


def _their_shape(key: str, shape: dict[str, Any]) -> tuple[bool, frozenset[str], str | None]:
    return bool(shape.get("request")), frozenset(str(shape.get("fields", "")).split()), shape.get("tag")


def _pairs(theirs: dict[str, list[str]], ours: dict[str, list[str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for slot, keys in theirs.items():
        mine = ours.get(slot.rstrip("_"))
        if not mine:
            continue
        keys = [k for k in keys if k != "?"]
        if len(keys) == len(mine) and (len(keys) == 1 or slot in _ORDERED_SLOTS):
            out += zip(keys, mine, strict=True)
    return out


def official_packages(
    models: dict[str, Decl], params: dict[str, ParamDecl], methods: list[Method], path: Path = TYPES_FILE
) -> dict[str, dict[str, str]]:
    """Official package (``""``, ``"chat"``, ``"beta.threads"`` ...) -> exported name -> generated name."""
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text())
    packages: dict[str, dict[str, str]] = data["packages"]
    types: dict[str, dict[str, list[str]]] = data["types"]
    shapes: dict[str, dict[str, Any]] = data.get("shapes", {})
    decl_slots, method_slots = _our_slots(models, params, methods)
    code = {d.name: d.code for d in models.values()} | {d.name: d.code for d in params.values()}
    our_shapes = {name: _our_shape(text, name) for name, text in code.items()}
    matched: dict[str, str] = {}
    queue: deque[tuple[str, str]] = deque()

    def pair(key: str, ours: str) -> None:
        if (
            key not in matched
            and key in types
            and ours in decl_slots
            and (key in shapes) == (our_shapes[ours] is not None)  # a class for a class, a union for a union
            and (key not in shapes or bool(shapes[key].get("request")) == (ours in params))
            and _alike(shapes.get(key), our_shapes[ours])
        ):
            matched[key] = ours
            queue.append((key, ours))

    def walk() -> None:
        while queue:
            key, ours = queue.popleft()
            for k, o in _pairs(types[key], decl_slots[ours]):
                pair(k, o)

    # What a method returns first: where a generated class is spelled like an official name but the
    # method of the same path returns another class, the official name belongs to the result.
    for mpath, slots in sorted(data["methods"].items()):
        for key, ours in _pairs(slots, method_slots.get(mpath, {})):
            pair(key, ours)
    for names in packages.values():  # then the same spelling on both sides
        for name, key in sorted(names.items()):
            if name in decl_slots:
                pair(key, name)
    walk()
    # Then the exported classes still unpaired, by shape: the one generated class of the same kind whose
    # tag is the same and whose field names are nearly the same; a shape many official classes share
    # (every ``list`` page) tells nothing.
    exported = {key: name for names in packages.values() for name, key in names.items()}
    their_names: dict[tuple[bool, frozenset[str], str | None], set[str]] = {}
    for key, name in exported.items():
        if key in shapes:  # one type under several names (``BetaX``, ``XParam``, ``XParamParam``) counts once
            their_names.setdefault(_their_shape(key, shapes[key]), set()).add(
                name.replace("Param", "").removeprefix("Beta")
            )
    ours_by_tag: dict[tuple[bool, str | None], list[tuple[str, frozenset[str]]]] = {}
    for name, shape in our_shapes.items():
        if shape is not None and shape[0]:
            ours_by_tag.setdefault((name in params, shape[1]), []).append((name, shape[0]))
    for key, name in sorted(exported.items()):
        if key in matched or key not in shapes:
            continue
        request, fields, tag = _their_shape(key, shapes[key])
        if len(their_names[(request, fields, tag)]) > 1 or tag == "list" or (tag is None and len(fields) < 3):
            continue
        scored = sorted(
            ((len(fields & f) / len(fields | f), o) for o, f in ours_by_tag.get((request, tag), [])),
            reverse=True,
        )
        scored = [(score, o) for score, o in scored if score >= _NEARLY]
        if len(scored) > 1 and scored[0][0] == scored[1][0]:  # ``BetaX`` and ``X`` alike
            scored = [
                (sc, o)
                for sc, o in scored
                if sc == scored[0][0] and o.startswith("Beta") == name.startswith("Beta")
            ]
        if len(scored) == 1 or (len(scored) > 1 and scored[0][0] > scored[1][0]):
            pair(key, scored[0][1])
            walk()
    out: dict[str, dict[str, str]] = {}
    for package, names in packages.items():
        found = {name: matched[key] for name, key in names.items() if key in matched}
        out[package] = dict(sorted(found.items()))  # every official package imports, even one we lack
    return out
