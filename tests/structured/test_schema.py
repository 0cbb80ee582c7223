"""Strict JSON schemas from types: every accepted kind, the strict-mode rules, the rejections."""

from __future__ import annotations

import dataclasses
import enum
from typing import Annotated, Any, Literal, TypedDict

import msgspec
import pytest

from trio_openai.lib.structured import StructuredOutputError, output_type, strict_json_schema


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Step(msgspec.Struct):
    """One step of the reasoning."""

    explanation: str
    output: str | None = None
    weight: float = 1.0


class Plan(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(description="A short title")]
    steps: list[Step]
    color: Color
    priority: Priority
    kind: Literal["draft", "final"]


class Node(msgspec.Struct):
    name: str
    children: list[Node]


@dataclasses.dataclass
class Point:
    x: float
    y: float


class Movie(TypedDict):
    title: str
    year: int


class Cat(msgspec.Struct, tag=True):
    lives: int


class Dog(msgspec.Struct, tag=True):
    good: bool


def _objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found += _objects(value)
    elif isinstance(node, list):
        for value in node:
            found += _objects(value)
    return found


def _assert_strict(schema: dict[str, Any]) -> None:
    assert schema["type"] == "object"
    objects = _objects(schema)
    assert objects
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    assert "default" not in repr(schema)


def test_struct_all_fields_required_optional_is_nullable() -> None:
    schema = strict_json_schema(Step)
    _assert_strict(schema)
    assert schema["required"] == ["explanation", "output", "weight"]
    assert schema["properties"]["output"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert schema["description"] == "One step of the reasoning."
    assert "$defs" not in schema


def test_nested_models_enums_literals_through_defs() -> None:
    schema = strict_json_schema(Plan)
    _assert_strict(schema)
    assert schema["properties"]["steps"] == {"type": "array", "items": {"$ref": "#/$defs/Step"}}
    assert schema["properties"]["title"]["description"] == "A short title"
    assert schema["$defs"]["Color"] == {"title": "Color", "enum": ["blue", "red"], "type": "string"}
    assert schema["$defs"]["Priority"]["type"] == "integer"
    assert schema["properties"]["kind"] == {"enum": ["draft", "final"], "type": "string"}
    assert set(schema["$defs"]) == {"Step", "Color", "Priority"}


def test_recursive_model_keeps_its_own_definition() -> None:
    schema = strict_json_schema(Node)
    _assert_strict(schema)
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    assert schema["$defs"]["Node"]["additionalProperties"] is False
    value = output_type(Node).decode('{"name":"a","children":[{"name":"b","children":[]}]}')
    assert value == Node("a", [Node("b", [])])


def test_dataclass_and_typeddict() -> None:
    _assert_strict(strict_json_schema(Point))
    assert output_type(Point).decode('{"x":1,"y":2.5}') == Point(1.0, 2.5)
    movie = strict_json_schema(Movie)
    _assert_strict(movie)
    assert output_type(Movie).decode('{"title":"Up","year":2009}') == {"title": "Up", "year": 2009}


@pytest.mark.parametrize(
    ("tp", "text", "expected"),
    [
        (list[Step], '{"value":[{"explanation":"e","output":null,"weight":2}]}', [Step("e", None, 2.0)]),
        (Color, '{"value":"blue"}', Color.BLUE),
        (Literal["yes", "no"], '{"value":"no"}', "no"),
        (Cat | Dog, '{"value":{"type":"Dog","good":true}}', Dog(True)),
    ],
)
def test_non_object_roots_are_wrapped_and_unwrapped(tp: Any, text: str, expected: Any) -> None:
    target = output_type(tp)
    assert target.wrapped
    assert target.schema["required"] == ["value"]
    _assert_strict(target.schema)
    assert target.decode(text) == expected


def test_tagged_union_has_no_discriminator_keyword() -> None:
    schema = strict_json_schema(Cat | Dog)
    assert "discriminator" not in repr(schema)
    assert schema["$defs"]["Cat"]["properties"]["type"] == {"enum": ["Cat"], "type": "string"}


def test_schema_is_cached_per_type_and_copied_for_callers() -> None:
    assert output_type(Plan) is output_type(Plan)
    copy = strict_json_schema(Plan)
    copy["properties"].clear()
    assert output_type(Plan).schema["properties"]


def test_names_fit_the_api_pattern() -> None:
    assert output_type(Plan).name == "Plan"
    assert output_type(list[Step]).name == "list_Step"
    assert output_type(Cat | Dog).name == "Cat_or_Dog"


class WithDict(msgspec.Struct):
    meta: dict[str, int]


class WithAny(msgspec.Struct):
    inner: list[Any]


class WithTuple(msgspec.Struct):
    pair: tuple[int, int]


class Deep(msgspec.Struct):
    plan: WithDict


@pytest.mark.parametrize(
    ("tp", "where", "what"),
    [
        (WithDict, "WithDict.meta", "open dict"),
        (WithAny, "WithAny.inner", "list[Any]"),
        (WithTuple, "WithTuple.pair", "tuple"),
        (Deep, "WithDict.meta", "open dict"),
        (dict[str, str], "dict_str_str", "open dict"),
        (Any, "Any.value", "Any"),
    ],
)
def test_unsupported_constructs_name_the_field(tp: Any, where: str, what: str) -> None:
    with pytest.raises(TypeError) as info:
        output_type(tp)
    assert where in str(info.value)
    assert what in str(info.value)


def test_unsupported_python_type_is_a_type_error() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError, match="Opaque"):
        output_type(Opaque)


