"""Writing ``trio_openai/resources/``: a module per resource (a package when it has sub-resources),
the raw / streaming wrappers, the client's resource tree and the table of streaming operations."""

from __future__ import annotations

import re

from ._emit_types import HEADER
from ._resources import Arg, Method, ResourceNode

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


def _signature(m: Method) -> str:
    parts = ["self"]
    parts += [f"{a.ident}: {a.ann}" for a in m.positional]
    if m.keyword:
        parts.append("*")
    for a in m.keyword:
        if a.required:
            parts.append(f"{a.ident}: {a.ann}")
        elif a.ann.endswith(" | None"):
            parts.append(f"{a.ident}: {a.ann.removesuffix(' | None')} | Omit | None = omit")
        else:
            parts.append(f"{a.ident}: {a.ann} | Omit = omit")
    parts.append("**options: Unpack[RequestOptions]")
    return ", ".join(parts)


def _dict_literal(args: list[Arg]) -> str:
    return "{" + ", ".join(f'"{a.wire}": {a.ident}' for a in args) + "}"


def _path_expr(m: Method) -> str:
    path = m.op.path
    by_wire = {a.wire: a for a in m.all_args if a.location == "path"}
    if not by_wire:
        return f'"{path}"'

    def sub(match: re.Match[str]) -> str:
        a = by_wire[match.group(1)]
        return f"{{path_param({a.ident}, '{a.ident}')}}"

    return 'f"' + re.sub(r"\{([^}]*)\}", sub, path) + '"'


def _method_code(m: Method) -> str:
    query = [a for a in m.all_args if a.location == "query"]
    body = [a for a in m.all_args if a.location == "body"]
    header_args = [a for a in m.all_args if a.location == "header"]
    fixed = dict(m.op.fixed_query)
    lines: list[str] = []
    is_list = m.page is not None
    prefix = "def" if is_list else "async def"
    lines.append(f"    {prefix} {m.name}({_signature(m)}) -> {m.returns}:")
    if m.doc:
        lines.append(f'        """{m.doc}"""')
    call_kw: list[str] = []
    if query or fixed:
        items = [f'"{k}": {v!r}' for k, v in fixed.items()] + [f'"{a.wire}": {a.ident}' for a in query]
        if query:
            call_kw.append(f"query=strip_not_given({{{', '.join(items)}}})")
        else:
            call_kw.append(f"query={{{', '.join(items)}}}")
    if body:
        lines.append(f"        body = strip_not_given({_dict_literal(body)})")
        call_kw.append("body=body")
    elif m.op.method in ("post", "put", "patch") and m.op.body is not None:
        call_kw.append("body={}")
    if m.op.multipart:
        call_kw.append("multipart=True")
    if m.headers or header_args:
        items = [f'"{k}": {v!r}' for k, v in sorted(m.headers.items())]
        items += [f'"{a.wire}": {a.ident}' for a in header_args]
        expr = f"{{{', '.join(items)}}}"
        if header_args:
            expr = f"cast('dict[str, str]', strip_not_given({expr}))"
        call_kw.append(f"headers={expr}")
    call_kw.append("options=options")
    path = _path_expr(m)
    if is_list:
        method_kw = [] if m.op.method == "get" else [f'method="{m.op.method}"']
        args = ", ".join([path, f"page={m.cast_to}", *method_kw, *call_kw])
        lines.append(f"        return self._client._get_api_list({args})")
    else:
        args = ", ".join([f'"{m.op.method}"', path, f"cast_to={m.cast_to}", *call_kw])
        lines.append(f"        return await self._client._request({args})")
    return "\n".join(lines)


