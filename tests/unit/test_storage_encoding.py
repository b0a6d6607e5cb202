"""The storage encoder's fast path (orjson) must accept and refuse exactly what the stdlib does."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import pytest

from naetra_tui.builtin.storage.common import encode, pairs
from naetra_tui.core.errors import StorageError

AGREED: list[Any] = [
    {"i": 1, "name": "x"},
    {"nullable": "the word null inside a string", "none": None},
    [1.5, -0.0, 1e300, 2**63 - 1],
    2**80,  # beyond 64 bits: orjson refuses, the stdlib stores it
    {1: "int key", 2.5: "float key", None: "none key"},  # the stdlib turns keys into text
    "unicode ÆØÅ 漢字 🚀",
]


@pytest.mark.parametrize("value", AGREED, ids=range(len(AGREED)))
def test_encoded_text_decodes_to_what_the_stdlib_would_store(value: Any) -> None:
    reference = json.loads(json.dumps(value, ensure_ascii=False))
    assert json.loads(encode("k", value)) == reference
    assert [json.loads(text) for _, text in pairs({"k": value})] == [reference]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"price": math.nan}, "Out of range float"),
        ([1.0, math.inf], "Out of range float"),
        ({"when": datetime.datetime(2026, 1, 2)}, "datetime is not JSON serializable"),
        ({"tags": {"a"}}, "set is not JSON serializable"),
    ],
)
def test_values_the_stdlib_refuses_are_refused_on_the_fast_path_too(value: Any, message: str) -> None:
    # orjson alone would write NaN as null and a datetime as text: silently changing the data.
    with pytest.raises(StorageError, match=message):
        encode("k", value)
    with pytest.raises(StorageError, match=message):
        pairs([("good", 1), ("k", value)])


def test_circular_value_is_refused() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(StorageError, match="Circular reference"):
        encode("k", loop)
