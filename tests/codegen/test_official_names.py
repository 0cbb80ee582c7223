"""The official SDK's type names (recorded in ``tools/codegen/official_types.json``) import from the same
module paths, name the same kind of thing, and no generated name is a naming artefact."""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, is_typeddict

import msgspec
import pytest

import trio_openai.types as types_root
from tools.codegen._naming import ARTEFACT
from tools.codegen._official_names import TYPES_FILE
from trio_openai.types._union import _UnionMeta

DATA: dict[str, Any] = json.loads(TYPES_FILE.read_text())
SHAPES: dict[str, Any] = DATA["shapes"]
TYPES_DIR = Path(types_root.__file__).parent

#: Official names with no counterpart yet: mostly the ``*Params`` keyword bundles of the official methods
#: (trio_openai's methods take the keywords; no TypedDict of them is generated) and types of endpoints or
#: fields the spec does not describe. The figure only goes down.
UNPAIRED_AT_MOST = 650
#: Official names a different spec schema already has: the spec's ``Moderation`` (a response's
#: input / output moderation) is not the official ``Moderation`` (a moderation result, here
#: ``CreateModerationResponseResultsItem``).
SQUATTED = {":Moderation"}


def _official() -> Iterator[tuple[str, str, str]]:
    for package, names in DATA["packages"].items():
        for name, key in names.items():
            yield package, name, key


def _package(package: str) -> Any:
    return importlib.import_module("trio_openai.types" + (f".{package}" if package else ""))


def _resolved() -> Iterator[tuple[str, str, str, Any]]:
    for package, name, key in _official():
        value = getattr(_package(package), name, None)
        if value is not None:
            yield package, name, key, value


def test_official_names_resolve() -> None:
    missing = [f"{p}:{n}" for p, n, _ in _official() if getattr(_package(p), n, None) is None]
    total = sum(1 for _ in _official())
    assert len(missing) <= UNPAIRED_AT_MOST, f"{len(missing)} of {total} unpaired: {missing}"
    # the names the drop-in promise starts from
    for package, name in [
        ("chat", "ChatCompletion"),
        ("chat", "ChatCompletionChunk"),
        ("chat", "ChatCompletionMessageParam"),
        ("chat", "ChatCompletionToolParam"),
        ("responses", "Response"),
        ("responses", "ResponseStreamEvent"),
        ("", "CreateEmbeddingResponse"),
        ("", "FileObject"),
        ("", "Batch"),
        ("", "Model"),
        ("admin.organization.projects", "ProjectAPIKey"),
        ("beta", "AgentSessionItem"),
        ("audio", "Transcription"),
    ]:
        assert getattr(_package(package), name, None) is not None, f"{package}:{name}"


def _is_class(value: Any) -> bool:
    return inspect.isclass(value) and (issubclass(value, msgspec.Struct) or is_typeddict(value))


def test_official_names_are_the_same_kind() -> None:
    """A class where the official SDK has a class (a model for a model, a TypedDict for a TypedDict),
    never a class where it has a union or an alias."""
    wrong: list[str] = []
    for package, name, key, value in _resolved():
        official_class = key in SHAPES
        request = official_class and bool(SHAPES[key].get("request"))
        if official_class and not _is_class(value):
            wrong.append(f"{package}:{name} is a class officially, here {value!r}")
        elif official_class and is_typeddict(value) != request:
            wrong.append(
                f"{package}:{name}: {'TypedDict' if request else 'model'} officially, here {value!r}"
            )
        elif not official_class and inspect.isclass(value) and issubclass(value, msgspec.Struct):
            wrong.append(f"{package}:{name} is a union or alias officially, here the class {value.__name__}")
    assert not wrong, "\n".join(wrong)


def test_official_classes_carry_the_official_name() -> None:
    """Where an official name is a class here, its fields agree with the official class's."""
    for package, name, key, value in _resolved():
        if key not in SHAPES or not _is_class(value) or f"{package}:{name}" in SQUATTED:
            continue
        official = set(str(SHAPES[key]["fields"]).split())
        if is_typeddict(value):
            ours = set(value.__required_keys__ | value.__optional_keys__)
        else:
            ours = set(value.__struct_encode_fields__)
        if official and ours:
            assert 2 * len(official & ours) >= min(len(official), len(ours)), f"{package}:{name}: {value}"


def test_case_variant_and_union_names() -> None:
    from trio_openai.types import ProjectApiKey
    from trio_openai.types.admin.organization.projects import ProjectAPIKey
    from trio_openai.types.beta import AgentSessionItem, AgentSessionMessage
    from trio_openai.types.responses import Response

    assert ProjectAPIKey.__name__ == "ProjectAPIKey"
    assert ProjectApiKey is ProjectAPIKey  # the spec's spelling still imports
    assert Response.__name__ == "Response"
    assert isinstance(AgentSessionItem, _UnionMeta)  # a union officially, a union marker here
    assert inspect.isclass(AgentSessionMessage) and issubclass(AgentSessionMessage, msgspec.Struct)
    message = msgspec.convert({"type": "message", "role": "user", "content": []}, AgentSessionMessage)
    assert isinstance(message, AgentSessionItem)
    assert repr(ProjectAPIKey(id="k", name="n")).startswith("ProjectAPIKey(")


def _public_names() -> Iterator[tuple[str, Any]]:
    for name in dir(types_root):
        yield name, getattr(types_root, name)
    for package in DATA["packages"]:
        if package:
            module = _package(package)
            for name in dir(module):
                yield f"{package}.{name}", getattr(module, name)


def test_no_artefact_names() -> None:
    """No counter (``Error2``, ``InputFileContentParam2``) or variant position (``...Variant1Param``) in
    a public name, a class's own name or a module name, but where the official SDK spells it so."""
    official = {name for _, name, _ in _official()}
    official_modules = {key.partition(":")[0].rpartition(".")[2] for _, _, key in _official()}
    bad: list[str] = []
    for public, value in _public_names():
        own = getattr(value, "__name__", "") if inspect.isclass(value) else ""
        for name in (public.rpartition(".")[2], own):
            if name and ARTEFACT.search(name) and name not in official:
                bad.append(f"{public} ({own})")
    for path in TYPES_DIR.rglob("*.py"):
        if ARTEFACT.search(path.stem) and path.stem not in official_modules:
            bad.append(str(path.relative_to(TYPES_DIR)))
    assert not bad, bad


@pytest.mark.parametrize("name", ["Error2", "InputFileContentParam2", "ResponseStreamOptionsVariant1Param"])
def test_the_artefact_pattern_catches(name: str) -> None:
    assert ARTEFACT.search(name)
    assert not ARTEFACT.search("ResponseStreamOptionsParam")
