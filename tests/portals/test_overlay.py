"""Overlays: later files merge into earlier ones by identity, every value located in its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import SpecError
from reconciler.kinds import Attr, KindSchema, Nature, ProviderSchema
from reconciler.overlay import load_layers, masked, merge_documents
from reconciler.providers import get
from reconciler.spec_doc import stamp
from reconciler.spec_yaml import read

from .conftest import Write

BASE = """\
version: 1
tabs: [{slug: roadmap}, {slug: wish-list}]
categories:
  - name: Bug
    color: "#ABDEE6"
  - name: Old
    color: "#ABDEE6"
tags: [editor, billing]
sections:
  - title: Now
    tab: roadmap
    icon: rocket
    sections:
      - title: Backend
        icon: server
groups:
  - name: Beta
    description: Early access
    members: [alice@example.com, bob@example.com]
"""


def layers(write: Write, *texts: str) -> Any:
    names = [f"f{i}.yaml" for i in range(len(texts))]
    paths = [write(name, text) for name, text in zip(names, texts, strict=True)]
    return load_layers(paths, names, {})


def merged(schema: ProviderSchema, *texts: str) -> Any:
    docs = [stamp(read(text), f"f{i}.yaml") for i, text in enumerate(texts)]
    return merge_documents(docs, schema)


PL = get("productlift").schema


def test_an_entry_with_the_same_name_updates_only_what_it_names(write: Write) -> None:
    spec = layers(write, BASE, "categories: [{name: bug, color: '#000000'}]\n").spec
    assert [(c.name, c.color) for c in spec.categories] == [("bug", "#000000"), ("Old", "#ABDEE6")]


def test_a_new_name_is_added_and_remove_drops_an_entry(write: Write) -> None:
    overlay = "categories:\n  - {name: Old, remove: true}\n  - {name: New, color: '#FFFFFF'}\n"
    spec = layers(write, BASE, overlay).spec
    assert [c.name for c in spec.categories] == ["Bug", "New"]


def test_remove_beside_other_attributes_is_a_problem(write: Write) -> None:
    """``{name: Old, remove: true, color: ...}``: the colour would go with the entry; the
    author most likely meant one or the other. A section's tab is part of its identity."""
    overlay = "categories:\n  - {name: Old, remove: true, color: '#FFFFFF'}\n"
    with pytest.raises(SpecError) as caught:
        layers(write, BASE, overlay)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.col) == ("f1.yaml", 2, 17)
    assert problem.message == "remove: true drops the entry; its color would be ignored"
    sections = "sections:\n  - {title: Now, tab: roadmap, remove: true}\n"
    assert [s.title for s in layers(write, BASE, sections).spec.sections] == []


def test_nested_sections_merge_and_the_parent_keeps_its_tab(write: Write) -> None:
    overlay = (
        "sections:\n  - title: Now\n    sections:\n"
        "      - {title: Backend, icon: database}\n      - {title: Frontend}\n"
    )
    (now,) = layers(write, BASE, overlay).spec.sections
    assert (now.tab, now.icon) == ("roadmap", "rocket")
    assert [(s.title, s.icon) for s in now.sections] == [
        ("Backend", "database"),
        ("Frontend", None),
    ]


def test_plain_lists_are_replaced_whole(write: Write) -> None:
    overlay = "tags: [mobile]\ngroups:\n  - {name: Beta, members: [carol@example.com]}\n"
    spec = layers(write, BASE, overlay).spec
    assert [t.name for t in spec.tags] == ["mobile"]
    assert spec.groups[0].members == ["carol@example.com"]
    assert spec.groups[0].description == "Early access"


def test_portal_and_prune_are_replaced_whole(write: Write) -> None:
    base = (
        "version: 1\nportal: {url: https://a.example.com}\nprune: {categories: true, tags: true}\n"
    )
    spec = layers(write, base, "prune: {tags: true}\n").spec
    assert spec.portal.url == "https://a.example.com"
    assert spec.prune.tags
    assert not spec.prune.categories


def test_later_files_override_earlier_overlays(write: Write) -> None:
    first = "categories: [{name: Bug, color: '#111111'}]\n"
    second = "categories: [{name: Bug, color: '#222222'}]\n"
    spec = layers(write, BASE, first, second).spec
    assert spec.categories[0].color == "#222222"


