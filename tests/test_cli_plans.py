"""Saved plans, show, refusals and the other things a Terraform user reaches for (CLI)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, Runner

PRUNED = "version: 1\nprune: true\ncategories:\n  - name: Cat 0\n"
FIVE = "version: 1\ncategories:\n" + "".join(f"  - name: Cat {i}\n" for i in range(5))


def test_apply_takes_a_saved_plan_alone(run: Runner, sandbox_url: str, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    assert run("plan", EXAMPLE, "--out", out, "--url", sandbox_url).code == 0
    saved = json.loads(out.read_text())
    assert saved["provider"] == "productlift"
    assert saved["saved"]["spec"]["path"] == str(EXAMPLE)
    assert saved["saved"]["spec"]["digest"].startswith("sha256:")
    result = run("apply", out, "--auto-approve")  # no spec, no --url: both recorded
    assert result.code == 0, result.err
    assert "Apply complete" in result.out
    assert run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url).code == 0


def test_a_plan_for_another_target_says_which_url(
    run: Runner, sandbox_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    assert run("plan", EXAMPLE, "--out", out, "--url", sandbox_url).code == 0
    other = f"sandbox:{tmp_path / 'other.db'}"
    result = run("apply", out, "--auto-approve", "--url", other)
    assert result.code == 1
    assert f"was made for {sandbox_url}" in result.err


def test_a_plan_applied_alone_goes_where_the_environment_says_or_is_refused(
    run: Runner, sandbox_url: str, tmp_path: Path
) -> None:
    """The URL variable names the target as --url does: a plan file made for another one is
    refused before any request, so its target never gets the environment's credentials."""
    out = tmp_path / "p.json"
    assert run("plan", EXAMPLE, "--out", out, "--url", sandbox_url).code == 0
    other = tmp_path / "other.db"
    env = {"PRODUCTLIFT_URL": f"sandbox:{other}"}
    result = run("apply", out, "--auto-approve", env=env)
    assert result.code == 1
    assert f"was made for {sandbox_url}, not sandbox:{other}" in result.err
    assert not other.exists(), "refused before the portal was read"
    agreeing = run("apply", out, "--auto-approve", env={"PRODUCTLIFT_URL": sandbox_url})
    assert agreeing.code == 0, agreeing.err


