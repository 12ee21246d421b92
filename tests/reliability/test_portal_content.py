"""Whatever the portal holds, the spec can say (issue 12, item 2).

``export`` → ``validate`` → ``plan`` is empty for odd portal content served by a ProductLift
stand-in (names with outer spaces, 1- and 100-character names, a 300-character group
description, member ``admin@localhost``...), a hypothesis property. The API's own limits
apply to what the spec creates or renames, checked at plan time and located in the spec;
an existing resource with such a name can be managed and renamed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Result, Runner

from .fake_portal import TABS, Seen, reply, serving

Spec = Callable[[str], Path]
EXAMPLES = 25


@pytest.fixture
def run(run: Runner) -> Runner:
    def with_token(*args: Any, env: dict[str, str] | None = None) -> Result:
        return run(*args, env={"PRODUCTLIFT_TOKEN": "fake-portal-token", **(env or {})})

    return with_token


ODD_NAMES = [" Bug", "Bug ", "  padded  ", "B", "x" * 100, "x" * 255, "é", "ß", "tab\there", "a/b"]
NAME = st.sampled_from(ODD_NAMES) | st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=70
).filter(str.strip)
TEXT = (
    st.none()
    | st.sampled_from(["", "  ", " spaced ", "d" * 300, "x" * 70_000])
    | st.text(max_size=40)
)
COLOR = st.none() | st.sampled_from(["#abcdef", "#ABCDEF", "red", "#FFF", ""])
EMAILS = ["admin@localhost", "alice@example.com", "Bob@Example.COM", "root@[127.0.0.1]", "x@y"]


def unique(names: list[str]) -> list[str]:
    """ProductLift holds no two names of a kind that ``str.lower()`` makes equal."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


@st.composite
def portals(draw: st.DrawFn) -> dict[str, Any]:
    names = lambda: draw(st.lists(NAME, max_size=4).map(unique))  # noqa: E731
    groups = [
        {"id": f"g{n}", "name": name, "description": draw(TEXT)} for n, name in enumerate(names())
    ]
    return {
        "categories": [
            {"id": n, "name": name, "color": draw(COLOR)} for n, name in enumerate(names(), 1)
        ],
        "statuses": [
            {
                "id": n,
                "name": name,
                "color": draw(COLOR),
                "tab_id": draw(st.sampled_from([1, 2, 9])),
            }
            for n, name in enumerate(names(), 1)
        ],
        "tags": [{"id": f"t{n}", "tag": name} for n, name in enumerate(names())],
        "groups": groups,
        "sections": [
            {
                "id": n,
                "title": name,
                "tab_id": 1,
                "parent_id": None,
                "order": n,
                "description": draw(TEXT),
                "icon": draw(st.none() | st.sampled_from(["i", "j" * 60])),
            }
            for n, name in enumerate(names(), 1)
        ],
        "members": {
            g["id"]: [
                {"id": f"u{n}", "email": e}
                for n, e in enumerate(draw(st.lists(st.sampled_from(EMAILS), unique_by=str.lower)))
            ]
            for g in groups
        },
    }


def answering(content: dict[str, Any]) -> Callable[[Seen], Any]:
    def answer(seen: Seen) -> Any:
        path = seen.path.removeprefix("/api/v1/")
        if seen.method != "GET":
            return None
        if path.startswith("groups/") and path.endswith("/users"):
            return reply({"data": content["members"].get(path.split("/")[1], [])})
        if path in content:
            return reply({"data": content[path]})
        return reply({"data": TABS}) if path == "tabs" else None

    return answer


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=portals())
def test_export_validates_and_plans_no_change_for_odd_portal_content(
    run: Runner, tmp_path: Path, content: dict[str, Any]
) -> None:
    out = tmp_path / "exported.yaml"
    out.unlink(missing_ok=True)
    with serving(answering(content)) as portal:
        exported = run("export", "--out", out, "--force", "--url", portal.url)
        assert exported.code == 0, exported.err
        valid = run("validate", out)
        assert valid.code == 0, valid.err + out.read_text("utf-8")
        plan = run("plan", out, "--detailed-exitcode", "--format", "json", "--url", portal.url)
        assert plan.code == 0, plan.out + plan.err
        assert portal.writes == []


