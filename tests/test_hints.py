"""Rename hints: close names compared by similarity while there are few; past the bound (a
bootstrap beside many unmanaged resources: millions of pairs) only names equal but for case
and spacing are hinted."""

from __future__ import annotations

from reconciler.hints import FUZZY_PAIRS, rename_hints
from reconciler.plan import Action, Change, Unmanaged
from reconciler.providers import get

SCHEMA = get("productlift").schema


def created(*names: str) -> list[Change]:
    return [Change(Action.CREATE, "category", (n,), None, None, {"name": n}) for n in names]


def left(*names: str) -> list[Unmanaged]:
    return [Unmanaged("category", n) for n in names]


def test_few_names_are_compared_by_similarity() -> None:
    hints = rename_hints(SCHEMA, created("Integration", "Billing"), left("Integrations", "Ops"))
    assert len(hints) == 1
    assert '`renamed_from: [Integrations]` on "Integration"' in hints[0]


def test_past_the_bound_only_names_equal_but_for_case_and_spacing_are_hinted() -> None:
    many = [f"Area {n:05d}" for n in range(2_000)]
    unmanaged = [f"Zone {n:05d}" for n in range(2_000)]
    assert len(many) * len(unmanaged) > FUZZY_PAIRS
    hints = rename_hints(
        SCHEMA,
        created(*many, "Integration", "Data import"),
        left(*unmanaged, "Integrations", "data-import"),
    )
    assert len(hints) == 1
    assert '`renamed_from: [data-import]` on "Data import"' in hints[0]