def test_show_renders_a_saved_plan_without_a_portal(
    run: Runner, sandbox_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    planned = run("plan", EXAMPLE, "--out", out, "--url", sandbox_url)
    shown = run("show", out)
    assert shown.code == 0
    assert shown.out == planned.out
    as_json = json.loads(run("show", out, "--format", "json").out)
    assert as_json["changes"] == json.loads(out.read_text())["changes"]
    github = run("show", out, "--format", "github").out
    assert f"::notice file={EXAMPLE}" in github  # located through the recorded spec


def test_plan_says_what_apply_will_refuse(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    assert run("apply", write_spec(FIVE), "--auto-approve", "--url", sandbox_url).code == 0
    pruned = write_spec(PRUNED, "pruned.yaml")
    text = run("plan", pruned, "--url", sandbox_url)
    assert text.code == 0  # refusals do not change plan's exit code
    assert "Apply would refuse this plan: deletes 4 of 5 categories (80%)" in text.out
    doc = json.loads(run("plan", pruned, "--format", "json", "--url", sandbox_url).out)
    assert doc["refusals"] == ["deletes 4 of 5 categories (80%), over --delete-threshold 25"]
    github = run("plan", pruned, "--format", "github", "--url", sandbox_url).out
    refusal = [line for line in github.splitlines() if line.startswith("::error ")]
    assert len(refusal) == 1
    assert "deletes 4 of 5 categories" in refusal[0]
    markdown = run("plan", pruned, "--format", "markdown", "--url", sandbox_url).out
    assert "Apply would refuse this plan" in markdown
    allowed = run(
        "plan", pruned, "--delete-threshold", "100", "--format", "json", "--url", sandbox_url
    )
    assert json.loads(allowed.out)["refusals"] == []


def test_an_update_threshold_refuses_mass_updates(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    assert run("apply", write_spec(FIVE), "--auto-approve", "--url", sandbox_url).code == 0
    recoloured = write_spec(
        FIVE.replace("\n    ", "\n").replace("name: Cat", 'color: "#123456"\n    name: Cat'),
        "colours.yaml",
    )
    result = run(
        "apply", recoloured, "--auto-approve", "--update-threshold", "50", "--url", sandbox_url
    )
    assert result.code == 1
    assert "updates 5 of 5 categories (100%), over --update-threshold 50" in result.err


@pytest.mark.parametrize(
    "option", ["--delete-threshold", "--update-threshold", "--deadline", "--run-deadline"]
)
def test_nan_is_refused_where_a_number_is_expected(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path], option: str
) -> None:
    """NaN compares false with every bound: ``--delete-threshold nan`` passed the range and
    turned the safeguard off."""
    result = run("apply", write_spec(FIVE), "--auto-approve", option, "nan", "--url", sandbox_url)
    assert result.code == 1
    assert f"Invalid value for '{option}': 'nan' is not a number" in result.err
    assert "Apply complete" not in result.out


def test_plan_time_errors_are_located_in_the_spec(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    spec = write_spec("version: 1\nstatuses:\n  - name: Planned\n  - name: Done\n")
    result = run("plan", spec, "--url", sandbox_url)
    assert result.code == 1
    assert f"{spec}:3:5: new statuses need a tab: Planned" in result.err
    assert f"{spec}:4:5: new statuses need a tab: Done" in result.err
    github = run("plan", spec, "--format", "github", "--url", sandbox_url)
    assert f"::error file={spec},line=3,col=5::" in github.out


def test_apply_json_lists_each_change_with_its_outcome(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    result = run(
        "apply", write_spec(FIVE), "--auto-approve", "--format", "json", "--url", sandbox_url
    )
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert [c["outcome"] for c in doc["changes"]] == ["applied"] * 5
    assert all(isinstance(c["id"], int) for c in doc["changes"])


def test_validate_json_lists_problems_with_their_place(
    run: Runner, write_spec: Callable[..., Path]
) -> None:
    good = write_spec(FIVE, "good.yaml")
    bad = write_spec("version: 1\ncategories:\n  - nam: x\n", "bad.yaml")
    result = run("validate", good, bad, "--format", "json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert [v["file"] for v in doc["valid"]] == [str(good)]
    unknown = {"file": str(bad), "line": 3, "col": 5}
    assert {**unknown, "message": "unknown key 'nam'; did you mean 'name'?"} in doc["problems"]


def test_every_command_takes_h_and_the_version_takes_V(run: Runner) -> None:
    for command in (["plan"], ["apply"], ["validate"], ["show"], ["schema"], ["export"],
                    ["sandbox", "serve"], ["sandbox", "serve", "--provider", "abc"],
                    ["sandbox", "serve", "--provider", "userecho"]):  # fmt: skip
        result = run(*command, "-h")
        assert result.code == 0, (command, result.err)
        assert "Usage:" in result.out
    assert run("-V").out.startswith("reconciler, version")


def test_schema_prints_and_writes_the_json_schema(run: Runner, tmp_path: Path) -> None:
    printed = json.loads(run("schema").out)
    assert "$schema" in printed
    out = tmp_path / "s.json"
    assert run("schema", "--out", out).code == 0
    assert json.loads(out.read_text()) == printed


def test_export_keeps_an_existing_file_and_writes_the_schema_it_names(
    run: Runner, sandbox_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "portal.yaml"
    assert run("export", "--out", out, "--url", sandbox_url).code == 0
    assert out.read_text().startswith("# yaml-language-server: $schema=portal.schema.json\n")
    assert (tmp_path / "portal.schema.json").exists()
    refused = run("export", "--out", out, "--url", sandbox_url)
    assert refused.code == 1
    assert "--force" in refused.err
    assert run("export", "--out", out, "--force", "--url", sandbox_url).code == 0


def test_no_color_flag(run: Runner, sandbox_url: str) -> None:
    result = run("plan", EXAMPLE, "--no-color", "--url", sandbox_url)
    assert result.code == 0
    assert "\x1b[" not in result.out


def test_a_run_deadline_stops_a_slow_portal_with_one_line(run: Runner) -> None:
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    try:
        result = run(
            "plan",
            EXAMPLE,
            "--url",
            url,
            "--deadline",
            "0.5",
            env={"PRODUCTLIFT_TOKEN": "tok-1234"},
        )
    finally:
        for conn in accepted:
            conn.close()
        server.close()
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert result.code == 1
    assert len(errors) == 1
    assert "GET /api/v1/tabs" in errors[0]


def test_target_plans_only_what_it_names_and_what_that_needs(run: Runner, sandbox_url: str) -> None:
    doc = json.loads(
        run(
            "plan", EXAMPLE, "--target", "membership:Beta testers/alice@example.com",
            "--target", "section", "--format", "json", "--url", sandbox_url,
        ).out
    )  # fmt: skip
    names = [(c["kind"], c["name"]) for c in doc["changes"]]
    assert ("group", "Beta testers") in names  # the member's group is made first
    assert ("membership", "Beta testers/alice@example.com") in names
    assert not [n for n in names if n[0] in ("category", "tag", "status")]
    assert names.index(("group", "Beta testers")) < names.index(
        ("membership", "Beta testers/alice@example.com")
    )
    assert any(w.startswith("partial plan (--target") for w in doc["warnings"])
    assert doc["requests"]["writes"] == len(names) + sum(
        1 for c in doc["changes"] if c["kind"] == "section" and (c["after"] or {}).get("hidden")
    )
    applied = run("apply", EXAMPLE, "--target", "tag", "--auto-approve", "--url", sandbox_url)
    assert applied.code == 0, applied.err
    left = json.loads(run("plan", EXAMPLE, "--format", "json", "--url", sandbox_url).out)
    assert not [c for c in left["changes"] if c["kind"] == "tag"]
    assert [c for c in left["changes"] if c["kind"] == "category"]


def test_an_unknown_target_kind_names_the_kinds(run: Runner, sandbox_url: str) -> None:
    result = run("plan", EXAMPLE, "--target", "forum", "--url", sandbox_url)
    assert result.code == 1
    assert "no kind 'forum' here" in result.err
    assert "category" in result.err


def test_apply_json_says_what_was_made_when_it_stops_part_way(
    run: Runner, sandbox_url: str, write_spec: Callable[..., Path]
) -> None:
    # the sandbox compares names as the portal does: a second create of STRASSE is "taken"
    assert run("apply", write_spec("version: 1\ntags: [straße]\n"), "--auto-approve",
               "--url", sandbox_url).code == 0  # fmt: skip
    spec = write_spec("version: 1\ntags: [straße, aaa, STRASSE, zzz]\n", "more.yaml")
    result = run("apply", spec, "--auto-approve", "--format", "json", "--url", sandbox_url)
    assert result.code == 1
    doc = json.loads(result.out)
    outcomes = [(c["name"], c["outcome"]) for c in doc["changes"]]
    assert ("aaa", "applied") in outcomes
    assert ("STRASSE", "not applied") in outcomes


def test_sandbox_serve_help_names_the_providers(run: Runner) -> None:
    result = run("sandbox", "serve", "-h")
    assert "--provider NAME" in result.out
    assert "abc" in result.out
    assert "userecho" in result.out
    assert run("sandbox", "serve", "--provider=userecho", "-h").code == 0


def test_show_renders_a_saved_portals_plan_and_apply_alone_says_how_to_apply_it(
    run: Runner, tmp_path: Path
) -> None:
    (tmp_path / "portal.yaml").write_text(FIVE, encoding="utf-8")
    (tmp_path / "staging.yaml").write_text("tags: [staging]\n", encoding="utf-8")
    portals = tmp_path / "portals.yaml"
    portals.write_text(
        "version: 1\nportals:\n"
        f"  - {{name: production, spec: portal.yaml, url: 'sandbox:{tmp_path / 'p.db'}'}}\n"
        f"  - {{name: staging, spec: [portal.yaml, staging.yaml], "
        f"url: 'sandbox:{tmp_path / 's.db'}'}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "plans.json"
    planned = run("plan", "--portals", portals, "--out", out)
    assert planned.code == 0, planned.err
    shown = run("show", out)
    assert shown.code == 0, shown.err
    assert shown.out == planned.out  # each portal as `plan --portals` showed it
    assert '+ tag "staging"' in shown.out
    assert json.loads(run("show", out, "--format", "json").out) == json.loads(out.read_text())
    alone = run("apply", out, "--auto-approve")
    assert alone.code == 1
    assert f"apply --portals FILE --plan {out}" in alone.err
    assert run("plan", "--portals", portals, "--detailed-exitcode").code == 2  # nothing applied


def test_a_second_ctrl_c_says_the_write_in_flight_may_have_been_made(
    run: Runner, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second Ctrl-C stops at once, cutting a write off: whether the portal made it is
    unknown, and the output must not claim otherwise."""
    import reconciler.engine

    def cut_after_one(plan: Any, portal: Any, *, on_applied: Any, should_stop: Any) -> None:
        first = plan.changes[0]
        on_applied(0, reconciler.engine.Applied(first, portal.write(first, {})))
        raise KeyboardInterrupt

    monkeypatch.setattr(reconciler.engine, "apply_plan", cut_after_one)
    result = run("apply", EXAMPLE, "--auto-approve", "--format", "json", "--url", sandbox_url)
    assert result.code == 1
    assert "interrupted again: stopped at once after 1 of 34 changes" in result.err
    assert "may or may not have been made" in result.err
    assert "nothing more was changed" not in result.err
    outcomes = [c["outcome"] for c in json.loads(result.out)["changes"]]
    assert outcomes[:3] == ["applied", "unknown", "not applied"]
