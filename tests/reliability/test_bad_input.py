"""Broken specs: each ends in exit 1 with located ``FILE:LINE:COL: message`` lines, never a
traceback, never a hang, and never a request (``plan`` runs with a target that fails the test
if it is so much as opened). Hypothesis feeds the loader random bytes and YAML-ish text.

One file per mistake in ``corpus/``; the big ones (1 MB, deep nesting) are generated here.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler import connect
from reconciler.errors import SpecError
from reconciler.loader import LoadedSpec, parse_spec
from tests.conftest import Result, Runner

CORPUS = Path(__file__).parent / "corpus"
# file → (line, col, what the message says): the first problem reported. Where the YAML
# library finds the problem, only our prefix and the line are asserted (col None): its wording
# and its columns are the library's, and change between releases.
EXPECTED: dict[str, tuple[int, int | None, str]] = {
    "alias-as-key.yaml": (4, 5, "YAML aliases (*k) are not supported"),
    "alias-billion-laughs.yaml": (2, 1, "unknown key 'a'"),
    "binary-elf-header.yaml": (1, 8, "binary data (a NUL byte)"),
    "binary-junk.yaml": (1, 32, "binary data (a NUL byte)"),
    "bom-with-unknown-key.yaml": (2, 1, "unknown key 'nope'"),
    "bounds-color-short.yaml": (4, 12, "is not a colour like #RRGGBB"),
    "bounds-description-256.yaml": (6, 18, "256 characters long; the API accepts at most 255"),
    "bounds-empty-name.yaml": (3, 11, "too short (0 characters"),
    "bounds-name-256-chars.yaml": (3, 5, "too long (256 characters; names are 1 to 255)"),
    "bounds-name-blank.yaml": (3, 11, "name '  ' is blank"),
    "control-character.yaml": (3, 13, "U+0007 is not allowed"),
    "crlf-unknown-key.yaml": (4, 5, "unknown key 'colr'; did you mean 'color'?"),
    "deep-block-mapping.yaml": (258, 513, "nested deeper than 256 levels"),
    "deep-flow-nesting.yaml": (2, 268, "nested deeper than 256 levels"),
    "duplicate-category-case.yaml": (4, 11, "duplicate category 'bug' (first at line 3)"),
    "duplicate-key.yaml": (4, 5, "duplicate key 'name' (first at line 3)"),
    "duplicate-member.yaml": (4, 30, "listed twice in group 'Beta'"),
    "duplicate-section-sibling.yaml": (5, 13, "duplicate section 'NOW'"),
    "empty.yaml": (1, 1, "the spec is empty"),
    "key-is-a-list.yaml": (2, 3, "a key must be a plain name"),
    "key-is-null.yaml": (2, 1, "unknown key '~'"),
    "latin1-name.yaml": (3, 14, "not UTF-8 (byte 0xe9)"),
    "list-document.yaml": (1, 1, "must be a mapping"),
    "null-document.yaml": (1, 1, "the spec is empty"),
    "only-comments.yaml": (1, 1, "the spec is empty"),
    "only-whitespace.yaml": (4, None, "YAML syntax error"),
    "reference-child-other-tab.yaml": (7, 29, "differs from the parent section's tab"),
    "reference-renamed-from-taken.yaml": (5, 20, "names another category"),
    "reference-unknown-tab.yaml": (6, 10, "tab 'wishlist' is not listed under tabs"),
    "scalar-document.yaml": (1, 1, "must be a mapping"),
    "syntax-bad-indent.yaml": (4, None, "YAML syntax error"),
    "syntax-colon-in-plain.yaml": (3, None, "YAML syntax error"),
    "syntax-unclosed-flow.yaml": (3, 5, "did not find expected ',' or ']'"),
    "syntax-unclosed-quote.yaml": (4, 1, "while scanning a quoted scalar at line 3"),
    "tabs-indentation.yaml": (3, None, "YAML syntax error"),
    "tag-bool-not-a-bool.yaml": (4, 8, "cannot read 'maybe' as bool"),
    "tag-custom.yaml": (1, 10, "unsupported YAML tag '!custom'"),
    "tag-python-object.yaml": (3, 11, "unsupported YAML tag '!!python/object/apply:os.system'"),
    "tag-timestamp-not-a-date.yaml": (3, 11, "cannot read 'yesterday' as timestamp"),
    "two-documents.yaml": (2, 1, "one YAML document, not several"),
    "type-categories-mapping.yaml": (3, 3, "categories: expected a list, got a mapping"),
    "type-date-name.yaml": (3, 11, "got the date 2024-01-01; put it in quotes"),
    "type-hidden-string.yaml": (6, 13, "hidden: expected true or false"),
    "type-name-number.yaml": (3, 11, "got the number 42; put it in quotes"),
    "type-version-float.yaml": (1, 10, "version must be the number 1"),
    "type-version-huge.yaml": (1, 10, "version"),
    "unknown-key-typo.yaml": (4, 5, "unknown key 'colour'; did you mean 'color'?"),
    "unknown-merge-key.yaml": (3, 5, "merge keys (<<) are not supported"),
    "unknown-top-level-key.yaml": (2, 1, "unknown key 'category'; did you mean 'categories'?"),
    "utf16-le.yaml": (1, 1, "the file is UTF-16; save the spec as UTF-8"),
}
SUMMARY = re.compile(r"^Error: \d+ problems? in the spec; no request was sent$")


@pytest.fixture
def no_portal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test loudly if anything tries to reach a portal."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a portal was contacted for a spec that is not valid")

    monkeypatch.setattr(connect, "open_provider", refuse)
    monkeypatch.setattr(httpx.Client, "send", refuse)


def problems_of(result: Result, path: Path) -> list[tuple[int, int, str]]:
    """The located problems on stderr; checks the shape of everything around them."""
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert SUMMARY.match(lines[-1]), lines[-1]
    located = re.compile(re.escape(str(path)) + r":(\d+):(\d+): (\S.*)$")
    found = []
    for line in lines[:-1]:
        match = located.match(line)
        assert match, f"not a located problem: {line!r}"
        assert len(line) < 700, "a problem line echoes too much of the file"
        found.append((int(match[1]), int(match[2]), match[3]))
    assert found
    return found


def test_the_corpus_is_all_listed() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.usefixtures("no_portal")
@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["validate", "plan"])
def test_broken_spec_is_located_and_sends_nothing(run: Runner, command: str, name: str) -> None:
    path = CORPUS / name
    args = (
        [command, path] if command == "validate" else [command, path, "--url", "http://127.0.0.1:9"]
    )
    found = problems_of(run(*args), path)
    line, col, fragment = EXPECTED[name]
    assert found[0][0] == line
    if col is not None:
        assert found[0][1] == col
    assert fragment in found[0][2]
    last_line = path.read_bytes().count(b"\n") + 1
    assert all(1 <= n <= last_line and c >= 1 for n, c, _ in found)


@pytest.mark.usefixtures("no_portal")
def test_json_plan_of_a_broken_spec_writes_no_document(run: Runner) -> None:
    path = CORPUS / "unknown-key-typo.yaml"
    result = run("plan", path, "--format", "json", "--url", "http://127.0.0.1:9")
    problems_of(result, path)
    assert result.out == ""


def test_a_bom_before_a_valid_spec_is_fine(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfversion: 1\ntags: [editor]\n")
    result = run("validate", path)
    assert result.code == 0, result.err
    assert "valid (0 tabs, 0 categories, 0 statuses, 1 tags" in result.out


def _many_categories(size: int) -> str:
    head, entry = "version: 1\ncategories:\n", '  - name: Category {:05d}\n    color: "#ABCDEF"\n'
    count = (size - len(head)) // len(entry.format(0))
    return head + "".join(entry.format(n) for n in range(count)) + '  - name: " "\n'


MEGABYTE = 1_000_000
BIG = {
    "many-entries": (_many_categories(MEGABYTE), "name ' ' is blank"),
    "one-long-name": ("version: 1\ncategories:\n  - name: " + "x" * MEGABYTE + "\n", "too long"),
    "one-long-tab-reference": (
        "version: 1\ntabs: [{slug: roadmap}]\nstatuses:\n  - {name: Planned, tab: "
        + "t" * MEGABYTE
        + "}\n",
        "is not listed under tabs",
    ),
    "comments": (("# " + "c" * 100 + "\n") * (MEGABYTE // 103) + "version: 2\n", "version 2"),
    "flow-brackets": ("version: 1\ntags: " + "[" * MEGABYTE, "nested deeper than 256"),
    "deep-sections": (
        "version: 1\ntabs: [{slug: roadmap}]\nsections:\n"
        + "".join(
            f"{'    ' * n}  - title: Level {n}\n{'    ' * n}    sections:\n" for n in range(200)
        )
        + "x" * (MEGABYTE // 2),
        "nested deeper than 256",
    ),
}


@pytest.mark.usefixtures("no_portal")
@pytest.mark.parametrize("name", sorted(BIG))
def test_a_megabyte_is_refused_quickly_with_short_lines(
    run: Runner, tmp_path: Path, name: str
) -> None:
    text, fragment = BIG[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size >= MEGABYTE // 2
    for command in ("validate", "plan"):
        started = time.process_time()
        result = run(command, path)
        took = time.process_time() - started
        found = problems_of(result, path)
        assert took < 2.0, f"{command} took {took:.2f} s of CPU"
        assert any(fragment in message for _, _, message in found)


# -- fuzzing -------------------------------------------------------------------------------


def check_outcome(text: str | bytes) -> None:
    """The loader's contract: a valid spec, or SpecError with located one-line problems."""
    problems = []
    try:
        loaded = parse_spec(text, "fuzz.yaml")
    except SpecError as error:
        problems = error.problems
    else:
        assert isinstance(loaded, LoadedSpec)
        return
    assert problems
    for problem in problems:
        assert problem.file == "fuzz.yaml"
        assert problem.line >= 1
        assert problem.col >= 1
        assert problem.message.strip()
        assert problem.message.isprintable(), problem.message


