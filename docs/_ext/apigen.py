"""Generates the API reference pages (``reference/api/*.rst``) at build time from the code.

It builds a client (no I/O: resources are plain objects), walks its resource tree from each
top-level attribute (``client.chat``, ``client.files`` ...) and writes one page per top-level group:
a section per resource, the async class with every method (autodoc: signature, parameters with their
types, the return type, the spec's descriptions) and the name of its blocking twin. Nothing is
committed, so the pages can never drift from the code.

Generated docstrings carry the spec's Markdown; ``process_docstring`` turns its few Markdown
constructs (backticks, links, emphasis markers) into reST so ``-W`` builds stay clean.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Any

OUT = Path("reference") / "api"
SKIP = {"with_raw_response", "with_streaming_response", "with_options"}


def _children(resource: Any) -> list[tuple[str, Any]]:
    from trio_openai._core._resource import AsyncAPIResource

    found: list[tuple[str, Any]] = []
    for name, attr in vars(type(resource)).items():
        if name.startswith("_") or name in SKIP or not isinstance(attr, cached_property):
            continue
        value = getattr(resource, name)
        if isinstance(value, AsyncAPIResource):
            found.append((name, value))
    return found


def _walk(path: tuple[str, ...], resource: Any, out: list[tuple[tuple[str, ...], type[Any]]]) -> None:
    out.append((path, type(resource)))
    for name, child in _children(resource):
        _walk((*path, name), child, out)


def _has_methods(cls: type[Any]) -> bool:
    return any(
        not n.startswith("_") and n not in SKIP and callable(v) and not isinstance(v, cached_property)
        for n, v in vars(cls).items()
    )


def _blocking_name(cls: type[Any]) -> str | None:
    import importlib

    name = cls.__name__.removeprefix("Async")
    module = importlib.import_module(cls.__module__)
    return f"{cls.__module__}.{name}" if hasattr(module, name) else None


def _page(group: str, entries: list[tuple[tuple[str, ...], type[Any]]]) -> str:
    title = f"client.{group}"
    lines = [title, "=" * len(title), ""]
    lines += [
        f".. The resources under ``client.{group}``, generated from the code by docs/_ext/apigen.py.",
        "",
        "Every method is shown on the async client (:class:`~trio_openai.AsyncOpenAI`); the blocking",
        "client (:class:`~trio_openai.OpenAI`) has the same methods on the same paths, returning the",
        "result directly (``Stream``/``SyncPage`` where the async one gives ``AsyncStream``/``AsyncPaginator``).",
        "Every method also takes the per-call options (``extra_headers``, ``extra_query``, ``extra_body``,",
        "``timeout``, ``max_retries``, ``idempotency_key``) and is reachable through",
        "``with_raw_response`` / ``with_streaming_response``.",
        "",
    ]
    for path, cls in entries:
        if not _has_methods(cls):
            continue
        dotted = "client." + ".".join(path)
        if len(path) > 1:
            lines += [dotted, "-" * len(dotted), ""]
        blocking = _blocking_name(cls)
        if blocking is not None:
            lines += [f"Blocking twin: ``{blocking}``.", ""]
        lines += [
            f".. autoclass:: {cls.__module__}.{cls.__name__}",
            "   :members:",
            "   :undoc-members:",
            f"   :exclude-members: {', '.join(sorted(SKIP))}",
            "   :no-show-inheritance:",
            "",
        ]
    return "\n".join(lines) + "\n"


def generate(srcdir: Path) -> list[str]:
    from trio_openai import AsyncOpenAI

    client = AsyncOpenAI(api_key="sk-docs", base_url="http://127.0.0.1:9/v1")
    from trio_openai.resources._tree import AsyncResourceTree

    groups = sorted(n for n, v in vars(AsyncResourceTree).items() if isinstance(v, cached_property))
    out_dir = srcdir / OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for group in groups:
        resource = getattr(client, group)
        entries: list[tuple[tuple[str, ...], type[Any]]] = []
        _walk((group,), resource, entries)
        if not any(_has_methods(cls) for _, cls in entries):
            continue
        text = _page(group, entries)
        target = out_dir / f"{group}.rst"
        if not target.exists() or target.read_text() != text:  # unchanged pages stay cached
            target.write_text(text)
        written.append(group)
    for stale in out_dir.glob("*.rst"):
        if stale.stem != "index" and stale.stem not in written:
            stale.unlink()
    index = ["API by resource", "===============", "", ".. toctree::", "   :maxdepth: 1", ""]
    index += [f"   client.{g} <{g}>" for g in written]
    text = "\n".join(index) + "\n"
    if not (out_dir / "index.rst").exists() or (out_dir / "index.rst").read_text() != text:
        (out_dir / "index.rst").write_text(text)
    return written


# -- Markdown in generated docstrings -> reST ---------------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_STARS = re.compile(r"\*\*([^*]+)\*\*")


def md_to_rst(text: str) -> str:
    """The spec's one-paragraph Markdown as reST: links, code, strong; stray markup escaped."""
    parts: list[str] = []
    pos = 0
    tokens = re.compile(rf"{_LINK.pattern}|{_CODE.pattern}|{_STARS.pattern}")
    for m in tokens.finditer(text):
        parts.append(_escape(text[pos : m.start()]))
        if m.group(1) is not None:
            label, url = m.group(1), m.group(2)
            if url.startswith("/"):
                url = "https://platform.openai.com" + url
            if url.startswith(("http://", "https://")):
                parts.append(f"`{_escape_label(label)} <{url}>`__")
            else:
                parts.append(_escape(label))
        elif m.group(3) is not None:
            parts.append(f"``{m.group(3).strip()}``" if m.group(3).strip() else "")
        else:
            parts.append(f"**{m.group(4).strip()}**")
        pos = m.end()
    parts.append(_escape(text[pos:]))
    return "".join(parts)


