"""Resolving type references in signatures without any inventory download (nitpicky builds).

* A private path (``trio_openai._core._options.Timeout``) or a bare name (``Timeout``) of something
  exported publicly resolves to the documented public name (``trio_openai.Timeout``).
* Standard library, trio, msgspec and httpcore2 names become plain links to those projects' docs
  (by URL: nothing is fetched at build time).
* Generated request/response types (``trio_openai.types``, 1,500 modules) are not documented one by
  one; their names are shown as code, unlinked.

Anything else still fails the build: a reference the docs make to a name that does not exist.
"""

from __future__ import annotations

import importlib
from typing import Any

from docutils import nodes

PUBLIC_MODULES = [
    "trio_openai",
    "trio_openai.testing",
    "trio_openai.realtime",
    "trio_openai.lib.concurrent",
    "trio_openai.lib.streaming",
    "trio_openai.lib.streaming.chat",
    "trio_openai.lib.streaming.responses",
    "trio_openai.batch",
]

STDLIB = {
    "collections": "collections.abc",
    "typing": "typing",
    "ssl": "ssl",
    "os": "os",
    "io": "io",
    "pathlib": "pathlib",
    "contextlib": "contextlib",
    "enum": "enum",
    "datetime": "datetime",
    "types": "types",
    "logging": "logging",
    "threading": "threading",
    "concurrent": "concurrent.futures",
    "json": "json",
    "socket": "socket",
}
BUILTINS = {"str", "int", "float", "bool", "bytes", "bytearray", "dict", "list", "tuple", "set", "object",
            "type", "None", "Exception", "BaseException", "memoryview", "frozenset", "Ellipsis"}
PROJECTS = {
    "trio": "https://trio.readthedocs.io/en/stable/reference-core.html#{}",
    "msgspec": "https://jcristlib.github.io/msgspec/api.html#{}",
    "outcome": "https://outcome.readthedocs.io/en/latest/api.html#{}",
    "httpcore2": "https://github.com/pydantic/httpx2/tree/main/src/httpcore2",
    "trio_websocket": "https://trio-websocket.readthedocs.io/en/stable/api.html#{}",
}

#: Bare names that annotations import from other projects under ``TYPE_CHECKING``.
ALIASES = {
    "WebSocketConnection": "trio_websocket.WebSocketConnection",
    "AsyncVectorStoreFiles": "trio_openai.resources.vector_stores.files.AsyncFiles",  # _polling.py
    # The Protocols the lower layers name their client by: the client that satisfies them.
    "ResourceClient": "trio_openai.AsyncOpenAI",
    "BlockingClient": "trio_openai.OpenAI",
}

_by_path: dict[str, str] = {}
_by_name: dict[str, str | None] = {}


def _index() -> None:
    if _by_path:
        return
    # The resources load their hand-written helpers (lib/, realtime/) on first use: load them all here, so that a
    # bare name in a helper's docstring is found in its module (see `_exists`).
    import pkgutil

    import trio_openai.lib
    import trio_openai.realtime

    for info in [
        *pkgutil.walk_packages(trio_openai.lib.__path__, "trio_openai.lib."),
        *pkgutil.walk_packages(trio_openai.realtime.__path__, "trio_openai.realtime."),
    ]:
        try:
            importlib.import_module(info.name)
        except ImportError:  # a module of an optional dependency that is not installed
            continue
    for modname in PUBLIC_MODULES:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        for name in getattr(module, "__all__", []):
            try:
                obj = getattr(module, name)
            except AttributeError:
                continue
            public = f"{modname}.{name}"
            qual = f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', name)}"
            _by_path.setdefault(qual, public)
            _by_path.setdefault(public, public)
            # a bare name that two public modules export differently stays ambiguous
            if name in _by_name and _by_name[name] != _by_path[qual]:
                _by_name[name] = None
            else:
                _by_name.setdefault(name, _by_path[qual])


def _external(target: str, contnode: nodes.Node) -> nodes.Node | None:
    head = target.split(".", 1)[0]
    if target in BUILTINS:
        return _link(f"https://docs.python.org/3/library/functions.html#{target}", contnode)
    if head in STDLIB:
        page = STDLIB[head]
        return _link(f"https://docs.python.org/3/library/{page}.html#{target}", contnode)
    if head in PROJECTS:
        return _link(PROJECTS[head].format(target), contnode)
    return None


def _link(url: str, contnode: nodes.Node) -> nodes.Node:
    ref = nodes.reference("", "", internal=False, refuri=url)
    ref += contnode
    return ref


def _exists(target: str) -> bool:
    """Whether the name is a real (if undocumented: private, a TypeVar) object of the package."""
    import sys

    if "." in target:
        modname, _, name = target.rpartition(".")
        module = sys.modules.get(modname)
        return module is not None and hasattr(module, name)
    return any(
        hasattr(m, target) for n, m in list(sys.modules.items()) if n.startswith("trio_openai") and m is not None
    )


def _generated(target: str) -> bool:
    if target.startswith(("trio_openai.types", "trio_openai.resources")):
        return True
    if "." in target:
        return False
    types = importlib.import_module("trio_openai.types")
    return hasattr(types, target)


def missing_reference(app: Any, env: Any, node: Any, contnode: nodes.Node) -> nodes.Node | None:
    if node.get("refdomain") != "py":
        return None
    target: str = node.get("reftarget", "")
    _index()
    target = ALIASES.get(target, target)
    public = _by_path.get(target) or (_by_name.get(target) if "." not in target else None)
    if public is None and target.startswith("trio_openai."):
        public = _by_name.get(target.rsplit(".", 1)[-1])
    if public is not None and public != target:
        domain = env.get_domain("py")
        resolved = domain.resolve_xref(
            env, node.get("refdoc", ""), app.builder, node.get("reftype", "class"), public, node, contnode
        )
        if resolved is not None:
            return resolved
    external = _external(target, contnode)
    if external is not None:
        return external
    if _generated(target) or _exists(target):
        return contnode
    return None


def setup(app: Any) -> dict[str, Any]:
    app.connect("missing-reference", missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
