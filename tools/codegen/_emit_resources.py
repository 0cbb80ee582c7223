"""Writing ``trio_openai/resources/``: a module per resource (a package when it has sub-resources),
the raw / streaming wrappers, the client's resource tree and the table of streaming operations."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ._emit_types import HEADER
from ._handwritten import ERROR_EVENT_STREAMS, HELPERS, REQUEST_HOOKS, ROOT_RESOURCES, RootResource
from ._naming import snake
from ._resources import Arg, Method, ResourceNode

# Methods the official SDK marks deprecated (``official_deprecations.json``): they warn, and the ones
# we do not generate are aliases of their replacement (``alias_of``).
_DEPRECATIONS: dict[str, dict[str, str]] = json.loads(
    Path(__file__).with_name("official_deprecations.json").read_text()
)["methods"]


def _deprecation(dotted: str) -> str | None:
    """The warning message of a deprecated method, ``None`` for the others."""
    entry = _DEPRECATIONS.get(dotted)
    return None if entry is None else entry["message"]


def _aliases(node: ResourceNode) -> list[tuple[str, str, str]]:
    """``(name, replacement, message)`` of the deprecated aliases the node's class gets."""
    prefix = ".".join(node.path) + "."
    have = {m.name for m in node.methods}
    out: list[tuple[str, str, str]] = []
    for dotted, entry in sorted(_DEPRECATIONS.items()):
        name = dotted.removeprefix(prefix)
        alias_of = entry.get("alias_of")
        if dotted.startswith(prefix) and "." not in name and name not in have and alias_of in have:
            out.append((name, entry["alias_of"], entry["message"]))
    return out


def _has_deprecations(node: ResourceNode) -> bool:
    helpers = [".".join((*node.path, h.attribute)) for h in HELPERS.get(node.path, ())]
    return (
        bool(_aliases(node))
        or any(_deprecation(m.place.dotted) for m in node.methods)
        or any(_deprecation(h) for h in helpers)
    )


def _loaded(module: str, name: str) -> str:
    """The expression that imports a hand-written helper when it runs (inside a :class:`LazyHelper`)."""
    return f'import_module("trio_openai.{module}").{name}'


def _helper_block(entries: list[tuple[str, str, str, str]]) -> list[str]:
    """Class-body lines of the hand-written helpers ``(attribute, typed, at run time, comment)``: type
    checkers see each helper itself; at run time each is a ``LazyHelper`` building it on first lookup,
    so ``lib/`` is imported when a helper is first used, not with the resource (``_core/_lazy_helper``)."""
    if not entries:
        return []
    lines = ["    if TYPE_CHECKING:"]
    lines += [f"        {attribute}: Final = {typed}{comment}" for attribute, typed, _, comment in entries]
    lines.append("    else:")
    lines += [f"        {attribute} = LazyHelper(lambda: {runtime})" for attribute, _, runtime, _ in entries]
    return lines


def _deprecated_value(node: ResourceNode, attribute: str, value: str) -> str:
    """``value`` (a hand-written helper), wrapped to warn when the official helper is deprecated."""
    message = _deprecation(".".join((*node.path, attribute)))
    return value if message is None else f"deprecated_method({message!r})({value})"


__all__ = ["render_resources"]

_TOKENS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _module_path(node: ResourceNode) -> str:
    """File path under ``resources/`` of the module defining the node's class."""
    if node.children:
        return "/".join((*node.path, f"_{node.name}.py"))
    return "/".join(node.path) + ".py"


def _package_depth(node: ResourceNode) -> int:
    """How many packages below ``trio_openai`` the node's module sits in."""
    return len(node.path) + (1 if node.children else 0)  # resources/ + parents (+ own package)


#: How the ``stream`` parameter reads in each form of a method overloaded on it.
_STREAM_PARAM = {
    "false": "{}: Literal[False] | Omit | None = omit",
    "true": "{}: Literal[True]",
    "bool": "{}: bool",
    "impl": "{}: bool | Omit | None = omit",
}


