"""Every user mistake in a spec is reported as FILE:LINE:COL: message, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import SpecError
from reconciler.loader import LoadedSpec, load_spec, parse_spec

SPECS = Path(__file__).parent / "specs"

# fixture → the problems it must report, as "LINE:COL: message", in file order
EXPECTED: dict[str, list[str]] = {
    # the YAML library's own words follow "YAML syntax error: ", and are its to change
    "bad-yaml-syntax": ["6:1: YAML syntax error: …"],
    "bad-duplicate-key": ["5:5: duplicate key 'color' (first at line 4)"],
    "bad-unknown-key": ["4:5: unknown key 'colour'; did you mean 'color'?"],
    "bad-unknown-top-level-key": ["2:1: unknown key 'categorys'; did you mean 'categories'?"],
    "bad-prune": ["4:3: unknown key 'tag'; did you mean 'tags'?"],
    "bad-expected-list": ["2:7: tags: expected a list, got the string 'editor'"],
    "bad-expected-string": ["3:11: name: expected a string, got the number 2024; put it in quotes"],
    "bad-expected-mapping": ["3:5: categories: expected a mapping, got the string 'Bug'"],
    "bad-expected-boolean": ["7:13: hidden: expected true or false, got the string 'sometimes'"],
    # a name the portal holds is accepted as it is: the API's own bounds (2 to 60 for a new
    # category) are checked at plan time (tests/reliability/test_portal_content.py)
    "bad-name-too-short": ["3:11: name '' is too short (0 characters; names are 1 to 255)"],
    "bad-name-too-long": [
        "3:11: name '" + "A group name that goes on and on " * 2 + "A group name …' is too long"
        " (256 characters; names are 1 to 255)"
    ],
    "bad-name-spaces": ["3:5: tag '   ' is blank: a name needs a visible character"],
    "bad-color": ["4:12: color 'red' is not a colour like #RRGGBB"],
    "bad-color-null": [
        "7:12: color cannot be null: the API cannot clear a colour; leave the key out to keep it"
    ],
    "bad-name-null": ["3:11: name cannot be null"],
    "bad-duplicate-category": ["6:11: duplicate category 'bug' (first at line 3)"],
    "bad-duplicate-status": ["8:11: duplicate status 'PLANNED' (first at line 6)"],
    "bad-duplicate-tag": ["4:11: duplicate tag 'Editor' (first at line 3)"],
    "bad-duplicate-group": ["4:11: duplicate group 'beta Testers' (first at line 3)"],
    "bad-duplicate-section": [
        "9:16: duplicate section 'backend' under 'roadmap/Now' (first at line 8)",
        "14:12: duplicate section 'now' in tab 'roadmap' (first at line 5)",
    ],
    "bad-duplicate-tab": ["4:11: tab 'roadmap' listed twice (first at line 3)"],
    "bad-renamed-from-other": ["5:26: renamed_from 'bug' names another category (line 3)"],
    "bad-renamed-from-claimed-twice": [
        "6:20: 'Editing' is already claimed by renamed_from of 'editor' (first at line 4)"
    ],
    "bad-renamed-from-section": [
        "9:20: renamed_from 'Now' names another section (line 5)",
        "9:25: renamed_from 'roadmap/now' names another section (line 5)",
    ],
    "bad-section-path-ambiguous": [
        "9:12: section path 'roadmap/web/mobile' is also the path of the section at line 8"
        " (a '/' in a title is ambiguous)"
    ],
    "bad-unknown-tab-status": [
        "6:10: tab 'roadmapp' is not listed under tabs; did you mean 'roadmap'?"
    ],
    "bad-unknown-tab-section": [
        "6:10: tab 'wish-list' is not listed under tabs; add '- slug: wish-list' to tabs"
    ],
    "bad-section-without-tab": ["5:5: top-level section 'Now' needs a tab"],
    "bad-nested-section-other-tab": [
        "12:14: tab 'wish-list' differs from the parent section's tab 'roadmap'; leave it out"
    ],
    "bad-member-not-email": ["6:9: members: 'bob' is not an email address"],
    "bad-member-twice": [
        "4:51: member 'Alice@Example.com' listed twice in group 'Beta testers' (first at line 4)"
    ],
    "bad-version-unsupported": ["1:10: unsupported version 2; this reconciler reads version 1"],
    "bad-version-string": ["1:10: version must be the number 1, not the string '1'"],
    "bad-version-missing": ["1:1: missing 'version: 1' (the format version of the spec)"],
    "bad-empty": ["1:1: the spec is empty; it needs at least 'version: 1'"],
    "bad-not-mapping": ["1:1: the spec must be a mapping (version: 1, tabs: ...), not a list"],
    "bad-multiple-documents": ["2:1: a spec is one YAML document, not several"],
    "bad-description-too-long": [
        "7:18: description is 256 characters long; the API accepts at most 255"
    ],
    "bad-icon-too-long": ["7:11: icon is 56 characters long; the API accepts at most 50"],
    "bad-alias": ["6:5: YAML aliases (*bug) are not supported; write the value out"],
    "bad-yaml-tag": ["3:11: unsupported YAML tag '!!python/object:os.system'"],
    "bad-not-utf8": ["3:8: not UTF-8 (byte 0xe9); save as UTF-8"],
    "bad-binary": ["3:7: binary data (a NUL byte); a spec is UTF-8 text"],
    "bad-several": [
        "6:5: unknown key 'colour'; did you mean 'color'?",
        "7:11: duplicate category 'bug' (first at line 5)",
        "11:10: tab 'wish-list' is not listed under tabs; add '- slug: wish-list' to tabs",
        "12:16: tag ' ' is blank: a name needs a visible character",
        "14:5: top-level section 'Now' needs a tab",
        "17:34: members: 'alice' is not an email address",
    ],
}


def problems_of(path: Path | str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mistake_is_reported_at_its_place(name: str) -> None:
    path = SPECS / f"{name}.yaml"
    found = problems_of(path)
    wanted = [f"{path}:{line}" for line in EXPECTED[name]]
    assert len(found) == len(wanted), found
    for shown, expected in zip(found, wanted, strict=True):
        if expected.endswith("…"):
            assert shown.startswith(expected[:-1]), shown
        else:
            assert shown == expected


def test_every_mistake_fixture_has_its_expectation() -> None:
    fixtures = {p.stem for p in SPECS.glob("bad-*.yaml")}
    assert fixtures == set(EXPECTED)


def test_several_mistakes_are_reported_together_in_the_message() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(SPECS / "bad-several.yaml")
    assert len(caught.value.problems) == 6
    assert str(caught.value).count("bad-several.yaml:") == 6
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("6 problems")


def test_path_is_shown_as_the_user_gave_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SPECS)
    assert problems_of("bad-color.yaml") == [
        "bad-color.yaml:4:12: color 'red' is not a colour like #RRGGBB"
    ]


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "portal.yaml"
    assert problems_of(path) == [f"{path}:1:1: cannot read the spec: No such file or directory"]


def test_type_errors_and_rule_problems_come_together() -> None:
    text = "version: 1\ncategories:\n  - name: Bug\n    color: 12\n  - name: BUG\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "p.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "p.yaml:4:12: color: expected a string, got the number 12; put it in quotes",
        "p.yaml:5:11: duplicate category 'BUG' (first at line 3)",
    ]


@pytest.mark.parametrize(
    ("text", "spot", "fragment"),
    [
        ("version: 1\ntags: [editor, *x]\n", "2:16", "YAML aliases (*x) are not supported"),
        ("version: 1\n  tags: []\n", "2:7", "YAML syntax error: "),
        ("version: 1\ntags: [a\x07b]\n", "2:9", "character U+0007 is not allowed in YAML"),
        ("version: 1\n? [a]\n: 1\n", "2:3", "a key must be a plain name, not a list"),
        ("version: 1\n<<: {tags: []}\n", "2:1", "merge keys (<<) are not supported"),
        ("version: 1\nportal: https://x.example\n", "2:9", "portal: expected a mapping"),
        ("version: 1\ntags: [2024-01-01]\n", "2:8", "got the date 2024-01-01; put it in quotes"),
        ("version: 1\ntags: [[a]]\n", "2:8", "tag: expected a tag name or a mapping, got a list"),
        ("version: 1\nprune: maybe\n", "2:8", "prune: expected true or false"),
        ("version: 1\ncategories: [{name: Ab}]\nversion: 1\n", "3:1", "duplicate key"),
    ],
)
def test_odd_yaml_is_located(text: str, spot: str, fragment: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "p.yaml")
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith(f"p.yaml:{spot}: ") and fragment in s for s in shown), shown


def test_section_with_null_tab_needs_a_tab() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("version: 1\nsections:\n  - title: Ab\n    tab: null\n", "p.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "p.yaml:3:5: top-level section 'Ab' needs a tab"
    ]


@pytest.mark.parametrize("depth", [300, 100_000])
def test_deep_nesting_is_refused_at_our_limit(depth: int) -> None:
    """Our limit, our message and place, whatever PyYAML's own nesting limit is (6.0.4 stops
    at 1,000 levels while scanning ahead; libyaml's composer would overflow the C stack at
    100,000): 300 levels only our check refuses."""
    with pytest.raises(SpecError) as caught:
        parse_spec("version: 1\ntags: " + "[" * depth + "]" * depth, "p.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "p.yaml:2:262: nested deeper than 256 levels"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ntags: ['[[[[', \"{{{{\", it''s]\n# [[[[[[[[[[\n",
        "version: 1\ntags: ['x''[[[[y']\ncategories:\n  - name: Bug[[[[\n    color: '#FFFFFF'\n",
    ],
)
def test_brackets_in_quotes_comments_and_names_do_not_count_as_nesting(text: str) -> None:
    deep = text.replace("[[[[", "[" * 300).replace("{{{{", "{" * 300)
    problems: list[str] = []
    try:
        parse_spec(deep, "p.yaml")
    except SpecError as error:
        problems = [p.message for p in error.problems]
    assert problems, "the 300-character tag names are too long"
    assert not [p for p in problems if "nested deeper" in p or "YAML" in p], problems


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["version: 1", "x0: &a0 [bomb, bomb, bomb, bomb, bomb, bomb, bomb, bomb, bomb]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 30)]
    with pytest.raises(SpecError) as caught:
        parse_spec("\n".join(lines) + "\n", "p.yaml")
    messages = [p.message for p in caught.value.problems]
    assert "YAML aliases (*a0) are not supported; write the value out" in messages


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfev\x00e\x00", "p.yaml:1:1: the file is UTF-16; save the spec as UTF-8"),
        (
            b"version: 1\ntags: [\xc3\xa9t\xe9]\n",
            "p.yaml:2:10: not UTF-8 (byte 0xe9); save as UTF-8",
        ),
    ],
)
def test_undecodable_bytes_are_located(raw: bytes, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(raw, "p.yaml")
    assert [str(p) for p in caught.value.problems] == [expected]


EXAMPLE = (Path(__file__).parent.parent / "examples" / "portal.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.tuples(st.integers(0, len(EXAMPLE)), st.integers(0, 40), st.text(max_size=5)).map(
            lambda t: EXAMPLE[: t[0]] + t[2] + EXAMPLE[t[0] + t[1] :]
        ),
    )
)
def test_any_input_loads_or_raises_spec_error(text: str | bytes) -> None:
    result = outcome(text)
    if isinstance(result, SpecError):
        assert result.problems
        assert all(p.line >= 1 and p.col >= 1 for p in result.problems)
    else:
        assert result.spec.version == 1


def outcome(text: str | bytes) -> LoadedSpec | SpecError:
    try:
        return parse_spec(text, "p.yaml")
    except SpecError as error:  # anything else escapes and fails the test
        return error


def test_a_spec_over_the_size_limit_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reconciler.spec_yaml.MAX_CHARS", 1_000)
    with pytest.raises(SpecError) as caught:
        parse_spec("version: 1\ntags: [" + "a, " * 400 + "]\n", "p.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "p.yaml:1:1: the spec is 1,220 characters long; the limit is 1,000"
    ]


def test_environment_variables_are_read_into_strings() -> None:
    text = (
        "version: 1\ncategories:\n  - name: ${TEAM} bugs\n    color: '${COLOR}'\ntags: ['a$${b}']\n"
    )
    loaded = parse_spec(text, "p.yaml", env={"TEAM": "Web", "COLOR": "#ABCDEF"})
    assert [c.name for c in loaded.spec.categories] == ["Web bugs"]
    assert loaded.spec.categories[0].color == "#ABCDEF"
    assert [str(t) if isinstance(t, str) else t.name for t in loaded.spec.tags] == ["a${b}"]


def test_a_variable_written_with_escapes_is_read_too() -> None:
    text = 'version: 1\ntags: ["\\x24{TAG}", "\\u0024{TAG}s", "a$\\\n  {TAG}"]\n'
    loaded = parse_spec(text, "p.yaml", env={"TAG": "web"})
    assert [t.name for t in loaded.spec.tag_models()] == ["web", "webs", "aweb"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("${MISSING}", "the environment variable MISSING is not set"),
        ("${PRODUCTLIFT_TOKEN}", "is a credential variable"),
        ("${OOPS", "without a closing '}'"),
        ("${ brand }", "'${ brand }' names no variable: a name is letters, digits and _"),
        ("${9LIVES}", "'${9LIVES}' names no variable"),
    ],
)
def test_an_unusable_variable_is_located_and_nothing_else_is_said_there(
    value: str, message: str
) -> None:
    text = f"version: 1\ncategories:\n  - name: Bug\n    color: '{value}'\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "p.yaml", env={"PRODUCTLIFT_TOKEN": "secret-token-value"})
    shown = [str(p) for p in caught.value.problems]
    assert len(shown) == 1, shown
    assert shown[0].startswith("p.yaml:4:12: ")
    assert message in shown[0]
    assert "secret-token-value" not in shown[0]


def test_a_literal_dollar_brace_survives_export_and_load() -> None:
    from reconciler.export import dump_spec

    doc = {"version": 1, "categories": [{"name": "Costs ${USD}"}], "tags": ["$${x}"]}
    loaded = parse_spec(dump_spec(doc), "p.yaml", env={})
    assert loaded.spec.categories[0].name == "Costs ${USD}"
    assert [t.name for t in loaded.spec.tag_models()] == ["$${x}"]


def test_line_breaks_yaml_would_fold_survive_export_and_load() -> None:
    from reconciler.export import dump_spec

    texts = ["0\x850", "a\u2028b", "c\u2029d", "e\rf"]
    doc = {
        "version": 1,
        "groups": [{"name": f"G{i}", "description": t} for i, t in enumerate(texts)],
    }
    loaded = parse_spec(dump_spec(doc), "p.yaml", env={})
    assert [g.description for g in loaded.spec.groups] == texts


def test_an_unquoted_colour_is_a_comment_and_the_message_says_so() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("version: 1\ncategories:\n  - name: Bug\n    color: #E57373\n", "p.yaml")
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("p.yaml:4:11: color is empty: '#' starts a comment")
    assert "quotes" in problem


@pytest.mark.parametrize(
    "url", ["not a url", "ftp://x", "http://feedback.example.com", "https://u:p@x.example"]
)
def test_validate_refuses_a_portal_url_plan_would_refuse(url: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(f"version: 1\nportal:\n  url: '{url}'\n", "p.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (3, 8)
    assert problem.message.startswith("portal.url: ")
    assert "u:p" not in problem.message


@pytest.mark.parametrize(
    "url", ["https://feedback.example.com", "http://127.0.0.1:8765", "sandbox:"]
)
def test_validate_accepts_what_plan_accepts(url: str) -> None:
    assert parse_spec(f"version: 1\nportal:\n  url: '{url}'\n", "p.yaml").spec.portal.url == url


@pytest.mark.parametrize(
    ("text", "spot"),
    [
        (
            "version: 1\nsections:\n  - {title: Now, tab: roadmap, hidden: 'no'}\n"
            "tabs: [{slug: roadmap}]\n",
            "3:40",
        ),
        ("version: 1\nprune: 'yes'\n", "2:8"),
    ],
)
def test_strings_are_not_booleans(text: str, spot: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "p.yaml")
    shown = [str(p) for p in caught.value.problems]
    assert any(s.startswith(f"p.yaml:{spot}: ") and "expected true or false" in s for s in shown), (
        shown
    )


@pytest.mark.parametrize(
    ("written", "kind"),
    [("98765432109876543210", "a number"), ("2024-01-31", "a date"), ("yes", "a boolean")],
)
def test_a_secret_written_as_another_type_is_refused_without_its_value(
    written: str, kind: str
) -> None:
    """A webhook token is secret: the problem says what is wrong, never the text."""
    text = (
        "version: 1\nprovider: abc\nwebhooks:\n  - name: Relay\n"
        "    url: https://hooks.example.com/abc\n    events: [{type: FEEDBACK_CREATION}]\n"
        f"    token: {written}\n"
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "s.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (7, 12)
    assert problem.message == f"token: expected a string, got {kind}; put it in quotes"
    assert written not in str(caught.value)
    assert "2024" not in str(caught.value)


@pytest.mark.parametrize(
    ("written", "described"), [("true", "true (a boolean)"), ("1.0", "the number 1.0")]
)
def test_a_version_equal_to_1_only_in_python_is_refused(written: str, described: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(f"version: {written}\ntags: [editor]\n", "s.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (1, 10)
    assert problem.message == f"version must be the number 1, not {described}"
