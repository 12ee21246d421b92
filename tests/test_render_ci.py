"""The CI examples and the pre-commit hook: valid YAML, only contract commands and flags,
and their shell steps behave, run locally with stand-ins for reconciler, gh and curl."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
GITHUB = ROOT / "examples" / "ci" / "github-actions.yml"
GITLAB = ROOT / "examples" / "ci" / "gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
MARKER = "<!-- portal-reconciler-plan -->"

# CONTRACT.md, "The command line" (copied: tests may not read ../shared).
GLOBAL_FLAGS = {"-v", "--verbose", "-h", "--help"}
CONTRACT: dict[str, dict[str, set[str] | None]] = {
    "validate": {},
    "plan": {
        "--format": {"text", "json", "markdown", "github"},
        "--out": None,
        "--detailed-exitcode": set(),
        "--url": None,
    },
    "apply": {
        "--plan": None,
        "--auto-approve": set(),
        "--delete-threshold": None,
        "--url": None,
    },
    "export": {"--out": None, "--url": None},
}
pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def github_steps() -> dict[str, dict[str, Any]]:
    jobs = load(GITHUB)["jobs"]
    return {step["id"]: step for job in jobs.values() for step in job["steps"] if "id" in step}


def gitlab_script(job: str) -> str:
    return "\n".join(load(GITLAB)[job]["script"])


def all_scripts() -> list[str]:
    scripts = [step["run"] for step in github_steps().values()]
    gitlab = load(GITLAB)
    scripts += [
        "\n".join(job["script"])
        for job in gitlab.values()
        if isinstance(job, dict) and "script" in job
    ]
    scripts += gitlab["default"]["before_script"]
    return scripts


def invocations(script: str) -> list[list[str]]:
    """Every `reconciler ...` command line in a script, as tokens up to a redirect or `||`."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        for match in re.finditer(r"(?:^\s*|[;&|(]\s*)reconciler ([^|;&<>#]*)", line):
            found.append(shlex.split(match.group(1)))
    return found


def test_workflows_parse_and_cover_every_trigger() -> None:
    workflow = load(GITHUB)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert set(workflow["jobs"]) == {"plan", "apply", "drift"}
    assert workflow["jobs"]["plan"]["permissions"]["pull-requests"] == "write"
    gitlab = load(GITLAB)
    assert {"plan", "apply", "drift"} <= set(gitlab)
    assert "resource_group" in gitlab["apply"]


def test_workflows_use_only_contract_commands_and_flags() -> None:
    calls = [call for script in all_scripts() for call in invocations(script)]
    assert {call[0] for call in calls} == {"plan", "apply"}
    assert len(calls) >= 7
    for command, *args in calls:
        flags = CONTRACT[command]
        rest = iter(args)
        for arg in rest:
            if not arg.startswith("-"):
                continue
            assert arg in flags or arg in GLOBAL_FLAGS, f"{command} has no {arg}"
            choices = flags.get(arg)
            if choices is None:  # takes any value
                next(rest)
            elif choices:
                assert next(rest) in choices, f"{command} {arg}: bad value"


def test_workflows_keep_secrets_out_of_scripts() -> None:
    for script in all_scripts():
        assert "${{" not in script, "expressions go through env:, never into shell text"
        assert "PRODUCTLIFT_TOKEN" not in script


def test_pre_commit_hook_is_valid() -> None:
    hooks = load(HOOKS)
    assert isinstance(hooks, list)
    (hook,) = hooks
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["id"] == "reconciler-validate"
    assert hook["entry"] == "reconciler validate"
    assert hook["language"] == "python"
    assert hook.get("pass_filenames", True) is True
    files = re.compile(hook["files"])
    assert all(files.search(p) for p in ("portal.yaml", "portal.yml", "config/portal.yaml"))
    assert not files.search("portal.yaml.orig")
    assert not files.search("README.md")


# --- the shell steps, run locally ------------------------------------------------------


def stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "SPEC": "portal.yaml",
        "CALLS": str(tmp_path / "calls.log"),
    }
    return tmp_path, env


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize(
    ("code", "status", "says"),
    [(0, 0, "No drift"), (2, 1, "no longer matches portal.yaml"), (1, 1, "exited with 1")],
)
@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_drift_step_fails_on_drift_and_on_errors(
    sandbox: tuple[Path, dict[str, str]], where: str, code: int, status: int, says: str
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", f'echo "reconciler $*" >> "$CALLS"; exit {code}')
    script = github_steps()["drift"]["run"] if where == "github" else gitlab_script("drift")
    result = run(script, cwd, env)
    assert result.returncode == status
    assert says in result.stdout
    assert (cwd / "calls.log").read_text() == "reconciler plan portal.yaml --detailed-exitcode\n"
    if where == "github" and status:
        assert result.stdout.startswith("::error title=")


PLAN_STUB = """echo "reconciler $*" >> "$CALLS"
[ -n "$FAIL" ] && exit 1
echo '### Plan for `sandbox:`'
echo "$*" | grep -q -- '--out plan.json' && echo '{}' > plan.json
exit 0"""


@pytest.mark.parametrize("fail", [False, True])
def test_github_plan_step_writes_markdown_summary_and_json(
    sandbox: tuple[Path, dict[str, str]], fail: bool
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    env |= {"GITHUB_STEP_SUMMARY": str(cwd / "summary.md"), "FAIL": "1" if fail else ""}
    env |= {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_RUN_ID": "7",
    }
    result = run(github_steps()["plan"]["run"], cwd, env)
    assert result.returncode == (1 if fail else 0)
    plan_md = (cwd / "plan.md").read_text()
    assert (cwd / "summary.md").read_text() == plan_md
    if fail:
        assert "### Plan failed" in plan_md
        assert "https://github.com/o/r/actions/runs/7" in plan_md
    else:
        assert plan_md == "### Plan for `sandbox:`\n"
        assert (cwd / "plan.json").exists()


GH_STUB = """echo "gh $*" >> "$CALLS"
case "$*" in
  *--jq*) [ -n "$EXISTING" ] && echo "$EXISTING" && echo 999 ;;
  *PATCH*|*POST*) cp comment.md posted.md ;;
esac
exit 0"""


@pytest.mark.parametrize("existing", ["", "4242"])
def test_github_comment_is_updated_in_place(
    sandbox: tuple[Path, dict[str, str]], existing: str
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "gh", GH_STUB)
    (cwd / "plan.md").write_text("### Plan for `x`\n")
    env |= {"EXISTING": existing, "GITHUB_REPOSITORY": "o/r", "PR": "12", "GH_TOKEN": "t"}
    result = run(github_steps()["comment"]["run"], cwd, env)
    assert result.returncode == 0, result.stderr
    calls = (cwd / "calls.log").read_text().splitlines()
    assert calls[0].startswith("gh api --paginate repos/o/r/issues/12/comments --jq")
    assert MARKER in calls[0]
    assert "github-actions[bot]" in calls[0]
    if existing:
        assert (
            calls[1] == "gh api --method PATCH repos/o/r/issues/comments/4242 -F body=@comment.md"
        )
    else:
        assert calls[1] == "gh api --method POST repos/o/r/issues/12/comments -F body=@comment.md"
    assert (cwd / "posted.md").read_text() == f"{MARKER}\n### Plan for `x`\n"


CURL_STUB = """echo "curl $*" >> "$CALLS"
case "$*" in
  *--data-urlencode*) cp note.md posted.md ;;
  *) printf '%s\n' "$NOTES" ;;
esac
exit 0"""


@pytest.mark.parametrize(("notes", "method"), [("[]", "POST"), ("EXISTING", "PUT")])
def test_gitlab_plan_job_posts_one_note_updated_in_place(
    sandbox: tuple[Path, dict[str, str]], notes: str, method: str
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    stub(cwd / "bin", "curl", CURL_STUB)
    if notes == "EXISTING":
        notes = f'[{{"id": 5, "body": "hello"}}, {{"id": 77, "body": "{MARKER}\\nold plan"}}]'
    env |= {
        "NOTES": notes,
        "CI_API_V4_URL": "https://gitlab.example/api/v4",
        "CI_PROJECT_ID": "3",
        "CI_MERGE_REQUEST_IID": "8",
        "CI_JOB_URL": "https://gitlab.example/jobs/1",
        "GITLAB_API_TOKEN": "glpat-x",
    }
    result = run(gitlab_script("plan"), cwd, env)
    assert result.returncode == 0, result.stderr
    notes_url = "https://gitlab.example/api/v4/projects/3/merge_requests/8/notes"
    write = (cwd / "calls.log").read_text().splitlines()[-1]
    target = f"{notes_url}/77" if method == "PUT" else notes_url
    assert write.startswith(f"curl -fsS --request {method} ")
    assert write.endswith(f"--data-urlencode body@note.md {target}")
    assert (cwd / "posted.md").read_text() == f"{MARKER}\n### Plan for `sandbox:`\n"
