"""The porting tool for the official resource tests (``tools/official_tests``): its import rewrite,
its type-check shim and its failure classification, offline (no download, no Steady)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

import trio_openai
from tools.official_tests._port import port_source
from tools.official_tests._report import Outcome, _split, cause_of
from tools.official_tests._shim import OfficialType, assert_matches_type, official_names

SAMPLE = """\
from __future__ import annotations
import httpx2
import openai._legacy_response as _legacy_response
from openai import OpenAI, AsyncOpenAI
from openai.types.not_ours import Widget
from openai.pagination import SyncCursorPage
from tests.utils import assert_matches_type
from tests.respx2 import MockRouter

def test_x(client: OpenAI) -> None:
    pass
"""


def test_port_rewrites_official_imports_to_trio_openai_and_the_shim() -> None:
    ported = port_source(SAMPLE)
    assert "import openai" not in ported and "from openai" not in ported
    assert "from tests" not in ported
    ns: dict[str, Any] = {}
    exec(compile(ported, "ported.py", "exec"), ns)
    assert ns["OpenAI"] is trio_openai.OpenAI
    assert ns["AsyncOpenAI"] is trio_openai.AsyncOpenAI
    assert ns["SyncCursorPage"] is trio_openai.SyncCursorPage
    assert issubclass(ns["Widget"], OfficialType)  # no counterpart: a shape-checking marker
    assert ns["httpx2"].Response(200, json={"a": 1}).json == {"a": 1}
    assert issubclass(ns["_legacy_response"].HttpxBinaryResponseContent, OfficialType)


class _Thing(msgspec.Struct):
    id: str


def test_type_shim_accepts_structs_and_rejects_wrong_shapes() -> None:
    marker = official_names("openai.types.not_ours", "Thing")
    assert_matches_type(marker, _Thing(id="x"), path=["response"])
    assert_matches_type(_Thing, _Thing(id="x"), path=["response"])
    assert_matches_type(str, "s", path=["response"])
    with pytest.raises(AssertionError):
        assert_matches_type(marker, None, path=["response"])
    with pytest.raises(AssertionError):
        assert_matches_type(_Thing, {"id": "x"}, path=["response"])
    with pytest.raises(AssertionError):
        page = official_names("openai.pagination", "SyncNotOursPage")
        assert_matches_type(page[_Thing], [_Thing(id="x")], path=["response"])  # a page was due


def test_node_ids_name_the_resource_and_the_method() -> None:
    node = "official/api_resources/beta/agents/test_sessions.py::TestAsyncSessions::test_raw_response_create_with_all_params[loose]"
    assert _split(node) == ("beta.agents.sessions", "create")
    assert _split(
        "official/api_resources/test_batches.py::TestBatches::test_path_params_retrieve[strict]"
    ) == (
        "batches",
        "retrieve",
    )


def test_failures_are_classified_by_cause() -> None:
    def o(**rec: Any) -> Outcome:
        return Outcome("n", False, "beta.agents", "create", rec)

    official = {
        "beta.agents.create": {"http": ["post", "/agents"]},
        "batches.create": {"http": ["post", "/batches"]},
    }
    served = {("post", "/batches")}
    missing = o(type="AttributeError", message="'AsyncBeta' object has no attribute 'agents'")
    assert cause_of(missing, official, served) == "endpoint outside the served spec"
    assert cause_of(missing, official, {("post", "/agents")}) == "missing method"
    wrapper = o(type="AttributeError", message="'APIResponse' object has no attribute 'http_request'")
    assert cause_of(wrapper, official, {("post", "/agents")}) == "missing wrapper attribute"
    kw = o(type="TypeError", message="create() got an unexpected keyword argument 'x'")
    assert cause_of(kw, official, {("post", "/agents")}) == "missing parameter"
    bad = o(type="BadRequestError", module="trio_openai._core._errors", status=400, message="400")
    assert cause_of(bad, official, {("post", "/agents")}) == "Steady rejection"
    assert cause_of(o(type="AssertionError", message="x", when="call"), official, served) == "wrong type"
