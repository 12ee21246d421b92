"""What a reviewer reads: drift told apart from the change (--base), rename hints."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .conftest import Runner

BASE = """\
version: 1
prune: {tags: true}
categories:
  - {name: Bug, color: "#ABDEE6"}
  - {name: Idea, color: "#FFAEA5"}
tags: [editor, billing]
"""


def origins(result_out: str) -> dict[tuple[str, str], str]:
    doc = json.loads(result_out)
    return {(c["action"], c["name"]): c["origin"] for c in doc["changes"]}


def test_base_tells_the_edit_from_hand_changes(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    base = write_spec(BASE, "base.yaml")
    assert run("apply", base, "--auto-approve", "--url", sandbox_url).code == 0
    # by hand in the portal: Bug recoloured, a tag added (pruned), a tag deleted
    hand = write_spec(
        BASE.replace("#ABDEE6", "#000000").replace("[editor, billing]", "[editor, legacy]"),
        "hand.yaml",
    )
    assert run("apply", hand, "--auto-approve", "--url", sandbox_url).code == 0
    # the edit under review: Idea recoloured, a new category
    edited = write_spec(
        BASE.replace("#FFAEA5", "#123456").replace(
            "categories:\n", 'categories:\n  - {name: Speed, color: "#FFFFFF"}\n'
        ),
        "edited.yaml",
    )
    result = run("plan", edited, "--base", base, "--format", "json", "--url", sandbox_url)
    assert result.code == 0, result.err
    assert origins(result.out) == {
        ("update", "Bug"): "drift",
        ("update", "Idea"): "change",
        ("create", "Speed"): "change",
        ("create", "billing"): "drift",
        ("delete", "legacy"): "drift",
    }
    text = run("plan", edited, "--base", base, "--url", sandbox_url).out
    asked = text.index("Asked for by this change:")
    drift = text.index("Drift: changed in the portal by hand")
    assert asked < text.index('category "Idea"') < drift < text.index('category "Bug"')
    markdown = run("plan", edited, "--base", base, "--format", "markdown", "--url", sandbox_url)
    assert "### Asked for by this change" in markdown.out
    assert "### Drift: changed in the portal by hand" in markdown.out


def test_without_base_changes_carry_no_origin(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    doc = json.loads(run("plan", write_spec(BASE), "--format", "json", "--url", sandbox_url).out)
    assert all("origin" not in c for c in doc["changes"])


def test_a_delete_and_a_close_create_hint_at_a_rename(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    first = write_spec("version: 1\nprune: true\ncategories: [{name: Integrations}]\n")
    assert run("apply", first, "--auto-approve", "--url", sandbox_url).code == 0
    renamed = write_spec("version: 1\nprune: true\ncategories: [{name: Integration}]\n", "r.yaml")
    doc = json.loads(run("plan", renamed, "--format", "json", "--url", sandbox_url).out)
    assert any("did you mean `renamed_from: [Integrations]`" in w for w in doc["warnings"])
    github = run("plan", renamed, "--format", "github", "--url", sandbox_url).out
    assert "renamed_from: [Integrations]" in github
    unrelated = write_spec("version: 1\nprune: true\ncategories: [{name: Billing}]\n", "u.yaml")
    doc = json.loads(run("plan", unrelated, "--format", "json", "--url", sandbox_url).out)
    assert not any("renamed_from" in w for w in doc["warnings"])


def test_a_section_whose_tab_changed_hints_at_renamed_from(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    head = "version: 1\ntabs: [{slug: roadmap}, {slug: wish-list}]\nsections:\n"
    first = write_spec(head + "  - {title: Ideas, tab: roadmap}\n")
    assert run("apply", first, "--auto-approve", "--url", sandbox_url).code == 0
    moved = write_spec(head + "  - {title: Ideas, tab: wish-list}\n", "moved.yaml")
    doc = json.loads(run("plan", moved, "--format", "json", "--url", sandbox_url).out)
    assert [(c["action"], c["name"]) for c in doc["changes"]] == [("create", "wish-list/Ideas")]
    assert any("`renamed_from: [roadmap/Ideas]`" in w for w in doc["warnings"])
    told = write_spec(
        head + "  - {title: Ideas, tab: wish-list, renamed_from: [roadmap/Ideas]}\n", "told.yaml"
    )
    doc = json.loads(run("plan", told, "--format", "json", "--url", sandbox_url).out)
    assert [(c["action"], c["name"]) for c in doc["changes"]] == [("replace", "wish-list/Ideas")]
    assert any("moves to tab" in w for w in doc["warnings"])


def test_a_create_beside_an_unmanaged_close_name_hints_at_a_rename(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    """Without prune the old one is not deleted but left: shipped as it is, its posts stay
    there and the new one starts empty. Nested sections are compared under their parent."""
    head = "version: 1\ntabs: [{slug: roadmap}]\n"
    first = write_spec(
        head + "categories: [{name: Integrations}]\n"
        "sections: [{title: Now, tab: roadmap, sections: [{title: Backend}]}]\n"
    )
    assert run("apply", first, "--auto-approve", "--url", sandbox_url).code == 0
    edited = write_spec(
        head + "categories: [{name: Integration}]\n"
        "sections: [{title: Now, tab: roadmap, sections: [{title: Back end}]}]\n",
        "edited.yaml",
    )
    doc = json.loads(run("plan", edited, "--format", "json", "--url", sandbox_url).out)
    assert [(c["action"], c["name"]) for c in doc["changes"]] == [
        ("create", "Integration"),
        ("create", "roadmap/Now/Back end"),
    ]
    assert [w for w in doc["warnings"] if "renamed_from" in w] == [
        'category "Integration" is created while "Integrations" stays, unmanaged: did you mean '
        '`renamed_from: [Integrations]` on "Integration"? (a rename keeps what it carries; '
        "else both stay, the new one empty)",
        'section "roadmap/Now/Back end" is created while "roadmap/Now/Backend" stays, '
        'unmanaged: did you mean `renamed_from: [Backend]` on "Back end"? (a rename keeps '
        "what it carries; else both stay, the new one empty)",
    ]
    text = run("plan", edited, "--url", sandbox_url).out
    assert "did you mean `renamed_from: [Integrations]`" in text