def located(result: Result, spec: Path) -> list[str]:
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    return [line for line in result.err.splitlines() if line.startswith(f"{spec}:")]


PORTAL = {
    "categories": [{"id": 1, "name": "B", "color": "#111111"}],
    "groups": [{"id": "g1", "name": " Beta ", "description": None}],
    "tags": [{"id": "t1", "tag": "x"}],
}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("categories: [{name: C}]", "3: new category names must be 2 to 60 characters"),
        ("categories: [{name: " + "c" * 61 + "}]", "3: new category names must be 2 to 60"),
        ("categories: [{name: b}]", "3: new category names must be 2 to 60 characters"),
        ("tags: [' y']", "3: new tag names start or end with a space"),
        ("tags: [a]", "3: new tag names must be 2 to 60 characters"),
        ("tags: [" + "t" * 61 + "]", "3: new tag names must be 2 to 60 characters"),
        ("groups: [{name: 'Gamma '}]", "3: new group names start or end with a space"),
        ("groups: [{name: ' beta '}]", "3: new group names start or end with a space"),
        (
            "tabs: [{slug: roadmap}]\nsections: [{title: N, tab: roadmap}]",
            "4: new section titles",
        ),
    ],
)
def test_a_new_name_the_api_refuses_is_located_before_any_write(
    run: Runner, write_spec: Spec, entry: str, message: str
) -> None:
    spec = write_spec(f"version: 1\n\n{entry}\n")
    assert run("validate", spec).code == 0
    with serving(answering({**PORTAL, "members": {}})) as portal:
        lines = located(run("apply", spec, "--auto-approve", "--url", portal.url), spec)
        assert portal.writes == []
    line, text = message.split(": ", 1)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{spec}:{line}:"), lines
    assert text in lines[0]


def test_names_the_portal_holds_are_managed_and_renamed(run: Runner, write_spec: Spec) -> None:
    """A one-letter category and a group with outer spaces: recoloured, described, renamed
    to names the API takes; the next plan is empty."""
    spec = write_spec(
        "version: 1\n"
        "categories: [{name: B, color: '#222222'}]\n"
        "groups: [{name: ' Beta ', description: " + "'" + "d" * 300 + "'}]\n"
        "tags: [x]\n"
    )
    state = json.loads(json.dumps(PORTAL))

    def answer(seen: Seen) -> Any:
        path = seen.path.removeprefix("/api/v1/")
        if seen.method in ("PATCH", "PUT"):
            kind, id_ = path.split("/")
            item = next(i for i in state[kind] if str(i["id"]) == id_)
            item.update(json.loads(seen.body))
            return reply({"data": item})
        return answering({**state, "members": {}})(seen)

    with serving(answer) as portal:
        assert run("apply", spec, "--auto-approve", "--url", portal.url).code == 0
        assert sorted(portal.writes) == ["PATCH /api/v1/categories/1", "PUT /api/v1/groups/g1"]
        renamed = write_spec(
            "version: 1\n"
            "categories: [{name: Bug, renamed_from: [B]}]\n"
            "groups: [{name: Beta, renamed_from: [' Beta ']}]\n"
        )
        assert run("apply", renamed, "--auto-approve", "--url", portal.url).code == 0
        again = run("plan", renamed, "--detailed-exitcode", "--url", portal.url)
        assert again.code == 0, again.out + again.err
    assert [c["name"] for c in state["categories"]] == ["Bug"]
    assert [(g["name"], len(g["description"])) for g in state["groups"]] == [("Beta", 300)]
