"""The pydantic-style methods of result objects (model_dump, model_dump_json, model_copy,
model_fields_set, model_extra), with the official SDK's semantics, and what a result keeps in memory."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
import trio

from tests._helpers import make_client
from trio_openai._core import _response
from trio_openai.testing import MockRequest, MockResponse
from trio_openai.types import ChatCompletion
from trio_openai.types._base import BaseModel

COMPLETION: dict[str, Any] = {
    "id": "c",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "hi", "refusal": None, "newmsg": 1},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    "newtop": {"a": [1, None]},
}


@pytest.fixture(autouse=True)
def fresh_sampling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_response, "_looks", {})


async def fetch(body: dict[str, Any], n: int = 1, *, raw: bool = False) -> list[ChatCompletion]:
    def handler(_req: MockRequest) -> MockResponse:
        return MockResponse(json=body, headers={"x-request-id": "req_1"})

    client, _ = make_client(handler)
    out: list[ChatCompletion] = []
    async with client:
        with trio.fail_after(10):
            for _ in range(n):
                if raw:
                    response = await client.chat.completions.with_raw_response.create(model="m", messages=[])
                    out.append(response.parse())
                else:
                    out.append(await client.chat.completions.create(model="m", messages=[]))
    return out


async def test_model_dump_has_every_field_and_the_unknown_ones() -> None:
    [c] = await fetch(COMPLETION)
    dump = c.model_dump()
    assert dump["id"] == "c"
    assert dump["newtop"] == {"a": [1, None]}
    message = dump["choices"][0]["message"]
    assert message["content"] == "hi" and message["newmsg"] == 1
    # Fields the server left out are there with their defaults, as pydantic's model_dump gives them.
    assert "tool_calls" in message and message["tool_calls"] is None
    assert "system_fingerprint" in dump and dump["system_fingerprint"] is None
    assert isinstance(dump["choices"][0], dict)


async def test_exclude_unset_and_exclude_none() -> None:
    [c] = await fetch(COMPLETION)
    unset = c.model_dump(exclude_unset=True)
    assert set(unset) == {"id", "object", "created", "model", "choices", "usage", "newtop"}
    assert set(unset["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert unset["choices"][0]["message"] == {"role": "assistant", "content": "hi", "newmsg": 1}
    assert c.to_dict() == unset  # the official to_dict: API names, unset fields left out
    no_none = c.model_dump(exclude_none=True)
    assert "system_fingerprint" not in no_none
    assert no_none["newtop"] == {"a": [1, None]}  # inside lists, None stays (pydantic does the same)
    assert "tool_calls" not in no_none["choices"][0]["message"]


async def test_fields_set_and_extra() -> None:
    [c] = await fetch(COMPLETION)
    assert c.model_fields_set == {"id", "object", "created", "model", "choices", "usage"}
    assert c.model_extra == {"newtop": {"a": [1, None]}}
    message = c.choices[0].message
    assert message.model_extra == {"newmsg": 1}
    assert message.model_fields_set == {"role", "content"}
    assert c.usage is not None and c.usage.model_extra == {}


async def test_dump_json_and_modes() -> None:
    [c] = await fetch(COMPLETION)
    text = c.model_dump_json()
    assert "\n" not in text
    assert json.loads(text) == c.model_dump(mode="json")
    indented = c.model_dump_json(indent=2, exclude_unset=True)
    assert indented.startswith('{\n  "id"')
    assert json.loads(indented) == c.to_dict()
    assert json.loads(c.to_json()) == c.to_dict()
    with pytest.raises(ValueError, match="mode"):
        c.model_dump(mode="yaml")


def test_by_alias_uses_the_api_names() -> None:
    class Renamed(BaseModel, kw_only=True):
        api_key_created: int | None = msgspec.field(name="api_key.created", default=None)

    value = msgspec.json.decode(b'{"api_key.created": 5}', type=Renamed)
    assert value.model_dump() == {"api_key_created": 5}
    assert value.model_dump(by_alias=True) == {"api_key.created": 5}
    assert value.to_dict() == {"api_key.created": 5}
    assert value.to_dict(use_api_names=False) == {"api_key_created": 5}


async def test_model_copy() -> None:
    [c] = await fetch(COMPLETION)
    copied = c.model_copy(update={"model": "x", "bogus": 3})
    assert copied.model == "x" and c.model == "m"
    assert copied.model_extra == {"newtop": {"a": [1, None]}, "bogus": 3}
    assert c.model_extra == {"newtop": {"a": [1, None]}}
    assert "bogus" in copied.model_fields_set and "model" in copied.model_fields_set
    assert copied._request_id == "req_1"
    # An update to the default still counts as set, as in pydantic.
    nulled = c.model_copy(update={"system_fingerprint": None})
    assert nulled.model_dump(exclude_unset=True)["system_fingerprint"] is None
    assert nulled.to_dict()["system_fingerprint"] is None
    shallow = c.model_copy()
    assert shallow.choices is c.choices
    deep = c.model_copy(deep=True)
    assert deep.choices is not c.choices and deep.choices == c.choices
    assert deep.choices[0].message.model_extra == {"newmsg": 1}


def known_only() -> dict[str, Any]:
    plain = {k: v for k, v in COMPLETION.items() if k != "newtop"}
    plain["choices"] = [{**plain["choices"][0], "message": {"role": "assistant", "content": "x"}}]
    return plain


async def test_results_keep_no_raw_body() -> None:
    plain = known_only()
    results = await fetch(plain, 3)
    for result in results:
        assert result.__dict__ == {"_request_id": "req_1"}
        assert result.choices[0].message.__dict__ == {}


async def test_unknown_fields_are_looked_for_on_a_sample_then_on_every_result_of_that_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_response, "_LOOK_FIRST", 2)
    monkeypatch.setattr(_response, "_LOOK_EVERY", 1000)
    plain = known_only()
    looked = 0
    real = _response.note_extras

    def counting(value: object, data: object) -> bool:
        nonlocal looked
        looked += 1
        return real(value, data)

    monkeypatch.setattr(_response, "note_extras", counting)
    await fetch(plain, 5)
    assert looked == 2  # the first two; the next three fall between samples
    # Read through with_raw_response, a result is always looked at.
    [raw] = await fetch(COMPLETION, raw=True)
    assert raw.model_extra == {"newtop": {"a": [1, None]}}
    looked = 0
    await fetch(COMPLETION, 4)
    assert looked == 4  # the type has shown unknown fields: every result is looked at now


async def test_a_big_body_is_looked_at_first_then_only_on_the_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_response, "_LOOK_BIG", 200)  # COMPLETION-sized bodies count as big here
    monkeypatch.setattr(_response, "_LOOK_EVERY", 3)
    looked = 0
    real = _response.note_extras

    def counting(value: object, data: object) -> bool:
        nonlocal looked
        looked += 1
        return real(value, data)

    monkeypatch.setattr(_response, "note_extras", counting)
    results = await fetch(known_only(), 7)
    assert looked == 3  # the first (0), then the sample: results 3 and 6
    assert all(r.model_extra is None or r.model_extra == {} for r in results)


class _Item(BaseModel, kw_only=True):
    id: str


class _Holder(BaseModel, kw_only=True):
    vector: list[float]
    items: list[_Item]


def test_lists_of_numbers_are_not_walked_but_lists_of_structs_are() -> None:
    data = {"vector": [0.5] * 1000, "items": [{"id": "a", "new": 1}]}
    value = msgspec.convert(data, _Holder)
    import trio_openai.types._base as base

    walked = 0
    real_note = base._note  # pyright: ignore[reportPrivateUsage]

    def counting(v: object, d: object) -> bool:
        nonlocal walked
        walked += 1
        return real_note(v, d)

    original = base._note  # pyright: ignore[reportPrivateUsage]
    base._note = counting  # pyright: ignore[reportPrivateUsage]
    try:
        assert base.note_extras(value, data)
    finally:
        base._note = original  # pyright: ignore[reportPrivateUsage]
    assert value.items[0].model_extra == {"new": 1}
    assert walked < 10  # the holder, the two lists, the item: not a call per float