def test_schema_mismatch_and_invalid_json_are_typed_errors() -> None:
    target = output_type(Step)
    with pytest.raises(StructuredOutputError) as info:
        target.decode('{"explanation": 3}')
    assert info.value.kind == "schema_mismatch"
    assert info.value.raw == '{"explanation": 3}'
    assert isinstance(info.value, ValueError)
    with pytest.raises(StructuredOutputError) as info:
        target.decode('{"explanation": "cut')
    assert info.value.kind == "invalid_json"
    assert "Step" in str(info.value)


pydantic = pytest.importorskip("pydantic")  # a dev dependency: CI installs it


class PStep(pydantic.BaseModel):
    """A step."""

    explanation: str
    output: str | None = None
    n: int = 3


class PTree(pydantic.BaseModel):
    name: str
    children: list[PTree]
    color: Color
    kind: Literal["a", "b"]
    steps: list[PStep]


def test_pydantic_model_schema_matches_the_official_sdk() -> None:
    # What the official SDK's type_to_response_format_param(PTree) sends (recorded, openai 3.57.0), except
    # that it keeps "default": 3 (strict mode requires the field anyway; we drop defaults everywhere).
    step = {
        "description": "A step.",
        "properties": {
            "explanation": {"title": "Explanation", "type": "string"},
            "output": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Output"},
            "n": {"title": "N", "type": "integer"},
        },
        "required": ["explanation", "output", "n"],
        "title": "PStep",
        "type": "object",
        "additionalProperties": False,
    }
    tree_props = {
        "name": {"title": "Name", "type": "string"},
        "children": {"items": {"$ref": "#/$defs/PTree"}, "title": "Children", "type": "array"},
        "color": {"$ref": "#/$defs/Color"},
        "kind": {"enum": ["a", "b"], "title": "Kind", "type": "string"},
        "steps": {"items": {"$ref": "#/$defs/PStep"}, "title": "Steps", "type": "array"},
    }
    tree = {
        "properties": tree_props,
        "required": list(tree_props),
        "title": "PTree",
        "type": "object",
        "additionalProperties": False,
    }
    expected = {
        **tree,
        "$defs": {
            "Color": {"enum": ["red", "blue"], "title": "Color", "type": "string"},
            "PStep": step,
            "PTree": tree,
        },
    }
    assert output_type(PTree).response_format() == {
        "type": "json_schema",
        "json_schema": {"schema": expected, "name": "PTree", "strict": True},
    }


def test_pydantic_decoding_and_errors() -> None:
    target = output_type(PStep)
    assert target.decode('{"explanation":"e","output":null,"n":1}') == PStep(
        explanation="e", output=None, n=1
    )
    with pytest.raises(StructuredOutputError) as info:
        target.decode("{")
    assert info.value.kind == "invalid_json"
    with pytest.raises(StructuredOutputError) as info:
        target.decode('{"output": 1}')
    assert info.value.kind == "schema_mismatch"


class POpen(pydantic.BaseModel):
    extra: dict[str, int]


def test_pydantic_open_dict_is_rejected() -> None:
    with pytest.raises(TypeError, match=r"POpen\.extra.*open dict"):
        output_type(POpen)
