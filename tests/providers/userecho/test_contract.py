"""Every row of the contract's UserEcho request table, through both ways in."""

from __future__ import annotations

import httpx
import pytest

from reconciler.providers.userecho.sandbox import UserEchoSandbox
from reconciler.providers.userecho.sandbox.routes import ROUTES

from .helpers import SEEDED, create, data, delete, error

FORUM = {
    "name": "Feedback",
    "type": "PUBLIC",
    "locale": "en",
    "allow_anonymous_topic": False,
    "allow_anonymous_votes": True,
    "allow_anonymous_comments": False,
    "allow_private_sso_users": False,
    "allow_private_view_all": True,
}


def test_forums_create_list_update_delete(api: httpx.Client) -> None:
    made = data(api.post("forums.json", json=FORUM))
    assert made == {**FORUM, "id": made["id"], "created": made["created"]}
    assert data(api.get("forums.json")) == [made]
    changed = data(api.put("forums.json", json={"id": made["id"], "name": "Ideas", "locale": "de"}))
    assert (changed["name"], changed["locale"], changed["type"]) == ("Ideas", "de", "PUBLIC")
    assert changed["allow_anonymous_votes"] is True  # what the update left out stays
    assert data(delete(api, "forums", {"id": made["id"]})) == {"id": made["id"]}
    assert data(api.get("forums.json")) == []


def test_a_new_forum_takes_defaults_for_what_it_leaves_out(api: httpx.Client) -> None:
    made = data(api.post("forums.json", json={"name": "Bare"}))
    assert (made["type"], made["locale"], made["allow_anonymous_votes"]) == ("PUBLIC", "en", False)


@pytest.mark.parametrize(
    "kind", ["PUBLIC", "PRIVATE", "KNOWLEDGEBASE PUBLIC", "KNOWLEDGEBASE PRIVATE", "HELPDESK"]
)
def test_every_forum_type_is_accepted(api: httpx.Client, kind: str) -> None:
    assert data(api.post("forums.json", json={"name": kind, "type": kind}))["type"] == kind


def test_forum_type_cannot_change_by_update(api: httpx.Client) -> None:
    id_ = create(api, "forums", FORUM)
    assert "type" in error(api.put("forums.json", json={"id": id_, "type": "PRIVATE"}), 400)
    assert data(api.put("forums.json", json={"id": id_, "type": "PUBLIC"}))["type"] == "PUBLIC"
    assert data(api.get("forums.json"))[0]["type"] == "PUBLIC"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "A", "type": "public"},
        {"name": "A", "locale": "english please"},
        {"name": "A", "allow_anonymous_votes": "yes"},
        {"type": "PUBLIC"},
    ],
)
def test_bad_forum_bodies_are_refused(api: httpx.Client, body: dict[str, object]) -> None:
    error(api.post("forums.json", json=body), 400)
    assert data(api.get("forums.json")) == []


def test_forum_names_compare_ignoring_case(api: httpx.Client) -> None:
    create(api, "forums", {"name": "Feedback"})
    error(api.post("forums.json", json={"name": "FEEDBACK"}), 400)
    assert len(data(api.get("forums.json"))) == 1


def test_unknown_forum_ids_answer_404(api: httpx.Client) -> None:
    error(api.put("forums.json", json={"id": 999, "name": "X"}), 404)
    error(delete(api, "forums", {"id": 999}), 404)
    error(api.get("forums/999/categories.json"), 404)
    error(delete(api, "forums", {}), 400)


@pytest.mark.parametrize("kind", ["categories", "tags"])
def test_categories_and_tags_by_forum(api: httpx.Client, kind: str) -> None:
    forum = create(api, "forums", FORUM)
    other = create(api, "forums", {"name": "Other"})
    command = f"forums/{forum}/{kind}"
    made = data(api.post(f"{command}.json", json={"name": "Bugs"}))
    assert (made["name"], made["forum_id"]) == ("Bugs", forum)
    assert [c["name"] for c in data(api.get(f"{command}.json"))] == ["Bugs"]
    assert data(api.get(f"forums/{other}/{kind}.json")) == []
    renamed = data(api.put(f"{command}.json", json={"id": made["id"], "name": "bugs"}))
    assert (renamed["id"], renamed["name"]) == (made["id"], "bugs")
    error(api.put(f"forums/{other}/{kind}.json", json={"id": made["id"], "name": "X"}), 404)
    error(delete(api, f"forums/{other}/{kind}", {"id": made["id"]}), 404)
    assert data(delete(api, command, {"id": made["id"]})) == {"id": made["id"]}
    assert data(api.get(f"{command}.json")) == []


