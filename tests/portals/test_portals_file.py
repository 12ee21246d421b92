"""The portals file: its model, its located problems, targets and per-portal variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import SpecError, TargetError
from reconciler.portals import load_portals

from .conftest import Write

SPEC = "version: 1\ntags: [editor]\n"


def problems(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(SpecError) as caught:
        load_portals(path)
    assert {p.file for p in caught.value.problems} == {str(path)}
    return [(p.line, p.col, p.message) for p in caught.value.problems]


def test_a_good_file_lists_its_portals_with_paths_relative_to_it(write: Write) -> None:
    path = write(
        "conf/portals.yaml",
        "version: 1\nportals:\n  - name: prod\n    spec: [a.yaml, over/b.yaml]\n"
        "  - {name: stage, spec: a.yaml, url: 'https://s.example.com',\n"
        "     env: {PRODUCTLIFT_TOKEN: S_TOKEN}}\n",
    )
    file = load_portals(path)
    assert file.names == ["prod", "stage"]
    prod, stage = file.portals
    assert prod.specs == (path.parent / "a.yaml", path.parent / "over" / "b.yaml")
    assert (stage.url, dict(stage.env)) == (
        "https://s.example.com",
        {"PRODUCTLIFT_TOKEN": "S_TOKEN"},
    )


def test_every_mistake_is_reported_at_its_line_and_column(write: Write) -> None:
    path = write(
        "portals.yaml",
        "version: 1\n"
        "portals:\n"
        "  - name: prod\n"
        "    spec: a.yaml\n"
        "    urll: https://x\n"  # line 5: unknown key
        "  - name: prod\n"  # line 6: listed twice
        "    spec: b.yaml\n"
        "  - name: no spec\n"  # line 8: bad name, and no spec
        "  - name: envs\n"
        "    spec: a.yaml\n"
        "    env: {PRODUCTLIFT_URL: X, PRODUCTLIFT_TOKEN: 3}\n",  # line 11
    )
    found = problems(path)
    assert [(line, col) for line, col, _ in found] == [
        (5, 5),
        (6, 5),
        (8, 5),
        (8, 11),
        (11, 11),
        (11, 50),
    ]
    assert "did you mean 'url'" in found[0][2]
    assert "first at line 3" in found[1][2]


def test_a_file_that_is_not_a_portals_file_says_so(write: Write) -> None:
    assert problems(write("portals.yaml", "- a\n"))[0][:2] == (1, 1)
    assert [p[:2] for p in problems(write("portals.yaml", "version: 2\nportals: []\n"))] == [
        (1, 10),
        (2, 10),
    ]
    for version in ("true", "1.0"):  # equal to 1 in Python, not the number 1
        found = problems(
            write("portals.yaml", f"version: {version}\nportals: [{{name: a, spec: a}}]\n")
        )
        assert [(p[:2], p[2]) for p in found] == [
            ((1, 10), "version: 1 is the only portals file format")
        ]


def test_choose_keeps_the_order_given_and_names_an_unknown_portal(write: Write) -> None:
    file = load_portals(
        write(
            "portals.yaml", "version: 1\nportals: [{name: prod, spec: a}, {name: stage, spec: a}]\n"
        )
    )
    assert [p.name for p in file.choose(["stage", "prod", "stage"])] == ["stage", "prod"]
    assert [p.name for p in file.choose([])] == ["prod", "stage"]
    with pytest.raises(TargetError, match="did you mean 'stage'"):
        file.choose(["stagee"])


def test_env_maps_each_portal_variables_without_leaking_into_the_others(write: Write) -> None:
    file = load_portals(
        write(
            "portals.yaml",
            "version: 1\nportals:\n"
            "  - {name: a, spec: s.yaml, env: {PRODUCTLIFT_TOKEN: A_TOKEN}}\n"
            "  - {name: b, spec: s.yaml}\n"
            "  - {name: c, spec: s.yaml, env: {PRODUCTLIFT_TOKEN: C_TOKEN}}\n",
        )
    )
    base = {"PRODUCTLIFT_TOKEN": "global", "A_TOKEN": "token-a", "OTHER": "x"}
    a, b, c = file.portals
    assert a.environment(base)["PRODUCTLIFT_TOKEN"] == "token-a"
    assert a.environment(base)["OTHER"] == "x"
    assert b.environment(base)["PRODUCTLIFT_TOKEN"] == "global"
    # an unset source never falls back to another value: the variable is unset, and named
    assert "PRODUCTLIFT_TOKEN" not in c.environment(base)
    assert c.missing(base) == ["C_TOKEN (for PRODUCTLIFT_TOKEN)"]
    assert base["PRODUCTLIFT_TOKEN"] == "global"


def test_a_variable_a_credential_is_mapped_from_is_refused_in_the_spec(write: Write) -> None:
    """``env: {PRODUCTLIFT_TOKEN: PROD_TOKEN}`` makes PROD_TOKEN this portal's token: a spec
    that reads ``${PROD_TOKEN}`` would copy it into the plan, as ``${PRODUCTLIFT_TOKEN}``
    would. Another portal, which maps no credential from it, reads it."""
    write("s.yaml", 'version: 1\ncategories:\n  - name: "x${PROD_TOKEN}"\n')
    file = load_portals(
        write(
            "portals.yaml",
            "version: 1\nportals:\n"
            "  - {name: prod, spec: s.yaml, env: {PRODUCTLIFT_TOKEN: PROD_TOKEN}}\n"
            "  - {name: open, spec: s.yaml}\n",
        )
    )
    base = {"PROD_TOKEN": "SeCrEtTokEn12345"}
    prod, other = file.portals
    with pytest.raises(SpecError) as caught:
        prod.load(base)
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (3, 11)
    assert "${PROD_TOKEN} is a credential variable" in problem.message
    assert "SeCrEtTokEn12345" not in str(caught.value)
    assert other.load(base).spec.categories[0].name == "xSeCrEtTokEn12345"


def test_targets_url_then_the_spec_portal_url_then_an_error(write: Write) -> None:
    write("with-url.yaml", "version: 1\nportal: {url: 'https://spec.example.com'}\n")
    write("bare.yaml", SPEC)
    path = write(
        "sub/portals.yaml",
        "version: 1\nportals:\n"
        "  - {name: given, spec: ../with-url.yaml, url: 'https://given.example.com/'}\n"
        "  - {name: spec, spec: ../with-url.yaml}\n"
        "  - {name: box, spec: ../bare.yaml, url: 'sandbox:boxes/box.db'}\n"
        "  - {name: none, spec: ../bare.yaml}\n",
    )
    given, spec, box, none = load_portals(path).portals
    env = {"PRODUCTLIFT_URL": "https://env.example.com"}  # never read by a portals file
    assert given.target(given.load(env)).url == "https://given.example.com"
    assert spec.target(spec.load(env)).url == "https://spec.example.com"
    target = box.target(box.load(env))
    assert target.sandbox == path.parent / "boxes" / "box.db"
    with pytest.raises(TargetError, match="no target"):
        none.target(none.load(env))


def test_spec_variables_are_read_from_the_portal_environment(write: Write) -> None:
    write("s.yaml", "version: 1\nportal: {url: '${HOST}'}\n")
    path = write(
        "portals.yaml", "version: 1\nportals: [{name: a, spec: s.yaml, env: {HOST: A_HOST}}]\n"
    )
    (a,) = load_portals(path).portals
    loaded = a.load({"HOST": "https://wrong.example.com", "A_HOST": "https://a.example.com"})
    assert a.target(loaded).url == "https://a.example.com"
