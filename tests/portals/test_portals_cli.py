"""validate, plan and apply over a portals file: each portal on its own, output per the
contract, exit codes. Run through a tiny click group (``mini_cli``) calling the functions
``reconciler/cli`` calls."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.render import render_json

from .conftest import Write
from .mini_cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "portals"
BASE = """\
version: 1
tabs: [{slug: roadmap}]
categories:
  - {name: Bug, color: "#E57373"}
  - {name: Billing, color: "#90A4AE"}
tags: [editor, api]
"""
STAGING = "categories:\n  - {name: Billing, remove: true}\n  - {name: Staging, color: '#FFF176'}\n"
SECRET = "s3cr3t-token-value"


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    for name in ("CI", "PRODUCTLIFT_URL", "PRODUCTLIFT_TOKEN", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "120")

    def _run(*args: str) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


PORTALS = """\
version: 1
portals:
  - {name: production, spec: portal.yaml, url: "sandbox:prod.db"}
  - {name: staging, spec: [portal.yaml, staging.yaml], url: "sandbox:stage.db"}
"""
DOWN = """\
  - {name: down, spec: portal.yaml, url: "http://127.0.0.1:9", env: {PRODUCTLIFT_TOKEN: DOWN_TOKEN}}
  - {name: nokey, spec: portal.yaml, url: "http://127.0.0.1:9", env: {PRODUCTLIFT_TOKEN: NO_TOKEN}}