def test_an_error_is_reported_in_the_file_and_line_that_set_the_value(write: Write) -> None:
    overlay = "# staging\ncategories:\n  - name: Bug\n    color: blue\n"
    with pytest.raises(SpecError) as caught:
        layers(write, BASE.replace("#ABDEE6", "#ZZZZZZ", 1), overlay)
    spots = {(p.file, p.line, p.col) for p in caught.value.problems}
    assert spots == {("f1.yaml", 4, 12)}  # the base's bad colour is overridden: not reported


def test_an_error_left_in_the_base_is_reported_in_the_base(write: Write) -> None:
    base = BASE.replace('name: Old\n    color: "#ABDEE6"', 'name: Old\n    color: "#ZZ"')
    with pytest.raises(SpecError) as caught:
        layers(write, base, "categories: [{name: Bug, colour: '#000000'}]\n")
    spots = sorted((p.file, p.line) for p in caught.value.problems)
    assert spots == [("f0.yaml", 7), ("f1.yaml", 1)]  # the bad colour; the unknown key


def test_an_unquoted_colour_in_an_overlay_gets_the_comment_hint_of_its_own_line(
    write: Write,
) -> None:
    """The hint reads the line in the file that set the value: the base's line 4 is a quoted
    colour, the overlay's is ``color: #FF0000``; and the reverse must not borrow the hint."""
    overlay = "# staging\ncategories:\n  - name: Bug\n    color: #FF0000\n"
    with pytest.raises(SpecError) as caught:
        layers(write, BASE, overlay)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("f1.yaml", 4)
    assert "'#' starts a comment" in problem.message
    base = BASE.replace('color: "#ABDEE6"\n  - name: Old', "color: # blue\n  - name: Old", 1)
    plain_null = "categories:\n  - name: Bug\n    color: '#000000'\n  - name: New\n    color:\n"
    with pytest.raises(SpecError) as caught:
        layers(write, base, plain_null)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("f1.yaml", 5)
    assert "'#' starts a comment" not in problem.message


def test_duplicates_introduced_by_an_overlay_are_located_in_it(write: Write) -> None:
    overlay = (
        "categories:\n  - {name: Fresh, color: '#FFFFFF'}\n  - {name: fresh, color: '#FFFFFF'}\n"
    )
    with pytest.raises(SpecError) as caught:
        layers(write, BASE, overlay)
    assert [(p.file, p.line) for p in caught.value.problems] == [("f1.yaml", 3)]


def test_removing_what_no_earlier_file_has_is_an_error(write: Write) -> None:
    with pytest.raises(SpecError) as caught:
        layers(write, BASE, "categories:\n  - {name: Gone, remove: true}\n")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("f1.yaml", 2)
    assert "Gone" in problem.message


def test_remove_in_the_base_file_is_an_unknown_key(write: Write) -> None:
    with pytest.raises(SpecError) as caught:
        layers(write, "version: 1\ncategories: [{name: Bug, remove: true}]\n")
    assert [p.file for p in caught.value.problems] == ["f0.yaml"]


def test_an_entry_matching_several_must_say_which(write: Write) -> None:
    base = (
        "version: 1\ntabs: [{slug: a}, {slug: b}]\n"
        "sections: [{title: Xy, tab: a}, {title: Xy, tab: b}]\n"
    )
    with pytest.raises(SpecError) as caught:
        layers(write, base, "sections: [{title: Xy, icon: star}]\n")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("f1.yaml", 1)
    spec = layers(write, base, "sections: [{title: Xy, tab: b, icon: star}]\n").spec
    assert [s.icon for s in spec.sections] == [None, "star"]


def test_an_overlay_may_leave_out_version_but_the_base_may_not(write: Write) -> None:
    with pytest.raises(SpecError) as caught:
        layers(write, "tags: [editor]\n", "tags: [api]\n")
    assert [p.file for p in caught.value.problems] == ["f0.yaml"]


def test_yaml_errors_of_every_file_are_reported_together(write: Write) -> None:
    with pytest.raises(SpecError) as caught:
        layers(write, "version: 1\ntags: [a\n", "tags: {\n")
    assert {p.file for p in caught.value.problems} == {"f0.yaml", "f1.yaml"}


def test_annotations_find_each_entry_in_the_file_that_last_set_it(write: Write) -> None:
    loaded = layers(write, BASE, "categories: [{name: Bug, color: '#000000'}]\n")
    bug, old = loaded.where("category", "Bug"), loaded.where("category", "Old")
    assert (bug.file, bug[0]) == ("f1.yaml", 1)
    assert (old.file, old[0]) == ("f0.yaml", 6)