def _signature(m: Method, stream: str | None = None) -> str:
    """The parameters; ``stream`` names the overload form (see ``_STREAM_PARAM``) of a streaming method."""
    parts = ["self"]
    parts += [f"{a.ident}: {a.ann}" for a in m.positional]
    if m.keyword:
        parts.append("*")
    for a in m.keyword:
        if a is m.stream_arg and stream is not None:
            parts.append(_STREAM_PARAM[stream].format(a.ident))
        elif a.required:
            parts.append(f"{a.ident}: {a.ann}")
        elif a.ann.endswith(" | None"):
            parts.append(f"{a.ident}: {a.ann.removesuffix(' | None')} | Omit | None = omit")
        else:
            parts.append(f"{a.ident}: {a.ann} | Omit = omit")
    parts.append("**options: Unpack[RequestOptions]")
    return ", ".join(parts)


def _stream_returns(m: Method, stream_type: str) -> dict[str, str]:
    """The return annotation of each overload form (``stream_type`` is ``AsyncStream`` or ``Stream``)."""
    events = f"{stream_type}[{m.stream_event}]"
    return {
        "false": m.returns,
        "true": events,
        "bool": f"{m.returns} | {events}",
        "impl": f"{m.returns} | {events}",
    }


def _overloads(m: Method, prefix: str, stream_type: str) -> list[str]:
    """The three ``@overload`` stubs of a method overloaded on ``stream``."""
    returns = _stream_returns(m, stream_type)
    lines: list[str] = []
    for form in ("false", "true", "bool"):
        lines += [
            "    @overload",
            f"    {prefix} {m.name}({_signature(m, form)}) -> {returns[form]}: ...",
            "",
        ]
    return lines


def _stream_factory(event: str) -> str:
    """The module constant holding ``AsyncStream.factory(event)``."""
    return f"_{snake(event).upper()}_STREAM"


def _given_dict(var: str, fixed: list[str], args: list[Arg]) -> list[str]:
    """Lines building ``var``: the ``fixed`` items, then each of ``args`` only when the caller gave it
    (not ``omit`` / ``NOT_GIVEN``; ``None`` is kept). Cheaper per call than a dict of every parameter
    filtered afterwards: an omitted parameter costs one identity check."""
    if any(a.ident == var for a in args):
        raise ValueError(f"a parameter is named {var!r}, the name of the generated local")
    lines = [f"        {var}: dict[str, object] = {{{', '.join(fixed)}}}"]
    for a in args:
        lines.append(f"        if {a.ident} is not omit and {a.ident} is not NOT_GIVEN:")
        lines.append(f'            {var}["{a.wire}"] = {a.ident}')
    return lines


def _path_expr(m: Method) -> str:
    path = m.op.path
    by_wire = {a.wire: a for a in m.all_args if a.location == "path"}
    if not by_wire:
        return f'"{path}"'

    def sub(match: re.Match[str]) -> str:
        a = by_wire[match.group(1)]
        return f"{{path_param({a.ident}, '{a.ident}')}}"

    return 'f"' + re.sub(r"\{([^}]*)\}", sub, path) + '"'


def _docstring(m: Method) -> list[str]:
    """The method's docstring, indented for a method body."""
    doc = m.docstring
    if not doc:
        return []
    if len(doc) == 1:
        return [f'        """{doc[0]}"""']
    return [f'        """{doc[0]}', *(f"        {line}" if line else "" for line in doc[1:]), '        """']