# RELIABILITY_FUZZ=N runs N examples per property (a longer hunt than the default).
EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=1000, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_loader(raw: bytes) -> None:
    check_outcome(raw)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_after_a_valid_start_never_crash_the_loader(tail: bytes) -> None:
    check_outcome(b"version: 1\ncategories:\n  - name: Bug\n" + tail)


WORDS = [
    "version", "categories", "statuses", "tags", "tabs", "sections", "groups", "members",
    "name", "color", "tab", "slug", "title", "prune", "renamed_from", "portal", "url",
    "description", "icon", "hidden", "1", "2", "true", "null", "~", "'#FF0000'", '"#abc"',
    "Bug", "bug", "roadmap", "a@example.com", "2024-01-01", "0x1F", "1e3", ".inf", "&a", "*a",
    "!!str", "!!binary", "!x", "<<", "?", "|", ">-", "'", '"', "#", ":", ": ", "- ", "-",
    ",", "[", "]", "{", "}", "\n", "\n  ", "\n    ", "\n  - ", "\t", " ", "---", "...", "%YAML 1.1",
    "é", "\u2028", "\ufeff", "\x85", "\\", "x" * 61,
]  # fmt: skip


@FUZZ
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=60).map("".join))
def test_yamlish_text_never_crashes_the_loader(text: str) -> None:
    check_outcome(text)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=70),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(WORDS[:20]) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=15,
)


@settings(FUZZ, max_examples=max(1, EXAMPLES // 3))
@given(
    st.fixed_dictionaries(
        {"version": st.sampled_from([1, 1, 1, "1", 2, None])},
        optional=dict.fromkeys([*WORDS[1:8], "prune", "portal"], JSON),
    )
)
def test_spec_shaped_data_never_crashes_the_loader(data: dict[str, object]) -> None:
    check_outcome(yaml.safe_dump(data, allow_unicode=True))
