"""Sections: placement with after_id, nesting, children, moves, cascade delete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox

from .sandbox_helpers import connect


@pytest.fixture
def local(box: Sandbox) -> Iterator[httpx.Client]:
    with connect(box, "inprocess") as client:
        yield client


def section(client: httpx.Client, title: str, tab_id: int = 1, **more: Any) -> dict[str, Any]:
    response = client.post("sections", json={"title": title, "tab_id": tab_id, **more})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def titles(client: httpx.Client, **params: Any) -> list[tuple[str, int]]:
    """(title, order) of the listed sections, in list order."""
    listed = client.get("sections", params=params).json()["data"]
    return [(s["title"], s["order"]) for s in listed]


def test_sections_append_or_go_right_after_after_id(local: httpx.Client) -> None:
    first = section(local, "First")
    section(local, "Last")
    middle = section(local, "Middle", after_id=first["id"])
    assert middle["order"] == 2
    assert titles(local) == [("First", 1), ("Middle", 2), ("Last", 3)]
    section(local, "Very last")
    assert titles(local)[-1] == ("Very last", 4)


def test_after_id_must_be_a_sibling(local: httpx.Client) -> None:
    other_tab = section(local, "Elsewhere", tab_id=2)
    response = local.post(
        "sections", json={"title": "New", "tab_id": 1, "after_id": other_tab["id"]}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"after_id": ["The selected after id is invalid."]}


def test_titles_are_unique_among_siblings_only(local: httpx.Client) -> None:
    parent = section(local, "Parent")
    section(local, "Backend", parent_id=parent["id"])
    section(local, "Backend")  # same title, other parent
    section(local, "Backend", tab_id=2)  # same title, other tab
    again = local.post(
        "sections", json={"title": "BACKEND", "tab_id": 1, "parent_id": str(parent["id"])}
    )
    assert again.status_code == 422
    assert again.json()["errors"] == {"title": ["The title has already been taken."]}


def test_list_holds_children_and_filters_by_tab(local: httpx.Client) -> None:
    root = section(local, "Root")
    child = section(local, "Child", parent_id=root["id"])
    section(local, "Grandchild", parent_id=child["id"])
    section(local, "Wish", tab_id=2)
    listed = local.get("sections").json()["data"]
    assert {(s["title"], s["parent_id"]) for s in listed} == {
        ("Root", None),
        ("Child", root["id"]),
        ("Grandchild", child["id"]),
        ("Wish", None),
    }
    assert [t for t, _ in titles(local, tab_id=2)] == ["Wish"]
    assert titles(local, tab_id=3) == []
    assert local.get("sections", params={"tab_id": "x"}).status_code == 422


def test_children_lists_direct_children_in_order(local: httpx.Client) -> None:
    root = section(local, "Root")
    b = section(local, "Bee", parent_id=root["id"])
    section(local, "Ant", parent_id=root["id"], after_id=None)
    section(local, "Cat", parent_id=root["id"], after_id=b["id"])
    section(local, "Deep", parent_id=b["id"])
    children = local.get(f"sections/{root['id']}/children").json()["data"]
    assert [(c["title"], c["order"]) for c in children] == [("Bee", 1), ("Cat", 2), ("Ant", 3)]
    assert {c["parent_id"] for c in children} == {root["id"]}


def test_deleting_a_section_deletes_its_descendants(box: Sandbox, local: httpx.Client) -> None:
    root = section(local, "Root")
    child = section(local, "Child", parent_id=root["id"])
    section(local, "Grandchild", parent_id=child["id"])
    section(local, "Sibling")
    assert local.delete(f"sections/{root['id']}").json() == {}
    assert [t for t, _ in titles(local)] == ["Sibling"]
    assert local.delete(f"sections/{child['id']}").status_code == 404
    assert box.writes[("DELETE", "/api/v1/sections/{id}")] == 1


def test_update_moves_within_the_tab_never_to_another(local: httpx.Client) -> None:
    a = section(local, "Alpha")
    b = section(local, "Beta")
    moved = local.put(
        f"sections/{b['id']}",
        json={"title": "Beta", "parent_id": a["id"], "tab_id": 2, "is_hidden_for_users": True},
    ).json()["data"]
    assert (moved["parent_id"], moved["tab_id"], moved["order"]) == (a["id"], 1, 1)
    assert moved["is_hidden_for_users"] == 1
    back = local.put(f"sections/{b['id']}", json={"title": "Beta", "parent_id": None})
    assert back.json()["data"]["parent_id"] is None


@pytest.mark.parametrize("target", ["self", "descendant", "other tab"])
def test_a_section_cannot_move_into_itself_or_another_tab(local: httpx.Client, target: str) -> None:
    a = section(local, "Alpha")
    kid = section(local, "Kid", parent_id=a["id"])
    other = section(local, "Other", tab_id=2)
    parent = {"self": a, "descendant": kid, "other tab": other}[target]["id"]
    response = local.put(f"sections/{a['id']}", json={"title": "Alpha", "parent_id": parent})
    assert response.status_code == 422
    assert response.json()["errors"] == {"parent_id": ["The selected parent id is invalid."]}


def test_update_keeps_what_it_does_not_name(local: httpx.Client) -> None:
    a = section(local, "Alpha", description="About", icon="rocket", color="#FF5733")
    updated = local.put(f"sections/{a['id']}", json={"title": "Alpha 2"}).json()["data"]
    assert (updated["description"], updated["icon"], updated["color"]) == (
        "About",
        "rocket",
        "#FF5733",
    )
    cleared = local.put(f"sections/{a['id']}", json={"title": "Alpha 2", "icon": None})
    assert cleared.json()["data"]["icon"] is None
    untitled = local.put(f"sections/{a['id']}", json={"icon": "x"})
    assert untitled.json()["errors"] == {"title": ["The title field is required."]}


def test_a_section_needs_a_real_tab_and_parent(local: httpx.Client) -> None:
    bad_tab = local.post("sections", json={"title": "New", "tab_id": 99})
    assert bad_tab.json()["errors"] == {"tab_id": ["The selected tab id is invalid."]}
    bad_parent = local.post("sections", json={"title": "New", "tab_id": 1, "parent_id": 99})
    assert bad_parent.json()["errors"] == {"parent_id": ["The selected parent id is invalid."]}
