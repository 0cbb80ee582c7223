"""The whole run: spec -> places -> types and methods -> files, formatted, written in place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ._emit_resources import render_resources
from ._emit_types import HEADER, render_types
from ._handwritten import EXTRA_REQUEST_TYPES, EXTRA_RESPONSE_TYPES, WEBHOOK_EVENTS
from ._models import ModelBuilder
from ._naming import MethodPlace, OfficialSurface, pascal, place_operations, snake
from ._official_names import official_packages
from ._params import ParamBuilder
from ._resources import Method, ResourceNode, build_methods, build_tree, deprecated_variants, sort_methods
from ._spec import Operation, Spec, load_spec
from .supplement import extend_surface, load_supplement, merged_document

__all__ = ["GENERATED_DIRS", "KEEP", "Plan", "generate", "plan", "render"]

GENERATED_DIRS = ("types", "resources")
#: Hand-written files inside the generated folders.
KEEP = frozenset({"types/_base.py", "types/_union.py"})
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@dataclass
class Plan:
    """Everything the generator decided, before any text is written (tests use it too)."""

    spec: Spec
    ops: list[Operation]
    places: dict[tuple[str, str], MethodPlace]
    models: ModelBuilder
    params: ParamBuilder
    methods: list[Method]
    root: ResourceNode
    webhook_events: list[str]


def plan(spec_path: Path) -> Plan:
    """Two passes: the first names every type after the spec; the official names of the result types
    found by pairing it with the official SDK (`official_packages`) then rename those classes in the
    second (``CreateChatCompletionResponse`` is declared as ``ChatCompletion``)."""
    spec = load_spec(spec_path)
    sup = load_supplement()
    spec = Spec(merged_document(spec.doc, sup))  # the supplement adds what the spec lacks; the spec wins
    surface = OfficialSurface.load()
    extend_surface(surface, sup)
    first = _plan(spec, {}, surface)
    return _plan(spec, official_renames(first), surface)


def _plan(spec: Spec, renames: dict[str, str], surface: OfficialSurface) -> Plan:
    ops = spec.operations()
    places = place_operations(ops, surface)
    models = ModelBuilder(spec, renames)
    params = ParamBuilder(spec)
    methods = build_methods(spec, ops, places, models, params)
    methods += deprecated_variants(methods, models, surface)
    _extra_types(models, params)
    root = build_tree(methods)
    sort_methods(root)
    webhook_events = declare_webhook_events(spec, models)
    return Plan(spec, ops, places, models, params, methods, root, webhook_events)


def official_renames(p: Plan) -> dict[str, str]:
    """Spec-derived class name -> the official SDK's name, for the response classes (structs and unions)
    the pairing found an official name for that no other declaration has (root package first)."""
    packages = official_packages(p.models.decls, p.params.decls, p.methods)
    taken = set(p.models.decls) | set(p.params.decls)
    out: dict[str, str] = {}
    chosen: set[str] = set()
    for package in sorted(packages, key=lambda name: (name != "", name)):
        for official, ours in packages[package].items():
            decl = p.models.decls.get(ours)
            if (
                decl is None
                or decl.kind == "alias"
                or official == ours
                or ours in out
                or ours in p.params.decls
            ):
                continue
            if official in taken or official in chosen or official.startswith("Parsed"):
                continue
            out[ours] = official
            chosen.add(official)
    return out


def declare_webhook_events(spec: Spec, models: ModelBuilder) -> list[str]:
    """Declare the payload schemas of the spec's ``webhooks`` and their union (``WEBHOOK_EVENTS``,
    tagged by ``type``); returns the event schemas' names (none when the spec has no webhooks)."""
    names: list[str] = []
    for hook in (spec.doc.get("webhooks") or {}).values():
        for operation in hook.values():
            content = ((operation.get("requestBody") or {}).get("content") or {}).get("application/json")
            name = Spec.ref_name((content or {}).get("schema"))
            if name is not None and name not in names:
                names.append(name)
    if names:
        union = {
            "description": "Any webhook event, told apart by ``type``.",
            "oneOf": [{"$ref": f"#/components/schemas/{n}"} for n in names],
            "discriminator": {"propertyName": "type"},
        }
        models.ann(union, WEBHOOK_EVENTS, snake(WEBHOOK_EVENTS))
    return names


def webhook_aliases(events: list[str]) -> dict[str, str]:
    """The official SDK's names of the webhook events: ``BatchCancelledWebhookEvent`` for the spec's
    ``WebhookBatchCancelled``."""
    return {f"{n.removeprefix('Webhook')}WebhookEvent": n for n in events if n.startswith("Webhook")}