@pytest.mark.parametrize("kind", ["categories", "tags"])
def test_child_names_are_unique_per_forum_as_str_lower_sees_them(
    api: httpx.Client, kind: str
) -> None:
    forum = create(api, "forums", FORUM)
    other = create(api, "forums", {"name": "Other"})
    command = f"forums/{forum}/{kind}"
    create(api, command, {"name": "Billing"})
    error(api.post(f"{command}.json", json={"name": "BILLING"}), 400)
    create(api, f"forums/{other}/{kind}", {"name": "billing"})  # another forum: free
    create(api, command, {"name": "straße"})
    create(api, command, {"name": "STRASSE"})  # lower() keeps them apart
    second = create(api, command, {"name": "Second"})
    error(api.put(f"{command}.json", json={"id": second, "name": "billing"}), 400)
    names = [c["name"] for c in data(api.get(f"{command}.json"))]
    assert names == ["Billing", "straße", "STRASSE", "Second"]


def test_deleting_a_forum_deletes_what_it_holds(api: httpx.Client) -> None:
    forum = create(api, "forums", {"name": "Private", "type": "PRIVATE"})
    create(api, f"forums/{forum}/categories", {"name": "Bugs"})
    create(api, f"forums/{forum}/tags", {"name": "mobile"})
    data(api.post(f"forums/{forum}/access_list.json", json={"emails": ["alice@example.com"]}))
    data(delete(api, "forums", {"id": forum}))
    again = create(api, "forums", {"name": "Private", "type": "PRIVATE"})
    assert again != forum  # ids are never handed out twice
    error(api.get(f"forums/{forum}/categories.json"), 404)
    assert data(api.get(f"forums/{again}/access_list.json")) == []


def test_access_list_of_a_private_forum(api: httpx.Client) -> None:
    forum = create(api, "forums", {"name": "Inner", "type": "KNOWLEDGEBASE PRIVATE"})
    command = f"forums/{forum}/access_list.json"
    assert data(api.get(command)) == []
    added = data(api.post(command, json={"emails": ["alice@example.com", "bob@example.com"]}))
    assert added == ["alice@example.com", "bob@example.com"]
    data(api.post(command, json={"emails": ["ALICE@example.com"]}))  # already there
    removed = api.request("DELETE", command, json={"emails": ["Bob@Example.com", "x@y.org"]})
    assert data(removed) == ["alice@example.com"]
    assert data(api.get(command)) == ["alice@example.com"]


def test_access_list_refuses_public_forums_and_bad_emails(api: httpx.Client) -> None:
    public = create(api, "forums", {"name": "Open", "type": "PUBLIC"})
    error(api.get(f"forums/{public}/access_list.json"), 400)
    error(api.post(f"forums/{public}/access_list.json", json={"emails": ["a@b.co"]}), 400)
    private = create(api, "forums", {"name": "Closed", "type": "PRIVATE"})
    bodies: list[dict[str, object]] = [
        {"emails": "a@b.co"},
        {"emails": ["not an email"]},
        {"emails": []},
        {},
    ]
    for body in bodies:
        error(api.post(f"forums/{private}/access_list.json", json=body), 400)
    assert data(api.get(f"forums/{private}/access_list.json")) == []


def test_user_groups_create_list_update_delete(api: httpx.Client) -> None:
    made = data(api.post("users/groups.json", json={"name": "Beta", "vote_weight": 2}))
    assert (made["name"], made["vote_weight"], made["vote_count"]) == ("Beta", 2, None)
    changed = data(api.put("users/groups.json", json={"id": made["id"], "vote_count": 10}))
    assert (changed["name"], changed["vote_weight"], changed["vote_count"]) == ("Beta", 2, 10)
    unlimited = data(api.put("users/groups.json", json={"id": made["id"], "vote_count": None}))
    assert unlimited["vote_count"] is None
    assert [g["id"] for g in data(api.get("users/groups.json"))] == [made["id"]]
    data(delete(api, "users/groups", {"id": made["id"]}))
    assert data(api.get("users/groups.json")) == []
    error(delete(api, "users/groups", {"id": made["id"]}), 404)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "G", "vote_weight": 0},
        {"name": "G", "vote_weight": 6},
        {"name": "G", "vote_weight": "2"},
        {"name": "G", "vote_count": 0},
        {"name": "G", "vote_count": 1.5},
        {"name": "G", "vote_count": True},
        {"vote_weight": 1},
    ],
)
def test_bad_group_bodies_are_refused(api: httpx.Client, body: dict[str, object]) -> None:
    error(api.post("users/groups.json", json=body), 400)
    assert data(api.get("users/groups.json")) == []


def test_group_names_compare_ignoring_case(api: httpx.Client) -> None:
    create(api, "users/groups", {"name": "Beta testers"})
    error(api.post("users/groups.json", json={"name": "beta TESTERS"}), 400)


def test_users_are_seeded_and_carry_their_groups(api: httpx.Client) -> None:
    users = data(api.get("users.json"))
    assert [u["email"] for u in users] == SEEDED
    assert all(u["groups"] == [] for u in users)
    assert data(api.get("users/current.json"))["email"] == "admin@example.com"