def _escape(s: str) -> str:
    return re.sub(r"([\\*`|_\[\]<>])", r"\\\1", s)


def _escape_label(s: str) -> str:
    return re.sub(r"([`<>])", r"\\\1", s)


def _is_generated(obj: Any) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.startswith(("trio_openai.resources", "trio_openai.types"))


def process_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    if not _is_generated(obj) or not lines:
        return
    fixed: list[str] = []
    for line in lines:
        field = re.match(r"^(\s*:(?:param|returns?|raises)[^:]*:\s*)(.*)$", line)
        if field:
            fixed.append(field.group(1) + md_to_rst(field.group(2)))
        else:
            fixed.append(md_to_rst(line))
    lines[:] = fixed


#: The public modules whose every ``__all__`` name the reference must show.
PUBLIC = ["trio_openai", "trio_openai.testing", "trio_openai.realtime", "trio_openai.lib.concurrent",
          "trio_openai.lib.streaming", "trio_openai.batch"]
_DIRECTIVE = re.compile(r"^\.\. (?:auto(?:class|function|exception|data|attribute)|autodecorator)::\s+(\S+)", re.M)
_CURRENT = re.compile(r"^\.\. currentmodule::\s+(\S+)", re.M)


def documented(srcdir: Path) -> set[str]:
    """Dotted names that the hand-written reference pages document with an autodoc directive."""
    names: set[str] = set()
    for page in (srcdir / "reference").glob("*.md"):
        current = ""
        for line in page.read_text().splitlines():
            m = _CURRENT.match(line)
            if m:
                current = m.group(1)
                continue
            m = _DIRECTIVE.match(line)
            if m:
                name = m.group(1)
                names.add(name if name.startswith("trio_openai") else f"{current}.{name}")
    return names


def generate_other(srcdir: Path) -> list[str]:
    """``reference/api/other.rst``: every public name no hand-written page shows yet (so a name
    added to an ``__all__`` is documented at once), grouped by module."""
    import importlib

    done: set[int] = set()
    for dotted in documented(srcdir):
        modname, _, name = dotted.rpartition(".")
        try:
            done.add(id(getattr(importlib.import_module(modname), name)))
        except (ImportError, AttributeError):
            continue
    lines = ["Other public names", "==================", ""]
    missing: list[str] = []
    for modname in PUBLIC:
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        rest = [
            n
            for n in getattr(module, "__all__", [])
            if not n.startswith("__") and id(getattr(module, n)) not in done
        ]
        done.update(id(getattr(module, n)) for n in rest)
        if not rest:
            continue
        lines += [f"``{modname}``", "-" * (len(modname) + 4), "", f".. currentmodule:: {modname}", ""]
        for name in rest:
            obj = getattr(module, name)
            kind = "autoclass" if isinstance(obj, type) else "autofunction" if callable(obj) else "autodata"
            lines += [f".. {kind}:: {name}"]
            lines += ["   :members:"] if kind == "autoclass" else ["   :no-value:"] if kind == "autodata" else []
            lines.append("")
            missing.append(f"{modname}.{name}")
    if not missing:
        lines += ["Every public name is documented on the pages above."]
    text = "\n".join(lines) + "\n"
    target = srcdir / OUT / "other.rst"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return missing


def _single_signature_for_generated_methods() -> None:
    """Generated methods overloaded on ``stream`` show one signature (the implementation: its
    parameter list carries the types and descriptions), not three copies of forty parameters.
    autodoc takes overloads from the module analyzer, so generated modules report none."""
    from sphinx.pycode import ModuleAnalyzer

    original = ModuleAnalyzer.analyze
    if getattr(original, "_generated_overloads_hidden", False):
        return

    def analyze(self: Any) -> None:
        original(self)
        if self.modname.startswith("trio_openai.resources"):
            self.overloads = {}

    analyze._generated_overloads_hidden = True  # type: ignore[attr-defined]
    ModuleAnalyzer.analyze = analyze  # type: ignore[method-assign]


def _builder_inited(app: Any) -> None:
    generate(Path(app.srcdir))
    generate_other(Path(app.srcdir))


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", _builder_inited)
    app.connect("autodoc-process-docstring", process_docstring)
    _single_signature_for_generated_methods()
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["documented", "generate", "generate_other", "md_to_rst"]
