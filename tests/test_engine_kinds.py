"""Every kind through plan and apply against the sandbox: create, update, rename, delete, unmanaged.

Each test edits the spec (or the portal by hand) the way a user would, then checks the plan a
user reads, the portal after apply, and that planning again shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reconciler.errors import PlanError

from .engine_helpers import BASE, Portal, change, edit, rows


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


@pytest.fixture
def ready(portal: Portal) -> Portal:
    """A portal where BASE has been applied."""
    portal.apply(BASE)
    return portal


def test_bootstrap_creates_every_kind_and_plans_clean(portal: Portal) -> None:
    plan = portal.apply(BASE)
    assert rows(plan) == [
        ("create", "category", "Bug"),
        ("create", "status", "Planned"),
        ("create", "tag", "editor"),
        ("create", "group", "Beta"),
        ("create", "section", "roadmap/Now"),
        ("create", "membership", "Beta/alice@example.com"),
    ]
    [category] = portal.get("categories")
    assert (category["name"], category["color"]) == ("Bug", "#ABDEE6")
    [status] = portal.get("statuses")
    assert (status["name"], status["color"], status["tab_id"]) == ("Planned", "#B3E5FC", 1)
    assert portal.names("tags", "tag") == ["editor"]
    [group] = portal.get("groups")
    assert (group["name"], group["description"]) == ("Beta", "Early access")
    now = portal.sections()["roadmap/Now"]
    assert (now["description"], now["icon"], now["color"], now["is_hidden_for_users"]) == (
        "This quarter",
        "rocket",
        "#FF7043",
        0,
    )
    assert portal.members("Beta") == ["alice@example.com"]
    assert portal.plan(BASE).changes == ()


# -- updates: one per attribute ----------------------------------------------------------------

UPDATES: list[tuple[str, dict[str, Any], str, str, dict[str, Any], Callable[[Portal], Any]]] = [
    (
        "category colour",
        edit(categories=[{"name": "Bug", "color": "#ffffff"}]),
        "category",
        "Bug",
        {"color": ("#ABDEE6", "#FFFFFF")},
        lambda p: p.get("categories")[0]["color"],
    ),
    (
        "status colour",
        edit(statuses=[{"name": "Planned", "color": "#000000", "tab": "roadmap"}]),
        "status",
        "Planned",
        {"color": ("#B3E5FC", "#000000")},
        lambda p: p.get("statuses")[0]["color"],
    ),
    (
        "status tab",
        edit(statuses=[{"name": "Planned", "color": "#B3E5FC", "tab": "wish-list"}]),
        "status",
        "Planned",
        {"tab": ("roadmap", "wish-list")},
        lambda p: p.get("statuses")[0]["tab_id"],
    ),
    (
        "section description",
        edit(sections=[{**BASE["sections"][0], "description": "Now-ish"}]),
        "section",
        "roadmap/Now",
        {"description": ("This quarter", "Now-ish")},
        lambda p: p.sections()["roadmap/Now"]["description"],
    ),
    (
        "section icon",
        edit(sections=[{**BASE["sections"][0], "icon": "star"}]),
        "section",
        "roadmap/Now",
        {"icon": ("rocket", "star")},
        lambda p: p.sections()["roadmap/Now"]["icon"],
    ),
    (
        "section colour",
        edit(sections=[{**BASE["sections"][0], "color": "#00ff00"}]),
        "section",
        "roadmap/Now",
        {"color": ("#FF7043", "#00FF00")},
        lambda p: p.sections()["roadmap/Now"]["color"],
    ),
    (
        "section hidden",
        edit(sections=[{**BASE["sections"][0], "hidden": True}]),
        "section",
        "roadmap/Now",
        {"hidden": (False, True)},
        lambda p: p.sections()["roadmap/Now"]["is_hidden_for_users"],
    ),
    (
        "group description",
        edit(groups=[{**BASE["groups"][0], "description": "Everyone early"}]),
        "group",
        "Beta",
        {"description": ("Early access", "Everyone early")},
        lambda p: p.get("groups")[0]["description"],
    ),
]
PORTAL_VALUES = {
    "category colour": "#FFFFFF",
    "status colour": "#000000",
    "status tab": 2,
    "section description": "Now-ish",
    "section icon": "star",
    "section colour": "#00FF00",
    "section hidden": 1,
    "group description": "Everyone early",
}


@pytest.mark.parametrize(
    ("what", "spec", "kind", "name", "expected", "read"), UPDATES, ids=[u[0] for u in UPDATES]
)
def test_attribute_change_is_one_update_with_one_write(
    ready: Portal,
    what: str,
    spec: dict[str, Any],
    kind: str,
    name: str,
    expected: dict[str, tuple[Any, Any]],
    read: Callable[[Portal], Any],
) -> None:
    plan = ready.plan(spec)
    assert rows(plan) == [("update", kind, name)]
    found = change(plan, kind, name)
    assert found.before == {k: v[0] for k, v in expected.items()}
    assert found.after == {k: v[1] for k, v in expected.items()}
    ready.reset_stats()
    ready.run(plan)
    assert ready.writes() == 1
    assert read(ready) == PORTAL_VALUES[what]
    assert ready.plan(spec).changes == ()


def test_null_clears_a_section_description_and_group_description(ready: Portal) -> None:
    spec = edit(
        sections=[{**BASE["sections"][0], "description": None, "icon": None, "color": None}],
        groups=[{**BASE["groups"][0], "description": None}],
    )
    plan = ready.plan(spec)
    assert change(plan, "section", "roadmap/Now").after == {
        "description": None,
        "icon": None,
        "color": None,
    }
    ready.run(plan)
    now = ready.sections()["roadmap/Now"]
    assert (now["description"], now["icon"], now["color"]) == (None, None, None)
    assert ready.get("groups")[0]["description"] is None
    assert ready.plan(spec).changes == ()


def test_attributes_left_out_are_not_managed(ready: Portal) -> None:
    spec = edit(
        categories=[{"name": "Bug"}],
        statuses=[{"name": "Planned"}],
        sections=[{"title": "Now", "tab": "roadmap"}],
        groups=[{"name": "Beta"}],
    )
    assert ready.plan(spec).changes == ()
    now = ready.sections()["roadmap/Now"]
    assert (now["description"], now["icon"], now["color"]) == ("This quarter", "rocket", "#FF7043")
    assert ready.get("groups")[0]["description"] == "Early access"
    assert ready.members("Beta") == ["alice@example.com"]


def test_colour_compares_without_letter_case(ready: Portal) -> None:
    assert ready.plan(edit(categories=[{"name": "Bug", "color": "#abdee6"}])).changes == ()


# -- renames ------------------------------------------------------------------------------------

RENAMES: list[tuple[str, dict[str, Any], str, str, str]] = [
    (
        "category",
        edit(categories=[{"name": "BUG", "color": "#ABDEE6"}]),
        "categories",
        "name",
        "BUG",
    ),
    (
        "status",
        edit(statuses=[{"name": "PLANNED", "color": "#B3E5FC", "tab": "roadmap"}]),
        "statuses",
        "name",
        "PLANNED",
    ),
    ("tag", edit(tags=["Editor"]), "tags", "tag", "Editor"),
    ("group", edit(groups=[{**BASE["groups"][0], "name": "BETA"}]), "groups", "name", "BETA"),
]
RENAMED_FROM: list[tuple[str, dict[str, Any], str, str, str]] = [
    (
        "category",
        edit(categories=[{"name": "Defect", "color": "#ABDEE6", "renamed_from": ["bug"]}]),
        "categories",
        "name",
        "Defect",
    ),
    (
        "status",
        edit(
            statuses=[
                {"name": "Next", "color": "#B3E5FC", "tab": "roadmap", "renamed_from": ["Planned"]}
            ]
        ),
        "statuses",
        "name",
        "Next",
    ),
    ("tag", edit(tags=[{"name": "editing", "renamed_from": ["EDITOR"]}]), "tags", "tag", "editing"),
    (
        "group",
        edit(groups=[{**BASE["groups"][0], "name": "Pilots", "renamed_from": ["Beta"]}]),
        "groups",
        "name",
        "Pilots",
    ),
]


@pytest.mark.parametrize(
    ("kind", "spec", "path", "field", "new"),
    [*RENAMES, *RENAMED_FROM],
    ids=[f"case-{r[0]}" for r in RENAMES] + [f"renamed_from-{r[0]}" for r in RENAMED_FROM],
)
def test_rename_updates_the_same_resource_in_place(
    ready: Portal, kind: str, spec: dict[str, Any], path: str, field: str, new: str
) -> None:
    [before] = ready.get(path)
    plan = ready.plan(spec)
    assert [(a, k) for a, k, _ in rows(plan)] == [("update", kind)]
    [rename] = plan.changes
    assert rename.id == before["id"]
    assert rename.before == {"name": before[field]}
    assert rename.after == {"name": new}
    ready.reset_stats()
    ready.run(plan)
    assert ready.writes() == 1
    [after] = ready.get(path)
    assert (after["id"], after[field]) == (before["id"], new)
    assert ready.plan(spec).changes == ()


@pytest.mark.parametrize(
    ("entry", "title"),
    [
        ({"title": "NOW"}, "NOW"),
        ({"title": "Current", "renamed_from": ["Now"]}, "Current"),
        ({"title": "Current", "renamed_from": ["roadmap/now"]}, "Current"),
    ],
    ids=["case-only", "renamed_from-title", "renamed_from-path"],
)
def test_section_rename_keeps_its_id(ready: Portal, entry: dict[str, Any], title: str) -> None:
    spec = edit(sections=[{**BASE["sections"][0], **entry}])
    old_id = ready.sections()["roadmap/Now"]["id"]
    plan = ready.plan(spec)
    assert rows(plan) == [("update", "section", f"roadmap/{title}")]
    assert (plan.changes[0].before, plan.changes[0].after) == ({"title": "Now"}, {"title": title})
    ready.run(plan)
    assert ready.sections()[f"roadmap/{title}"]["id"] == old_id
    assert ready.plan(spec).changes == ()


def test_status_tab_slug_compares_without_letter_case(portal: Portal) -> None:
    spec = {"tabs": [{"slug": "Roadmap"}], "statuses": [{"name": "Planned", "tab": "ROADMAP"}]}
    portal.apply(spec)
    assert portal.get("statuses")[0]["tab_id"] == 1
    assert portal.plan(spec).changes == ()


def test_new_status_without_tab_fails_before_any_write(portal: Portal) -> None:
    spec = {"categories": [{"name": "Bug"}], "statuses": [{"name": "Planned"}, {"name": "Done"}]}
    with pytest.raises(PlanError, match="new statuses need a tab: Planned, Done"):
        portal.plan(spec)
    assert portal.write_requests() == 0


def test_empty_and_padded_texts_are_stored_as_the_portal_stores_them(ready: Portal) -> None:
    """The portal trims strings and keeps "" as null: the spec must converge anyway."""
    spec = edit(
        sections=[{**BASE["sections"][0], "description": "", "icon": "  star  "}],
        groups=[{**BASE["groups"][0], "description": "  Early birds "}],
    )
    ready.apply(spec)
    now = ready.sections()["roadmap/Now"]
    assert (now["description"], now["icon"]) == (None, "star")
    assert ready.get("groups")[0]["description"] == "Early birds"
    assert ready.plan(spec).changes == ()
