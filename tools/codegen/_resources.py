"""Resource classes: one method per operation, on the official SDK's attribute path."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from keyword import iskeyword
from pathlib import Path
from typing import Any

from ._models import ModelBuilder
from ._naming import MethodPlace, OfficialSurface, pascal, safe_ident
from ._params import ParamBuilder
from ._schema import doc_text, merged_object, non_null_variants, schema_nullable
from ._spec import Operation, Schema, Spec

# Body parameters the spec requires and the official SDK does not (``official_signatures.json``).
_OFFICIALLY_OPTIONAL: dict[str, list[str]] = json.loads(
    Path(__file__).with_name("official_signatures.json").read_text()
)["optional_body"]

# Deprecated official methods that send the operation of a generated method but give another result
# (``variant_of`` in ``official_deprecations.json``): ``files.retrieve_content`` (the body as ``str``),
# ``fine_tuning.checkpoints.permissions.retrieve`` (one list object, not a page).
_DEPRECATED: dict[str, dict[str, str]] = json.loads(
    Path(__file__).with_name("official_deprecations.json").read_text()
)["methods"]

__all__ = [
    "Arg",
    "Method",
    "ResourceNode",
    "body_schema",
    "build_methods",
    "build_tree",
    "deprecated_variants",
]

_OPTION_NAMES = frozenset(
    {"options", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "idempotency_key"}
)


@dataclass
class Arg:
    ident: str  # the Python parameter name
    wire: str  # the name on the wire
    location: str  # path | query | body | header
    ann: str  # without Omit / default
    required: bool
    refs: frozenset[str] = frozenset()
    doc: str = ""  # the spec's description (first paragraph), for the method's docstring


@dataclass
class Method:
    op: Operation
    place: MethodPlace
    positional: list[Arg]
    keyword: list[Arg]
    returns: str  # return annotation
    cast_to: str  # runtime expression
    page: str | None  # AsyncCursorPage ...
    item: str | None
    model_refs: set[str]
    param_refs: set[str]
    headers: dict[str, str]
    stream_event: str | None  # the event type name when the operation can stream
    doc: str
    streams: bool = False  # whether the operation takes `stream` (or answers with SSE)
    stream_arg: Arg | None = None  # the `stream` flag, when the method is overloaded on it

    @property
    def overloaded(self) -> bool:
        """``stream=True`` gives an event stream, ``stream=False`` the result."""
        return self.stream_arg is not None and self.stream_event is not None

    @property
    def always_streams(self) -> bool:
        """The operation answers only with server-sent events (no ``stream`` flag, no JSON result):
        the method returns an ``AsyncStream`` (a supplement kind: ``beta.agents.sessions.events.stream``)."""
        return (
            self.stream_arg is None
            and self.stream_event is not None
            and self.op.response is None
            and self.returns.startswith("AsyncStream[")
        )

    @property
    def name(self) -> str:
        return self.place.name

    @property
    def all_args(self) -> list[Arg]:
        return [*self.positional, *self.keyword]

    @property
    def docstring(self) -> list[str]:
        """The docstring's lines: the operation's description, then a ``:param x:`` line for each
        parameter the spec describes (reST fields: ``help()`` reads well, Sphinx renders them)."""
        params = [f":param {a.ident}: {a.doc}" for a in self.all_args if a.doc]
        if not params:
            return [self.doc] if self.doc else []
        return [self.doc or self.name, "", *params]


@dataclass
class ResourceNode:
    path: tuple[str, ...]
    methods: list[Method] = field(default_factory=list[Method])
    children: dict[str, ResourceNode] = field(default_factory=dict[str, "ResourceNode"])

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def class_name(self) -> str:
        return f"Async{pascal(self.name)}"


def body_schema(spec: Spec, op: Operation) -> Schema:
    if op.body is None:
        return {}
    body = spec.resolve(op.body)
    variants = non_null_variants(body)
    if variants and not body.get("properties"):
        # one of several body shapes: offer every field, require the ones all shapes require
        merged: Schema = {"type": "object", "properties": {}, "required": []}
        required_sets: list[set[str]] = []
        for v in variants:
            obj = merged_object(spec, spec.resolve(v))
            for k, p in obj.get("properties", {}).items():
                merged["properties"].setdefault(k, p)
            required_sets.append(set(obj.get("required", [])))
        merged["required"] = sorted(set.intersection(*required_sets)) if required_sets else []
        return merged
    return merged_object(spec, body)


def _page_kind(method: MethodPlace, response: Schema) -> str | None:
    if method.official is not None:
        return method.official.page
    props = response.get("properties", {})
    if "data" not in props:
        return None
    if "next" in props:
        return "AsyncNextCursorPage"
    if "last_id" in props:
        return "AsyncConversationCursorPage"
    if "has_more" in props:
        return "AsyncCursorPage"
    return "AsyncPage"


#: Event types of streaming operations whose spec names none, by resource.
_STREAM_EVENTS = {
    ("beta", "threads"): "AssistantStreamEvent",
    ("beta", "threads", "runs"): "AssistantStreamEvent",
}


def build_methods(
    spec: Spec,
    ops: list[Operation],
    places: dict[tuple[str, str], MethodPlace],
    models: ModelBuilder,
    params: ParamBuilder,
) -> list[Method]:
    methods = [_method(spec, op, places[op.key], models, params) for op in ops]
    events = {m.place.resource: m.stream_event for m in methods if m.stream_event and m.name == "create"}
    for m in methods:
        if m.streams and m.stream_event is None:
            named = _STREAM_EVENTS.get(m.place.resource)
            if named is not None:
                m.stream_event = models.named(named).expr
            else:  # `retrieve(stream=True)` replays what `create` streams; else chunks of the result
                m.stream_event = events.get(m.place.resource) or m.returns
    return methods


def _method(
    spec: Spec, op: Operation, place: MethodPlace, models: ModelBuilder, params: ParamBuilder
) -> Method:
    official = place.official
    hint = pascal(op.op_id)
    home = f"{re.sub(r'[^0-9a-z]+', '_', place.dotted.lower())}_params"
    param_refs: set[str] = set()
    used: set[str] = set(_OPTION_NAMES)

    def ident_for(wire: str) -> str:
        # a parameter may be called `bytes` or `type` (the official SDK's names); only keywords and
        # characters Python refuses need changing
        ident = re.sub(r"\W", "_", wire)
        if iskeyword(ident) or not ident.isidentifier():
            ident = safe_ident(ident)
        while ident in used:
            ident += "_"
        used.add(ident)
        return ident

    # path parameters, named as the official SDK names them (same order in the URL)
    path_params = [p for p in op.params if p.location == "path"]
    official_names: list[str] = []
    if official is not None and official.http is not None:
        official_names = re.findall(r"\{([^}]*)\}", official.http[1])
    if len(official_names) != len(path_params):
        official_names = [p.name for p in path_params]
    renamed = {p.name: n for p, n in zip(path_params, official_names, strict=True)}
    positional_names = official.positional if official is not None else official_names[-1:]
    positional: list[Arg] = []
    keyword: list[Arg] = []
    for p in path_params:
        arg = Arg(
            ident_for(renamed[p.name]), p.name, "path", "str", True, doc=_param_doc(p.description, p.schema)
        )
        (positional if renamed[p.name] in positional_names else keyword).append(arg)
    positional.sort(key=lambda a: positional_names.index(renamed[a.wire]))

    optional: list[Arg] = []
    stream_arg: Arg | None = None
    for p in op.params:
        if p.location not in ("query", "header"):
            continue
        if p.name == "stream" and p.location == "query":
            stream_arg = Arg(ident_for("stream"), "stream", "query", "bool", False)
            optional.append(stream_arg)
            continue
        a = params.ann(p.schema, f"{hint}{pascal(p.name)}", home)
        param_refs |= a.refs
        wire = p.name.removesuffix("[]") if p.location == "query" else p.name  # the encoder adds `[]`
        # the official SDK's name for the OpenAI-Beta header parameter
        ident = "betas" if p.location == "header" and wire.lower() == "openai-beta" else ident_for(wire)
        arg = Arg(ident, wire, p.location, a.expr, p.required, a.refs, _param_doc(p.description, p.schema))
        (keyword if p.required else optional).append(arg)

    body = body_schema(spec, op)
    required = set(body.get("required", [])) - set(_OFFICIALLY_OPTIONAL.get(place.dotted, ()))
    streams = op.stream_event is not None or "stream" in body.get("properties", {})
    for wire, prop in body.get("properties", {}).items():
        if wire == "stream" and streams:
            stream_arg = Arg(ident_for("stream"), "stream", "body", "bool", False)
            optional.append(stream_arg)
            continue
        resolved = spec.resolve(prop) if isinstance(prop, dict) else {}
        if resolved.get("readOnly"):
            continue
        a = params.ann(prop, f"{hint}{pascal(wire)}", home)
        param_refs |= a.refs
        is_req = wire in required
        ann = a.expr
        if not is_req and schema_nullable(resolved) and not ann.endswith("| None"):
            ann += " | None"
        described = str(prop.get("description") or "") if isinstance(prop, dict) else ""
        arg = Arg(ident_for(wire), wire, "body", ann, is_req, a.refs, _param_doc(described, resolved))
        (keyword if is_req else optional).append(arg)
    # parameters the official SDK sends that the spec does not describe (the supplement's
    # ``x-extra-parameters``): optional keywords, sent where the SDK sends them
    for wire, extra in (spec.doc.get("x-extra-parameters") or {}).get(place.dotted, {}).items():
        if wire in used:
            continue
        a = params.ann(extra["schema"], f"{hint}{pascal(wire)}", home)
        param_refs |= a.refs
        location, _, header = str(extra["in"]).partition(":")
        ident = ident_for(wire)
        optional.append(Arg(ident, header or wire, location, a.expr, False, a.refs))
    keyword += optional

    # result
    model_refs: set[str] = set()
    page: str | None = None
    item: str | None = None
    binary = op.binary or (official is not None and "BinaryResponseContent" in official.returns)
    if binary:
        returns = cast_to = "BinaryContent"
    elif op.response is None:
        returns, cast_to = "None", "None"
    else:
        response = merged_object(spec, spec.resolve(op.response))
        page = _page_kind(place, response)
        if page is not None:
            data = response.get("properties", {}).get("data", {})
            items = spec.resolve(data).get("items", {}) if data else {}
            ia = models.ann(items, f"{hint}Item", models_home(place))
            model_refs |= ia.refs
            item = ia.expr
            returns = f"AsyncPaginator[{item}, {page}[{item}]]"
            cast_to = f"{page}[{item}]"
        else:
            ra = models.ann(op.response, f"{hint}Response", models_home(place))
            model_refs |= ra.refs
            returns = cast_to = ra.expr
    stream_event: str | None = None
    if op.stream_event is not None:
        ea = models.ann(op.stream_event, f"{hint}StreamEvent", models_home(place))
        stream_event = ea.expr
        if op.response is None and stream_arg is None and not binary:
            model_refs |= ea.refs
            returns = f"AsyncStream[{stream_event}]"

    headers = dict(official.headers) if official is not None else {}
    headers.pop("x-stainless-helper-method", None)
    doc = doc_text({"description": op.summary or op.description}, deprecated=op.deprecated)
    return Method(
        op=op,
        place=place,
        positional=positional,
        keyword=keyword,
        returns=returns,
        cast_to=cast_to,
        page=page,
        item=item,
        model_refs=model_refs,
        param_refs=param_refs,
        headers={k.title() if k != "openai-beta" else "OpenAI-Beta": v for k, v in headers.items()},
        stream_event=stream_event,
        streams=streams or any(p.name == "stream" for p in op.params),
        stream_arg=stream_arg,
        doc=doc,
    )


def deprecated_variants(
    methods: list[Method], models: ModelBuilder, surface: OfficialSurface
) -> list[Method]:
    """The methods of the ``variant_of`` entries: a copy of the method they name (same operation and
    parameters) under the deprecated name, with the entry's result type (``returns``, a Python type, or
    ``returns_schema``, a spec schema declared as a response type) and never a page."""
    by_dotted = {m.place.dotted: m for m in methods}
    out: list[Method] = []
    for dotted, entry in sorted(_DEPRECATED.items()):
        base_name = entry.get("variant_of")
        if base_name is None:
            continue
        resource, _, name = dotted.rpartition(".")
        base = by_dotted.get(f"{resource}.{base_name}")
        if base is None or dotted in by_dotted:
            continue
        refs: set[str] = set()
        if "returns_schema" in entry:
            ann = models.named(entry["returns_schema"])
            returns, refs = ann.expr, set(ann.refs)
        else:
            returns = entry["returns"]
        place = MethodPlace(base.place.resource, name, surface.methods.get(dotted), "deprecated")
        out.append(
            replace(
                base, place=place, returns=returns, cast_to=returns, page=None, item=None, model_refs=refs
            )
        )
    return out


def _param_doc(description: str, schema: Schema) -> str:
    """A parameter's one-line description: its own, else its schema's (never a schema's title)."""
    text = description or str(schema.get("description") or "")
    return doc_text({"description": text}) if text else ""


def models_home(place: MethodPlace) -> str:
    return "_".join((*place.resource, place.name)) + "_response"


def build_tree(methods: list[Method]) -> ResourceNode:
    root = ResourceNode(())
    for m in methods:
        node = root
        for i, part in enumerate(m.place.resource):
            node = node.children.setdefault(part, ResourceNode(m.place.resource[: i + 1]))
        node.methods.append(m)
    # resources that carry only hand-written methods (``client.live.forks.connect``): a node under an
    # existing parent
    from ._handwritten import HELPERS

    for path in sorted(HELPERS, key=len):
        parent = root
        for part in path[:-1]:
            parent = parent.children.get(part) or ResourceNode(())
        if path and parent.path == path[:-1] and path[-1] not in parent.children:
            parent.children[path[-1]] = ResourceNode(path)
    _check(root)
    return root


def _check(node: ResourceNode) -> None:
    names = [m.name for m in node.methods]
    clash = set(names) & set(node.children) | {n for n in names if names.count(n) > 1}
    if clash:
        raise ValueError(f"name clash in {'.'.join(node.path)}: {sorted(clash)}")
    for child in node.children.values():
        _check(child)


def sort_methods(node: ResourceNode) -> None:
    node.methods.sort(key=lambda m: _ORDER.get(m.name, 50))
    for child in node.children.values():
        sort_methods(child)


_ORDER: dict[str, Any] = {"create": 0, "retrieve": 1, "update": 2, "list": 3, "delete": 4}
