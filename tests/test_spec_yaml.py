"""The YAML reader (reconciler.spec_yaml) reads values as PyYAML does, by shorter roads."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.spec_doc import YamlError
from reconciler.spec_yaml import read
from reconciler.yaml_builder import MAX_DEPTH

Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WORDS = ["yes", "No", "TRUE", "false", "On", "OFF", "~", "null", "Null", "NULL", "y", "n"]
NOT_QUITE = ["yess", "Nope", "True!", "nulls", "~x", "tRUE", "oN", "Topic 1", "off-road"]
NUMBERS = ["1", "-2", "+3", "0x1F", "0o17", "0b101", "1_000", "1:20", "1.5", ".5", "1e3", ".nan"]
DATES = ["2024-01-02", "2024-01-02 10:00:00", "2024-13-45"]


def pyyaml_reads(scalar: str) -> tuple[bool, Any]:
    """(True, value) when PyYAML reads ``k: scalar`` into a mapping; (False, None) when it
    cannot construct the value."""
    try:
        data = yaml.load(f"k: {scalar}\n", Loader=Loader)  # a safe loader
    except (yaml.constructor.ConstructorError, ValueError):
        return False, None
    return True, data["k"]


def same_value(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, float) and math.isnan(theirs):
        return isinstance(ours, float) and math.isnan(ours)
    return type(ours) is type(theirs) and ours == theirs


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.sampled_from(WORDS + NOT_QUITE + NUMBERS + DATES),
        st.from_regex(r"[A-Za-z0-9~+._][A-Za-z0-9~+._ -]{0,8}[A-Za-z0-9~+._]?", fullmatch=True),
    )
)
def test_a_plain_value_reads_as_pyyaml_reads_it(scalar: str) -> None:
    constructed, theirs = pyyaml_reads(scalar)
    try:
        doc = read(f"k: {scalar}\n")
    except YamlError:  # not a plain scalar after all ("1: 2" nests a mapping)
        return
    if isinstance(theirs, dict | list):  # not a scalar after all
        return
    if constructed:
        assert not doc.problems, doc.problems
        assert same_value(doc.data["k"], theirs), (doc.data["k"], theirs)
    else:
        assert doc.problems, doc.data


@pytest.mark.parametrize(("scalar", "value"), [("'yes'", "yes"), ('"1"', "1"), ("|-\n  on", "on")])
def test_a_quoted_or_block_value_is_a_string(scalar: str, value: str) -> None:
    assert read(f"k: {scalar}\n").data == {"k": value}


def test_a_tagged_value_is_read_by_its_tag() -> None:
    doc = read("a: !!str yes\nb: !!int '7'\nc: !!float 1\nd: ! true\n")
    assert doc.data == {"a": "yes", "b": 7, "c": 1.0, "d": "true"}
    assert type(doc.data["c"]) is float


def test_values_keep_their_positions_and_dates_stay_dates() -> None:
    doc = read("tags:\n  - a\n  - 2024-01-02\nx: {k: off, j: Topic}\n")
    assert doc.data == {"tags": ["a", dt.date(2024, 1, 2)], "x": {"k": False, "j": "Topic"}}
    assert doc.item_pos(doc.data["tags"], 1) == (3, 5)
    assert doc.keys[id(doc.data["x"])] == {"k": ((4, 5), (4, 8)), "j": ((4, 13), (4, 16))}


def test_flow_nesting_up_to_the_limit_is_read() -> None:
    doc = read("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth, node = 0, doc.data
    while isinstance(node, list):
        depth, node = depth + 1, node[0] if node else None
    assert depth == MAX_DEPTH


def test_a_duplicate_key_keeps_the_first_value_and_is_located() -> None:
    doc = read("a: 1\nb: [x]\na: 2\nb: {y: 3}\n")
    assert doc.data == {"a": 1, "b": ["x"]}
    assert doc.problems == [
        ((3, 1), "duplicate key 'a' (first at line 1)"),
        ((4, 1), "duplicate key 'b' (first at line 2)"),
    ]
