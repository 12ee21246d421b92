"""The CI examples' shell steps, run with the real `reconciler` against sandbox portals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE
from .test_render_ci import GITHUB, GITHUB_MATRIX, GITLAB_MATRIX, gitlab_script, steps_by_id

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")
PORTALS_EXAMPLE = EXAMPLE.parent / "portals"


@pytest.fixture
def ci(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A checkout with portal.yaml, CI=true, and PRODUCTLIFT_URL naming a sandbox file."""
    shutil.copy(EXAMPLE, tmp_path / "portal.yaml")
    bindir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRODUCTLIFT_", "RECONCILER_"))}
    env |= {
        "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}",
        "CI": "true",
        "SPEC": "portal.yaml",
        "DELETE_THRESHOLD": "25",
        "PRODUCTLIFT_URL": f"sandbox:{tmp_path / 'portal.db'}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "NO_COLOR": "1",
    }
    return tmp_path, env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def github(step: str) -> str:
    """The shell of the single-portal GitHub workflow's step with this id."""
    script: str = steps_by_id(GITHUB)[step]["run"]
    return script


def test_pull_request_merge_and_nightly_drift_against_a_sandbox(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    planned = sh(github("plan"), cwd, env)
    assert planned.returncode == 0, planned.stderr
    plan_md = (cwd / "plan.md").read_text()
    assert "sandbox:" in plan_md
    assert "Bug" in plan_md
    assert (cwd / "summary.md").read_text() == plan_md
    assert json.loads((cwd / "plan.json").read_text())["summary"]["create"] > 20
    annotations = sh(github("annotate"), cwd, env)
    assert annotations.returncode == 0
    assert "::notice file=portal.yaml,line=" in annotations.stdout
    assert sh(github("refusals"), cwd, env).returncode == 0

    released = sh(github("release"), cwd, env)
    assert released.returncode == 0, released.stderr
    assert (cwd / "output").read_text() == "changes=true\n"
    applied = sh(github("apply"), cwd, env)
    assert applied.returncode == 0, applied.stderr
    clean = sh(github("drift"), cwd, env)
    assert (clean.returncode, "No drift" in clean.stdout) == (0, True)
    (cwd / "output").unlink()
    assert sh(github("release"), cwd, env).returncode == 0
    assert (cwd / "output").read_text() == "changes=false\n"  # nothing to approve

    (cwd / "portal.yaml").write_text(
        (cwd / "portal.yaml").read_text().replace('"#E57373"', '"#000000"')
    )
    drifted = sh(github("drift"), cwd, env)
    assert drifted.returncode == 1
    assert "::error title=Drift::" in drifted.stdout
    assert "#E57373" in drifted.stdout  # the plan above the error shows what changed


def test_apply_refuses_a_reviewed_plan_the_portal_moved_away_from(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    assert sh(github("release"), cwd, env).returncode == 0
    reviewed = (cwd / "plan.json").read_text()
    (cwd / "other.yaml").write_text("version: 1\ncategories: [{name: Hand made}]\n")
    by_hand = sh('reconciler apply other.yaml --auto-approve --url "$PRODUCTLIFT_URL"', cwd, env)
    assert by_hand.returncode == 0, by_hand.stderr
    stale = sh(github("apply"), cwd, env)
    assert stale.returncode == 1
    assert "stale plan" in stale.stderr
    assert (cwd / "plan.json").read_text() == reviewed
    left = sh('reconciler plan "$SPEC" --format json', cwd, env)
    assert json.loads(left.stdout)["summary"]["create"] > 20  # nothing of it was applied


def test_pull_request_check_fails_when_apply_would_refuse(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    assert sh(github("release"), cwd, env).returncode == 0
    assert sh(github("apply"), cwd, env).returncode == 0
    spec = (cwd / "portal.yaml").read_text().replace("prune: false", "prune: {tags: true}")
    tags = spec.index("\ntags:\n")
    end = spec.index("\n\n", tags + 1)
    (cwd / "portal.yaml").write_text(spec[:tags] + "\ntags: [editor]" + spec[end:])
    assert sh(github("plan"), cwd, env).returncode == 0
    annotations = sh(github("annotate"), cwd, env)
    assert "::error title=Apply would refuse this plan" in annotations.stdout
    refused = sh(github("refusals"), cwd, env)
    assert refused.returncode == 1
    assert "over --delete-threshold 25" in refused.stdout


def test_base_step_takes_the_spec_from_the_target_branch(
    ci: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = ci
    git_env = env | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    git_env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    origin = tmp_path / "origin"
    origin.mkdir()
    shutil.copy(EXAMPLE, origin / "portal.yaml")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=origin, env=git_env, check=True)
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(origin), str(checkout)], env=git_env, check=True)
    edited = EXAMPLE.read_text().replace('"#E57373"', '"#000000"')
    (checkout / "portal.yaml").write_text(edited)
    result = sh(github("base"), checkout, env | {"GITHUB_BASE_REF": "main"})
    assert result.returncode == 0, result.stderr
    assert (checkout / "base.yaml").read_text() == EXAMPLE.read_text()
    planned = sh(github("plan"), checkout, env)
    assert planned.returncode == 0, planned.stderr
    changes = json.loads((checkout / "plan.json").read_text())["changes"]
    assert changes
    assert all(change["origin"] in {"change", "drift"} for change in changes)
    new_file = sh(github("base"), checkout, env | {"GITHUB_BASE_REF": "main", "SPEC": "new.yaml"})
    assert new_file.returncode == 0
    assert not (checkout / "base.yaml").exists()


def test_gitlab_jobs_against_a_sandbox(ci: tuple[Path, dict[str, str]]) -> None:
    cwd, env = ci
    assert sh(gitlab_script("plan-main"), cwd, env).returncode == 0
    assert "Bug" in (cwd / "plan.md").read_text()
    applied = sh(gitlab_script("apply"), cwd, env)
    assert applied.returncode == 0, applied.stderr
    clean = sh(gitlab_script("drift"), cwd, env)
    assert (clean.returncode, "No drift" in clean.stdout) == (0, True)


def test_matrix_jobs_plan_and_apply_one_portal_against_sandboxes(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    shutil.copytree(PORTALS_EXAMPLE, cwd / "repo")
    repo = cwd / "repo"
    env = env | {"PORTALS": "portals.yaml", "PORTAL": "staging"}
    steps = steps_by_id(GITHUB_MATRIX)
    planned = sh(steps["plan"]["run"], repo, env)
    assert planned.returncode == 0, planned.stderr
    assert "staging" in (repo / "plan.md").read_text()
    assert sh(steps["refusals"]["run"], repo, env).returncode == 0
    assert sh(steps["release"]["run"], repo, env).returncode == 0
    applied = sh(steps["apply"]["run"], repo, env)
    assert applied.returncode == 0, applied.stderr
    assert not (repo / ".reconciler" / "production.db").exists()  # only the chosen portal
    clean = sh(steps["drift"]["run"], repo, env)
    assert (clean.returncode, "No drift" in clean.stdout) == (0, True)
    (repo / "plan-staging.json").unlink(missing_ok=True)
    assert sh(gitlab_script("plan-main", GITLAB_MATRIX), repo, env).returncode == 0
    gl_apply = sh(gitlab_script("apply", GITLAB_MATRIX), repo, env)
    assert gl_apply.returncode == 0, gl_apply.stderr
    assert "No changes" in gl_apply.stdout + gl_apply.stderr


def test_ci_without_a_target_fails_instead_of_using_a_sandbox(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    del env["PRODUCTLIFT_URL"]
    result = sh(github("release"), cwd, env)
    assert result.returncode == 1
    assert "CI is set" in result.stderr
    assert not (cwd / ".reconciler").exists()
