"""The generator (tools/codegen) and what it produced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec

from tools.codegen.__main__ import DEFAULT_SPEC
from tools.codegen._emit_types import HEADER
from tools.codegen._generate import GENERATED_DIRS, KEEP, generate
from tools.codegen._models import ModelBuilder
from tools.codegen._naming import OfficialMethod, OfficialSurface, pascal, place_operations, safe_ident, snake
from tools.codegen._params import ParamBuilder
from tools.codegen._spec import Spec
from trio_openai._core._decoding import decode_json

PACKAGE = Path(__file__).resolve().parents[2] / "trio_openai"


def _spec(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> Spec:
    return Spec({"paths": paths or {}, "components": {"schemas": schemas}})


# --- naming -----------------------------------------------------------------------------------------


def test_names() -> None:
    assert snake("createChatCompletion") == "create_chat_completion"
    assert snake("list-project-api-keys") == "list_project_api_keys"
    assert snake("VectorStoreFileBatchObject") == "vector_store_file_batch_object"
    assert pascal("vector_store.file") == "VectorStoreFile"
    assert pascal("Error-2") == "Error2"
    assert safe_ident("from") == "from_"
    assert safe_ident("str") == "str_"
    assert safe_ident("x-request-id") == "x_request_id"


def _official(path: str, http: tuple[str, str], **kw: Any) -> OfficialMethod:
    return OfficialMethod(
        path=path,
        http=http,
        params=kw.get("params", []),
        positional=kw.get("positional", []),
        page=kw.get("page"),
        returns=kw.get("returns", "X"),
        deprecated=kw.get("deprecated", False),
        headers=kw.get("headers", {}),
    )


def test_placement_prefers_the_plain_official_method() -> None:
    spec = _spec(
        {},
        {
            "/threads/{thread_id}/runs/{run_id}": {"get": {"operationId": "getRun", "responses": {}}},
            "/things": {"get": {"operationId": "listThings", "responses": {}}},
        },
    )
    surface = OfficialSurface(version="x")
    http = ("get", "/threads/{thread_id}/runs/{run_id}")
    for m in (
        _official("beta.threads.runs.poll", http, deprecated=True),
        _official("beta.threads.runs.retrieve", http, deprecated=True),
        _official("beta.chat.completions.retrieve", ("get", "/other")),
    ):
        surface.methods[m.path] = m
    places = place_operations(spec.operations(), surface)
    assert places[("get", "/threads/{thread_id}/runs/{run_id}")].dotted == "beta.threads.runs.retrieve"
    derived = places[("get", "/things")]
    assert (derived.dotted, derived.source) == ("things.list", "derived")


def test_every_operation_is_on_an_official_path() -> None:
    from tools.codegen._spec import load_spec

    spec = load_spec(DEFAULT_SPEC)
    ops = spec.operations()
    places = place_operations(ops, OfficialSurface.load())
    assert len(ops) == 288
    assert {p.source for p in places.values()} <= {"official", "override"}
    dotted = {p.dotted for p in places.values()}
    for expected in (
        "chat.completions.create",
        "vector_stores.file_batches.retrieve",
        "beta.threads.runs.submit_tool_outputs",
        "admin.organization.projects.users.list",
        "responses.input_items.list",
        "files.content",
    ):
        assert expected in dotted


# --- response types ---------------------------------------------------------------------------------

_SCHEMAS: dict[str, Any] = {
    "Pet": {
        "type": "object",
        "description": "A pet.\n\nMore text that is not the first paragraph.",
        "required": ["id", "kind", "from"],
        "properties": {
            "id": {"type": "string", "description": "The id."},
            "kind": {"type": "string", "enum": ["cat", "dog"]},
            "from": {"type": "string"},
            "nick": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "tags": {"type": "object", "additionalProperties": {"type": "integer"}},
            "old": {"type": "boolean", "deprecated": True, "description": "Old flag."},
            "size": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        },
    },
    "Cat": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["cat"]}, "lives": {"type": "integer"}},
    },
    "Dog": {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "enum": ["dog"]}, "good": {"type": "boolean"}},
    },
    "Animal": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
}


def test_struct_emission() -> None:
    b = ModelBuilder(_spec(_SCHEMAS))
    assert b.named("Pet").expr == "Pet"
    code = b.decls["Pet"].code
    assert code.startswith("class Pet(BaseModel, kw_only=True):")
    assert '"""A pet."""' in code
    assert 'kind: OpenEnum[Literal["cat", "dog"]] = REQUIRED' in code.replace("'", '"')
    assert 'from_: str = msgspec.field(name="from", default=REQUIRED)' in code
    assert "nick: str | None = None" in code
    assert "tags: dict[str, int] | None = None" in code
    assert '"""Deprecated. Old flag."""' in code
    assert "size: str | int | None = None" in code


def test_tagged_union_emission() -> None:
    b = ModelBuilder(_spec(_SCHEMAS))
    ann = b.named("Animal")
    assert ann.kind == "custom"
    code = b.decls["Animal"].code
    assert "if TYPE_CHECKING:\n    Animal: TypeAlias = Cat | Dog" in code
    assert "tagged_union(" in code and "'type'" in code and "'cat': Cat" in code
    assert "type: Literal['cat'] = REQUIRED" in b.decls["Cat"].code


def test_request_typeddicts() -> None:
    b = ParamBuilder(_spec(_SCHEMAS))
    ann = b.ann({"$ref": "#/components/schemas/Pet"}, "X", "x_param")
    assert ann.expr == "PetParam"
    code = b.decls["PetParam"].code
    assert code.startswith("PetParam = TypedDict(")  # "from" is a keyword: functional form
    assert "\"kind\": \"Required[Literal['cat', 'dog']]\"" in code
    assert "total=False" in code


# --- the generated package ----------------------------------------------------------------------------


def test_generated_unions_keep_unknown_variants() -> None:
    from trio_openai.types import Response, UnknownVariant

    body = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "model": "gpt-x",
        "status": "some_new_status",
        "output": [
            {"type": "message", "id": "m", "role": "assistant", "status": "completed", "content": []},
            {"type": "teleport_call", "id": "t", "where": "mars"},
        ],
        "tools": [],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    }
    r = decode_json(msgspec.json.encode(body), Response)
    assert r.status == "some_new_status"  # open enum
    assert type(r.output[0]).__name__ == "ResponseOutputMessage"  # the official name
    unknown = r.output[1]
    assert isinstance(unknown, UnknownVariant)
    assert unknown.type == "teleport_call" and unknown.raw["where"] == "mars"


def test_missing_required_field_decodes_as_none() -> None:
    from trio_openai.types import Model

    m = decode_json(b'{"id": "gpt", "object": "model", "owned_by": "me"}', Model)
    assert m.id == "gpt" and m.created is None


def test_types_load_lazily() -> None:
    code = (
        "import sys, trio_openai\n"
        "assert not any(m.startswith('trio_openai.types.') and m != 'trio_openai.types._base'"
        " for m in sys.modules), sorted(m for m in sys.modules if m.startswith('trio_openai.'))\n"
        "from trio_openai.types import Model\n"
        "assert 'trio_openai.types.model' in sys.modules\n"
        "assert 'trio_openai.types.response' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


def test_every_generated_file_has_the_header() -> None:
    for folder in GENERATED_DIRS:
        for path in (p for p in (PACKAGE / folder).rglob("*.py*") if p.suffix in (".py", ".pyi")):
            rel = path.relative_to(PACKAGE).as_posix()
            if rel not in KEEP:
                assert path.read_text().startswith(HEADER), rel


def test_rerunning_the_generator_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "trio_openai"
    generate(DEFAULT_SPEC, out)
    fresh = {
        p.relative_to(out).as_posix(): p.read_text()
        for p in out.rglob("*.py*")
        if p.suffix in (".py", ".pyi")
    }
    committed = {
        p.relative_to(PACKAGE).as_posix(): p.read_text()
        for folder in GENERATED_DIRS
        for p in (PACKAGE / folder).rglob("*.py*")
        if p.relative_to(PACKAGE).as_posix() not in KEEP and p.suffix in (".py", ".pyi")
    }
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"rerun `python -m tools.codegen`: {changed[:10]}"


# --- resources: stream overloads, blocking twins, hand-written attachments ------------------------------

_STREAM_PATHS = {
    "/things": {
        "post": {
            "operationId": "createThing",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}, "stream": {"type": "boolean"}},
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
                        "text/event-stream": {"schema": {"$ref": "#/components/schemas/ThingEvent"}},
                    }
                }
            },
        },
        "get": {
            "operationId": "listThings",
            "responses": {
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "data": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Thing"},
                                    },
                                    "has_more": {"type": "boolean"},
                                },
                            }
                        }
                    }
                }
            },
        },
    }
}
_STREAM_SCHEMAS = {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
    "ThingEvent": {"type": "object", "properties": {"type": {"type": "string"}}},
}


def test_stream_overloads_and_blocking_twins() -> None:
    from tools.codegen._emit_resources import render_resources
    from tools.codegen._resources import build_methods, build_tree, sort_methods

    spec = _spec(_STREAM_SCHEMAS, _STREAM_PATHS)
    ops = spec.operations()
    places = place_operations(ops, OfficialSurface(version="0"))
    methods = build_methods(spec, ops, places, ModelBuilder(spec), ParamBuilder(spec))
    root = build_tree(methods)
    sort_methods(root)
    create = next(m for m in methods if m.name == "create")
    assert create.overloaded and create.stream_event == "ThingEvent"
    files = render_resources(root, methods)
    text = files["things.py"]
    # three async, three blocking, three for the async raw wrapper (stream=True gives a response still
    # on the wire), three for each blocking wrapper (raw, streaming): stream=True there gives a
    # response whose parse() is a blocking Stream
    assert text.count("@overload") == 15
    assert "-> AsyncAPIResponse[AsyncStream[ThingEvent]]: ..." in text
    assert "        create = to_raw_response(AsyncThings.create)" in text
    assert "-> SyncAPIResponse[Stream[ThingEvent]]: ..." in text
    assert "-> ResponseContextManager[Stream[ThingEvent]]: ..." in text
    assert "        create = to_sync_raw(AsyncThings.create)" in text
    assert "stream: Literal[False] | Omit | None = omit" in text
    assert ") -> AsyncStream[ThingEvent]: ..." in text
    assert ") -> Thing | Stream[ThingEvent]: ..." in text
    assert "_THING_EVENT_STREAM = AsyncStream.factory(ThingEvent)" in text
    assert "stream_cls=_THING_EVENT_STREAM if stream else None" in text
    assert "return sync_call(self, AsyncThings.create, " in text and "**options)" in text
    assert "*args" not in text  # the blocking implementation states its parameters (help(), inspect)
    assert 'reject_unknown_options(options, "AsyncThings.create")' in text
    assert "list: Final = to_sync_list(AsyncThings.list)" in text
    assert "list: Final = to_sync_raw_list(AsyncThings.list)" in text
    assert "class Things(SyncAPIResource[AsyncThings]):" in text
    assert '__all__ = ["AsyncThings", "Things"]' in text
    tree = files["_tree.py"]
    assert "class ResourceTree:" in tree and "return Things(self._sync_client(), self._async.things)" in tree
    stream_table = files["_streaming_ops.py"]
    assert '"things.create": "ThingEvent"' in stream_table
