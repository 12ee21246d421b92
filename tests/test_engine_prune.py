"""Deletes and the unmanaged against the sandbox: prune as a bool and per kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .engine_helpers import BASE, Portal, edit, rows


@pytest.fixture
def ready() -> Iterator[Portal]:
    """A portal where BASE has been applied."""
    portal = Portal()
    portal.apply(BASE)
    yield portal
    portal.close()


EXTRAS: dict[str, tuple[str, dict[str, Any]]] = {
    "category": ("categories", {"name": "Legacy"}),
    "status": ("statuses", {"name": "Legacy", "color": "#123456", "tab_id": 1}),
    "tag": ("tags", {"tag": "Legacy"}),
    "group": ("groups", {"name": "Legacy"}),
    "section": ("sections", {"title": "Legacy", "tab_id": 1}),
}
LEGACY_NAME = {"section": "roadmap/Legacy"}


def add_extras(portal: Portal) -> None:
    for path, body in EXTRAS.values():
        portal.add(path, **body)


def test_without_prune_extras_are_reported_unmanaged_and_kept(ready: Portal) -> None:
    add_extras(ready)
    plan = ready.plan(BASE)
    assert plan.changes == ()
    assert sorted((u.kind, u.name) for u in plan.unmanaged) == sorted(
        (kind, LEGACY_NAME.get(kind, "Legacy")) for kind in EXTRAS
    )


def test_prune_true_deletes_every_kind_children_and_members_first(ready: Portal) -> None:
    add_extras(ready)
    spec = {"version": 1, "prune": True}
    plan = ready.plan(spec)
    # what the spec no longer names goes, children first, by name within a kind;
    # groups take their members with them
    assert rows(plan) == [
        ("delete", "section", "roadmap/Now"),
        ("delete", "section", "roadmap/Legacy"),
        ("delete", "group", "Beta"),
        ("delete", "group", "Legacy"),
        ("delete", "tag", "editor"),
        ("delete", "tag", "Legacy"),
        ("delete", "status", "Legacy"),
        ("delete", "status", "Planned"),
        ("delete", "category", "Bug"),
        ("delete", "category", "Legacy"),
    ]
    ready.reset_stats()
    ready.run(plan)
    assert ready.writes() == len(plan.changes)
    for path, _ in EXTRAS.values():
        assert ready.get(path) == []
    again = ready.plan(spec)
    assert (again.changes, again.unmanaged) == ((), ())


@pytest.mark.parametrize(("kind", "plural"), [(k, v[0]) for k, v in EXTRAS.items()])
def test_prune_map_deletes_only_that_kind(ready: Portal, kind: str, plural: str) -> None:
    add_extras(ready)
    plan = ready.plan(edit(prune={plural: True}))
    assert rows(plan) == [("delete", kind, LEGACY_NAME.get(kind, "Legacy"))]
    assert sorted(u.kind for u in plan.unmanaged) == sorted(k for k in EXTRAS if k != kind)
    ready.run(plan)
    assert len(ready.get(plural)) == 1
    assert ready.plan(edit(prune={plural: True})).changes == ()


def test_prune_false_in_map_keeps_kind(ready: Portal) -> None:
    add_extras(ready)
    spec = edit(prune={"categories": False, "tags": True})
    assert rows(ready.plan(spec)) == [("delete", "tag", "Legacy")]
