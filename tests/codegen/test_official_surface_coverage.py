"""Every public method of the official SDK has a trio_openai counterpart, on both clients.

The official methods come from the committed facts (``tools/codegen/official_surface.json`` plus the
supplement's ``x-official-methods``), so this runs without the official package installed. The few
exceptions are listed with a reason each; the goal is none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trio_openai import AsyncOpenAI, OpenAI

CODEGEN = Path(__file__).resolve().parents[2] / "tools" / "codegen"

#: official "resource.path.method" -> why trio_openai has no such method (yet).
EXCEPTIONS: dict[str, str] = {}


def _official_methods() -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = json.loads((CODEGEN / "official_surface.json").read_text())["methods"]
    supplement = json.loads((CODEGEN / "supplement.json").read_text())
    for name, entry in supplement["x-official-methods"].items():
        if not (facts.get(name) or {}).get("http"):
            facts[name] = entry
    return facts


OFFICIAL = _official_methods()


def _lookup(root: object, dotted: str) -> object | None:
    obj: object = root
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _missing(client: object) -> list[str]:
    return sorted(name for name in OFFICIAL if name not in EXCEPTIONS and not callable(_lookup(client, name)))


def test_the_facts_cover_the_supplement_groups() -> None:
    groups = {name.rsplit(".", 1)[0] for name in OFFICIAL}
    for expected in ("beta.agents.sessions", "webhooks", "admin.organization.external_keys", "live.sessions"):
        assert expected in groups


@pytest.mark.parametrize("kind", ["async", "blocking"])
def test_every_official_method_has_a_counterpart(kind: str) -> None:
    client: object = AsyncOpenAI(api_key="k") if kind == "async" else OpenAI(api_key="k")
    try:
        assert _missing(client) == []
    finally:
        if isinstance(client, OpenAI):
            client.close()


def test_every_exception_is_still_an_exception() -> None:
    """An exception whose method has since appeared must leave the list."""
    client = OpenAI(api_key="k")
    try:
        stale = [name for name in EXCEPTIONS if callable(_lookup(client, name))]
        unknown = [name for name in EXCEPTIONS if name not in OFFICIAL]
    finally:
        client.close()
    assert stale == [] and unknown == []
