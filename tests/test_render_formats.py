"""Markdown for pull requests and GitHub workflow annotations: folding, size, escaping."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import Problem
from reconciler.plan import Action, Change, Plan, Unmanaged
from reconciler.render import render_github, render_markdown, render_problems_github
from reconciler.render.markdown import MAX_CHARS


def tags(n: int, action: Action = Action.CREATE) -> list[Change]:
    return [
        Change(action, "tag", (f"tag-{i:03d}",), None, None, {"name": f"tag-{i:03d}"})
        for i in range(n)
    ]


def nowhere(kind: str, name: str) -> tuple[int, int] | None:
    return None


def test_markdown_folds_kinds_with_more_than_ten_changes() -> None:
    categories = [Change(Action.CREATE, "category", (f"Cat {i}",)) for i in range(3)]
    text = render_markdown(Plan("https://x.example", "f", [*categories, *tags(11)]))
    assert "<details><summary>Tags: 11 to create</summary>" in text
    assert "#### Categories: 3 to create" in text
    details = text.split("<details>")[1].split("</details>")[0]
    assert details.count('+ tag "tag-') == 11
    assert "<details>" not in render_markdown(Plan("https://x.example", "f", tags(10)))


AFTER = {"name": "changelog/Old"}


def test_markdown_diff_blocks_colour_each_action() -> None:
    changes = [
        Change(
            Action.UPDATE, "status", ("Planned",), 4, {"color": "#000000"}, {"color": "#111111"}
        ),
        Change(Action.DELETE, "tag", ("legacy",), "u1", {"name": "legacy"}),
        Change(Action.REPLACE, "section", ("changelog/Old",), 9, {"name": "roadmap/Old"}, AFTER),
    ]
    text = render_markdown(Plan("t", "f", changes))
    assert '! status "Planned"  (id 4)\n!     color: "#000000" → "#111111"' in text
    assert '- tag "legacy"  (id u1)' in text
    assert (
        '-/+ section "changelog/Old"  (id 9)\n-     name: "roadmap/Old" → "changelog/Old"' in text
    )
    assert text.count("```diff") == 3


def test_markdown_summary_table_counts_kind_by_action() -> None:
    text = render_markdown(Plan("t", "f", [*tags(2), *tags(1, Action.DELETE)]))
    assert "**Plan: 2 to create, 0 to update, 1 to delete.**" in text
    assert "| kind | create | delete |" in text
    assert "| tags | 2 | 1 |" in text


def test_markdown_without_changes() -> None:
    text = render_markdown(Plan("sandbox:", "f"))
    assert text == "### Plan for `sandbox:`\n\n**No changes. The portal matches the spec.**\n"


def test_markdown_shows_a_warnings_code_as_code_whatever_the_names_hold() -> None:
    """A rename hint's `renamed_from: [OLD]` is a code span, not escaped backticks; a name
    holding backticks and HTML moves a boundary at most: nothing becomes markup."""
    hint = 'tag "bugs" is created: did you mean `renamed_from: [bug]` on "bugs"?'
    hostile = "did you mean `renamed_from: [x` <img src=x onerror=alert(1)> `y]`?"
    text = render_markdown(Plan("t", "f", [], [], [hint, hostile]))
    assert "did you mean `renamed_from: [bug]` on" in text
    assert not re.search(r"(?<!\\)<img", text), "escaped, or inside a code span: never HTML"


def test_markdown_escapes_names_and_warnings() -> None:
    name = "a```b`"
    plan = Plan(
        "https://x.example/`q`",
        "f",
        [Change(Action.CREATE, "tag", (name,), None, None, {"name": name})],
        [Unmanaged("tag", "`tick`"), Unmanaged("tag", "x|y <img src=x>")],
        ["tag *bold* <script>alert(1)</script> @org/team [link](http://e.vil)"],
    )
    text = render_markdown(plan)
    assert "### Plan for `` https://x.example/`q` ``" in text
    assert '````diff\n+ tag "a```b`"\n````' in text, "fence longer than any backtick run"
    assert "`` `tick` ``" in text
    assert "`x|y <img src=x>`" in text
    assert r"tag \*bold\* \<script\>alert(1)\</script\> \@org/team \[link\](http://e.vil)" in text


def test_markdown_of_a_huge_plan_fits_a_comment() -> None:
    long = "x" * 200
    changes = [
        Change(Action.CREATE, "group", (f"Group {i:05d}",), None, None, {"description": long})
        for i in range(5000)
    ]
    text = render_markdown(Plan("t", "f", changes, warnings=[long] * 3000))
    assert len(text) <= MAX_CHARS
    assert "**Plan: 5000 to create, 0 to update, 0 to delete.**" in text
    assert re.search(r"… and \d+ more \(the JSON plan, --out, lists every change\)", text)
    assert '+ group "Group 00000"' in text


def test_github_locates_changes_in_the_spec() -> None:
    plan = Plan(
        "t", "f", [Change(Action.CREATE, "category", ("Bug",), None, None, {"name": "Bug"})]
    )
    lines = render_github(plan, lambda kind, name: (6, 5), "portal.yaml").splitlines()
    where = "file=portal.yaml,line=6,col=5,title=Plan%3A create category"
    assert lines == [
        "::notice title=Plan::1 to create, 0 to update, 0 to delete.",
        f'::notice {where}::+ create category "Bug"',
    ]


def test_github_deletes_outside_the_spec_are_unlocated_warnings() -> None:
    plan = Plan("t", "f", [Change(Action.DELETE, "tag", ("legacy",), None, {"name": "legacy"})])
    first = render_github(plan, nowhere, "portal.yaml").splitlines()[1]
    assert first == (
        '::warning title=Plan%3A delete tag::- delete tag "legacy" (not in the spec; prune is on)'
    )


def test_github_escapes_data_and_properties() -> None:
    change = Change(
        Action.UPDATE, "group", ("50%, off: now",), 1, {"description": "a"}, {"description": "b"}
    )
    plan = Plan("t", "f", [change], warnings=["100% sure\r\nreally"])
    out = render_github(plan, lambda k, n: (3, 1), "dir,v:1/portal 100%.yaml")
    warning, first = out.splitlines()[1:3]
    assert first.startswith("::notice file=dir%2Cv%3A1/portal 100%25.yaml,line=3,col=1,")
    assert first.endswith(
        '::~ update group "50%25, off: now"  (id 1)%0A    description: "a" → "b"'
    ), "data keeps : and , but escapes % and newlines"
    assert warning == "::warning::100%25 sure%0D%0Areally"


def test_github_puts_refusals_and_the_summary_first_and_says_when_github_shows_not_all() -> None:
    """GitHub shows 10 annotations of each level per step: 40 deletes would push the
    refusal and the summary out of sight."""
    deletes = [
        Change(Action.DELETE, "tag", (f"t{i:02d}",), None, {"name": f"t{i:02d}"}) for i in range(40)
    ]
    plan = Plan("t", "f", deletes, refusals=("deletes 40 of 40 tags (100%)",))
    lines = render_github(plan, nowhere, "portal.yaml").splitlines()
    assert lines[0].startswith("::error ")
    assert "deletes 40 of 40 tags" in lines[0]
    assert lines[1] == (
        "::notice title=Plan::0 to create, 0 to update, 40 to delete. GitHub shows the first 10 "
        "annotations of each level: every change is in this step's log"
    )
    assert len([line for line in lines if line.startswith("::warning ")]) == 40
    few = render_github(Plan("t", "f", deletes[:3]), nowhere, "portal.yaml").splitlines()
    assert few[0] == "::notice title=Plan::0 to create, 0 to update, 3 to delete."


def test_github_problems_are_errors_at_their_place() -> None:
    problems = [
        Problem("specs/portal,1.yaml", 3, 7, "unknown key 'colour'; did you mean 'color'?"),
        Problem("portal.yaml", 9, 1, "100% wrong:\nsee docs"),
    ]
    hint = "unknown key 'colour'; did you mean 'color'?"
    assert render_problems_github(problems) == (
        f"::error file=specs/portal%2C1.yaml,line=3,col=7::{hint}\n"
        "::error file=portal.yaml,line=9,col=1::100%25 wrong:%0Asee docs\n"
    )
    assert render_problems_github([]) == ""


names = st.text(min_size=1, max_size=20)
values = st.one_of(st.none(), st.booleans(), st.integers(), names)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Action)), names, st.dictionaries(names, values, max_size=3)),
        max_size=8,
    ),
    st.lists(names, max_size=3),
)
def test_github_output_is_one_command_per_line_whatever_the_names(
    raw: list[tuple[Action, str, dict[str, object]]], warnings: list[str]
) -> None:
    changes = [
        Change(
            a,
            "tag",
            (n,),
            None,
            None if a is Action.CREATE else d,
            None if a is Action.DELETE else d,
        )
        for a, n, d in raw
    ]
    out = render_github(Plan("t", "f", changes, warnings=warnings), nowhere, "p.yaml")
    lines = out.splitlines()
    assert out.endswith("\n")
    assert len(lines) == len(changes) + len(warnings) + 1
    assert all(re.match(r"::(notice|warning)( [^:]*)?::", line) for line in lines)
