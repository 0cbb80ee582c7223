"""The layering, read from the source with the AST (nothing is imported).

Import direction (docs/architecture.md): ``types`` <- ``_core`` <- ``_blocking`` <- (``resources``,
``lib``, ``batch``, ``realtime``, ``testing``) <- the clients (``_client``, ``_sync``) <- ``__init__``.

* ``_core`` imports nothing above it, type-only imports (under ``if TYPE_CHECKING:``) and imports inside
  functions included; neither does ``_blocking``. Where a lower layer needs a higher object it names a
  Protocol of its own (``_core/_interfaces.py``: ``ResourceClient``; ``_blocking/_interfaces.py``:
  ``BlockingClient``).
* The hand-written modules have no import cycle: runtime imports (module level or inside functions)
  among them form a DAG. The generated ``types`` and ``resources`` are left out of the cycle check.

There are no exceptions: the upward references that were listed here are Protocols now.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "trio_openai"
GENERATED = ("trio_openai.types", "trio_openai.resources")
ABOVE_CORE = (
    "trio_openai._client",
    "trio_openai._sync",
    "trio_openai._blocking",
    "trio_openai.lib",
    "trio_openai.resources",
    "trio_openai.realtime",
    "trio_openai.testing",
    "trio_openai.batch",
    "trio_openai.cli",
)
ABOVE_BLOCKING = tuple(p for p in ABOVE_CORE if p != "trio_openai._blocking")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> Iterator[tuple[str, bool]]:
    """Every module ``name`` imports, with whether the import is type-only."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    type_only_nodes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for sub in node.body:
                for inner in ast.walk(sub):
                    type_only_nodes.add(id(inner))
    for node in ast.walk(tree):
        type_only = id(node) in type_only_nodes
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, type_only
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in MODULES else target), type_only


def _violations(layer: str, forbidden: tuple[str, ...]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for name, path in MODULES.items():
        if name != layer and not name.startswith(layer + "."):
            continue
        for target, _type_only in _imports(name, path):
            if target == "trio_openai" or target.startswith(forbidden):
                hit = next((p for p in forbidden if target.startswith(p)), target)
                found.add((name, hit))
    return found


def test_core_imports_nothing_above_it() -> None:
    found = _violations("trio_openai._core", ABOVE_CORE)
    assert found == set(), "_core must not import these (use a Protocol in _core/_interfaces.py)"


def test_blocking_imports_nothing_above_it() -> None:
    found = _violations("trio_openai._blocking", ABOVE_BLOCKING)
    assert found == set(), "_blocking must not import these (use a Protocol in _blocking/_interfaces.py)"


def test_the_checker_sees_an_upward_type_only_import(tmp_path: Path, monkeypatch: Any) -> None:
    probe = tmp_path / "_probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .._sync import OpenAI\n")
    monkeypatch.setitem(MODULES, "trio_openai._blocking._probe", probe)
    assert _violations("trio_openai._blocking", ABOVE_BLOCKING) == {
        ("trio_openai._blocking._probe", "trio_openai._sync")
    }


def test_the_checker_sees_type_only_and_function_level_imports(tmp_path: Path) -> None:
    probe = tmp_path / "_probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .._client import AsyncOpenAI\n"
        "def f():\n    from ..lib import concurrent\n"
    )
    found = list(_imports("trio_openai._core._probe", probe))
    assert ("trio_openai._client", True) in found
    assert ("trio_openai.lib.concurrent", False) in found


def _runtime_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if name.startswith(GENERATED):
            continue
        edges = graph.setdefault(name, set())
        for target, type_only in _imports(name, path):
            if type_only or target not in MODULES or target.startswith(GENERATED) or target == name:
                continue
            edges.add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_hand_written_modules_have_no_import_cycles() -> None:
    assert _cycles(_runtime_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
