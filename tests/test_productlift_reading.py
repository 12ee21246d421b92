"""ProductLift reads: sections placed under their parents however the portal lists them.

``GET sections`` lists sections in any order (a child before its parent), and a portal's
data could hold what its API never makes (a parent cycle, a chain deeper than the spec
allows). Each section's identity, parent and depth are checked against the plain recursive
definition: up the parents to a root, a section 65 parents up counted as a root.
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from reconciler.kinds import Ident
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.reading import Reader
from reconciler.state import Desired

TABS: list[dict[str, Any]] = [{"id": 1, "slug": "roadmap"}, {"id": "7", "slug": "wish-list"}]


class Answers:
    """A portal that answers the collection reads with fixed lists."""

    api_prefix = "/api/v1"

    def __init__(self, sections: list[dict[str, Any]]) -> None:
        self.sections = sections

    def get(self, path: str, params: Any = None) -> Any:
        if path == "tabs":
            return {"data": TABS}
        return {"data": self.sections if path == "sections" else []}

    def close(self) -> None:
        pass


def expected(items: list[dict[str, Any]]) -> list[tuple[Ident, Ident | None, int, Any]]:
    """(identity, parent identity, depth, parent_id) per section in the portal's order,
    by the recursive definition (memoized in the order the sections are met)."""
    slugs = {str(t["id"]): t["slug"] for t in TABS}

    def tab(tab_id: Any) -> str:  # an unknown tab by its id
        return slugs.get(str(tab_id)) or ("?" if tab_id is None else str(tab_id))

    by_id = {i["id"]: i for i in items}
    paths: dict[Any, tuple[Ident, int]] = {}

    def path(item: dict[str, Any], seen: int = 0) -> tuple[Ident, int]:
        if item["id"] in paths:
            return paths[item["id"]]
        parent = by_id.get(item.get("parent_id"))
        if parent is None or seen > 64:
            found: tuple[Ident, int] = ((tab(item.get("tab_id")), item["title"]), 0)
        else:
            above, depth = path(parent, seen + 1)
            found = ((*above, item["title"]), depth + 1)
        paths[item["id"]] = found
        return found

    rows = []
    for item in sorted(items, key=lambda i: (i.get("order") or 0, i["id"])):
        ident, depth = path(item)
        parent = by_id.get(item.get("parent_id"))
        above = None if parent is None else path(parent)[0]
        rows.append((ident, above, depth, None if parent is None else item["parent_id"]))
    return rows


def chain(length: int, first: int = 1) -> list[dict[str, Any]]:
    """Sections ``first``.. each the parent of the next, listed deepest first."""
    ids = range(first, first + length)
    return [
        {"id": n, "title": f"S{n}", "tab_id": 1, "parent_id": n - 1 if n > first else None}
        for n in reversed(ids)
    ]


CASES = {
    "tree, children listed first": [
        {"id": 3, "title": "Leaf", "tab_id": 1, "parent_id": 2, "order": 1},
        {"id": 2, "title": "Branch", "tab_id": 1, "parent_id": 1, "order": 1},
        {"id": 1, "title": "Root", "tab_id": 1, "parent_id": None, "order": 2},
        {"id": 4, "title": "Other", "tab_id": "7", "order": 0},
        {"id": 5, "title": "Lost", "tab_id": 99, "parent_id": 404},
        {"id": 6, "title": "Nowhere", "order": 3},
    ],
    "parent cycle": [
        {"id": 1, "title": "A", "tab_id": 1, "parent_id": 2},
        {"id": 2, "title": "B", "tab_id": 1, "parent_id": 1},
        {"id": 3, "title": "Under A", "tab_id": 1, "parent_id": 1},
    ],
    "cycle of three reached from below": [
        {"id": 9, "title": "Below", "tab_id": 1, "parent_id": 5},
        {"id": 5, "title": "X", "tab_id": 1, "parent_id": 6},
        {"id": 6, "title": "Y", "tab_id": 1, "parent_id": 7},
        {"id": 7, "title": "Z", "tab_id": 1, "parent_id": 5},
    ],
    "chain of 70": chain(70),
    "chain of 140, and one of 66": chain(140) + chain(66, first=1000),
}


@pytest.mark.parametrize("items", CASES.values(), ids=CASES.keys())
def test_sections_are_placed_as_the_recursive_definition_places_them(
    items: list[dict[str, Any]],
) -> None:
    reader = Reader(cast(Client, Answers([dict(i) for i in items])), "test")
    live = reader.read(Desired())
    got = [(s.ident, s.parent, s.extra["depth"], s.extra["parent_id"]) for s in live.of("section")]
    assert got == expected(items)