def _resource_module(node: ResourceNode) -> str:
    depth = _package_depth(node)
    up = "." * (depth + 1)
    cls = node.class_name
    methods = node.methods
    body: list[str] = [f"class {cls}(AsyncAPIResource):", '    __slots__ = ("__dict__",)', ""]
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
        body += [_method_code(m), ""]
    for kind, base, wrap in (
        ("WithRawResponse", "RawResponseWrapper", "to_raw_response"),
        ("WithStreamingResponse", "StreamedResponseWrapper", "to_streamed_response"),
    ):
        body += ["", f"class {cls}{kind}({base}):"]
        if not methods and not node.children:
            body.append("    pass")
        for m in methods:
            body.append(f"    {m.name} = {wrap}({cls}.{m.name})")
        for child in node.children.values():
            body += [
                "",
                "    @cached_property",
                f"    def {child.name}(self) -> {child.class_name}{kind}:",
                f"        from .{child.name} import {child.class_name}{kind}",
                "",
                f"        return {child.class_name}{kind}(self._resource.{child.name})",
            ]
    text = "\n".join(body) + "\n"
    used = set(_TOKENS.findall(text))

    model_refs = sorted({r for m in methods for r in m.model_refs})
    param_refs = sorted({r for m in methods for r in m.param_refs})
    head = [HEADER, f'"""``client.{".".join(node.path)}``."""', "", "from __future__ import annotations", ""]
    abc_names = [n for n in ("Iterable",) if n in used]
    if abc_names:
        head.append(f"from collections.abc import {', '.join(abc_names)}")
    head.append("from functools import cached_property")
    typing_names = [n for n in ("TYPE_CHECKING", "Any", "Literal", "Unpack", "cast") if n in used]
    if node.children or param_refs or "FileTypes" in used:
        typing_names = sorted({*typing_names, "TYPE_CHECKING"}, key=str.lower)
    if typing_names:
        head.append(f"from typing import {', '.join(typing_names)}")
    head.append("")
    opt = [n for n in ("Omit", "RequestOptions", "omit") if n in used]
    if opt:
        head.append(f"from {up}_core._options import {', '.join(opt)}")
    pag = sorted(
        {n for n in used if n.startswith("Async") and n.endswith("Page")}
        | ({"AsyncPaginator"} if "AsyncPaginator" in used else set())
    )
    if pag:
        head.append(f"from {up}_core._pagination import {', '.join(pag)}")
    req = [n for n in ("path_param", "strip_not_given") if n in used]
    if req:
        head.append(f"from {up}_core._request import {', '.join(req)}")
    head.append(
        f"from {up}_core._resource import (AsyncAPIResource, RawResponseWrapper, StreamedResponseWrapper,"
        " to_raw_response, to_streamed_response)"
    )
    if "BinaryContent" in used:
        head.append(f"from {up}_core._response import BinaryContent")
    if "OpenEnum" in used:
        head.append(f"from {up}types._union import OpenEnum")
    for r in model_refs:
        head.append(f"from {up}types import {r}")
    if node.children or param_refs or "FileTypes" in used:
        head += ["", "if TYPE_CHECKING:"]
        if "FileTypes" in used:
            head.append(f"    from {up}_core._request import FileTypes")
        for r in param_refs:
            head.append(f"    from {up}types import {r}")
        for child in node.children.values():
            head.append(
                f"    from .{child.name} import {child.class_name}, {child.class_name}WithRawResponse,"
                f" {child.class_name}WithStreamingResponse"
            )
    head += ["", f'__all__ = ["{cls}"]', "", ""]
    return "\n".join(head) + text


def _tree_module(root: ResourceNode) -> str:
    lines = [
        HEADER,
        '"""The top-level resources of a client, each built on first access."""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
    ]
    for child in root.children.values():
        lines.append(f"    from .{child.name} import {child.class_name}")
    lines += ["", '__all__ = ["AsyncResourceTree"]', "", "", "class AsyncResourceTree:"]
    for child in root.children.values():
        lines += [
            "    @cached_property",
            f"    def {child.name}(self) -> {child.class_name}:",
            f"        from .{child.name} import {child.class_name}",
            "",
            f"        return {child.class_name}(self)  # type: ignore[arg-type]",
            "",
        ]
    return "\n".join(lines)


def _streaming_table(methods: list[Method]) -> str:
    rows = sorted((m.place.dotted, m.stream_event) for m in methods if m.stream_event is not None)
    lines = [
        HEADER,
        '"""Operations that can answer with server-sent events, and the type of their events.',
        "",
        "The methods are generated in their non-streaming form for now; ``stream=True`` overloads will be",
        'generated from this table."""',
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
            files[init] = (
                f'{HEADER}"""``client.{".".join(node.path)}``."""\n\n'
                f"from ._{node.name} import {node.class_name} as {node.class_name}\n"
                f"from ._{node.name} import {node.class_name}WithRawResponse as {node.class_name}WithRawResponse\n"
                f"from ._{node.name} import {node.class_name}WithStreamingResponse as "
                f"{node.class_name}WithStreamingResponse\n"
            )
    return files