# Synthetic providers: the rules come from the declarations, not from ProductLift.
NESTED = ProviderSchema(
    "nested",
    (
        KindSchema("channel", "channels", compare="exact"),
        KindSchema("field", "fields", name_attr="key", parent="channel", compare="exact"),
        KindSchema(
            "hook",
            "hooks",
            name_attr="event",
            update=False,
            attrs={"url": Attr(nature=Nature.REPLACE), "token": Attr(secret=True)},
        ),
    ),
)


def test_child_kinds_merge_inside_their_parent_entries() -> None:
    base = "channels:\n  - name: Web\n    fields: [{key: a, name: A}, {key: b, name: B}]\n"
    over = "channels:\n  - name: Web\n    fields: [{key: b, name: Bee}, {key: c, name: C}]\n"
    doc = merged(NESTED, base, over)
    assert doc.data["channels"][0]["fields"] == [
        {"key": "a", "name": "A"},
        {"key": "b", "name": "Bee"},
        {"key": "c", "name": "C"},
    ]


def test_exact_kinds_keep_names_differing_in_case_apart() -> None:
    doc = merged(NESTED, "channels: [{name: Web}]\n", "channels: [{name: web}]\n")
    assert [c["name"] for c in doc.data["channels"]] == ["Web", "web"]


def test_replace_attributes_are_part_of_the_identity() -> None:
    base = "hooks: [{event: a.b, url: 'https://x'}, {event: a.b, url: 'https://y'}]\n"
    doc = merged(NESTED, base, "hooks: [{event: a.b, url: 'https://y', remove: true}]\n")
    assert doc.data["hooks"] == [{"event": "a.b", "url": "https://x"}]
    doc = merged(NESTED, base, "hooks: [{event: a.b, url: 'https://z'}]\n")
    assert len(doc.data["hooks"]) == 3


def test_masked_shows_secret_attributes_as_secret() -> None:
    data = {"hooks": [{"event": "a.b", "token": "s3cr3t-value", "url": "https://x"}]}
    assert masked(data, NESTED)["hooks"][0] == {
        "event": "a.b",
        "token": "(secret)",
        "url": "https://x",
    }
    assert data["hooks"][0]["token"] == "s3cr3t-value"


# Properties
NAMES = st.text(alphabet="abcdefghij", min_size=2, max_size=6)
COLORS = st.sampled_from(["#000000", "#FFFFFF", "#ABDEE6"])
CATEGORIES = st.lists(
    st.fixed_dictionaries({"name": NAMES}, optional={"color": COLORS}),
    unique_by=lambda c: c["name"],
    max_size=5,
)
CHILDREN: st.SearchStrategy[list[dict[str, str]]] = st.lists(
    st.fixed_dictionaries({"title": NAMES}, optional={"icon": NAMES}),
    unique_by=lambda s: s["title"],
    max_size=3,
)
SECTION_OPTIONS: dict[str, st.SearchStrategy[Any]] = {"icon": NAMES, "sections": CHILDREN}
SECTIONS = st.lists(
    st.fixed_dictionaries(
        {"title": NAMES, "tab": st.just("roadmap")},
        optional=SECTION_OPTIONS,
    ),
    unique_by=lambda s: s["title"],
    max_size=3,
)
SPECS = st.fixed_dictionaries(
    {"version": st.just(1)},
    optional={
        "categories": CATEGORIES,
        "tags": st.lists(NAMES, unique=True, max_size=4),
        "sections": SECTIONS,
    },
)


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False)


@settings(max_examples=60, deadline=None)
@given(SPECS, st.sampled_from(["", "{}\n", "# nothing\n"]))
def test_merging_a_spec_with_an_empty_overlay_is_the_spec(spec: Any, empty: str) -> None:
    assert merged(PL, dump(spec), empty).data == spec


@settings(max_examples=60, deadline=None)
@given(SPECS)
def test_merging_a_spec_with_itself_is_the_spec(spec: Any) -> None:
    assert merged(PL, dump(spec), dump(spec)).data == spec


@settings(max_examples=60, deadline=None)
@given(SPECS, CATEGORIES.filter(bool))
def test_later_categories_win_and_earlier_ones_stay(spec: Any, later: Any) -> None:
    result = merged(PL, dump(spec), dump({"categories": later})).data
    by_name = {c["name"]: c for c in result.get("categories", [])}
    for entry in later:
        assert {**by_name[entry["name"]], **entry} == by_name[entry["name"]]
    for entry in spec.get("categories", []):
        assert entry["name"] in by_name


def test_a_missing_file_is_a_located_problem(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_layers([tmp_path / "nope.yaml"], ["nope.yaml"], {})
    assert [p.file for p in caught.value.problems] == ["nope.yaml"]
