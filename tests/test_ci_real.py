"""The CI examples' shell steps, run with the real `reconciler` against a sandbox portal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE
from .test_render_ci import github_steps, gitlab_script

pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")


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
        "PRODUCTLIFT_URL": f"sandbox:{tmp_path / 'portal.db'}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "NO_COLOR": "1",
    }
    return tmp_path, env


def sh(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_pull_request_merge_and_nightly_drift_against_a_sandbox(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    steps = github_steps()
    planned = sh(steps["plan"]["run"], cwd, env)
    assert planned.returncode == 0, planned.stderr
    plan_md = (cwd / "plan.md").read_text()
    assert "sandbox:" in plan_md
    assert "Bug" in plan_md
    assert (cwd / "summary.md").read_text() == plan_md
    assert json.loads((cwd / "plan.json").read_text())["summary"]["create"] > 20
    annotations = sh(steps["annotate"]["run"], cwd, env)
    assert annotations.returncode == 0
    assert "::notice file=portal.yaml,line=" in annotations.stdout

    assert sh(steps["apply"]["run"], cwd, env).returncode == 0
    clean = sh(steps["drift"]["run"], cwd, env)
    assert (clean.returncode, "No drift" in clean.stdout) == (0, True)

    (cwd / "portal.yaml").write_text(
        (cwd / "portal.yaml").read_text().replace('"#E57373"', '"#000000"')
    )
    drifted = sh(steps["drift"]["run"], cwd, env)
    assert drifted.returncode == 1
    assert "::error title=Drift::" in drifted.stdout
    assert "#E57373" in drifted.stdout  # the plan above the error shows what changed


def test_gitlab_jobs_against_a_sandbox(ci: tuple[Path, dict[str, str]]) -> None:
    cwd, env = ci
    assert sh(gitlab_script("apply"), cwd, env).returncode == 0
    clean = sh(gitlab_script("drift"), cwd, env)
    assert (clean.returncode, "No drift" in clean.stdout) == (0, True)


def test_ci_without_a_target_fails_instead_of_using_a_sandbox(
    ci: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = ci
    del env["PRODUCTLIFT_URL"]
    result = sh(github_steps()["apply"]["run"], cwd, env)
    assert result.returncode == 1
    assert "CI is set" in result.stderr
    assert not (cwd / ".reconciler").exists()
