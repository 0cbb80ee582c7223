"""isinstance against a generated union marker accepts any declared variant, not only decoded ones."""

from __future__ import annotations

import msgspec

from trio_openai.types._union import tagged_union


class Cat(msgspec.Struct, kw_only=True):
    type: str = "cat"
    name: str


class Dog(msgspec.Struct, kw_only=True):
    type: str = "dog"
    bark: str


class Fish(msgspec.Struct, kw_only=True):
    fins: int


Pet = tagged_union("Pet", "type", lambda: {"cat": Cat, "dog": Dog}, lambda: (Fish,))


def test_declared_variants_built_by_hand_are_instances() -> None:
    assert isinstance(Cat(name="tom"), Pet)  # never decoded through Pet
    assert isinstance(Dog(bark="woof"), Pet)
    assert isinstance(Fish(fins=2), Pet)


def test_other_values_are_not_instances() -> None:
    assert not isinstance("cat", Pet)
    assert not isinstance({"type": "cat", "name": "tom"}, Pet)
