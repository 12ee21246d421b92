"""Valid specs load: edge cases, entry positions, counts, the shipped example, speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.errors import SpecError
from reconciler.loader import LoadedSpec, load_spec, parse_spec, summarize
from reconciler.providers.productlift.desired import desired_state
from reconciler.providers.productlift.spec import Prune, Tag, managed

SPECS = Path(__file__).parent / "specs"
EXAMPLE = Path(__file__).parent.parent / "examples" / "portal.yaml"


def test_minimal_spec_loads_with_defaults() -> None:
    loaded = load_spec(SPECS / "good-minimal.yaml")
    assert loaded.spec.version == 1
    assert loaded.spec.prune is False
    assert summarize(loaded) == {
        "tabs": 0, "categories": 0, "statuses": 0, "tags": 0, "sections": 0, "groups": 0,
        "members": 0,
    }  # fmt: skip


def test_tags_mix_strings_and_mappings() -> None:
    spec = load_spec(SPECS / "good-mixed-tags.yaml").spec
    assert spec.tag_models() == [
        Tag(name="editor"),
        Tag(name="Billing", renamed_from=["payments", "invoices"]),
        Tag(name="2024"),
        Tag(name="mobile"),
    ]


def test_deep_nesting_loads_and_counts_every_depth() -> None:
    loaded = load_spec(SPECS / "good-deep-nesting.yaml")
    assert summarize(loaded)["sections"] == 8
    deepest = loaded.spec.sections[0].sections[0].sections[0].sections[0].sections[0].sections[0]
    assert deepest.title == "L6"
    assert deepest.color == "#ABCDEF"
    assert loaded.where("section", "roadmap/L1/L2/L3/L4/L5/L6") == (17, 25)
    assert loaded.where("section", "roadmap/Other/L2") == (22, 9)


def test_members_null_and_omitted_both_leave_membership_alone() -> None:
    groups = {g.name: g for g in load_spec(SPECS / "good-members.yaml").spec.groups}
    assert groups["Omitted"].members is None
    assert "members" not in groups["Omitted"].model_fields_set
    assert groups["Null members"].members is None
    assert "members" in groups["Null members"].model_fields_set
    assert groups["Empty"].members == []
    assert groups["Listed"].members == ["alice@example.com", "bob@example.com"]
    assert managed(groups["Listed"]) == {"name": "Listed", "description": None}
    assert managed(groups["Omitted"]) == {"name": "Omitted"}


def test_left_out_and_null_stay_apart() -> None:
    spec = load_spec(SPECS / "good-everything.yaml").spec
    backend = spec.sections[0].sections[0]
    assert managed(backend, "tab") == {
        "title": "Backend", "description": None, "icon": None, "color": None,
    }  # fmt: skip
    planned = spec.statuses[1]
    assert managed(planned) == {"name": "Planned"}


def test_full_spec_loads_as_written() -> None:
    spec = load_spec(SPECS / "good-everything.yaml").spec
    assert spec.portal is not None
    assert spec.portal.url == "https://feedback.example.com"
    assert spec.prune == Prune(categories=True, tags=True)
    assert spec.prunes("tags")
    assert not spec.prunes("groups")
    assert spec.categories[0].color == "#ABDEE6"  # colours compare upper-case
    assert spec.categories[1].renamed_from == ["Integrations", "integration"]
    assert spec.sections[0].renamed_from == ["Doing", "roadmap/Now"]


def test_where_finds_each_kind_case_insensitively() -> None:
    loaded = load_spec(SPECS / "good-everything.yaml")
    assert loaded.where("category", "bug") == (12, 5)
    assert loaded.where("status", "GATHERING VOTES") == (18, 5)
    assert loaded.where("tag", "Billing") == (22, 16)
    assert loaded.where("section", "Roadmap/in progress") == (24, 5)
    assert loaded.where("section", "roadmap/In Progress/backend") == (32, 9)
    assert loaded.where("group", "beta testers") == (37, 5)
    assert loaded.where("membership", "Beta testers/BOB@example.com") == (39, 34)
    assert loaded.where("category", "Nope") is None
    assert loaded.where("membership", "Beta testers/carol@example.com") is None


def test_loaded_spec_without_positions_finds_nothing() -> None:
    loaded = LoadedSpec(parse_spec("version: 1\n", "p.yaml").spec, "p.yaml")
    assert loaded.where("category", "Bug") is None


def test_bom_and_text_input_are_accepted() -> None:
    assert parse_spec(b"\xef\xbb\xbfversion: 1\ntags: [caf\xc3\xa9]\n", "p").spec.tags == [
        Tag(name="café")
    ]
    assert parse_spec("version: 1\ntags: [café]\n", "p").spec.tags == [Tag(name="café")]


def test_example_loads_and_plans_what_it_says() -> None:
    loaded = load_spec(EXAMPLE)
    assert EXAMPLE.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/portal.schema.json\n"
    )
    spec = loaded.spec
    assert spec.portal is None
    assert spec.prune is False
    assert [t.slug for t in spec.tabs] == ["roadmap", "wish-list", "changelog"]
    assert summarize(loaded) == {
        "tabs": 3, "categories": 6, "statuses": 5, "tags": 8, "sections": 5, "groups": 3,
        "members": 7,
    }  # fmt: skip
    assert {s.tab for s in spec.statuses} == {"wish-list", "roadmap"}
    demo = {f"{n}@example.com" for n in ("alice", "bob", "carol", "dave", "erin")}
    assert {m for g in spec.groups for m in g.members or ()} <= demo
    names = {r.name for r in desired_state(spec).resources["section"]}
    assert {"roadmap/Now/Backend", "roadmap/Now/Frontend", "roadmap/Later"} <= names


def big_spec(resources: int) -> str:
    """A spec of ``resources`` entries: a fifth of each kind, members counted in groups."""
    fifth = resources // 5
    lines = ["version: 1", "tabs:", "  - slug: roadmap", "  - slug: wish-list", "categories:"]
    for i in range(fifth):
        lines += [f"  - name: Category {i}", f'    color: "#{i % 0xFFFFFF:06X}"']
    lines.append("statuses:")
    for i in range(fifth):
        lines += [f"  - name: Status {i}", '    color: "#ABCDEF"', "    tab: wish-list"]
    lines.append("tags:")
    lines += [f"  - tag-{i}" for i in range(fifth)]
    lines.append("sections:")
    for i in range(fifth // 5):
        lines += [
            f"  - title: Section {i}",
            "    tab: roadmap",
            "    icon: rocket",
            "    sections:",
        ]
        lines += [f"      - title: Child {j}" for j in range(4)]
    lines.append("groups:")
    for i in range(fifth // 10):
        lines += [f"  - name: Group {i}", "    members:"]
        lines += [f"      - user{j}@example.com" for j in range(9)]
    return "\n".join(lines) + "\n"


def test_five_thousand_resources_load_well_under_a_second(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_spec(5000), encoding="utf-8")
    start = time.perf_counter()
    loaded = load_spec(path)
    elapsed = time.perf_counter() - start
    counts = summarize(loaded)
    assert sum(counts.values()) - counts["tabs"] == 5000
    assert elapsed < 1.0, f"load_spec took {elapsed:.2f} s"


def test_big_spec_with_two_mistakes_reports_just_them() -> None:
    text = big_spec(1000).replace("Category 7\n", "category 3\n").replace("tag-9\n", "' '\n")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "big.yaml")
    assert [p.message for p in caught.value.problems] == [
        "duplicate category 'category 3' (first at line 12)",
        "tag ' ' is blank: a name needs a visible character",
    ]
