"""Every UserEcho kind through the engine: create, update, rename, and what cannot change.

What a user must see: a spec applies, a second plan is empty, changes made by hand show up
as the smallest plan, renames keep ids, and a forum's type never changes silently.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.errors import PlanError

from .engine_helpers import BASE, Portal, edit, rows


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


def test_every_kind_is_created_in_dependency_order_then_the_plan_is_empty(
    portal: Portal,
) -> None:
    plan = portal.apply(BASE)
    kinds = [kind for _, kind, _ in rows(plan)]
    assert {a for a, _, _ in rows(plan)} == {"create"}
    assert kinds.index("forum") < kinds.index("category") < kinds.index("access")
    assert kinds.index("group") < kinds.index("membership")
    assert portal.plan(BASE).changes == ()
    assert portal.children("Feedback", "categories") == ["Bugs", "Ideas"]
    assert portal.children("Feedback", "tags") == ["billing", "mobile"]
    assert portal.children("Beta", "access_list") == ["alice@example.com", "bob@example.com"]
    assert portal.members("Staff") == ["dave@example.com", "erin@example.com"]
    assert portal.hooks() == [("topic.created", "https://hooks.example.com/ue")]
    assert portal.forum("Beta")["type"] == "PRIVATE"
    groups = {g["name"]: g for g in portal.get("users/groups")}
    assert (groups["Customers"]["vote_weight"], groups["Customers"]["vote_count"]) == (2, 10)
    assert groups["Staff"]["vote_count"] is None


def test_settings_changed_by_hand_are_planned_as_updates_and_put_back(portal: Portal) -> None:
    portal.apply(BASE)
    feedback = portal.forum("Feedback")
    portal.send(
        "PUT", "forums", {"id": feedback["id"], "locale": "de", "allow_anonymous_votes": True}
    )
    customers = next(g for g in portal.get("users/groups") if g["name"] == "Customers")
    portal.send(
        "PUT", "users/groups", {"id": customers["id"], "vote_weight": 5, "vote_count": None}
    )
    plan = portal.plan(BASE)
    assert rows(plan) == [("update", "forum", "Feedback"), ("update", "group", "Customers")]
    forum, group = plan.changes
    assert (forum.before, forum.after) == (
        {"locale": "de", "allow_anonymous_votes": True},
        {"locale": "en", "allow_anonymous_votes": False},
    )
    assert (group.before, group.after) == (
        {"vote_weight": 5, "vote_count": None},
        {"vote_weight": 2, "vote_count": 10},
    )
    portal.run(plan)
    assert portal.plan(BASE).changes == ()
    assert portal.forum("Feedback")["locale"] == "en"


def test_an_attribute_left_out_is_not_managed(portal: Portal) -> None:
    portal.apply(BASE)
    feedback = portal.forum("Feedback")
    portal.send("PUT", "forums", {"id": feedback["id"], "allow_anonymous_topic": True})
    assert portal.plan(BASE).changes == ()  # the spec does not name allow_anonymous_topic


def test_renames_follow_renamed_from_and_keep_ids(portal: Portal) -> None:
    portal.apply(BASE)
    before = portal.forum("Feedback")["id"]
    spec = edit()
    feedback = spec["forums"][0]
    feedback.update(name="Ideas board", renamed_from=["Feedback"])
    feedback["categories"][0] = {"name": "Defects", "renamed_from": ["Bugs"]}
    feedback["tags"][0] = {"name": "phone", "renamed_from": ["mobile"]}
    spec["groups"][0].update(name="Clients", renamed_from=["Customers"])
    plan = portal.plan(spec)
    assert sorted(rows(plan)) == [
        ("update", "category", "Ideas board/Defects"),
        ("update", "forum", "Ideas board"),
        ("update", "group", "Clients"),
        ("update", "tag", "Ideas board/phone"),
    ]
    portal.run(plan)
    assert portal.forum("Ideas board")["id"] == before
    assert portal.children("Ideas board", "categories") == ["Defects", "Ideas"]
    assert portal.children("Ideas board", "tags") == ["billing", "phone"]
    assert portal.members("Clients") == ["alice@example.com"]
    assert portal.plan(spec).changes == ()


def test_a_change_of_letter_case_is_a_rename_not_a_new_resource(portal: Portal) -> None:
    portal.apply(BASE)
    spec = edit()
    spec["forums"][0]["categories"][0]["name"] = "BUGS"
    spec["groups"][1]["name"] = "staff"
    assert sorted(rows(portal.plan(spec))) == [
        ("update", "category", "Feedback/BUGS"),
        ("update", "group", "staff"),
    ]
    portal.apply(spec)
    assert portal.children("Feedback", "categories") == ["BUGS", "Ideas"]


def test_a_forum_type_change_is_a_plan_error_and_nothing_is_written(portal: Portal) -> None:
    portal.apply(BASE)
    spec = edit()
    spec["forums"][0]["type"] = "HELPDESK"
    portal.reset_stats()
    with pytest.raises(PlanError, match="type cannot change"):
        portal.plan(spec)
    assert portal.write_requests() == 0


def test_a_changed_webhook_is_a_new_one_and_the_old_one_is_unmanaged(portal: Portal) -> None:
    portal.apply(BASE)
    spec = edit(webhooks=[{"event": "topic.created", "target_url": "https://hooks.example.com/v2"}])
    plan = portal.plan(spec)
    assert rows(plan) == [("create", "webhook", "topic.created https://hooks.example.com/v2")]
    assert [(u.kind, u.name) for u in plan.unmanaged] == [
        ("webhook", "topic.created https://hooks.example.com/ue")
    ]
    portal.run(plan)
    assert len(portal.hooks()) == 2


def test_a_webhook_whose_url_differs_in_case_only_is_another_webhook(portal: Portal) -> None:
    """A URL's path is case-sensitive: another endpoint, so a new webhook, and the old one is
    unmanaged (CONTRACT: "a changed one is a new webhook, and the old one is unmanaged or
    pruned"), never deleted without prune."""
    portal.apply(BASE)
    spec = edit(webhooks=[{"event": "topic.created", "target_url": "https://hooks.example.com/UE"}])
    plan = portal.plan(spec)
    assert rows(plan) == [("create", "webhook", "topic.created https://hooks.example.com/UE")]
    assert [(u.kind, u.name) for u in plan.unmanaged] == [
        ("webhook", "topic.created https://hooks.example.com/ue")
    ]
    portal.run(plan)
    assert sorted(portal.hooks()) == [
        ("topic.created", "https://hooks.example.com/UE"),
        ("topic.created", "https://hooks.example.com/ue"),
    ]
    assert portal.plan(spec).changes == ()


def test_an_unknown_webhook_event_is_a_plan_error(portal: Portal) -> None:
    spec = edit(webhooks=[{"event": "topic.exploded", "target_url": "https://h.example.com/x"}])
    with pytest.raises(PlanError, match=r"topic\.exploded") as error:
        portal.plan(spec)
    assert "topic.created" in (error.value.hint or "")


def test_a_name_longer_than_the_api_takes_is_a_plan_error_before_any_write(
    portal: Portal,
) -> None:
    spec = edit()
    spec["forums"][0]["tags"] = ["t" * 51]
    with pytest.raises(PlanError, match="51 characters; at most 50"):
        portal.plan(spec)
    assert portal.write_requests() == 0


def test_reads_are_one_per_collection_and_children_only_of_named_forums(portal: Portal) -> None:
    portal.apply(BASE)
    portal.send("POST", "forums", {"name": "Elsewhere", "type": "PRIVATE"})
    portal.reset_stats()
    portal.plan({"forums": [BASE["forums"][0]]})
    reads = portal.reads()
    assert reads["forums.json"] == 1
    assert reads["forums/{forum}/categories.json"] == 1  # Feedback's only
    assert reads["forums/{forum}/tags.json"] == 1
    assert reads["forums/{forum}/access_list.json"] == 0  # no access list in that spec
    assert reads["users.json"] == 0  # no members in that spec
