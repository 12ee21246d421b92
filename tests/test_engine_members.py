"""Group memberships against the sandbox, and what reading them costs in requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.errors import PlanError

from .engine_helpers import Portal, rows

ALICE, BOB, CAROL, DAVE, ERIN = (
    f"{n}@example.com" for n in ("alice", "bob", "carol", "dave", "erin")
)


def groups(*entries: dict[str, Any], prune: bool = False) -> dict[str, Any]:
    return {"prune": prune, "groups": list(entries)}


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


def test_members_list_is_the_whole_membership(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE, CAROL]}))
    wanted = groups({"name": "Beta", "members": [ALICE, BOB]})
    plan = portal.plan(wanted)
    assert rows(plan) == [
        ("create", "membership", f"Beta/{BOB}"),
        ("delete", "membership", f"Beta/{CAROL}"),
    ]
    portal.reset_stats()
    portal.run(plan)
    assert portal.writes() == 2
    assert portal.members("Beta") == [ALICE, BOB]
    assert portal.plan(wanted).changes == ()


def test_empty_members_list_removes_everyone(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE, CAROL]}))
    emptied = groups({"name": "Beta", "members": []})
    assert [a for a, _, _ in rows(portal.apply(emptied))] == ["delete", "delete"]
    assert portal.members("Beta") == []
    assert portal.plan(emptied).changes == ()


def test_members_left_out_are_not_managed_nor_read(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE, CAROL]}))
    portal.reset_stats()
    plan = portal.plan(groups({"name": "Beta"}))
    assert plan.changes == ()
    assert portal.gets()["groups/{group}/users"] == 0
    assert portal.members("Beta") == [ALICE, CAROL]


def test_member_emails_compare_without_letter_case(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE]}))
    assert portal.plan(groups({"name": "Beta", "members": ["Alice@Example.COM"]})).changes == ()


def test_new_group_with_members_is_created_then_filled(portal: Portal) -> None:
    spec = groups({"name": "Beta", "description": "Early", "members": [BOB, ALICE]})
    plan = portal.plan(spec)
    assert rows(plan) == [
        ("create", "group", "Beta"),
        ("create", "membership", f"Beta/{BOB}"),
        ("create", "membership", f"Beta/{ALICE}"),
    ]
    portal.run(plan)
    assert portal.members("Beta") == [ALICE, BOB]
    assert portal.plan(spec).changes == ()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ([ALICE, BOB], [("update", "group", "Pilots")]),
        (
            [ALICE, CAROL],
            [
                ("update", "group", "Pilots"),
                ("create", "membership", f"Pilots/{CAROL}"),
                ("delete", "membership", f"Pilots/{BOB}"),
            ],
        ),
    ],
    ids=["same members", "members change too"],
)
def test_renamed_group_keeps_its_members(
    portal: Portal, members: list[str], expected: list[tuple[str, str, str]]
) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE, BOB]}))
    [before] = portal.get("groups")
    renamed = groups({"name": "Pilots", "renamed_from": ["Beta"], "members": members})
    plan = portal.plan(renamed)
    assert rows(plan) == expected
    portal.run(plan)
    [after] = portal.get("groups")
    assert (after["id"], after["name"]) == (before["id"], "Pilots")
    assert portal.members("Pilots") == sorted(members)
    assert portal.plan(renamed).changes == ()


def test_unknown_email_fails_before_any_write(portal: Portal) -> None:
    spec = {
        "categories": [{"name": "Bug"}],
        "groups": [{"name": "Beta", "members": [ALICE, "nobody@example.com", "ghost@example.com"]}],
    }
    with pytest.raises(PlanError, match=r"ghost@example\.com, nobody@example\.com"):
        portal.plan(spec)
    assert portal.write_requests() == 0
    assert portal.get("categories") == []


def test_group_deleted_by_prune_takes_members_without_membership_changes(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE, BOB]}, {"name": "Keep"}))
    plan = portal.plan(groups({"name": "Keep"}, prune=True))
    assert rows(plan) == [("delete", "group", "Beta")]
    portal.run(plan)
    assert portal.names("groups") == ["Keep"]


# -- request costs ------------------------------------------------------------------------------

UP_TO_DATE: dict[str, Any] = {
    "tabs": [{"slug": "roadmap"}],
    "categories": [{"name": "Bug"}],
    "statuses": [{"name": "Planned", "tab": "roadmap"}],
    "tags": ["api"],
    "sections": [
        {
            "title": "Now",
            "tab": "roadmap",
            "sections": [{"title": "Backend", "sections": [{"title": "DB"}]}],
        }
    ],
    "groups": [
        {"name": "Beta", "members": [ALICE, BOB]},
        {"name": "Enterprise", "members": [DAVE]},
        {"name": "Staff", "members": [ERIN, ALICE]},
        {"name": "Unmanaged members"},
    ],
}


def test_plan_of_up_to_date_portal_costs_at_most_7_plus_g_gets(portal: Portal) -> None:
    portal.apply(UP_TO_DATE)
    portal.reset_stats()
    assert portal.plan(UP_TO_DATE).changes == ()
    managed_groups = 3
    assert sum(portal.gets().values()) <= 7 + managed_groups
    assert portal.gets()["groups/{group}/users"] == managed_groups
    assert portal.gets()["users"] + portal.gets()["users/find_by_email"] == 0
    assert portal.write_requests() == 0


def test_one_unseen_email_is_looked_up_by_email(portal: Portal) -> None:
    portal.apply(groups({"name": "Beta", "members": [ALICE]}))
    portal.reset_stats()
    portal.plan(groups({"name": "Beta", "members": [ALICE, BOB]}))
    assert (portal.gets()["users/find_by_email"], portal.gets()["users"]) == (1, 0)


def test_several_unseen_emails_on_one_page_cost_one_list_request(portal: Portal) -> None:
    portal.plan(groups({"name": "Beta", "members": [ALICE, BOB, CAROL, DAVE]}))
    assert (portal.gets()["users/find_by_email"], portal.gets()["users"]) == (0, 1)


def test_one_unseen_email_among_many_users_is_one_lookup(portal: Portal) -> None:
    for i in range(230):
        portal.add_user(f"user{i:03}@example.com")
    portal.reset_stats()
    portal.plan(groups({"name": "Beta", "members": ["user229@example.com"]}))
    assert (portal.gets()["users/find_by_email"], portal.gets()["users"]) == (1, 0)


def test_unseen_emails_among_many_users_cost_at_most_twice_the_cheaper_way(
    portal: Portal,
) -> None:
    """Neither way knows the user count up front: 3 emails cost 3 lookups, 4 users pages
    cost 4 requests; the reconciler may spend at most twice the cheaper (3)."""
    for i in range(330):
        portal.add_user(f"user{i:03}@example.com")
    portal.reset_stats()
    emails = ["user300@example.com", "user310@example.com", "user329@example.com"]
    portal.plan(groups({"name": "Beta", "members": emails}))
    assert portal.gets()["users/find_by_email"] + portal.gets()["users"] <= 2 * 3
