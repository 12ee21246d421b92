"""Lists: ``filter__FIELD[__CONDITION]=VALUE`` filters, then ``page`` and ``limit``.

A list answers one page of the filtered records and ``details: {page, limit, count}``, where
``count`` is the number of records that pass the filters (all pages). ``page`` counts from 1,
``limit`` is 1..100 (``DEFAULT_PAGE_SIZE`` when absent); anything else is refused, as is a
filter on a field the records do not have or a condition UserEcho does not document. Values
compare as text: booleans as ``1``/``0`` (``true``/``false`` accepted), null as empty.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from .errors import as_id, bad

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
FILTER = "filter__"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _given(value: str) -> str:
    return {"true": "1", "false": "0"}.get(value.lower(), value)


def _order(left: str, right: str) -> int:
    try:
        a: float | str = float(left)
        b: float | str = float(right)
    except ValueError:
        a, b = left, right
    return (a > b) - (a < b)  # type: ignore[operator]


_TESTS: dict[str, Callable[[str, str], bool]] = {
    "": lambda have, want: have == _given(want),
    "in": lambda have, want: have in {_given(v) for v in want.split(",")},
    "gt": lambda have, want: _order(have, want) > 0,
    "gte": lambda have, want: _order(have, want) >= 0,
    "lt": lambda have, want: _order(have, want) < 0,
    "lte": lambda have, want: _order(have, want) <= 0,
    "contains": lambda have, want: want in have,
    "icontains": lambda have, want: want.lower() in have.lower(),
}


def _filters(
    query: Mapping[str, str], fields: Collection[str]
) -> list[tuple[str, Callable[[str, str], bool], str]]:
    found = []
    for key, value in query.items():
        if not key.startswith(FILTER):
            continue
        field, _, condition = key[len(FILTER) :].partition("__")
        if condition not in _TESTS:
            raise bad(f"unknown filter condition {condition!r} in {key}")
        if field not in fields:
            raise bad(f"cannot filter this list by {field!r}")
        found.append((field, _TESTS[condition], value))
    return found


def _number(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    value = as_id(raw.strip())
    if value is None:
        raise bad(f"{name} must be a positive integer, not {raw!r}")
    return value


def page(
    records: Sequence[Any], query: Mapping[str, str], fields: Collection[str] = ()
) -> dict[str, Any]:
    """The list answer for ``records`` (dicts; or plain values, which take no filters).

    ``fields``: the record fields a filter may name. Raises Refused 400 for a bad page, limit
    or filter.
    """
    number = _number(query, "page", 1)
    limit = _number(query, "limit", DEFAULT_PAGE_SIZE)
    if limit > MAX_PAGE_SIZE:
        raise bad(f"limit must be at most {MAX_PAGE_SIZE}, not {limit}")
    kept = list(records)
    for field, test, value in _filters(query, fields):
        kept = [r for r in kept if test(_text(r[field]), value)]
    start = (number - 1) * limit
    return {
        "status": "success",
        "data": kept[start : start + limit],
        "details": {"page": number, "limit": limit, "count": len(kept)},
    }
