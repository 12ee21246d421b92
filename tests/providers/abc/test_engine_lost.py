"""Engine-level: writes whose answer was lost are adopted, never repeated; the session survives
an access token that expires mid-apply."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.engine import Applied

from .helpers import FakeClock
from .world import BASE, LoseWrites, World, edit

CREATES: list[tuple[str, dict[str, Any], str]] = [
    ("category", {"categories": [{"name": "Bug"}]}, "categories"),
    ("issue", {"issues": [{"name": "Crash", "status": "ON_REVIEW"}]}, "issues"),
    ("channel", {"channels": [{"name": "Web"}]}, "channels"),
    (
        "webhook",
        {
            "webhooks": [
                {
                    "name": "Hook",
                    "url": "https://x.example.com",
                    "events": [{"type": "ISSUE_CREATION"}],
                }
            ]
        },
        "webhooks",
    ),
]


@pytest.mark.parametrize(("kind", "kinds", "table"), CREATES, ids=[c[0] for c in CREATES])
def test_a_lost_create_is_adopted(
    world: World, kind: str, kinds: dict[str, Any], table: str
) -> None:
    world.box.faults = LoseWrites(1)  # type: ignore[assignment]
    applied = world.apply(kinds)
    assert len(world.rows(table)) == 1
    assert applied[0].id == world.rows(table)[0]["id"]
    assert world.box.faulted["lose"] == 1
    assert world.plan(kinds).changes == ()


def test_a_lost_field_create_is_adopted(world: World) -> None:
    world.converge({"channels": [{"name": "Web"}]})
    kinds = {
        "channels": [{"name": "Web", "fields": [{"key": "body", "name": "Body", "format": "text"}]}]
    }
    world.box.faults = LoseWrites(1)  # type: ignore[assignment]
    world.apply(kinds)
    assert [f["key"] for f in world.rows("fields")].count("body") == 1
    assert world.plan(kinds).changes == ()


def test_a_lost_issue_delete_is_done_despite_the_500(world: World) -> None:
    world.converge({"issues": [{"name": "Crash"}]})
    world.box.faults = LoseWrites(1)  # type: ignore[assignment]
    world.apply({"issues": [], "prune": {"issues": True}})
    assert world.rows("issues") == []
    assert world.box.faulted["lose"] == 1


def test_lost_updates_are_repeated_harmlessly(world: World) -> None:
    world.converge(BASE)
    kinds = edit(
        categories=[{"name": "Billing", "renamed_from": ["Payments"]}],
        issues=[{"name": "Card declined", "description": "still", "category": "Billing"}],
        webhooks=[{**BASE["webhooks"][0], "url": "https://hooks.example.com/v2"}],
    )
    world.box.faults = LoseWrites(1, 3, 5, 7)  # type: ignore[assignment]
    world.apply(kinds)
    world.box.faults = None
    assert world.plan(kinds).changes == ()
    assert world.rows("issues")[0]["status"] == "IN_PROGRESS"


@pytest.mark.parametrize(("minutes", "sign_ins"), [(11, 1), (120, 3)])
def test_an_access_token_expiring_mid_apply(
    world: World, clock: FakeClock, minutes: int, sign_ins: int
) -> None:
    """11 minutes between writes: the access token expired, the refresh token did not
    (refreshed); two hours: both expired (signed in again, before each later write)."""
    kinds = {"channels": [{"name": "One"}, {"name": "Two"}, {"name": "Three"}]}

    def later(index: int, done: Applied) -> None:
        clock.advance(minutes * 60)

    world.apply(kinds, on_applied=later)
    assert sorted(r["name"] for r in world.rows("channels")) == ["One", "Three", "Two"]
    assert world.box.stats[("POST", "/api/admin/auth/signIn/email")] == sign_ins
    assert world.box.stats[("GET", "/api/admin/auth/refresh")] >= 1
