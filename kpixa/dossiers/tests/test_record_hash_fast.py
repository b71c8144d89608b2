"""records.record_hash_float_free gives record_hash's digest byte for byte, for every record the
fast CSV path hashes with it (text cells, list columns parsed from JSON without a FLOAT_LITERAL)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpixa.dossiers.parsing import _json_list
from kpixa.dossiers.records import FLOAT_LITERAL, record_hash, record_hash_float_free

FLOAT = re.compile(FLOAT_LITERAL)
# Every code point a str can hold but lone surrogates (UTF-8 text has none), control characters
# and the ones both encoders treat specially (quote, backslash, DEL, U+2028) included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["", '"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "\ufeff", "ệ", "e\u0301", "1.5", ":1e5", "a,2.0"]
)
NUMBERS = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([1e-05, 1e16, 1e15, -0.0, 5e-324, 2**63, -(2**63), 2**64])
)
SCALARS = TEXT | NUMBERS | st.booleans() | st.none()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def _dumps(value: object, style: int) -> str:
    """JSON text as a sender might write it: compact, spaced, indented, or ASCII-escaped."""
    if style == 0:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if style == 1:
        return json.dumps(value, ensure_ascii=False)
    if style == 2:
        return json.dumps(value, indent=1, ensure_ascii=False)
    return json.dumps(value)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.dictionaries(TEXT, TEXT, max_size=6),
    lists=st.lists(st.tuples(VALUES, st.integers(0, 3)), min_size=1, max_size=3),
)
def test_same_digest_when_no_float_token(cells: dict[str, str], lists: list[tuple[object, int]]) -> None:
    """A record as the fast path builds it: its list columns parsed by ``_json_list``. When none
    of their texts has a FLOAT_LITERAL the fast digest is used, and it must be record_hash's."""
    record: dict[str, object] = dict(cells)
    texts = []
    for number, (value, style) in enumerate(lists):
        text = _dumps(value, style)
        texts.append(text)
        record[f"list{number}"] = _json_list(f"list{number}", text, record)
    if any(FLOAT.search(text) for text in texts):
        return  # the fast path hashes this record with record_hash itself
    try:
        expected = record_hash(record)
    except UnicodeEncodeError:  # not reachable from UTF-8 text; both must refuse alike
        with pytest.raises(UnicodeEncodeError):
            record_hash_float_free(record)
        return
    assert record_hash_float_free(record) == expected


@given(value=st.floats(allow_nan=True, allow_infinity=True), style=st.integers(0, 3))
def test_every_float_is_seen(value: float, style: int) -> None:
    """Any float a list column's JSON holds is found by FLOAT_LITERAL (NaN and Infinity are read
    as text by parsing.loads, so they need not be)."""
    for text in (_dumps([value], style), _dumps({"Gia": value}, style), _dumps(value, style)):
        parsed = _json_list("x", text, {})
        if any(
            type(item) is float or (isinstance(item, dict) and type(item.get("Gia")) is float)
            for item in parsed
        ):
            assert FLOAT.search(text), text


@dataclasses.dataclass
class _Point:
    x: int


class _Text(str):
    __slots__ = ()


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 7, 1, 12, 0),
        date(2025, 7, 1),
        _Point(1),
        _Text("a"),
        2**64,
        -(2**63) - 1,
        float("nan"),
        1e-05,
        {"k": [[[[1]]]]},
        {"b": 1, "a": {"d": None, "c": True}},
        "x" * 10_000,
    ],
)
def test_other_values_still_match(value: object) -> None:
    """What orjson would write differently falls back to record_hash (the per-record path's
    records can hold dates and floats from XLSX and JSON)."""
    record = {"MaHoSo": "1", "value": value}
    if isinstance(value, float):
        return  # floats are the caller's to keep away (FLOAT_LITERAL); see the other tests
    assert record_hash_float_free(record) == record_hash(record)


def test_surrogate_refused_alike() -> None:
    record = {"MaHoSo": "\ud800"}
    with pytest.raises(UnicodeEncodeError):
        record_hash(record)
    with pytest.raises(UnicodeEncodeError):
        record_hash_float_free(record)