"""


@pytest.fixture
def portals(write: Write) -> Path:
    write("portal.yaml", BASE)
    write("staging.yaml", STAGING)
    return write("portals.yaml", PORTALS)


@pytest.fixture
def with_failures(write: Write, portals: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOWN_TOKEN", SECRET)
    monkeypatch.delenv("NO_TOKEN", raising=False)
    return write("portals.yaml", PORTALS + DOWN)


def test_the_example_converges_every_portal(run: Run, tmp_path: Path) -> None:
    example = tmp_path / "example"
    shutil.copytree(EXAMPLE, example, ignore=shutil.ignore_patterns(".reconciler"))
    path = example / "portals.yaml"
    assert run("validate", "--portals", path).code == 0
    assert run("plan", "--portals", path, "--detailed-exitcode").code == 2
    applied = run("apply", "--portals", path, "--auto-approve")
    assert applied.code == 0, applied.err
    assert "production: applied" in applied.out
    assert "staging: applied" in applied.out
    again = run("plan", "--portals", path, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert again.out.count("No changes.") == 2


def test_text_names_each_portal_before_its_plan(run: Run, portals: Path) -> None:
    result = run("plan", "--portals", portals)
    assert result.code == 0
    prod, stage = result.out.index("portal production"), result.out.index("portal staging")
    assert prod < result.out.index("prod.db") < stage < result.out.index("stage.db")
    assert '+ category "Staging"' in result.out[stage:]
    assert '+ category "Billing"' not in result.out[stage:]


def test_json_is_one_document_with_each_portal_plan_or_error(run: Run, with_failures: Path) -> None:
    result = run("plan", "--portals", with_failures, "--format", "json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert list(doc) == ["format_version", "portals"]
    assert doc["format_version"] == 1
    assert [(p["name"], list(p)) for p in doc["portals"]] == [
        ("production", ["name", "plan"]),
        ("staging", ["name", "plan"]),
        ("down", ["name", "error"]),
        ("nokey", ["name", "error"]),
    ]
    assert "127.0.0.1:9" in doc["portals"][2]["error"]
    assert "NO_TOKEN" in doc["portals"][3]["error"]
    assert doc["portals"][0]["plan"]["summary"] == {"create": 4}
    assert SECRET not in result.out + result.err


def test_a_portal_plan_in_the_document_is_the_single_portal_plan(
    run: Run, portals: Path, tmp_path: Path
) -> None:
    from reconciler.connect import open_provider
    from reconciler.engine import build_plan
    from reconciler.portals import load_portals

    (production, _) = load_portals(portals).portals
    loaded = production.load()
    with_portal = open_provider(production.target(loaded), {}, loaded.product, loaded.spec)
    try:
        single = json.loads(render_json(build_plan(loaded.spec, with_portal)))
    finally:
        with_portal.close()
    doc = json.loads(run("plan", "--portals", portals, "--format", "json").out)
    assert doc["portals"][0]["plan"] == single


def test_one_failing_portal_does_not_stop_the_others(run: Run, with_failures: Path) -> None:
    result = run("plan", "--portals", with_failures, "--detailed-exitcode")
    assert result.code == 1
    assert "portal production" in result.out
    assert "portal staging" in result.out
    assert "[down]" in result.err
    assert "[nokey]" in result.err
    assert "(2 of 4 failed)" in result.out


def test_apply_applies_each_portal_it_could_plan_and_reports_each(
    run: Run, with_failures: Path
) -> None:
    result = run("apply", "--portals", with_failures, "--auto-approve")
    assert result.code == 1
    assert "production: applied (4 created)" in result.out
    assert "down: failed" in result.out
    chosen = ("--portal", "production", "--portal", "staging")
    assert run("plan", "--portals", with_failures, *chosen, "--detailed-exitcode").code == 0


@pytest.mark.parametrize(
    ("chosen", "detailed", "code"),
    [
        (("production",), False, 0),
        (("production",), True, 2),
        (("production", "down"), True, 1),
        (("nokey",), False, 1),
    ],
)
def test_exit_codes(
    run: Run, with_failures: Path, chosen: tuple[str, ...], detailed: bool, code: int
) -> None:
    args = [a for name in chosen for a in ("--portal", name)]
    args += ["--detailed-exitcode"] if detailed else []
    assert run("plan", "--portals", with_failures, *args).code == code


def test_no_changes_exits_zero_even_with_detailed_exitcode(run: Run, portals: Path) -> None:
    assert run("apply", "--portals", portals, "--auto-approve").code == 0
    assert run("plan", "--portals", portals, "--detailed-exitcode").code == 0


def test_a_saved_plan_is_applied_portal_by_portal_each_checked_on_its_own(
    run: Run, portals: Path, write: Write, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", "--portals", portals, "--out", saved).code == 0
    assert [p["name"] for p in json.loads(saved.read_text())["portals"]] == [
        "production",
        "staging",
    ]
    write("staging.yaml", STAGING + "tags: [changed]\n")  # staging's spec moved on
    result = run("apply", "--portals", portals, "--plan", saved, "--auto-approve")
    assert result.code == 1
    assert "production: applied (4 created)" in result.out
    assert "staging: failed" in result.out
    assert "stale plan" in result.err
    assert (
        run("plan", "--portals", portals, "--portal", "production", "--detailed-exitcode").code == 0
    )


def test_a_single_portal_plan_file_is_not_a_portals_plan(
    run: Run, portals: Path, tmp_path: Path
) -> None:
    single = tmp_path / "single.json"
    single.write_text('{"format_version": 1, "changes": []}', encoding="utf-8")
    result = run("apply", "--portals", portals, "--plan", single, "--auto-approve")
    assert result.code == 1
    assert "not written by `reconciler plan --portals" in result.err


def test_markdown_is_one_comment_with_a_section_per_portal(
    run: Run, with_failures: Path, write: Write
) -> None:
    many = "\n".join(f"  - {{name: Category {i:02}, color: '#000000'}}" for i in range(40))
    write("staging.yaml", STAGING + many + "\n")
    result = run("plan", "--portals", with_failures, "--format", "markdown")
    assert result.code == 1
    text = result.out
    assert text.count("## Portal `") == 4
    assert "| `down` |  | **failed** |" in text
    staging = text[text.index("## Portal `staging`") : text.index("## Portal `down`")]
    assert staging.count("<details><summary>") >= 1  # the long section is folded
    production = text[text.index("## Portal `production`") : text.index("## Portal `staging`")]
    assert "<details>" not in production
    assert "Plan failed" in text[text.index("## Portal `down`") :]


def test_github_annotations_point_at_the_file_that_set_each_entry(run: Run, portals: Path) -> None:
    result = run("plan", "--portals", portals, "--format", "github", "--portal", "staging")
    lines = result.out.splitlines()
    assert lines[0] == "::group::portal staging"
    assert lines[-1] == "::endgroup::"
    staging = next(line for line in lines if "Staging" in line)
    bug = next(line for line in lines if '"Bug"' in line)
    assert f"file={portals.parent / 'staging.yaml'}".replace(":", "%3A") in staging
    assert f"file={portals.parent / 'portal.yaml'}".replace(":", "%3A") in bug


def test_validate_reports_problems_in_the_overlay_that_made_them(
    run: Run, portals: Path, write: Write
) -> None:
    write("staging.yaml", "categories:\n  - {name: Bug, color: red}\n")
    result = run("validate", "--portals", portals)
    assert result.code == 1
    assert f"{portals.parent / 'staging.yaml'}:2:" in result.err
    assert "portal production" in result.out


def test_plan_time_errors_point_at_the_overlay_that_set_the_entry(
    run: Run, portals: Path, write: Write
) -> None:
    """A name the API refuses, and a member who is no portal user, are found only once the
    portal is read: located in the overlay all the same, in text and as annotations."""
    long_name = "C" * 61
    write(
        "staging.yaml",
        f"categories:\n  - {{name: {long_name}}}\n"
        "groups:\n  - {name: Beta, members: [zed@example.com]}\n",
    )
    overlay = portals.parent / "staging.yaml"
    text = run("plan", "--portals", portals, "--portal", "staging")
    assert text.code == 1
    assert f"{overlay}:2:5: new category names must be 2 to 60 characters" in text.out
    github = run("plan", "--portals", portals, "--portal", "staging", "--format", "github")
    annotation = f"::error file={overlay},line=2,col=5::new category names"
    assert any(line.startswith(annotation) for line in github.out.splitlines()), github.out
    write("staging.yaml", "groups:\n  - {name: Beta, members: [zed@example.com]}\n")
    text = run("plan", "--portals", portals, "--portal", "staging")
    assert f"{overlay}:2:28: member emails that are not portal users: zed@example.com" in text.out


def test_validate_show_prints_the_merged_spec_with_secrets_masked(
    run: Run, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        "abc.yaml",
        "version: 1\nprovider: abc\nwebhooks:\n  - name: Relay\n"
        "    url: https://hooks.example.com/a\n    status: ACTIVE\n"
        "    events: [{type: ISSUE_CREATION}]\n    token: abcdefghijklmnopqrstuvwxyz\n",
    )
    write("abc-stage.yaml", "webhooks:\n  - {name: Relay, status: INACTIVE}\n")
    path = write(
        "portals.yaml",
        "version: 1\nportals:\n"
        "  - {name: abc, spec: [abc.yaml, abc-stage.yaml], url: 'sandbox:a.db'}\n",
    )
    result = run("validate", "--portals", path, "--show", "abc")
    assert result.code == 0, result.err
    assert "status: INACTIVE" in result.out
    assert "(secret)" in result.out
    assert "abcdefghijklmnopqrstuvwxyz" not in result.out
    assert "portal abc" in result.err  # status lines leave stdout to the spec


def test_url_and_a_spec_argument_do_not_go_with_portals(run: Run, portals: Path) -> None:
    assert run("plan", "--portals", portals, "--url", "sandbox:x.db").code == 1
    assert run("plan", "other.yaml", "--portals", portals).code == 1
    assert run("plan", "--portal", "production").code == 1


def test_export_writes_one_portal_as_a_spec(run: Run, portals: Path, tmp_path: Path) -> None:
    assert run("apply", "--portals", portals, "--portal", "staging", "--auto-approve").code == 0
    out = tmp_path / "exported.yaml"
    assert run("export", "--portals", portals, "--portal", "staging", "--out", out).code == 0
    assert "Staging" in out.read_text(encoding="utf-8")
    assert run("export", "--portals", portals).code == 1  # two portals: choose one