def _method_code(m: Method, cls_name: str) -> str:
    if m.stream_event is not None and not m.stream_event.isidentifier():
        raise ValueError(f"{m.place.dotted}: stream event type {m.stream_event!r} is not a name")
    query = [a for a in m.all_args if a.location == "query"]
    body = [a for a in m.all_args if a.location == "body"]
    header_args = [a for a in m.all_args if a.location == "header"]
    fixed = dict(m.op.fixed_query)
    lines: list[str] = []
    is_list = m.page is not None
    prefix = "def" if is_list else "async def"
    message = _deprecation(m.place.dotted)
    if m.overloaded:
        lines += _overloads(m, prefix, "AsyncStream")
        returns = _stream_returns(m, "AsyncStream")["impl"]
        if message:
            lines.append(f"    @deprecated_method({message!r})")
        lines.append(f"    {prefix} {m.name}({_signature(m, 'impl')}) -> {returns}:")
    else:
        if message:
            lines.append(f"    @deprecated_method({message!r})")
        lines.append(f"    {prefix} {m.name}({_signature(m)}) -> {m.returns}:")
    lines += _docstring(m)
    lines.append(f'        if options:\n            reject_unknown_options(options, "{cls_name}.{m.name}")')
    call_kw: list[str] = []
    if query or fixed:
        items = [f'"{k}": {v!r}' for k, v in fixed.items()]
        if query:
            lines += _given_dict("query_", items, query)
            call_kw.append("query=query_")
        else:
            call_kw.append(f"query={{{', '.join(items)}}}")
    if body:
        lines += _given_dict("body_", [], body)
        call_kw.append("body=body_")
        hook = REQUEST_HOOKS.get(m.place.dotted)
        if hook is not None:
            lines.append(f"        post_parser = {hook.name}(body_)")
            call_kw.append("post_parser=post_parser")
    elif m.op.method in ("post", "put", "patch") and m.op.body is not None:
        call_kw.append("body={}")
    if m.op.multipart:
        call_kw.append("multipart=True")
    if m.headers or header_args:
        items = [f'"{k}": {v!r}' for k, v in sorted(m.headers.items())]
        items += [
            f'"{a.wire}": '
            + (
                f'omit if isinstance({a.ident}, Omit) else ",".join({a.ident})'
                if a.ann.startswith("Iterable[")
                else a.ident
            )
            for a in header_args
        ]
        expr = f"{{{', '.join(items)}}}"
        if header_args:
            expr = f"cast('dict[str, str]', strip_not_given({expr}))"
        call_kw.append(f"headers={expr}")
    call_kw.append("options=options")
    if "AdminApiKeyAuth" in m.op.security:  # sent with the admin key (``admin_api_key``), as officially
        call_kw.append("admin=True")
    if m.overloaded:
        assert m.stream_event is not None and m.stream_arg is not None
        call_kw.append(f"stream_cls={_stream_factory(m.stream_event)} if {m.stream_arg.ident} else None")
    elif m.always_streams:
        assert m.stream_event is not None
        call_kw.append(f"stream_cls={_stream_factory(m.stream_event)}")
    elif m.place.dotted in REQUEST_HOOKS and not body:
        raise ValueError(f"{m.place.dotted}: a request hook needs a request body")
    path = _path_expr(m)
    if is_list:
        method_kw = [] if m.op.method == "get" else [f'method="{m.op.method}"']
        args = ", ".join([path, f"page={m.cast_to}", *method_kw, *call_kw])
        lines.append(f"        return self._client._get_api_list({args})")
    else:
        args = ", ".join([f'"{m.op.method}"', path, f"cast_to={m.cast_to}", *call_kw])
        lines.append(f"        return await self._client._request({args})")
    return "\n".join(lines)


#: The ``with_streaming_response`` adapters of binary endpoints: ``parse()`` of the unread response
#: gives ``bytes`` (not a ``BinaryContent``), and their annotations say so.
_BINARY_STREAMED = "to_streamed_binary_response"
_SYNC_BINARY_STREAMED = "to_sync_streamed_binary"


def _is_binary(m: Method) -> bool:
    return m.returns == "BinaryContent" and m.page is None


def _sync_name(node: ResourceNode) -> str:
    """The blocking twin of ``AsyncX``: ``X``."""
    return node.class_name.removeprefix("Async")


