"""Deletes, prune and whole sets: what goes, what stays, and what is refused.

Unnamed resources are unmanaged unless ``prune`` names their kind; a forum goes only under
``prune: {forums: true}``, with a warning that its topics go too; access lists and group
members given in the spec are the whole set; unknown member emails stop the plan.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.errors import PlanError, UnsafePlanError
from reconciler.plan import check_delete_threshold

from .engine_helpers import BASE, Portal, edit, rows


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    p.apply(BASE)
    yield p
    p.close()


def _extras(portal: Portal) -> None:
    """What someone added by hand: a category, a tag, a group, a webhook, a forum."""
    feedback = portal.forum("Feedback")["id"]
    portal.send("POST", f"forums/{feedback}/categories", {"name": "Legacy"})
    portal.send("POST", f"forums/{feedback}/tags", {"name": "old"})
    portal.send("POST", "users/groups", {"name": "Partners"})
    portal.send("POST", "hooks", {"event": "vote.created", "target_url": "https://x.example.com"})
    portal.send("POST", "forums", {"name": "Archive", "type": "PUBLIC"})


def test_without_prune_what_the_spec_does_not_name_is_unmanaged(portal: Portal) -> None:
    _extras(portal)
    plan = portal.plan(BASE)
    assert plan.changes == ()
    assert sorted((u.kind, u.name) for u in plan.unmanaged) == [
        ("category", "Feedback/Legacy"),
        ("forum", "Archive"),
        ("group", "Partners"),
        ("tag", "Feedback/old"),
        ("webhook", "vote.created https://x.example.com"),
    ]


def test_prune_true_deletes_each_unnamed_kind_children_before_parents(portal: Portal) -> None:
    _extras(portal)
    plan = portal.plan(edit(prune=True))
    assert rows(plan) == [
        ("delete", "webhook", "vote.created https://x.example.com"),
        ("delete", "group", "Partners"),
        ("delete", "tag", "Feedback/old"),
        ("delete", "category", "Feedback/Legacy"),
        ("delete", "forum", "Archive"),
    ]
    assert any("Archive" in w and "topic" in w for w in plan.warnings)
    portal.run(plan)
    assert portal.names("forums") == ["Beta", "Feedback"]
    assert portal.children("Feedback", "categories") == ["Bugs", "Ideas"]
    assert portal.plan(edit(prune=True)).changes == ()


def test_prune_per_kind_leaves_forums_alone(portal: Portal) -> None:
    _extras(portal)
    spec = edit(prune={"categories": True, "tags": True, "groups": True, "webhooks": True})
    plan = portal.plan(spec)
    assert ("delete", "forum", "Archive") not in rows(plan)
    assert ("forum", "Archive") in [(u.kind, u.name) for u in plan.unmanaged]
    assert len(plan.changes) == 4
    assert plan.warnings == ()


def test_prune_never_deletes_the_children_of_a_forum_the_spec_does_not_manage(
    portal: Portal,
) -> None:
    """``renamed_from: [Feedback]`` on an entry whose own name the portal holds is not
    followed: Feedback is unmanaged, and so are its categories and tags, prune or not."""
    beta = next(f for f in BASE["forums"] if f["name"] == "Beta")
    spec = edit(
        prune={"categories": True, "tags": True},
        forums=[{**beta, "renamed_from": ["Feedback"]}],
    )
    plan = portal.plan(spec)
    assert plan.changes == ()
    assert ("forum", "Feedback") in [(u.kind, u.name) for u in plan.unmanaged]
    assert ("category", "Feedback/Bugs") in [(u.kind, u.name) for u in plan.unmanaged]


def test_forum_deletes_count_toward_the_delete_threshold(portal: Portal) -> None:
    for name in ("One", "Two"):
        portal.send("POST", "forums", {"name": name})
    plan = portal.plan(edit(prune={"forums": True}))  # deletes 2 of 4 forums
    assert [kind for _, kind, _ in rows(plan)] == ["forum", "forum"]
    with pytest.raises(UnsafePlanError, match="deletes 2 of 4 forums"):
        check_delete_threshold(plan, 25)


def test_members_given_are_the_whole_membership(portal: Portal) -> None:
    spec = edit()
    spec["groups"][1]["members"] = ["dave@example.com", "carol@example.com"]
    plan = portal.plan(spec)
    assert sorted(rows(plan)) == [
        ("create", "membership", "Staff/carol@example.com"),
        ("delete", "membership", "Staff/erin@example.com"),
    ]
    portal.run(plan)
    assert portal.members("Staff") == ["carol@example.com", "dave@example.com"]
    assert portal.plan(spec).changes == ()


def test_members_left_out_are_not_managed(portal: Portal) -> None:
    spec = edit()
    del spec["groups"][1]["members"]
    portal.send("POST", f"users/{portal.user_id('bob@example.com')}/group", {"group_id": 2})
    assert portal.plan(spec).changes == ()


def test_members_listed_in_another_case_match(portal: Portal) -> None:
    spec = edit()
    spec["groups"][0]["members"] = ["Alice@Example.com"]
    assert portal.plan(spec).changes == ()


def test_an_access_list_given_is_the_whole_list(portal: Portal) -> None:
    beta = portal.forum("Beta")["id"]
    portal.send("POST", f"forums/{beta}/access_list", {"emails": ["mallory@example.net"]})
    spec = edit()
    spec["forums"][1]["access_list"] = ["bob@example.com", "carol@example.com"]
    plan = portal.plan(spec)
    assert sorted(rows(plan)) == [
        ("create", "access", "Beta/carol@example.com"),
        ("delete", "access", "Beta/alice@example.com"),
        ("delete", "access", "Beta/mallory@example.net"),
    ]
    portal.run(plan)
    assert portal.children("Beta", "access_list") == ["bob@example.com", "carol@example.com"]
    assert portal.plan(spec).changes == ()


def test_an_access_list_left_out_is_not_managed(portal: Portal) -> None:
    beta = portal.forum("Beta")["id"]
    portal.send("POST", f"forums/{beta}/access_list", {"emails": ["mallory@example.net"]})
    spec = edit()
    del spec["forums"][1]["access_list"]
    assert portal.plan(spec).changes == ()


def test_an_empty_access_list_removes_everyone(portal: Portal) -> None:
    spec = edit()
    spec["forums"][1]["access_list"] = []
    portal.apply(spec)
    assert portal.children("Beta", "access_list") == []


def test_unknown_member_emails_stop_the_plan_before_any_write(portal: Portal) -> None:
    spec = edit()
    spec["groups"][0]["members"] = ["alice@example.com", "nobody@example.com"]
    spec["groups"].append({"name": "New", "members": ["ghost@example.com"]})
    portal.reset_stats()
    with pytest.raises(PlanError) as error:
        portal.plan(spec)
    assert "ghost@example.com, nobody@example.com" in str(error.value)
    assert portal.write_requests() == 0
    # named as members and forum access alike: the CLI locates whichever the spec holds
    assert ("membership", "ghost@example.com") in error.value.entries
    assert ("access", "ghost@example.com") in error.value.entries


class _Recorder(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.urls = inner, list[str]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        return self.inner.handle_request(request)


def test_members_of_a_new_group_are_found_by_email_without_walking_users() -> None:
    portal = Portal(wrap=_Recorder)
    try:
        portal.apply({"groups": [{"name": "New", "members": ["Carol@example.com"]}]})
        assert isinstance(portal.transport, _Recorder)
        users = [u for u in portal.transport.urls if "/users.json" in u]
        assert len(users) == 1  # no page of every user was read
        assert "filter__email__in=carol%40example.com" in users[0]  # sent lower-case
        assert portal.members("New") == ["carol@example.com"]
    finally:
        portal.close()