def _extra_types(models: ModelBuilder, params: ParamBuilder) -> None:
    """Declare the schemas no operation reaches but hand-written code needs (after the operations',
    so the names those got stay the same)."""
    for name in EXTRA_RESPONSE_TYPES:
        models.named(name)
    for name in EXTRA_REQUEST_TYPES:
        params.ann({"$ref": f"#/components/schemas/{name}"}, pascal(name), f"{snake(name)}_param")


def official_aliases(methods: list[Method], models: ModelBuilder) -> dict[str, str]:
    """The official SDK's names for result types where the spec names them differently
    (``ChatCompletion`` for ``CreateChatCompletionResponse``), so imports written for it work."""
    found: dict[str, set[str]] = {}
    for m in methods:
        if m.place.official is None:
            continue
        returned = [part.strip() for part in m.place.official.returns.split(" | ")]
        first = returned[0]
        page = re.fullmatch(r"Sync\w*Page\[(\w+)\]", first)
        pairs = [(page.group(1), m.item) if page else (first, m.returns)]
        for part in returned[1:]:  # `ChatCompletion | Stream[ChatCompletionChunk]`: the event type too
            events = re.fullmatch(r"Stream\[(\w+)\]", part)
            if events is not None:
                pairs.append((events.group(1), m.stream_event))
        for official, ours in pairs:
            if official.isidentifier() and ours is not None and ours in models.decls and official != ours:
                found.setdefault(official, set()).add(ours)
    return {
        name: next(iter(targets))
        for name, targets in sorted(found.items())
        if len(targets) == 1 and name not in models.decls and name not in _TOO_GENERIC
    }


#: Official names that only make sense inside the official SDK's sub-namespaces.
_TOO_GENERIC = frozenset({"Data"})


def render(spec_path: Path) -> tuple[dict[str, str], str]:
    """Every generated file (path relative to the package -> unformatted source) and a summary."""
    p = plan(spec_path)
    ops, places, models, params, methods, root = p.ops, p.places, p.models, p.params, p.methods, p.root
    files: dict[str, str] = {}
    packages = official_packages(models.decls, params.decls, methods)
    root_names = {n: ours for n, ours in packages.get("", {}).items() if n != ours}
    root_names |= {stem: name for name, stem in models.stems.items()}  # the spec's names still import
    aliases = {**root_names, **official_aliases(methods, models), **webhook_aliases(p.webhook_events)}
    for rel, text in render_types(models.decls, params.decls, aliases, packages, models.stems).items():
        files[f"types/{rel}"] = text
    for rel, text in render_resources(root, methods).items():
        files[f"resources/{rel}"] = text
    sources = Counter(p.source for p in places.values())
    summary = (
        f"{len(ops)} operations ({dict(sources)}), {len(models.decls)} response types, "
        f"{len(params.decls)} request types, {len(p.webhook_events)} webhook events, {len(files)} files"
    )
    differences = spec_sdk_differences(methods)
    if differences:
        summary += f"\nspec and official SDK differ ({len(differences)}; the spec's side is generated):\n  "
        summary += "\n  ".join(differences)
    return files, summary


def spec_sdk_differences(methods: list[Method]) -> list[str]:
    """Official parameters a generated method lacks (the spec does not describe them: the spec wins)."""
    out: list[str] = []
    for m in methods:
        if m.place.official is None:
            continue
        ours = {a.ident for a in m.all_args} | {a.wire for a in m.all_args}
        missing = [n for n in m.place.official.params if n not in ours and n not in _OPTIONS]
        if missing:
            out.append(f"{m.place.dotted}: official parameters not in the spec: {', '.join(missing)}")
    return out


_OPTIONS = frozenset(
    {"extra_headers", "extra_query", "extra_body", "timeout", "betas", "stream", "idempotency_key"}
)


def _format(root: Path) -> None:
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(PYPROJECT)] if PYPROJECT.exists() else []
    subprocess.run(
        [*ruff, "check", "--quiet", "--fix", "--select", "I,F401", *config, str(root)],
        check=False,
        capture_output=True,
    )
    subprocess.run([*ruff, "format", "--quiet", *config, str(root)], check=True)


def generate(spec_path: Path, out: Path) -> str:
    """Write the generated folders of the package at ``out`` (stale generated files are removed)."""
    files, summary = render(spec_path)
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "pkg"
        for rel, text in files.items():
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        _format(stage)
        for folder in GENERATED_DIRS:
            target = out / folder
            if target.exists():
                for old in sorted(target.rglob("*")):
                    rel = old.relative_to(out).as_posix()
                    if old.is_file() and rel not in KEEP and rel not in files:
                        old.unlink()
                for d in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
                    if not any(d.iterdir()) or d.name == "__pycache__":
                        shutil.rmtree(d)
        for rel in files:
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            new = (stage / rel).read_text()
            if not dest.exists() or dest.read_text() != new:
                dest.write_text(new)
    assert all(text.startswith(HEADER) for text in files.values())
    return summary