def _async_classes(node: ResourceNode) -> list[str]:
    cls = node.class_name
    methods = node.methods
    base = _hand_written(node)
    doc = f'    """``client.{".".join(node.path)}`` of ``AsyncOpenAI``."""'
    body: list[str] = (
        [f"class {cls}(AsyncAPIResource):", doc, "", '    __slots__ = ("__dict__",)', ""]
        if base is None  # else: the generated methods join the hand-written class (`client.webhooks`)
        else [f"class {cls}(_HandWritten{base.async_class}):", doc, "", "    __slots__ = ()", ""]
    )
    for child in node.children.values():
        body += [
            "    @cached_property",
            f"    def {child.name}(self) -> {child.class_name}:",
            f"        from .{child.name} import {child.class_name}",
            "",
            f"        return {child.class_name}(self._client)",
            "",
        ]
    body += [
        "    @cached_property",
        f"    def with_raw_response(self) -> {cls}WithRawResponse:",
        f"        return {cls}WithRawResponse(self)",
        "",
        "    @cached_property",
        f"    def with_streaming_response(self) -> {cls}WithStreamingResponse:",
        f"        return {cls}WithStreamingResponse(self)",
        "",
    ]
    for m in methods:
        body += [_method_code(m, cls), ""]
    for name, target, message in _aliases(node):
        body += [f"    {name}: Final = deprecated_method({message!r})({target})", ""]
    entries = [
        (
            helper.attribute,
            _deprecated_value(node, helper.attribute, helper.name),
            _deprecated_value(node, helper.attribute, _loaded(helper.module, helper.name)),
            f"  # hand-written: trio_openai/{helper.module.replace('.', '/')}.py",
        )
        for helper in HELPERS.get(node.path, ())
    ]
    if entries:
        body += [*_helper_block(entries), ""]
    for kind, base, wrap in (
        ("WithRawResponse", "RawResponseWrapper", "to_raw_response"),
        ("WithStreamingResponse", "StreamedResponseWrapper", "to_streamed_response"),
    ):
        body += ["", f"class {cls}{kind}({base}):"]
        if not methods and not node.children:
            body.append("    pass")
        for m in methods:
            adapter = _BINARY_STREAMED if wrap == "to_streamed_response" and _is_binary(m) else wrap
            if m.overloaded and kind == "WithRawResponse":
                body += _async_raw_overloads(m, f"{adapter}({cls}.{m.name})")
            else:
                body.append(f"    {m.name}: Final = {adapter}({cls}.{m.name})")
        for name, _, _ in _aliases(node):
            body.append(f"    {name}: Final = {wrap}({cls}.{name})")
        wrapped = [f"{wrap}({cls}.{h.attribute})" for h in HELPERS.get(node.path, ()) if h.wrapped]
        body += _helper_block(
            [
                (h.attribute, value, value, "  # hand-written helper")
                for h, value in zip(
                    [h for h in HELPERS.get(node.path, ()) if h.wrapped], wrapped, strict=True
                )
            ]
        )
        for child in node.children.values():
            body += [
                "",
                "    @cached_property",
                f"    def {child.name}(self) -> {child.class_name}{kind}:",
                f"        from .{child.name} import {child.class_name}{kind}",
                "",
                f"        return {child.class_name}{kind}(self._resource.{child.name})",
            ]
    return body


def _sync_method(m: Method, async_cls: str) -> list[str]:
    message = _deprecation(m.place.dotted)
    target = f"undeprecated({async_cls}.{m.name})" if message else f"{async_cls}.{m.name}"
    deco = [f"    @deprecated_method({message!r})"] if message else []
    if m.overloaded:
        returns = _stream_returns(m, "Stream")["impl"]
        lines = _overloads(m, "def", "Stream")
        lines += deco
        lines.append(f"    def {m.name}({_signature(m, 'impl')}) -> {returns}:")
        lines += _docstring(m)
        forward = [a.ident for a in m.positional] + [f"{a.ident}={a.ident}" for a in m.keyword]
        args = ", ".join([target, *forward, "**options"])
        lines += [f"        return sync_call(self, {args})", ""]
        return lines
    if m.always_streams:
        assert m.stream_event is not None
        return [
            *deco,
            f"    def {m.name}(self, *args: Any, **kwargs: Any) -> Stream[{m.stream_event}]:",
            *([f'        """{m.doc}"""'] if m.doc else []),
            f"        return sync_call(self, {target}, *args, **kwargs)",
            "",
        ]
    adapter = "to_sync_list" if m.page is not None else "to_sync"
    if message:
        return [f"    {m.name}: Final = deprecated_method({message!r})({adapter}({target}))"]
    return [f"    {m.name}: Final = {adapter}({async_cls}.{m.name})"]


