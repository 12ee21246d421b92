"""Saved plans (fresh and stale) and the delete threshold, through the engine and the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.engine import check_saved_plan, load_saved_plan
from reconciler.errors import StalePlanError, UnsafePlanError
from reconciler.plan import Plan, check_delete_threshold
from reconciler.render import render_json

from .conftest import Runner
from .engine_helpers import Portal, rows

SPEC: dict[str, Any] = {
    "tabs": [{"slug": "roadmap"}],
    "categories": [{"name": "Bug", "color": "#ABDEE6"}, {"name": "Idea", "color": "#FFAEA5"}],
    "tags": ["api"],
}


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


def saved(plan: Plan) -> dict[str, Any]:
    """The plan as ``plan --out`` writes it, read back."""
    return dict(load_saved_plan(json.loads(render_json(plan)), "plan.json"))


def test_fresh_saved_plan_is_accepted_and_applies(portal: Portal) -> None:
    made = portal.plan(SPEC)
    fresh = portal.plan(SPEC)
    check_saved_plan(saved(made), fresh, "plan.json")
    portal.run(fresh)
    assert portal.names("categories") == ["Bug", "Idea"]


def test_saved_plan_is_stale_when_a_planned_resource_changed(portal: Portal) -> None:
    portal.apply(SPEC)
    [bug, _] = portal.get("categories")
    made = portal.plan({**SPEC, "categories": [{"name": "Bug", "color": "#000000"}]})
    portal.send("PATCH", f"categories/{bug['id']}", {"color": "#000000"})
    fresh = portal.plan({**SPEC, "categories": [{"name": "Bug", "color": "#000000"}]})
    with pytest.raises(StalePlanError, match="portal changed") as caught:
        check_saved_plan(saved(made), fresh, "plan.json")
    assert "no longer planned: ~ category 'Bug'" in str(caught.value)


def test_saved_plan_is_stale_when_only_unmanaged_resources_changed(portal: Portal) -> None:
    made = portal.plan(SPEC)
    portal.add("tags", tag="someone-elses")
    with pytest.raises(StalePlanError, match="unmanaged resources differ"):
        check_saved_plan(saved(made), portal.plan(SPEC), "plan.json")


def test_saved_plan_is_stale_when_the_spec_changed(portal: Portal) -> None:
    made = portal.plan(SPEC)
    fresh = portal.plan({**SPEC, "tags": ["api", "mobile"]})
    with pytest.raises(StalePlanError, match="spec changed") as caught:
        check_saved_plan(saved(made), fresh, "plan.json")
    assert "now also needed: + tag 'mobile'" in str(caught.value)


def test_saved_plan_for_another_target_is_refused(portal: Portal) -> None:
    made = saved(portal.plan(SPEC))
    made["target"] = "https://feedback.example.com"
    with pytest.raises(StalePlanError, match=r"made for https://feedback\.example\.com"):
        check_saved_plan(made, portal.plan(SPEC), "plan.json")


def test_saved_plan_of_another_format_version_is_refused(portal: Portal) -> None:
    doc = json.loads(render_json(portal.plan(SPEC)))
    doc["format_version"] = 2
    with pytest.raises(StalePlanError, match="format_version 2"):
        load_saved_plan(doc, "plan.json")


# -- delete threshold ---------------------------------------------------------------------------


def tags(*names: str, prune: bool = True) -> dict[str, Any]:
    return {"prune": {"tags": prune}, "tags": list(names)}


@pytest.mark.parametrize(
    ("existing", "kept", "refused"),
    [
        (5, 4, False),  # 1 of 5 = 20%
        (5, 3, True),  # 2 of 5 = 40%
        (4, 3, False),  # 1 of 4 = 25%: not more than 25
        (3, 0, False),  # fewer than 4 existing: never refused
    ],
    ids=["20pct", "40pct", "25pct-exactly", "3-existing"],
)
def test_delete_threshold_applies_to_kinds_with_at_least_four(
    portal: Portal, existing: int, kept: int, refused: bool
) -> None:
    names = [f"tag{i}" for i in range(existing)]
    portal.apply(tags(*names, prune=False))
    plan = portal.plan(tags(*names[:kept]))
    if refused:
        with pytest.raises(UnsafePlanError, match=f"deletes {existing - kept} of {existing}"):
            check_delete_threshold(plan, 25)
    else:
        check_delete_threshold(plan, 25)


def test_replaces_count_as_deletes_for_the_threshold(portal: Portal) -> None:
    titles = ["One", "Two", "Three", "Four"]
    tabs = [{"slug": "roadmap"}, {"slug": "wish-list"}]
    portal.apply({"tabs": tabs, "sections": [{"title": t, "tab": "roadmap"} for t in titles]})
    moved = {
        "tabs": tabs,
        "sections": [
            {"title": "One", "tab": "wish-list", "renamed_from": ["roadmap/One"]},
            {"title": "Two", "tab": "wish-list", "renamed_from": ["roadmap/Two"]},
            {"title": "Three", "tab": "roadmap"},
            {"title": "Four", "tab": "roadmap"},
        ],
    }
    plan = portal.plan(moved)
    assert [a for a, _, _ in rows(plan)] == ["replace", "replace"]
    with pytest.raises(UnsafePlanError, match="deletes 2 of 4 sections"):
        check_delete_threshold(plan, 25)
    check_delete_threshold(plan, 50)


# -- through the CLI ----------------------------------------------------------------------------


def test_cli_stale_saved_plan_writes_nothing(
    run: Runner, sandbox_url: str, tmp_path: Path, write_spec: Callable[..., Path]
) -> None:
    spec = write_spec("version: 1\ncategories:\n  - name: Bug\n")
    out = tmp_path / "plan.json"
    assert run("plan", spec, "--out", out, "--url", sandbox_url).code == 0
    other = write_spec("version: 1\ncategories:\n  - name: Bug\n  - name: Idea\n", "other.yaml")
    result = run("apply", other, "--plan", out, "--auto-approve", "--url", sandbox_url)
    assert result.code == 1
    assert f"was made from {spec}, not {other}" in result.err
    write_spec("version: 1\ncategories:\n  - name: Bug\n  - name: Idea\n")  # edited in place
    result = run("apply", spec, "--plan", out, "--auto-approve", "--url", sandbox_url)
    assert result.code == 1
    assert f"stale plan: {spec} changed since" in result.err
    result = run("apply", out, "--auto-approve")  # the plan file alone: the same check
    assert result.code == 1
    assert f"stale plan: {spec} changed since" in result.err
    doc = json.loads(run("plan", spec, "--format", "json", "--url", sandbox_url).out)
    assert [c["action"] for c in doc["changes"]] == ["create", "create"]  # nothing was applied


def test_cli_threshold_names_kind_and_counts_for_replaces(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    head = "version: 1\ntabs: [{slug: roadmap}, {slug: wish-list}]\nsections:\n"
    four = "".join(f"  - {{title: S{i}, tab: roadmap}}\n" for i in range(4))
    assert run("apply", write_spec(head + four), "--auto-approve", "--url", sandbox_url).code == 0
    moved = "".join(
        f"  - {{title: S{i}, tab: wish-list, renamed_from: [roadmap/S{i}]}}\n" for i in range(2)
    ) + "".join(f"  - {{title: S{i}, tab: roadmap}}\n" for i in range(2, 4))
    result = run("apply", write_spec(head + moved), "--auto-approve", "--url", sandbox_url)
    assert result.code == 1
    assert "deletes 2 of 4 sections" in result.err
    assert "--delete-threshold" in result.err
