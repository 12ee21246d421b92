"""The renderers against golden files, and the text and JSON formats.

Regenerate the golden files after an intended change of output:
``UPDATE_GOLDEN=1 pytest tests/test_render.py`` (then review ``git diff tests/golden``).
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from reconciler.plan import Action, Change, Plan, Unmanaged
from reconciler.render import (
    change_line,
    render_github,
    render_json,
    render_markdown,
    render_text,
    to_plain,
)
from reconciler.state import Id

Kind = str

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[")
ODD = 'Q&A <b>, 50% off: "VIP" | `code`'
A, B = "5f0c2a9e-6d1b-4c1e-9a57-0d7e1c3b2a10", "a3c1e2f4-0b9d-4e8a-8f6c-2d4b7a9c1e35"


def up(kind: Kind, name: str, id: Id, before: dict[str, Any], after: dict[str, Any]) -> Change:
    return Change(Action.UPDATE, kind, (name,), id, before, after)


# what a create's shown name already says, as ProductLift's kinds declare it
NAMED_BY = {
    "section": frozenset({"name", "title", "tab"}),
    "membership": frozenset({"name", "email"}),
}


def new(kind: Kind, ident: str, /, **after: Any) -> Change:
    named = NAMED_BY.get(kind, frozenset({"name"}))
    return Change(Action.CREATE, kind, (ident,), None, None, after, named_by=named)


def rm(kind: Kind, ident: str, id: Id | None, /, **before: Any) -> Change:
    return Change(Action.DELETE, kind, (ident,), id, before, None)


def rich_plan() -> Plan:
    """Every action and kind, renames, a move, a replace, unmanaged, warnings, odd characters."""
    changes = [
        up("category", "Integration", 7, {"name": "Integrations"}, {"name": "Integration"}),
        up("status", "Gathering votes", 4, {"color": "#000000"}, {"color": "#DCD9F8"}),
        up("tag", "Editor", A, {"name": "editor"}, {"name": "Editor"}),
        up("group", "Beta testers", B, {"description": None}, {"description": "Early access"}),
        new("category", "Bug", name="Bug", color="#ABDEE6"),
        new("status", "Planned", name="Planned", color="#FFAEA5", tab="roadmap"),
        new("tag", "billing", name="billing"),
        new("group", "Design partners", name="Design partners", description=ODD),
        new(
            "section",
            "roadmap/Now",
            tab="roadmap",
            title="Now",
            description="What we are building now",
            icon="rocket",
            color="#FF5733",
            hidden=False,
        ),
        new("section", "roadmap/Now/Backend", tab="roadmap", title="Backend"),
        up(
            "section",
            "roadmap/Now/Frontend",
            12,
            {"parent": "roadmap/Later"},
            {"parent": "roadmap/Now"},
        ),
        Change(
            Action.REPLACE,
            "section",
            ("changelog/Old",),
            9,
            {
                "name": "roadmap/Old",
                "title": "Old",
                "description": None,
                "icon": "archive",
                "hidden": False,
            },
            {"name": "changelog/Old", "tab": "changelog", "title": "Old"},
        ),
        new("membership", "Beta testers/alice@example.com", email="alice@example.com"),
        rm("membership", "Beta testers/carol@example.com", None, email="carol@example.com"),
        rm("section", "roadmap/Someday", 15, title="Someday", hidden=True),
        rm("tag", "legacy", "0b9d4e8a-2d4b-4e8a-8f6c-a3c1e2f47a9c", name="legacy"),
        rm("category", "Feature requests", 3, name="Feature requests", color="#123456"),
    ]
    unmanaged = [
        *(Unmanaged("tag", f"old-tag-{i:02d}") for i in range(12)),
        Unmanaged("status", "Won't do"),
        Unmanaged("group", "<script>`x`</script>"),
    ]
    warnings = [
        'section "roadmap/Old" moves to tab "changelog": the API cannot move a section between '
        "tabs, so it is deleted and re-created; its posts lose their section and its child "
        "sections are deleted with it"
    ]
    return Plan("https://feedback.example.com", "sha256:abc", changes, unmanaged, warnings)


def empty_plan() -> Plan:
    unmanaged = [Unmanaged("tag", "legacy"), Unmanaged("tag", "old-thing")]
    return Plan("sandbox:.reconciler/sandbox.db", "sha256:def", (), unmanaged)


SPEC_LINES = {
    ("category", "Integration"): (9, 5),
    ("status", "Gathering votes"): (14, 5),
    ("tag", "Editor"): (18, 7),
    ("group", "Beta testers"): (31, 5),
    ("category", "Bug"): (6, 5),
    ("status", "Planned"): (16, 5),
    ("tag", "billing"): (18, 15),
    ("group", "Design partners"): (35, 5),
    ("section", "roadmap/Now"): (20, 5),
    ("section", "roadmap/Now/Backend"): (24, 9),
    ("section", "roadmap/Now/Frontend"): (25, 9),
    ("section", "changelog/Old"): (27, 5),
    ("membership", "Beta testers/alice@example.com"): (33, 16),
}


def where(kind: str, name: str) -> tuple[int, int] | None:
    return SPEC_LINES.get((kind, name))


RENDERERS = {
    "txt": lambda plan: to_plain(render_text(plan)),
    "md": render_markdown,
    "github": lambda plan: render_github(plan, where, "config/portal.yaml"),
    "json": render_json,
}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize(("name", "make"), [("rich", rich_plan), ("empty", empty_plan)])
def test_output_matches_golden_file(name: str, make: object, fmt: str) -> None:
    assert callable(make)
    output = RENDERERS[fmt](make())
    path = GOLDEN / f"plan-{name}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8"), f"regenerate with UPDATE_GOLDEN=1: {path}"


def test_text_reads_like_terraform() -> None:
    text = to_plain(render_text(rich_plan()))
    lines = text.splitlines()
    assert lines[0] == "Plan for https://feedback.example.com"
    assert '  ~ category "Integration"  (id 7)' in lines
    assert '        name: "Integrations" → "Integration"' in lines
    assert '  + category "Bug"' in lines
    assert '        color: "#ABDEE6"' in lines
    assert '  -/+ section "changelog/Old"  (id 9)' in lines
    assert '        description: null → "Early access"' in lines
    assert lines[-1] == "Plan: 7 to create, 5 to update, 1 to replace, 4 to delete."
    assert not any(line != line.rstrip() for line in lines), "no trailing whitespace"


def test_text_keeps_plan_order() -> None:
    plan = rich_plan()
    reordered = Plan(plan.target, plan.fingerprint, list(reversed(plan.changes)))
    text = to_plain(render_text(reordered))
    positions = [
        text.index(f"{c.action.symbol} {c.kind} {json.dumps(c.name)}") for c in reordered.changes
    ]
    assert positions == sorted(positions)


def test_text_create_hides_what_the_header_names() -> None:
    text = to_plain(render_text(rich_plan()))
    block = text.split('+ section "roadmap/Now/Backend"')[1].split("\n")[1]
    assert block.startswith("  ~ section"), "a section created with no attributes shows none"
    assert 'email: "alice@example.com"' not in text


def test_text_without_changes_still_names_target_and_unmanaged() -> None:
    text = to_plain(render_text(empty_plan()))
    assert text.splitlines()[:3] == [
        "Plan for sandbox:.reconciler/sandbox.db",
        "",
        "No changes. The portal matches the spec.",
    ]
    assert "Unmanaged (left alone, not in the spec):\n  2 tags: legacy, old-thing" in text
    assert "Plan:" not in text


def test_text_truncates_long_unmanaged_lists() -> None:
    unmanaged = [Unmanaged("tag", f"t{i}") for i in range(42)]
    text = to_plain(render_text(Plan("x", "f", (), unmanaged)), width=200)
    assert "42 tags: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 … and 32 more" in text


def test_text_wraps_long_values_under_their_attribute() -> None:
    change = Change(Action.CREATE, "group", ("G1",), None, None, {"description": "word " * 40})
    lines = to_plain(render_text(Plan("x", "f", [change])), width=60).splitlines()
    wrapped = [line for line in lines if "word" in line]
    assert len(wrapped) > 1
    assert all(line.startswith(" " * 8) and len(line) <= 60 for line in wrapped)


def test_text_does_not_wrap_on_a_soft_wrapping_console() -> None:
    out = io.StringIO()
    Console(file=out, width=40, soft_wrap=True, _environ={}).print(render_text(rich_plan()))
    warning = next(line for line in out.getvalue().splitlines() if line.startswith("Warning:"))
    assert warning.endswith("child sections are deleted with it")
    assert '        icon: "archive" → (portal default)' in out.getvalue().splitlines()


def _print(console_kwargs: dict[str, object]) -> str:
    out = io.StringIO()
    Console(file=out, width=100, _environ={}, **console_kwargs).print(render_text(rich_plan()))  # type: ignore[arg-type]
    return out.getvalue()


def test_text_is_coloured_on_a_terminal_and_plain_without() -> None:
    coloured = _print({"force_terminal": True, "color_system": "standard"})
    assert ANSI.search(coloured)
    assert "\x1b[32m" in coloured or "\x1b[1;32m" in coloured, "create is green"
    assert "\x1b[1;31m-\x1b[0m" in coloured, "delete is red"
    assert not ANSI.search(to_plain(render_text(rich_plan())))
    assert not ANSI.search(_print({"no_color": True}))
    no_color_tty = _print({"force_terminal": True, "color_system": "standard", "no_color": True})
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7])m", no_color_tty), "NO_COLOR: no colours"


def test_names_cannot_smuggle_terminal_codes() -> None:
    change = Change(Action.CREATE, "tag", ("\x1b[2J\u202eevil\r",), None, None, {"name": "x"})
    plan = Plan("t", "f", [change], [Unmanaged("tag", "bad\x1b]0;title\x07")], ["w\x9b31m"])
    coloured = io.StringIO()
    Console(file=coloured, force_terminal=True, color_system="standard", _environ={}).print(
        render_text(plan)
    )
    for output in (coloured.getvalue(), render_markdown(plan), render_github(plan, where, "p")):
        for forged in ("\x1b[2J", "\x1b]0", "\u202e", "\r", "\x9b"):
            assert forged not in output
    assert '"\\u001b[2J\\u202eevil\\r"' in to_plain(render_text(plan))


def test_an_escaped_character_past_u_ffff_reads_as_one() -> None:
    """U+E0041 (a tag character) then "b": ``\\ue0041b`` would read as U+E004 then "1b"."""
    plan = Plan("t", "f", [Change(Action.CREATE, "tag", ("a\U000e0041b",))])
    assert '"a\\U000e0041b"' in to_plain(render_text(plan))


def test_change_line_is_one_styled_line() -> None:
    change = Change(
        Action.UPDATE, "status", ("Gathering votes",), 4, {"color": "#000000"}, {"color": "#DCD9F8"}
    )
    line = change_line(change)
    assert line.plain == '~ status "Gathering votes"  (id 4)'
    assert "\n" not in line.plain
    assert any("yellow" in str(span.style) for span in line.spans)
    assert change_line(Change(Action.CREATE, "category", ("Bug",))).plain == '+ category "Bug"'


CONTRACT_KEYS = [
    "format_version",
    "provider",
    "target",
    "fingerprint",
    "changes",
    "unmanaged",
    "warnings",
    "refusals",
    "requests",
    "summary",
]
CHANGE_KEYS = ["action", "kind", "name", "id", "before", "after"]


def test_json_round_trips_in_contract_order() -> None:
    plan = rich_plan()
    text = render_json(plan)
    assert text.endswith("}\n")
    data = json.loads(text)
    assert data == plan.as_json()
    assert list(data) == CONTRACT_KEYS
    assert all(list(c) == CHANGE_KEYS for c in data["changes"])
    assert data["summary"] == {"create": 7, "update": 5, "replace": 1, "delete": 4}
    assert {c["action"] for c in data["changes"]} == {"create", "update", "delete", "replace"}
    assert [c["name"] for c in data["changes"]] == [c.name for c in plan.changes]
    assert data["unmanaged"][0] == {"kind": "tag", "name": "old-tag-00"}


def test_json_keeps_non_ascii_as_is() -> None:
    plan = Plan(
        "https://feedback.example.com", "f", [Change(Action.CREATE, "tag", ("Überweisung 💸",))]
    )
    assert '"name": "Überweisung 💸"' in render_json(plan)
