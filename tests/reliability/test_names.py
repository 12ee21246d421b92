"""Names the portal treats as different, and names it treats as one (issue 12, item 1).

Against a ProductLift stand-in that is not our sandbox: an exact name always wins, letter case
(``str.lower()``) is used only when exactly one portal resource matches that way, and names
that differ otherwise (``straße``/``STRASSE``, ``Maße``/``MASSE``, ``Café``/``Cafe``) are
never paired. When the portal then refuses one as taken, the error says that the portal
treats the two names as one. Our sandbox compares names as that portal does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, Runner

from .fake_portal import Seen, reply, serving
from .stateful_portal import Stateful
from .stateful_portal import serving as serving_state

Spec = Callable[..., Path]


@pytest.fixture
def run(run: Runner) -> Runner:
    def with_token(*args: Any, env: dict[str, str] | None = None) -> Result:
        return run(*args, env={"PRODUCTLIFT_TOKEN": "fake-portal-token", **(env or {})})

    return with_token


def changes(result: Result) -> list[tuple[str, str, str]]:
    assert result.code in (0, 2), result.err
    return [(c["action"], c["kind"], c["name"]) for c in json.loads(result.out)["changes"]]


def error_line(result: Result) -> str:
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    return errors[0]


def test_an_exact_name_wins_over_one_equal_to_it_only_when_folded(
    run: Runner, write_spec: Spec
) -> None:
    """Portal tags ``straße`` and ``STRASSE`` (a collation that keeps them apart); the spec
    keeps ``STRASSE`` and prunes: only ``straße`` goes, and nothing is renamed."""
    tags = [{"id": "t1", "tag": "straße"}, {"id": "t2", "tag": "STRASSE"}]

    def answer(seen: Seen) -> Any:
        return reply({"data": tags}) if seen.path == "/api/v1/tags" else None

    spec = write_spec("version: 1\nprune: {tags: true}\ntags: [STRASSE]\n")
    with serving(answer) as portal:
        planned = run("plan", spec, "--format", "json", "--url", portal.url)
        assert changes(planned) == [("delete", "tag", "straße")]
        applied = run("apply", spec, "--auto-approve", "--url", portal.url)
        assert applied.code == 0, applied.err
        assert portal.writes == ["DELETE /api/v1/tags/t1"]


@pytest.mark.parametrize(
    ("held", "named"),
    [("Maße", "MASSE"), ("Café", "Cafe"), ("straße", "STRASSE")],
)
def test_a_name_the_portal_treats_as_one_it_holds_is_refused_with_why(
    run: Runner, write_spec: Spec, held: str, named: str
) -> None:
    """The plan creates ``named`` (it never renames ``held``); the portal refuses it as
    taken, and the error names both names as one to the portal."""
    state = Stateful()
    state.add("categories", name=held, color="#111111")
    spec = write_spec(f"version: 1\ncategories:\n  - name: {named}\n")
    with serving_state(state) as portal:
        planned = run("plan", spec, "--format", "json", "--url", portal.url)
        assert changes(planned) == [("create", "category", named)]
        line = error_line(run("apply", spec, "--auto-approve", "--url", portal.url))
    assert "POST /api/v1/categories → 422" in line
    assert f"the portal treats '{named}' and '{held}' as one name" in line
    assert [c["name"] for c in state.items["categories"]] == [held]


def test_a_rename_to_a_name_the_portal_holds_otherwise_spelled_says_why(
    run: Runner, write_spec: Spec
) -> None:
    state = Stateful()
    state.add("categories", name="Old", color="#111111")
    state.add("categories", name="Maße", color="#222222")
    spec = write_spec("version: 1\ncategories:\n  - name: MASSE\n    renamed_from: [Old]\n")
    with serving_state(state) as portal:
        planned = run("plan", spec, "--format", "json", "--url", portal.url)
        assert changes(planned) == [("update", "category", "MASSE")]
        line = error_line(run("apply", spec, "--auto-approve", "--url", portal.url))
    assert "PATCH /api/v1/categories/101 → 422" in line
    assert "the portal treats 'MASSE' and 'Maße' as one name" in line


def test_both_spellings_may_stand_in_a_spec_and_match_their_own(
    run: Runner, write_spec: Spec
) -> None:
    """A portal that keeps ``Café`` and ``Cafe`` apart: a spec naming both plans nothing."""
    categories = [{"id": 1, "name": "Café"}, {"id": 2, "name": "Cafe"}]

    def answer(seen: Seen) -> Any:
        return reply({"data": categories}) if seen.path == "/api/v1/categories" else None

    spec = write_spec("version: 1\nprune: true\ncategories: [{name: Cafe}, {name: Café}]\n")
    assert run("validate", spec).code == 0
    with serving(answer) as portal:
        assert changes(run("plan", spec, "--format", "json", "--url", portal.url)) == []


def test_the_sandbox_compares_names_as_the_portal_does(
    run: Runner, write_spec: Spec, sandbox_url: str
) -> None:
    first = write_spec("version: 1\ntags: [Maße]\n", "first.yaml")
    assert run("apply", first, "--auto-approve", "--url", sandbox_url).code == 0
    second = write_spec("version: 1\ntags: [Maße, MASSE]\n", "second.yaml")
    line = error_line(run("apply", second, "--auto-approve", "--url", sandbox_url))
    assert "POST /api/v1/tags → 422" in line
    assert "the portal treats 'MASSE' and 'Maße' as one name" in line