def _sync_classes(node: ResourceNode) -> list[str]:
    """The blocking client's classes: every method is the async one run in the portal
    (``_blocking/_bridge.py``). Attributes made by an adapter are declared ``Final`` so that
    ``pyright --verifytypes`` counts their (inferred) types as known."""
    acls = node.class_name
    cls = _sync_name(node)
    body: list[str] = [
        "",
        "# --- blocking client (trio_openai.OpenAI) " + "-" * 61,
        "# Each method runs the async method above in the portal (see _blocking/_bridge.py).",
        "",
        "",
    ]
    doc = f'    """``client.{".".join(node.path)}`` of the blocking ``OpenAI``."""'
    if _hand_written(node) is None:
        body += [f"class {cls}(SyncAPIResource[{acls}]):", doc, ""]
    else:  # the hand-written class is a SyncAPIResource over its own async class: narrow `_async`
        body += [
            f"class {cls}(_HandWritten{cls}):",
            doc,
            "",
            f"    _async: {acls}  # pyright: ignore[reportIncompatibleVariableOverride]",
            "",
        ]
    for child in node.children.values():
        sub = _sync_name(child)
        body += [
            "    @cached_property",
            f"    def {child.name}(self) -> {sub}:",
            f"        from .{child.name} import {sub}",
            "",
            f"        return {sub}(self._client, self._async.{child.name})",
            "",
        ]
    body += [
        "    @cached_property",
        f"    def with_raw_response(self) -> {cls}WithRawResponse:",
        f"        return {cls}WithRawResponse(self)",
        "",
        "    @cached_property",
        f"    def with_streaming_response(self) -> {cls}WithStreamingResponse:",
        f"        return {cls}WithStreamingResponse(self)",
        "",
    ]
    for m in node.methods:
        body += _sync_method(m, acls)
    for name, target, message in _aliases(node):
        body.append(f"    {name}: Final = deprecated_method({message!r})({target})")
    entries: list[tuple[str, str, str, str]] = []
    for helper in HELPERS.get(node.path, ()):
        if helper.sync_name is None:  # a coroutine function: run in the portal like the methods
            target = f"{acls}.{helper.attribute}"
            if _deprecation(".".join((*node.path, helper.attribute))):
                target = f"undeprecated({target})"
            value = _deprecated_value(node, helper.attribute, f"to_sync({target})")
            entries.append((helper.attribute, value, value, "  # hand-written helper"))
        else:
            module = helper.sync_module or helper.module
            entries.append(
                (
                    helper.attribute,
                    _deprecated_value(node, helper.attribute, helper.sync_name),
                    _deprecated_value(node, helper.attribute, _loaded(module, helper.sync_name)),
                    f"  # hand-written: trio_openai/{module.replace('.', '/')}.py",
                )
            )
    body += _helper_block(entries)
    for kind, raw, listed in (
        ("WithRawResponse", "to_sync_raw", "to_sync_raw_list"),
        ("WithStreamingResponse", "to_sync_streamed", "to_sync_streamed_list"),
    ):
        body += ["", "", f"class {cls}{kind}(SyncResponseWrapper):"]
        if not node.methods and not node.children:
            body.append("    pass")
        for m in node.methods:
            adapter = listed if m.page is not None else raw
            if raw == "to_sync_streamed" and _is_binary(m):
                adapter = _SYNC_BINARY_STREAMED
            if m.overloaded:
                body += _sync_wrapper_overloads(m, kind, f"{adapter}({acls}.{m.name})")
            else:
                body.append(f"    {m.name}: Final = {adapter}({acls}.{m.name})")
        by_name = {m.name: m for m in node.methods}
        for name, target, _ in _aliases(node):
            adapter = listed if by_name[target].page is not None else raw
            body.append(f"    {name}: Final = {adapter}({acls}.{name})")
        body += _helper_block(
            [
                (
                    h.attribute,
                    f"{raw}({acls}.{h.attribute})",
                    f"{raw}({acls}.{h.attribute})",
                    "  # hand-written helper",
                )
                for h in HELPERS.get(node.path, ())
                if h.wrapped
            ]
        )
        for child in node.children.values():
            sub = _sync_name(child)
            body += [
                "",
                "    @cached_property",
                f"    def {child.name}(self) -> {sub}{kind}:",
                f"        from .{child.name} import {sub}{kind}",
                "",
                f"        return {sub}{kind}(self._resource.{child.name})",
            ]
    return body


def _async_raw_overloads(m: Method, value: str) -> list[str]:
    """The async raw wrapper of a method overloaded on ``stream``, typed per form as it behaves: with
    ``stream=True`` the response is an ``AsyncAPIResponse`` (its body still on the wire) whose
    ``parse()`` gives the ``AsyncStream``; otherwise an ``APIResponse`` read already."""
    assert m.stream_event is not None
    events = f"AsyncAPIResponse[AsyncStream[{m.stream_event}]]"
    returns = {
        "false": f"APIResponse[{m.returns}]",
        "true": events,
        "bool": f"APIResponse[{m.returns}] | {events}",
    }
    return _wrapper_overload_block(m, returns, value, "async def")


