"""Engine-level: what the spec leaves out is unmanaged, or with prune deleted (fields:
deactivated, never deleted)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.errors import PlanError

from .world import BASE, World, changes, edit


@pytest.fixture
def world(world: World) -> World:
    """The conftest's world, with BASE applied."""
    world.converge(BASE)
    return world


EMPTY: dict[str, list[Any]] = {"categories": [], "issues": [], "channels": [], "webhooks": []}


def test_without_prune_everything_left_out_is_unmanaged(world: World) -> None:
    plan = world.plan({**EMPTY, "channels": [{"name": "Web"}]})
    assert plan.changes == ()
    assert {(u.kind, u.name) for u in plan.unmanaged} == {
        ("category", "Payments"),
        ("issue", "Card declined"),
        ("field", "Web/message"),
        ("field", "Web/severity"),
        ("webhook", "Relay"),
    }


def test_prune_deletes_each_kind_in_reverse_order(world: World) -> None:
    plan = world.converge({**EMPTY, "prune": True})
    assert changes(plan) == [
        ("delete", "webhook", "Relay"),
        ("delete", "channel", "Web"),
        ("delete", "issue", "Card declined"),
        ("delete", "category", "Payments"),
    ]
    assert [world.rows(t) for t in ("categories", "issues", "channels", "webhooks")] == [[]] * 4


def test_prune_per_kind(world: World) -> None:
    plan = world.plan({**BASE, "categories": [], "issues": [], "prune": {"categories": True}})
    assert changes(plan) == [("delete", "category", "Payments")]


def test_prune_deactivates_fields_and_never_deletes_them(world: World) -> None:
    channel = {"name": "Web", "fields": [BASE["channels"][0]["fields"][0]]}
    plan = world.converge(edit(channels=[channel], prune={"fields": True}))
    assert changes(plan) == [("update", "field", "Web/severity")]
    assert plan.changes[0].after == {"status": "INACTIVE"}
    severity = next(f for f in world.rows("fields") if f["key"] == "severity")
    assert severity["status"] == "INACTIVE"


def test_an_inactive_field_comes_back_when_listed_again(world: World) -> None:
    channel = {"name": "Web", "fields": [BASE["channels"][0]["fields"][0]]}
    world.converge(edit(channels=[channel], prune={"fields": True}))
    listed = {**BASE["channels"][0]["fields"][1], "status": "ACTIVE"}
    plan = world.converge(edit(channels=[{"name": "Web", "fields": [listed]}]))
    assert changes(plan) == [("update", "field", "Web/severity")]


def test_deleting_a_category_leaves_its_issues_uncategorised(world: World) -> None:
    issue = {"name": "Card declined", "category": None}
    plan = world.converge(edit(categories=[], issues=[issue], prune={"categories": True}))
    assert changes(plan) == [
        ("update", "issue", "Card declined"),
        ("delete", "category", "Payments"),
    ]
    assert world.rows("issues")[0]["category_id"] is None


def test_prune_never_deletes_what_the_spec_still_names(world: World) -> None:
    """An issue's category and a webhook's channel left out of the spec but still named: the
    apply would delete them under their references, and the next plan fail. Refused at plan
    time, before any write; without prune they are the project's and may be named."""
    kept = {**BASE, "categories": [], "channels": []}
    assert world.plan(kept).changes == ()  # unmanaged, and named: fine
    with pytest.raises(PlanError) as refused:
        world.plan({**kept, "prune": {"categories": True, "channels": True}})
    assert refused.value.message == (
        "names that prune would delete: issue 'Card declined': category 'Payments'; "
        "webhook 'Relay': channel 'Web'"
    )
