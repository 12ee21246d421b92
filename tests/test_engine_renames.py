"""``renamed_from`` rules against the sandbox: when it is followed, and that it never swaps."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import SpecError
from reconciler.providers.productlift.spec import Spec

from .conftest import Runner
from .engine_helpers import Portal, rows, spec_of


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    p.add("categories", name="Old", color="#111111")
    yield p
    p.close()


def cats(*entries: dict[str, Any], prune: bool = False) -> dict[str, Any]:
    return {"prune": prune, "categories": list(entries)}


def test_followed_when_the_new_name_is_not_in_the_portal(portal: Portal) -> None:
    [old] = portal.get("categories")
    spec = cats({"name": "New", "renamed_from": ["Older", "OLD"]}, prune=True)
    plan = portal.plan(spec)
    assert rows(plan) == [("update", "category", "New")]
    assert plan.changes[0].before == {"name": "Old"}
    portal.run(plan)
    assert portal.get("categories") == [{**old, "name": "New"}]
    after = portal.plan(spec)
    assert (after.changes, after.unmanaged) == ((), ())


def test_not_followed_when_the_new_name_is_already_in_the_portal(portal: Portal) -> None:
    portal.add("categories", name="new")
    spec = cats({"name": "New", "color": "#222222", "renamed_from": ["Old"]})
    plan = portal.plan(spec)
    assert rows(plan) == [("update", "category", "New")]
    assert plan.changes[0].after == {"name": "New", "color": "#222222"}
    assert [u.name for u in plan.unmanaged] == ["Old"]
    portal.run(plan)
    assert portal.names("categories") == ["New", "Old"]


def test_with_prune_the_old_one_is_deleted_not_renamed_onto_the_existing(
    portal: Portal,
) -> None:
    portal.add("categories", name="New")
    plan = portal.plan(cats({"name": "New", "renamed_from": ["Old"]}, prune=True))
    assert rows(plan) == [("delete", "category", "Old")]


def test_old_name_of_another_entry_is_refused_at_load_time() -> None:
    with pytest.raises(SpecError, match="names another category"):
        spec_of(cats({"name": "A"}, {"name": "B", "renamed_from": ["a"]}))


def unchecked(doc: dict[str, Any]) -> Spec:
    """A spec the loader would refuse (cross-entry rules skipped): the engine's own guard."""
    return Spec.model_validate({"version": 1, **doc})


def test_engine_does_not_follow_an_old_name_that_another_entry_owns(portal: Portal) -> None:
    plan = portal.plan(unchecked(cats({"name": "Old"}, {"name": "New", "renamed_from": ["Old"]})))
    assert rows(plan) == [("create", "category", "New")]


def test_two_resources_never_trade_places(portal: Portal) -> None:
    portal.add("categories", name="Other", color="#999999")
    before = {c["name"]: c["id"] for c in portal.get("categories")}
    swap = cats(
        {"name": "Old", "color": "#999999", "renamed_from": ["Other"]},
        {"name": "Other", "color": "#111111", "renamed_from": ["Old"]},
    )
    with pytest.raises(SpecError):
        spec_of(swap)
    plan = portal.plan(unchecked(swap))
    assert [(a, n, c.id) for (a, _, n), c in zip(rows(plan), plan.changes, strict=True)] == [
        ("update", "Old", before["Old"]),
        ("update", "Other", before["Other"]),
    ]
    assert all(set(c.after or {}) == {"color"} for c in plan.changes)  # colours, no renames
    portal.run(plan)
    assert {c["name"]: c["id"] for c in portal.get("categories")} == before


def test_renames_run_before_creates(portal: Portal) -> None:
    """Renames run before creates, so a created name never collides with one being freed."""
    portal.add("tags", tag="speed")
    spec = {
        "categories": [{"name": "Performance", "renamed_from": ["Old"]}, {"name": "Bugs"}],
        "tags": [{"name": "performance", "renamed_from": ["speed"]}, "bugs"],
    }
    plan = portal.plan(spec)
    assert rows(plan) == [
        ("update", "category", "Performance"),
        ("update", "tag", "performance"),
        ("create", "category", "Bugs"),
        ("create", "tag", "bugs"),
    ]
    portal.run(plan)
    assert portal.plan(spec).changes == ()


def test_status_rename_keeps_colour_and_tab(portal: Portal) -> None:
    portal.add("statuses", name="Doing", color="#ABCDEF", tab_id=2)
    spec = {
        "tabs": [{"slug": "wish-list"}],
        "statuses": [{"name": "In progress", "renamed_from": ["Doing"]}],
    }
    portal.apply(spec)
    [status] = portal.get("statuses")
    assert (status["name"], status["color"], status["tab_id"]) == ("In progress", "#ABCDEF", 2)


def test_cli_json_shows_a_rename_as_an_update_of_the_name(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    first = write_spec("version: 1\ntags: [speed]\ncategories:\n  - name: Integrations\n")
    assert run("apply", first, "--auto-approve", "--url", sandbox_url).code == 0
    renamed = write_spec(
        "version: 1\ntags: [{name: performance, renamed_from: [SPEED]}]\n"
        "categories:\n  - name: Integration\n    renamed_from: [Integrations]\n",
        "renamed.yaml",
    )
    result = run("plan", renamed, "--format", "json", "--detailed-exitcode", "--url", sandbox_url)
    assert result.code == 2
    doc = json.loads(result.out)
    assert [(c["action"], c["kind"], c["before"], c["after"]) for c in doc["changes"]] == [
        ("update", "category", {"name": "Integrations"}, {"name": "Integration"}),
        ("update", "tag", {"name": "speed"}, {"name": "performance"}),
    ]
    assert doc["summary"] == {"update": 2}
    assert run("apply", renamed, "--auto-approve", "--url", sandbox_url).code == 0
    assert run("plan", renamed, "--detailed-exitcode", "--url", sandbox_url).code == 0


def test_several_earlier_names_in_the_portal_adopt_the_first_and_say_so(portal: Portal) -> None:
    portal.add("categories", name="Performance", color="#999999")
    portal.add("categories", name="User interface", color="#999999")
    plan = portal.plan(cats({"name": "Speed", "renamed_from": ["Performance", "User interface"]}))
    assert rows(plan) == [("update", "category", "Speed")]
    assert plan.changes[0].before == {"name": "Performance"}
    assert plan.warnings == (
        'category "Speed" is renamed from "Performance", the first of its renamed_from that '
        'the portal holds; the portal also holds "User interface", which is not renamed',
    )
