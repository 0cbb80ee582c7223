"""The official SDK's type names and import paths work unchanged (aliases of the generated types, loaded
on first use), and the classes users see in reprs and errors carry the documented names."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from tests._helpers import COMPLETION

ROOT = Path(__file__).resolve().parents[2]
FACTS = json.loads((ROOT / "tools" / "codegen" / "official_types.json").read_text())


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("trio_openai.types.chat", "ChatCompletion"),
        ("trio_openai.types.chat", "ChatCompletionChunk"),
        ("trio_openai.types.chat", "ChatCompletionMessageParam"),
        ("trio_openai.types.chat", "ChatCompletionToolParam"),
        ("trio_openai.types.chat", "ChatCompletionMessage"),
        ("trio_openai.types.responses", "Response"),
        ("trio_openai.types.responses", "ResponseStreamEvent"),
        ("trio_openai.types.responses", "ResponseInputParam"),
        ("trio_openai.types", "CreateEmbeddingResponse"),
        ("trio_openai.types", "FileObject"),
        ("trio_openai.types", "Batch"),
        ("trio_openai.types", "Model"),
        ("trio_openai.types.beta.threads", "Message"),
    ],
)
def test_official_import_paths(module: str, name: str) -> None:
    value = getattr(importlib.import_module(module), name)
    assert value is not None
    assert name in dir(importlib.import_module(module))


def test_documented_class_names_in_reprs() -> None:
    from trio_openai.types import CreateChatCompletionResponse, OpenAIFile
    from trio_openai.types.chat import ChatCompletion
    from trio_openai.types.create_chat_completion_response import CreateChatCompletionResponse as Deep

    assert ChatCompletion.__name__ == "ChatCompletion"
    assert CreateChatCompletionResponse is ChatCompletion is Deep  # the spec's names still import
    assert OpenAIFile.__name__ == "FileObject"
    value = msgspec.json.decode(msgspec.json.encode(COMPLETION), type=ChatCompletion)
    assert repr(value).startswith("ChatCompletion(")
    assert type(value.choices[0].message).__name__ == "ChatCompletionMessage"


def test_unknown_name_is_an_attribute_error() -> None:
    import trio_openai.types.chat as chat

    with pytest.raises(AttributeError, match="NoSuchType"):
        chat.NoSuchType  # noqa: B018


def test_most_official_names_of_the_main_packages_resolve() -> None:
    """Every package the official SDK has exists; the pairing finds most names of the busiest ones (the
    rest are SDK-only types: parsed results, request-params classes, endpoints outside the public spec)."""
    for package in FACTS["packages"]:
        importlib.import_module(f"trio_openai.types.{package}".rstrip("."))
    for package, floor in (("", 0.45), ("chat", 0.65), ("responses", 0.5)):
        mod = importlib.import_module(f"trio_openai.types.{package}".rstrip("."))
        names = FACTS["packages"][package]
        found = [n for n in names if hasattr(mod, n)]
        assert len(found) / len(names) >= floor, (package, len(found), len(names))


def test_import_trio_openai_loads_no_type_package() -> None:
    code = (
        "import sys, trio_openai; print(sorted(m for m in sys.modules if m.startswith('trio_openai.types.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = eval(out.stdout)  # a printed list of names
    assert not [m for m in loaded if m.split(".")[2] in {p.split(".")[0] for p in FACTS["packages"] if p}]
