"""Applies that meet a failing portal: lost answers, exhausted retries, a portal that breaks.

What a user must see: the apply converges, nothing is created twice, and after a failed
apply the next plan shows exactly what is left, which the next apply finishes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.errors import ApiError, ApplyError
from reconciler.providers.productlift.sandbox import Faults, Sandbox
from reconciler.sandbox.transport import SandboxTransport

from .conftest import Runner
from .engine_helpers import BreakAfter, Portal, rows

EVERY_KIND: dict[str, Any] = {
    "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
    "categories": [{"name": f"Category {i}", "color": "#ABDEE6"} for i in range(4)],
    "statuses": [{"name": "Planned", "color": "#B3E5FC", "tab": "roadmap"}],
    "tags": ["api", "mobile", "billing"],
    "sections": [
        {
            "title": "Now",
            "tab": "roadmap",
            "hidden": True,
            "sections": [{"title": "Backend", "sections": [{"title": "DB"}]}, {"title": "UI"}],
        },
        {"title": "Ideas", "tab": "wish-list"},
    ],
    "groups": [
        {"name": "Beta", "members": ["alice@example.com", "bob@example.com"]},
        {"name": "Staff", "description": "Us", "members": ["erin@example.com"]},
    ],
}
CREATES = {  # POST endpoint → how many the spec creates
    "/api/v1/categories": 4,
    "/api/v1/statuses": 1,
    "/api/v1/tags": 3,
    "/api/v1/sections": 5,
    "/api/v1/groups": 2,
    "/api/v1/groups/{group}/users": 3,
}


def posts(portal: Portal) -> dict[str, int]:
    """Creates the portal performed, by endpoint (lost answers included)."""
    return {path: n for (method, path), n in portal.box.writes.items() if method == "POST"}


def converge(portal: Portal, spec: dict[str, Any], tries: int = 30) -> int:
    """Apply until an apply succeeds; how many applies it took."""
    for attempt in range(1, tries + 1):
        try:
            portal.apply(spec)
        except (ApplyError, ApiError):
            continue
        return attempt
    raise AssertionError(f"no apply succeeded in {tries} tries")


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


@pytest.mark.faults
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_lost_answers_converge_in_one_apply_without_duplicates(portal: Portal, seed: int) -> None:
    portal.faults(Faults(lose_rate=0.25, timeout_rate=0.1, error_rate=0.1, seed=seed))
    assert converge(portal, EVERY_KIND, tries=1) == 1
    assert sum(portal.box.faulted.values()) > 0
    assert posts(portal) == CREATES  # every create performed once: retries adopted it
    portal.faults(None)
    assert portal.plan(EVERY_KIND).changes == ()
    assert portal.sections()["roadmap/Now"]["is_hidden_for_users"] == 1


@pytest.mark.faults
@pytest.mark.parametrize("seed", [5, 6])
def test_exhausted_retries_fail_then_later_applies_converge(seed: int) -> None:
    portal = Portal(max_attempts=2)
    try:
        portal.faults(Faults(error_rate=0.3, lose_rate=0.3, seed=seed))
        assert converge(portal, EVERY_KIND) > 1
        assert posts(portal) == CREATES  # lost creates were adopted, never repeated
        portal.faults(None)
        assert portal.plan(EVERY_KIND).changes == ()
    finally:
        portal.close()


def test_lost_answers_of_updates_and_deletes_converge(portal: Portal) -> None:
    portal.apply(EVERY_KIND)
    changed = json.loads(json.dumps(EVERY_KIND))
    changed["prune"] = True
    changed["categories"] = [{"name": "Category 0", "color": "#000000"}]
    changed["tags"] = [{"name": "API", "renamed_from": ["api"]}]
    changed["groups"][0]["members"] = ["carol@example.com"]
    changed["sections"][1] = {
        "title": "Ideas",
        "tab": "roadmap",
        "renamed_from": ["wish-list/Ideas"],
    }
    planned = portal.plan(changed)
    portal.faults(Faults(lose_rate=1.0))  # every write lands, and no answer comes back
    with pytest.raises(ApplyError):
        portal.run(planned)
    portal.faults(Faults(lose_rate=0.5, seed=9))
    converge(portal, changed)
    portal.faults(None)
    assert portal.plan(changed).changes == ()
    assert portal.names("categories") == ["Category 0"]
    assert portal.members("Beta") == ["carol@example.com"]


# -- a portal that breaks half-way ---------------------------------------------------------------

ROWS_OF_EVERY_KIND = 18  # changes in the plan of EVERY_KIND against an empty portal


@pytest.mark.parametrize("after", [0, 1, 6, 10, 13, 15, 17])
def test_failed_apply_leaves_a_plan_of_exactly_what_is_left(after: int) -> None:
    spec = {**EVERY_KIND, "sections": [{**EVERY_KIND["sections"][0], "hidden": False}]}
    spec["sections"].append(EVERY_KIND["sections"][1])
    portal = Portal(wrap=lambda inner: BreakAfter(inner, after))
    try:
        planned = portal.plan(spec)
        assert len(planned.changes) == ROWS_OF_EVERY_KIND
        with pytest.raises(ApplyError) as failed:
            portal.run(planned)
        assert (failed.value.done, failed.value.remaining) == (after, len(planned.changes) - after)
        assert f"{after} of {len(planned.changes)} changes applied" in str(failed.value)
        assert isinstance(portal.transport, BreakAfter)
        portal.transport.broken = False
        left = portal.plan(spec)
        assert rows(left) == rows(planned)[after:]
        portal.run(left)
        assert portal.plan(spec).changes == ()
        assert posts(portal) == CREATES
    finally:
        portal.close()


def test_replace_broken_half_way_leaves_a_plain_create() -> None:
    tabs = [{"slug": "roadmap"}, {"slug": "wish-list"}]
    portal = Portal(wrap=lambda inner: BreakAfter(inner, 10**6))
    try:
        portal.apply({"tabs": tabs, "sections": [{"title": "Ideas", "tab": "roadmap"}]})
        moved = {
            "tabs": tabs,
            "sections": [{"title": "Ideas", "tab": "wish-list", "renamed_from": ["roadmap/Ideas"]}],
        }
        planned = portal.plan(moved)
        assert rows(planned) == [("replace", "section", "wish-list/Ideas")]
        assert isinstance(portal.transport, BreakAfter)
        portal.transport.left = 1  # the replace's first write lands, its second does not
        with pytest.raises(ApplyError):
            portal.run(planned)
        portal.transport.broken = False
        left = portal.plan(moved)
        assert rows(left) == [("create", "section", "wish-list/Ideas")]
        portal.run(left)
        assert sorted(portal.sections()) == ["wish-list/Ideas"]
        assert portal.plan(moved).changes == ()
    finally:
        portal.close()


# -- through the CLI -------------------------------------------------------------------------------


def test_cli_apply_failing_half_way_exits_1_and_the_next_apply_finishes(
    run: Runner, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import EXAMPLE

    planned = json.loads(run("plan", EXAMPLE, "--format", "json", "--url", sandbox_url).out)
    total = len(planned["changes"])
    with monkeypatch.context() as m:
        m.setattr(Sandbox, "transport", lambda self: BreakAfter(SandboxTransport(self), 10))
        failed = run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url)
    assert failed.code == 1
    assert f"10 of {total} changes applied" in failed.err
    assert "reconciler plan" in failed.err
    left = json.loads(run("plan", EXAMPLE, "--format", "json", "--url", sandbox_url).out)
    assert left["changes"] == planned["changes"][10:]
    finished = run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url)
    assert finished.code == 0, finished.err
    assert run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url).code == 0
