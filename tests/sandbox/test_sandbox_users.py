"""Users (paging, find_by_email, create) and group membership."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox

from .sandbox_helpers import connect

DEMO = ["alice", "bob", "carol", "dave", "erin"]


@pytest.fixture
def local(box: Sandbox) -> Iterator[httpx.Client]:
    with connect(box, "inprocess") as client:
        yield client


def emails(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [u["email"] for u in response.json()["data"]]


def add_users(client: httpx.Client, count: int) -> None:
    for n in range(count):
        body = {"email": f"user{n:02}@example.com", "role": "member"}
        assert client.post("users", json=body).status_code == 200


def test_a_new_portal_has_the_five_demo_users(local: httpx.Client) -> None:
    users = local.get("users").json()["data"]
    assert [u["email"] for u in users] == [f"{n}@example.com" for n in DEMO]
    assert {u["role"] for u in users} == {"member"}
    assert [u["name"] for u in users] == [n.title() for n in DEMO]


def test_users_page_with_limit_and_skip(local: httpx.Client) -> None:
    add_users(local, 20)
    assert len(emails(local.get("users"))) == 10  # the default limit
    page = emails(local.get("users", params={"limit": 3, "skip": 4}))
    assert page == ["erin@example.com", "user00@example.com", "user01@example.com"]
    everyone = emails(local.get("users", params={"limit": 100}))
    assert len(everyone) == 25
    assert emails(local.get("users", params={"limit": 100, "skip": 25})) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"limit": 0}, "limit", "The limit must be at least 1."),
        ({"limit": 101}, "limit", "The limit may not be greater than 100."),
        ({"limit": "ten"}, "limit", "The limit must be an integer."),
        ({"skip": -1}, "skip", "The skip must be at least 0."),
    ],
)
def test_users_paging_is_validated(
    local: httpx.Client, params: dict[str, int | str], field: str, message: str
) -> None:
    response = local.get("users", params=params)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


def test_find_by_email_ignores_case_and_answers_404_when_unknown(local: httpx.Client) -> None:
    found = local.get("users/find_by_email", params={"email": "Carol@Example.com"})
    assert found.json()["data"]["email"] == "carol@example.com"
    missing = local.get("users/find_by_email", params={"email": "zed@example.com"})
    assert missing.status_code == 404
    assert missing.json() == {"message": "User not found"}
    no_email = local.get("users/find_by_email")
    assert no_email.json()["errors"] == {"email": ["The email field is required."]}


def test_create_user_then_get_it(local: httpx.Client) -> None:
    made = local.post(
        "users", json={"email": "frank@example.com", "role": "admin", "is_blocked": "false"}
    ).json()["data"]
    assert made["name"] == "frank"
    assert made["is_blocked"] == 0
    assert local.get(f"users/{made['id']}").json()["data"] == made
    again = local.post("users", json={"email": "FRANK@example.com", "role": "member"})
    assert again.status_code == 422
    assert again.json() == {"message": "User already exists"}


def test_group_membership_one_user_at_a_time(box: Sandbox, local: httpx.Client) -> None:
    group = local.post("groups", json={"name": "Beta testers"}).json()["data"]
    path = f"groups/{group['id']}/users"
    ids = {
        name: local.get("users/find_by_email", params={"email": f"{name}@example.com"}).json()[
            "data"
        ]["id"]
        for name in ("alice", "bob")
    }
    for name in ("bob", "alice"):
        added = local.post(path, json={"user_id": ids[name]})
        assert added.json() == {"message": "User added to group successfully"}
    assert emails(local.get(path)) == ["bob@example.com", "alice@example.com"]
    twice = local.post(path, json={"user_id": ids["bob"]})
    assert (twice.status_code, twice.json()) == (422, {"message": "User is already in the group"})
    removed = local.request("DELETE", path, json={"user_id": ids["bob"]})
    assert removed.json() == {"message": "User removed from group successfully"}
    gone = local.request("DELETE", path, json={"user_id": ids["bob"]})
    assert (gone.status_code, gone.json()) == (422, {"message": "User is not in the group"})
    assert emails(local.get(path)) == ["alice@example.com"]
    assert box.writes[("POST", "/api/v1/groups/{group}/users")] == 2


def test_deleting_a_group_ends_its_memberships(local: httpx.Client) -> None:
    group = local.post("groups", json={"name": "Beta"}).json()["data"]
    alice = local.get("users/find_by_email", params={"email": "alice@example.com"}).json()["data"]
    local.post(f"groups/{group['id']}/users", json={"user_id": alice["id"]})
    assert local.delete(f"groups/{group['id']}").json() == {"message": "Group deleted successfully"}
    assert local.get(f"groups/{group['id']}/users").status_code == 404
    assert local.get(f"groups/{group['id']}").status_code == 404


def test_a_member_needs_a_user_id(local: httpx.Client) -> None:
    group = local.post("groups", json={"name": "Beta"}).json()["data"]
    response = local.post(f"groups/{group['id']}/users", json={})
    assert response.status_code == 422
    assert response.json()["errors"] == {"user_id": ["The user id field is required."]}