def _sync_wrapper_overloads(m: Method, kind: str, value: str) -> list[str]:
    """A blocking raw / streaming wrapper of a method overloaded on ``stream``, typed per form as it
    behaves: with ``stream=True`` the response parses to a blocking ``Stream`` (the adapter's own
    annotation, from the async method, would say ``AsyncStream``)."""
    assert m.stream_event is not None
    events = f"Stream[{m.stream_event}]"
    if kind == "WithRawResponse":
        returns = {
            "false": f"APIResponse[{m.returns}]",
            "true": f"SyncAPIResponse[{events}]",
            "bool": f"APIResponse[{m.returns}] | SyncAPIResponse[{events}]",
        }
    else:
        returns = {
            "false": f"ResponseContextManager[{m.returns}]",
            "true": f"ResponseContextManager[{events}]",
            "bool": f"ResponseContextManager[{m.returns}] | ResponseContextManager[{events}]",
        }
    return _wrapper_overload_block(m, returns, value, "def")


def _wrapper_overload_block(m: Method, returns: dict[str, str], value: str, define: str) -> list[str]:
    """A wrapper attribute typed per ``stream`` form (``returns``: ``false`` / ``true`` / ``bool``) for
    type checkers, and ``value`` at run time."""
    lines = ["    if TYPE_CHECKING:"]
    for form in ("false", "true", "bool"):
        lines += [
            "        @overload",
            f"        {define} {m.name}({_signature(m, form)}) -> {returns[form]}: ...",
            "",
        ]
    lines += [f"        {define} {m.name}({_signature(m, 'impl')}) -> {returns['bool']}: ...", "    else:"]
    lines.append(f"        {m.name} = {value}")
    return lines


def _class_names(node: ResourceNode) -> list[str]:
    """Every class a resource module defines or names from its children's modules."""
    out: list[str] = []
    for n in (node, *node.children.values()):
        for base in (n.class_name, _sync_name(n)):
            out += [base, f"{base}WithRawResponse", f"{base}WithStreamingResponse"]
    return out


