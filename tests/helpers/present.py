"""`present`: a value a test expects to be there. The store's getters answer `X | None`; a test that goes on
to read or pass the item asserts it was found (and mypy then knows it is an X)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(value: T | None) -> T:
    assert value is not None, "expected a value, found None"
    return value


def of_type(value: object, kind: type[T]) -> T:
    """`value`, asserted to be a `kind`: a test expecting one member of a union (a login that asked for no
    second factor answers a LoginOut, not an MfaRequiredOut)."""
    assert isinstance(value, kind), f"expected a {kind.__name__}, found {value!r}"
    return value
