"""Engine-level: every kind created, and a second plan empty (the embedded sandbox)."""

from __future__ import annotations

from .world import BASE, A, P, World, changes, sealed


def test_every_kind_is_created_and_then_planned_empty(world: World) -> None:
    plan = world.converge(BASE)
    assert changes(plan) == [
        ("create", "category", "Payments"),
        ("create", "issue", "Card declined"),
        ("create", "channel", "Web"),
        ("create", "webhook", "Relay"),
        ("create", "field", "Web/message"),
        ("create", "field", "Web/severity"),
    ]
    issue = world.rows("issues")[0]
    assert (issue["status"], issue["external_issue_id"]) == ("IN_PROGRESS", "JIRA-1")
    assert issue["category_id"] == world.rows("categories")[0]["id"]
    fields = {f["key"]: f for f in world.rows("fields")}
    assert fields["severity"]["format"] == "select"
    assert {"id", "createdAt", "updatedAt", "issues"} <= fields.keys()  # the server's own
    assert sealed(world.rows("webhooks")[0]["token"], "abcdefghijklmnop1234")


def test_system_fields_are_never_listed_nor_pruned(world: World) -> None:
    world.converge(BASE)
    plan = world.plan({**BASE, "prune": True})
    assert plan.changes == ()
    assert [u.name for u in plan.unmanaged] == []


def test_categories_are_read_in_one_request_however_many(world: World) -> None:
    with world.hand() as hand:
        for n in range(25):
            assert hand.post(P.replace("{projectId}", "1") + "categories", json={"name": f"c{n}"})
    names = [{"name": f"c{n}"} for n in range(25)]
    before = world.box.stats[("GET", P + "categories")]
    plan = world.plan({"categories": names})
    assert plan.changes == ()
    assert plan.unmanaged == ()
    assert world.box.stats[("GET", P + "categories")] == before + 1


def test_a_public_only_spec_never_signs_in(world: World) -> None:
    world.converge({"categories": [{"name": "Bug"}], "issues": [{"name": "Crash"}]})
    assert world.box.stats[("POST", "/api/admin/auth/signIn/email")] == 0
    assert world.box.stats[("POST", A + "issues/search")] == 0


def test_case_distinct_names_are_two_resources(world: World) -> None:
    kinds = {
        "categories": [{"name": "Billing"}, {"name": "billing"}],
        "issues": [{"name": "Crash"}, {"name": "crash"}],
        "channels": [{"name": "Web"}, {"name": "web"}],
    }
    plan = world.converge(kinds)
    assert len([c for c in plan.changes if c.action.value == "create"]) == 6
    assert sorted(r["name"] for r in world.rows("categories")) == ["Billing", "billing"]


def test_a_case_only_difference_is_never_a_rename(world: World) -> None:
    world.converge({"categories": [{"name": "billing"}]})
    plan = world.plan({"categories": [{"name": "Billing"}]})
    assert changes(plan) == [("create", "category", "Billing")]
    assert [u.name for u in plan.unmanaged] == ["billing"]