def _resource_module(node: ResourceNode) -> str:
    depth = _package_depth(node)
    up = "." * (depth + 1)
    cls = node.class_name
    methods = node.methods
    names = set(node.children) | {m.name for m in methods}
    for helper in HELPERS.get(node.path, ()):
        if helper.attribute in names:
            raise ValueError(f"helper {helper.attribute!r} clashes in {'.'.join(node.path)}")
    body = _async_classes(node) + _sync_classes(node)
    text = "\n".join(body) + "\n"
    used = set(_TOKENS.findall(text))

    events = sorted(
        {m.stream_event for m in methods if (m.overloaded or m.always_streams) and m.stream_event is not None}
    )
    model_refs = sorted({r for m in methods for r in m.model_refs} | set(events))
    param_refs = sorted({r for m in methods for r in m.param_refs})
    clash = set(_class_names(node)) & (set(model_refs) | set(param_refs))
    if clash:
        raise ValueError(f"class names clash with type names in {'.'.join(node.path)}: {sorted(clash)}")
    head = [HEADER.rstrip("\n")]
    if "NOT_GIVEN" in used:
        # Each parameter is checked against both sentinels whatever its declared type, so that a
        # caller passing one where the annotation does not allow it still gets it left out.
        head.append("# pyright: reportUnnecessaryComparison=false")
    head += ["", f'"""``client.{".".join(node.path)}``."""', "", "from __future__ import annotations", ""]
    abc_names = [n for n in ("Iterable",) if n in used]
    if abc_names:
        head.append(f"from collections.abc import {', '.join(abc_names)}")
    head.append("from functools import cached_property")
    if HELPERS.get(node.path):
        head.append("from importlib import import_module")
    typing_names = [
        n for n in ("TYPE_CHECKING", "Any", "Final", "Literal", "Unpack", "cast", "overload") if n in used
    ]
    if node.children or param_refs or "FileTypes" in used or HELPERS.get(node.path):
        typing_names = sorted({*typing_names, "TYPE_CHECKING"}, key=str.lower)
    if typing_names:
        head.append(f"from typing import {', '.join(typing_names)}")
    head.append("")
    opt = [n for n in ("NOT_GIVEN", "Omit", "RequestOptions", "omit", "reject_unknown_options") if n in used]
    if opt:
        head.append(f"from {up}_core._options import {', '.join(opt)}")
    pag = sorted(
        {n for n in used if n.startswith("Async") and n.endswith("Page")}
        | ({"AsyncPaginator"} if "AsyncPaginator" in used else set())
    )
    if _has_deprecations(node):
        head.append(f"from {up}_core._deprecation import deprecated_method, undeprecated")
    if pag:
        head.append(f"from {up}_core._pagination import {', '.join(pag)}")
    req = [n for n in ("path_param", "strip_not_given") if n in used]
    if req:
        head.append(f"from {up}_core._request import {', '.join(req)}")
    head.append(
        f"from {up}_core._resource import (AsyncAPIResource, RawResponseWrapper, StreamedResponseWrapper,"
        " to_raw_response, to_streamed_response)"
    )
    if _BINARY_STREAMED in used:
        head.append(f"from {up}_core._resource import {_BINARY_STREAMED}")
    if _SYNC_BINARY_STREAMED in used:
        head.append(f"from {up}_blocking._binary import {_SYNC_BINARY_STREAMED}")
    if "BinaryContent" in used:
        head.append(f"from {up}_core._response import BinaryContent")
    hand = _hand_written(node)
    if hand is not None:
        head.append(
            f"from {up}{hand.module} import {hand.async_class} as _HandWritten{hand.async_class}, "
            f"{hand.sync_class} as _HandWritten{hand.sync_class}"
        )
    if "AsyncStream" in used:
        head.append(f"from {up}_core._streaming import AsyncStream")
    bridge = [
        n
        for n in (
            "SyncAPIResource",
            "SyncResponseWrapper",
            "sync_call",
            "to_sync",
            "to_sync_list",
            "to_sync_raw",
            "to_sync_raw_list",
            "to_sync_streamed",
            "to_sync_streamed_list",
        )
        if n in used
    ]
    head.append(f"from {up}_blocking._bridge import ({', '.join(bridge)},)")
    if "Stream" in used:
        head.append(f"from {up}_blocking._stream import Stream")
    core_response = [n for n in ("APIResponse", "AsyncAPIResponse") if n in used]
    if core_response:
        head.append(f"from {up}_core._response import {', '.join(core_response)}")
    blocking_response = [n for n in ("ResponseContextManager", "SyncAPIResponse") if n in used]
    if blocking_response:
        head.append(f"from {up}_blocking._response import {', '.join(blocking_response)}")
    for hook in {REQUEST_HOOKS[m.place.dotted] for m in methods if m.place.dotted in REQUEST_HOOKS}:
        head.append(f"from {up}{hook.module} import {hook.name}")
    helpers = HELPERS.get(node.path, ())
    if helpers:
        head.append(f"from {up}_core._lazy_helper import LazyHelper")
    if "OpenEnum" in used:
        head.append(f"from {up}types._union import OpenEnum")
    for r in model_refs:
        head.append(f"from {up}types import {r}")
    if node.children or param_refs or "FileTypes" in used or helpers:
        head += ["", "if TYPE_CHECKING:"]
        for helper in helpers:  # at run time a LazyHelper imports each on first use
            head.append(f"    from {up}{helper.module} import {helper.name}")
            if helper.sync_name is not None:
                head.append(f"    from {up}{helper.sync_module or helper.module} import {helper.sync_name}")
        if "FileTypes" in used:
            head.append(f"    from {up}_core._request import FileTypes")
        for r in param_refs:
            head.append(f"    from {up}types import {r}")
        for child in node.children.values():
            children = [f"{b}{k}" for b in (child.class_name, _sync_name(child)) for k in _WRAPPER_KINDS]
            head.append(f"    from .{child.name} import {', '.join(children)}")
    head += ["", f'__all__ = ["{cls}", "{_sync_name(node)}"]', ""]
    head += [
        f"{_stream_factory(e)} = AsyncStream.factory({e}{', error_events=True' if e in ERROR_EVENT_STREAMS else ''})"
        for e in events
    ]
    head += ["", ""]
    return "\n".join(head) + text


_WRAPPER_KINDS = ("", "WithRawResponse", "WithStreamingResponse")


