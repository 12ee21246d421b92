"""The portal's rules as a client sees them: uniqueness, validation, auth, 404s, derived fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox

from .sandbox_helpers import TOKEN, connect

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NAMED = [  # (path, update method, name field, extra fields for a create)
    ("categories", "PATCH", "name", {"color": "#ABDEE6"}),
    ("statuses", "PUT", "name", {"color": "#DCD9F8", "tab_id": 2}),
    ("tags", "PUT", "tag", {}),
    ("groups", "PUT", "name", {}),
]


@pytest.fixture
def local(box: Sandbox) -> Iterator[httpx.Client]:
    """A client on ``box`` in process (the rules are one implementation behind both ways)."""
    with connect(box, "inprocess") as client:
        yield client


def created(client: httpx.Client, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def errors(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    assert response.json()["message"] == "The given data was invalid."
    found: dict[str, list[str]] = response.json()["errors"]
    return found


# -- what the lead checks with curl, both ways in --------------------------------------------


@pytest.mark.parametrize(("path", "method", "field", "extra"), NAMED)
def test_names_are_unique_whatever_their_case(
    api: httpx.Client, path: str, method: str, field: str, extra: dict[str, Any]
) -> None:
    created(api, path, **{field: "Bug"}, **extra)
    again = api.post(path, json={field: "bUG", **extra})
    assert errors(again) == {field: [f"The {field} has already been taken."]}


def test_a_category_gets_an_integer_id(api: httpx.Client) -> None:
    assert isinstance(created(api, "categories", name="Bug", color="#ABDEE6")["id"], int)


def test_a_bad_color_is_refused_naming_color(api: httpx.Client) -> None:
    response = api.post("categories", json={"name": "Bug", "color": "red"})
    assert errors(response) == {
        "color": [
            "The color format is invalid. It should be a valid hex color code (e.g., #FF5733)."
        ]
    }
    assert api.get("categories").json()["data"] == []


def test_a_tag_gets_a_uuid(api: httpx.Client) -> None:
    tag = created(api, "tags", tag="editor")
    assert UUID.fullmatch(tag["id"])
    assert tag["tag"] == "editor"


@pytest.mark.parametrize("token", ["wrong", None])
def test_a_wrong_or_missing_token_is_unauthenticated(
    box: Sandbox, way: str, token: str | None
) -> None:
    with connect(box, way, token=token) as client:
        response = client.post("categories", json={"name": "Bug", "color": "#ABDEE6"})
    assert response.status_code == 401
    assert response.json() == {"message": "Unauthenticated."}
    assert box.writes.total() == 0


@pytest.mark.parametrize(
    ("method", "path", "model"),
    [
        ("PATCH", "categories/4242", "Category"),
        ("DELETE", "statuses/4242", "Status"),
        ("PUT", "sections/4242", "Section"),
        ("GET", "sections/4242/children", "Section"),
        ("DELETE", "tags/0b0e3c1e-8d1c-4d8a-9e0c-2f4b1b7c0a11", "Tag"),
        ("GET", "groups/0b0e3c1e-8d1c-4d8a-9e0c-2f4b1b7c0a11", "Group"),
        ("GET", "users/0b0e3c1e-8d1c-4d8a-9e0c-2f4b1b7c0a11", "User"),
        ("GET", "tabs/no-such-tab", "Tab"),
        ("DELETE", "categories/not-a-number", "Category"),
    ],
)
def test_an_unknown_id_answers_404_naming_the_model(
    api: httpx.Client, method: str, path: str, model: str
) -> None:
    response = api.request(method, path, json={"title": "Anything", "tag": "x", "color": "#000000"})
    assert response.status_code == 404
    key = path.split("/")[1]
    assert response.json() == {"message": f"No query results for model [App\\{model}] {key}"}


# -- routes ------------------------------------------------------------------------------------


def test_unknown_route_and_wrong_method(local: httpx.Client) -> None:
    missing = local.get("widgets/nope")
    assert missing.status_code == 404
    assert missing.json() == {"message": "The route api/v1/widgets/nope could not be found."}
    wrong = local.put("categories/1", json={})
    assert wrong.status_code == 405
    assert "Supported methods: DELETE, PATCH." in wrong.json()["message"]


def test_no_token_configured_lets_every_request_in() -> None:
    with Sandbox(":memory:") as box, connect(box, "inprocess", token=None) as client:
        assert client.get("tabs").status_code == 200


# -- names and validation ----------------------------------------------------------------------


@pytest.mark.parametrize(("path", "method", "field", "extra"), NAMED)
def test_a_rename_to_another_case_of_its_own_name_is_allowed(
    local: httpx.Client, path: str, method: str, field: str, extra: dict[str, Any]
) -> None:
    item = created(local, path, **{field: "bug"}, **extra)
    body = {field: "Bug", **({"color": extra["color"]} if "color" in extra else {})}
    response = local.request(method, f"{path}/{item['id']}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"][field] == "Bug"


@pytest.mark.parametrize(("path", "method", "field", "extra"), NAMED)
def test_a_rename_onto_another_name_is_refused(
    local: httpx.Client, path: str, method: str, field: str, extra: dict[str, Any]
) -> None:
    created(local, path, **{field: "Taken"}, **extra)
    item = created(local, path, **{field: "Free"}, **extra)
    body = {field: "TAKEN", **({"color": extra["color"]} if "color" in extra else {})}
    response = local.request(method, f"{path}/{item['id']}", json=body)
    assert errors(response) == {field: [f"The {field} has already been taken."]}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("B", "The name must be at least 2 characters."),
        ("x" * 61, "The name may not be greater than 60 characters."),
        (None, "The name field is required."),
        ("   ", "The name field is required."),
        (42, "The name must be a string."),
    ],
)
def test_names_are_checked_like_laravel(local: httpx.Client, name: Any, message: str) -> None:
    response = local.post("categories", json={"name": name, "color": "#ABDEE6"})
    assert errors(response) == {"name": [message]}


def test_tags_have_the_bounds_of_a_posts_tags_statuses_and_groups_none(
    local: httpx.Client,
) -> None:
    assert errors(local.post("tags", json={"tag": "a"})) == {
        "tag": ["The tag must be at least 2 characters."]
    }
    assert errors(local.post("tags", json={"tag": "t" * 61})) == {
        "tag": ["The tag may not be greater than 60 characters."]
    }
    assert created(local, "statuses", name="S", color="#ABDEE6", tab_id=1)["name"] == "S"
    assert created(local, "groups", name="G" * 100)["name"] == "G" * 100


def test_input_is_trimmed(local: httpx.Client) -> None:
    assert created(local, "categories", name="  Bug  ", color="#ABDEE6")["name"] == "Bug"


def test_a_patch_changes_only_what_it_names(local: httpx.Client) -> None:
    item = created(local, "categories", name="Bug", color="#ABDEE6")
    response = local.patch(f"categories/{item['id']}", json={"color": "#FFAEA5"})
    assert response.json()["data"] == {"id": item["id"], "name": "Bug", "color": "#FFAEA5"}


def test_statuses_derive_order_tab_name_and_text_color(local: httpx.Client) -> None:
    first = created(local, "statuses", name="Gathering votes", color="#DCD9F8", tab_id="2")
    second = created(local, "statuses", name="Planned", color="#FFAEA5", tab_id=2)
    other = created(local, "statuses", name="Shipped", color="#000000", tab_id=3)
    assert (first["order"], second["order"], other["order"]) == (0, 1, 0)
    assert first["tab_name"] == "Wish list"
    assert first["text_color"] == "#464362"
    assert other["text_color"] == "#000000"
    moved = local.put(
        f"statuses/{first['id']}", json={"name": "Gathering votes", "color": "#DCD9F8", "tab_id": 3}
    ).json()["data"]
    assert (moved["tab_id"], moved["tab_name"], moved["order"]) == (3, "Changelog", 1)


def test_a_status_needs_an_existing_tab(local: httpx.Client) -> None:
    missing = local.post("statuses", json={"name": "Open", "color": "#DCD9F8"})
    assert errors(missing) == {"tab_id": ["The tab id field is required."]}
    unknown = local.post("statuses", json={"name": "Open", "color": "#DCD9F8", "tab_id": 9})
    assert errors(unknown) == {"tab_id": ["The selected tab id is invalid."]}


def test_updated_at_changes_on_update(box: Sandbox, local: httpx.Client) -> None:
    tag = created(local, "tags", tag="editor")
    renamed = local.put(f"tags/{tag['id']}", json={"tag": "Editor"}).json()["data"]
    assert renamed["created_at"] == tag["created_at"]
    assert renamed["updated_at"] > tag["updated_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", renamed["updated_at"])


def test_a_deleted_id_is_never_reused(local: httpx.Client) -> None:
    first = created(local, "categories", name="Bug", color="#ABDEE6")
    assert local.delete(f"categories/{first['id']}").status_code == 200
    second = created(local, "categories", name="Bug", color="#ABDEE6")
    assert second["id"] != first["id"]
    assert local.delete(f"categories/{first['id']}").status_code == 404


def test_a_failed_write_changes_nothing(box: Sandbox, local: httpx.Client) -> None:
    local.post("categories", json={"name": "B", "color": "#ABDEE6"})
    assert local.get("categories").json()["data"] == []
    assert box.writes.total() == 0


def test_the_plain_object_answers_one_request(box: Sandbox) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = b'{"name": "Bug", "color": "#ABDEE6"}'
    reply = box.handle("POST", "/api/v1/categories", "", auth, body)
    assert (reply.status, reply.fault) == (200, None)
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"data": {"id": 1, "name": "Bug", "color": "#ABDEE6"}}
    query = box.handle("GET", "/api/v1/users", "limit=2", auth)
    assert len(query.json()["data"]) == 2
    head = box.handle("HEAD", "/api/v1/categories", "", auth)
    assert (head.status, head.body) == (200, b"")
    assert box.stats[("POST", "/api/v1/categories")] == 1
    assert box.writes.total() == 1