def test_group_membership_by_user(api: httpx.Client) -> None:
    group = create(api, "users/groups", {"name": "Beta"})
    (alice,) = data(api.get("users.json", params={"filter__email__in": "alice@example.com"}))
    joined = data(api.post(f"users/{alice['id']}/group.json", json={"group_id": group}))
    assert joined["groups"] == [{"id": group, "name": "Beta"}]
    data(api.post(f"users/{alice['id']}/group.json", json={"group_id": group}))  # idempotent
    members = [u["email"] for u in data(api.get("users.json")) if u["groups"]]
    assert members == ["alice@example.com"]
    left = api.request("DELETE", f"users/{alice['id']}/group.json", json={"group_id": group})
    assert data(left)["groups"] == []
    error(api.post(f"users/{alice['id']}/group.json", json={"group_id": 999}), 404)
    error(api.post("users/999/group.json", json={"group_id": group}), 404)
    error(api.post(f"users/{alice['id']}/group.json", json={}), 400)


def test_deleting_a_group_ends_its_memberships(api: httpx.Client) -> None:
    group = create(api, "users/groups", {"name": "Beta"})
    data(api.post("users/2/group.json", json={"group_id": group}))
    data(delete(api, "users/groups", {"id": group}))
    assert data(api.get("users/2.json"))["groups"] == []


def test_webhooks_list_events_create_delete(api: httpx.Client) -> None:
    events = data(api.get("hooks/events.json"))
    assert {"topic.created", "topic.updated", "comment.created"} <= set(events)
    body = {"event": "topic.created", "target_url": "https://hooks.example.com/ue"}
    first = data(api.post("hooks.json", json=body))
    second = data(api.post("hooks.json", json=body))  # no uniqueness
    assert first["id"] != second["id"]
    assert {k: first[k] for k in body} == body
    assert [h["id"] for h in data(api.get("hooks.json"))] == [first["id"], second["id"]]
    assert data(api.delete(f"hooks/{first['id']}.json")) == {"id": first["id"]}
    assert [h["id"] for h in data(api.get("hooks.json"))] == [second["id"]]
    error(api.delete(f"hooks/{first['id']}.json"), 404)


@pytest.mark.parametrize(
    "body",
    [
        {"event": "topic.exploded", "target_url": "https://h.example.com"},
        {"event": "topic.created", "target_url": "ftp://h.example.com"},
        {"event": "topic.created"},
        {"target_url": "https://h.example.com"},
    ],
)
def test_bad_webhooks_are_refused(api: httpx.Client, body: dict[str, str]) -> None:
    error(api.post("hooks.json", json=body), 400)
    assert data(api.get("hooks.json")) == []


def test_webhooks_have_no_update(api: httpx.Client) -> None:
    hook = create(api, "hooks", {"event": "topic.created", "target_url": "https://h.example.com"})
    error(api.put("hooks.json", json={"id": hook, "event": "topic.updated"}), 405)
    error(api.put(f"hooks/{hook}.json", json={"event": "topic.updated"}), 405)


# one successful request per route, in an order that makes each possible on a new portal
WALK: list[tuple[str, str, dict[str, object] | None]] = [
    ("GET", "users", None),
    ("GET", "users/current", None),
    ("GET", "users/2", None),
    ("POST", "users/groups", {"name": "Beta", "vote_weight": 2, "vote_count": None}),
    ("GET", "users/groups", None),
    ("PUT", "users/groups", {"id": 1, "vote_count": 3}),
    ("POST", "users/2/group", {"group_id": 1}),
    ("DELETE", "users/2/group", {"group_id": 1}),
    ("DELETE", "users/groups", {"id": 1}),
    ("POST", "forums", {**FORUM, "type": "PRIVATE"}),
    ("GET", "forums", None),
    ("PUT", "forums", {"id": 1, "locale": "fr"}),
    ("POST", "forums/1/categories", {"name": "Bugs"}),
    ("GET", "forums/1/categories", None),
    ("PUT", "forums/1/categories", {"id": 1, "name": "Bug"}),
    ("DELETE", "forums/1/categories", {"id": 1}),
    ("POST", "forums/1/tags", {"name": "mobile"}),
    ("GET", "forums/1/tags", None),
    ("PUT", "forums/1/tags", {"id": 1, "name": "ios"}),
    ("DELETE", "forums/1/tags", {"id": 1}),
    ("POST", "forums/1/access_list", {"emails": ["alice@example.com"]}),
    ("GET", "forums/1/access_list", None),
    ("DELETE", "forums/1/access_list", {"emails": ["alice@example.com"]}),
    ("DELETE", "forums", {"id": 1}),
    ("GET", "hooks/events", None),
    ("POST", "hooks", {"event": "comment.created", "target_url": "http://h.example.com/x"}),
    ("GET", "hooks", None),
    ("DELETE", "hooks/1", None),
]


def test_every_route_answers_success_on_a_walk(api: httpx.Client, box: UserEchoSandbox) -> None:
    for method, command, body in WALK:
        data(api.request(method, f"{command}.json", json=body))
    assert set(box.stats) == {(r.method, r.template) for r in ROUTES}
    assert sum(box.writes.values()) == sum(method != "GET" for method, _, _ in WALK)