def _tree_module(root: ResourceNode) -> str:
    lines = [
        HEADER,
        '"""The top-level resources of a client, each built on first access."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING, Any, cast",
        "",
        "if TYPE_CHECKING:",
        "    from .._blocking._interfaces import BlockingClient",
        "    from .._client import AsyncOpenAI",
        "    from .._core._interfaces import ResourceClient",
    ]
    for child in root.children.values():
        lines.append(f"    from .{child.name} import {child.class_name}, {_sync_name(child)}")
    for extra in _extra_roots(root):
        lines.append(f"    from ..{extra.module} import {extra.async_class}, {extra.sync_class}")
    lines += ["", '__all__ = ["AsyncResourceTree", "ResourceTree"]', "", "", "class AsyncResourceTree:"]
    for child in root.children.values():
        lines += [
            "    @cached_property",
            f"    def {child.name}(self: ResourceClient) -> {child.class_name}:",
            f"        from .{child.name} import {child.class_name}",
            "",
            f"        return {child.class_name}(self)",
            "",
        ]
    for extra in _extra_roots(root):
        lines += [
            "    @cached_property",
            f"    def {extra.name}(self: ResourceClient) -> {extra.async_class}:",
            f"        from ..{extra.module} import {extra.async_class}  # hand-written",
            "",
            f"        return {extra.async_class}(self)",
            "",
        ]
    lines += [
        "",
        "# --- blocking client (trio_openai.OpenAI) " + "-" * 61,
        "# Each property pairs the blocking resource with the async client's resource of the same name.",
        "",
        "",
        "class ResourceTree:",
        "    _async: AsyncOpenAI",
        "",
        "    def _sync_client(self) -> BlockingClient:  # the OpenAI this tree is a base of",
        '        return cast("BlockingClient", cast(Any, self))',
        "",
    ]
    for child in root.children.values():
        sub = _sync_name(child)
        lines += [
            "    @cached_property",
            f"    def {child.name}(self) -> {sub}:",
            f"        from .{child.name} import {sub}",
            "",
            f"        return {sub}(self._sync_client(), self._async.{child.name})",
            "",
        ]
    for extra in _extra_roots(root):
        lines += [
            "    @cached_property",
            f"    def {extra.name}(self) -> {extra.sync_class}:",
            f"        from ..{extra.module} import {extra.sync_class}  # hand-written",
            "",
            f"        return {extra.sync_class}(self._sync_client(), self._async.{extra.name})",
            "",
        ]
    return "\n".join(lines)


def _streaming_table(methods: list[Method]) -> str:
    rows = sorted((m.place.dotted, m.stream_event) for m in methods if m.stream_event is not None)
    lines = [
        HEADER,
        '"""Operations that can answer with server-sent events, and the type of their events.',
        "",
        "The methods taking a ``stream`` flag are overloaded on it: ``stream=True`` gives an ``AsyncStream`` of",
        "these events (the blocking client: a ``Stream``).",
        '"""',
        "",
        "STREAMING_OPERATIONS: dict[str, str] = {",
    ]
    lines += [f'    "{path}": "{event}",' for path, event in rows]
    lines += ["}", ""]
    return "\n".join(lines)


def _walk(node: ResourceNode) -> list[ResourceNode]:
    out = [node]
    for child in node.children.values():
        out += _walk(child)
    return out


def _hand_written(node: ResourceNode) -> RootResource | None:
    """The hand-written top-level resource a generated one extends (the supplement gives
    ``client.webhooks`` endpoints beside its hand-written ``unwrap``)."""
    if len(node.path) != 1:
        return None
    return next((r for r in ROOT_RESOURCES if r.name == node.path[0]), None)


def _extra_roots(root: ResourceNode) -> list[RootResource]:
    return [r for r in ROOT_RESOURCES if r.name not in root.children]


def render_resources(root: ResourceNode, methods: list[Method]) -> dict[str, str]:
    files: dict[str, str] = {
        "__init__.py": f'{HEADER}"""API resources (``client.models``, ``client.chat.completions`` ...)."""\n',
        "_tree.py": _tree_module(root),
        "_streaming_ops.py": _streaming_table(methods),
    }
    for node in _walk(root)[1:]:
        files[_module_path(node)] = _resource_module(node)
        if node.children:
            init = "/".join((*node.path, "__init__.py"))
            exported = [f"{b}{k}" for b in (node.class_name, _sync_name(node)) for k in _WRAPPER_KINDS]
            files[init] = f'{HEADER}"""``client.{".".join(node.path)}``."""\n\n' + "".join(
                f"from ._{node.name} import {n} as {n}\n" for n in exported
            )
    return files
