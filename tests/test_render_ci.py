"""The CI examples, the GitHub Action and the pre-commit hook: their shape, only contract
commands and flags, and their shell steps run locally with stand-ins for reconciler, gh and
curl (tests/test_ci_real.py runs them with the real reconciler; test_ci_lint.py lints them)."""

from __future__ import annotations

import json
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
CI = ROOT / "examples" / "ci"
GITHUB = CI / "github-actions.yml"
GITHUB_MATRIX = CI / "github-actions-matrix.yml"
GITHUB_ACTION_EXAMPLE = CI / "github-action.yml"
GITHUB_WORKFLOWS = (GITHUB, GITHUB_MATRIX, GITHUB_ACTION_EXAMPLE, CI / "reconciler-tests.yml")
GITLAB = CI / "gitlab-ci.yml"
GITLAB_MATRIX = CI / "gitlab-ci-matrix.yml"
GITLABS = (GITLAB, GITLAB_MATRIX)
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
MARKER = "<!-- portal-reconciler-plan -->"
# The tag every example pins (the lead creates it): the install line and the action's ref.
TAG = "v0.2.0"
INSTALL = f"git+https://github.com/OWNER/portal-reconciler@{TAG}"

# CONTRACT.md, "The command line" (copied: tests may not read ../shared).
GLOBAL_FLAGS = {"-v", "--verbose", "-h", "--help", "--no-color"}
PORTALS: dict[str, set[str] | None] = {"--portals": None, "--portal": None}
THRESHOLDS: dict[str, set[str] | None] = {"--delete-threshold": None, "--update-threshold": None}
CONTRACT: dict[str, dict[str, set[str] | None]] = {
    "validate": {"--format": {"text", "github", "json"}, "--portals": None, "--portal": None},
    "plan": {
        "--format": {"text", "json", "markdown", "github"},
        "--out": None,
        "--detailed-exitcode": set(),
        "--url": None,
        "--base": None,
    }
    | PORTALS
    | THRESHOLDS,
    "show": {"--format": {"text", "json", "markdown", "github"}},
    "apply": {
        "--plan": None,
        "--auto-approve": set(),
        "--format": {"text", "json"},
        "--url": None,
    }
    | PORTALS
    | THRESHOLDS,
    "export": {"--out": None, "--url": None},
}
pytestmark = pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX sh")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def jobs_of(path: Path) -> dict[str, Any]:
    jobs: dict[str, Any] = load(path)["jobs"]
    return jobs


def steps_by_id(path: Path) -> dict[str, dict[str, Any]]:
    """Every step with an `id:` in a workflow (ids are unique across its jobs)."""
    steps = [step for job in jobs_of(path).values() for step in job["steps"] if "id" in step]
    found = {step["id"]: step for step in steps}
    assert len(found) == len(steps), f"{path.name}: a step id is used twice"
    return found


def github_steps() -> dict[str, dict[str, Any]]:
    return steps_by_id(GITHUB)


def gitlab_script(job: str, path: Path = GITLAB) -> str:
    return "\n".join(load(path)[job]["script"])


def github_scripts(path: Path) -> list[str]:
    return [step["run"] for job in jobs_of(path).values() for step in job["steps"] if "run" in step]


def gitlab_scripts(path: Path) -> list[str]:
    doc = load(path)
    scripts = [
        "\n".join(job["script"])
        for job in doc.values()
        if isinstance(job, dict) and "script" in job
    ]
    return [*scripts, *doc["default"]["before_script"]]


def action_scripts() -> list[str]:
    return [step["run"] for step in load(ACTION)["runs"]["steps"]]


def all_scripts() -> list[str]:
    scripts = [script for path in GITHUB_WORKFLOWS for script in github_scripts(path)]
    scripts += [script for path in GITLABS for script in gitlab_scripts(path)]
    return scripts


def invocations(script: str) -> list[list[str]]:
    """Every `reconciler ...` command line in a script, as tokens up to a redirect or `||`."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"(?:^\s*|[;&|(]\s*)reconciler ([^|;&<>#]*)", line):
            found.append(shlex.split(match.group(1)))
    return found


def test_single_portal_workflow_plans_in_pull_requests_and_gates_apply() -> None:
    workflow = load(GITHUB)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    for event in ("pull_request", "push"):
        assert "portal.yaml" in triggers[event]["paths"]
        assert "overlays/**" in triggers[event]["paths"]
    jobs = workflow["jobs"]
    assert set(jobs) == {"plan", "plan-main", "apply", "drift"}
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    assert jobs["apply"]["needs"] == "plan-main"
    assert "changes == 'true'" in jobs["apply"]["if"]


@pytest.mark.parametrize("path", [GITHUB, GITHUB_MATRIX, GITHUB_ACTION_EXAMPLE])
def test_apply_waits_for_an_environment_and_is_never_cancelled(path: Path) -> None:
    jobs = jobs_of(path)
    apply = jobs["apply"]
    assert apply["environment"]
    assert apply["concurrency"]["cancel-in-progress"] is False
    group = apply["concurrency"]["group"]
    if path == GITHUB_MATRIX:
        assert "matrix.portal" in group  # one group per portal
    for name, job in jobs.items():  # a queued job in the same group would cancel a pending apply
        if name != "apply":
            assert job.get("concurrency", {}).get("group") != group, name


def test_gitlab_jobs_gate_apply_and_plan_in_merge_requests() -> None:
    for path in GITLABS:
        gitlab = load(path)
        assert {"plan", "plan-main", "apply", "drift"} <= set(gitlab)
        assert "resource_group" in gitlab["apply"]
        assert gitlab["apply"]["rules"][0]["when"] == "manual"
        assert gitlab["apply"]["needs"] == ["plan-main"]
        assert gitlab["plan"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    # Merge-request pipelines get no protected variable: the plan reads an unprotected one.
    assert load(GITLAB)["plan"]["variables"]["PRODUCTLIFT_TOKEN"] == "$PRODUCTLIFT_PLAN_TOKEN"
    assert "NOT protected" in GITLAB.read_text()
    assert load(GITLAB_MATRIX)["plan"]["environment"]["name"] == "$PORTAL-plan"


def test_every_example_installs_from_the_pinned_repository() -> None:
    for path in (GITHUB, GITHUB_MATRIX, *GITLABS):
        text = path.read_text()
        assert "pip install portal-reconciler" not in text, path.name
        doc = load(path)
        assert doc.get("env", doc.get("variables"))["RECONCILER"] == INSTALL, path.name
    installs = [script for path in (GITHUB, GITHUB_MATRIX) for script in github_scripts(path)]
    installs += [script for path in GITLABS for script in load(path)["default"]["before_script"]]
    assert all('"$RECONCILER"' in s for s in installs if "pip install" in s)
    uses = {
        step["uses"]
        for job in jobs_of(GITHUB_ACTION_EXAMPLE).values()
        for step in job["steps"]
        if "portal-reconciler" in step.get("uses", "")
    }
    assert uses == {f"OWNER/portal-reconciler@{TAG}"}
    assert f"rev: {TAG}" in HOOKS.read_text()


def test_workflows_use_only_contract_commands_and_flags() -> None:
    calls = [call for script in all_scripts() for call in invocations(script)]
    assert {call[0] for call in calls} == {"plan", "show", "apply"}
    assert len(calls) >= 20
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


def test_annotations_and_the_comment_come_from_the_one_saved_plan() -> None:
    """A pull request plans once: the rest renders plan.json with `show` (no request)."""
    scripts = [github_steps()[name]["run"] for name in ("plan", "annotate")]
    calls = [call for script in scripts for call in invocations(script)]
    assert [call[0] for call in calls] == ["plan", "show", "show"]
    assert calls[0][calls[0].index("--out") + 1] == "plan.json"
    assert {tuple(call[1:]) for call in calls[1:]} == {
        ("plan.json", "--format", "markdown"),
        ("plan.json", "--format", "github"),
    }


def test_apply_applies_the_saved_plan_with_the_plans_thresholds() -> None:
    steps = github_steps()
    (plan,) = invocations(steps["release"]["run"])[:1]
    (apply,) = invocations(steps["apply"]["run"])
    assert apply[:2] == ["apply", "plan.json"]
    assert plan[plan.index("--out") + 1] == "plan.json"
    for call in (plan, apply, invocations(steps["plan"]["run"])[0]):
        assert call[call.index("--delete-threshold") + 1] == "$DELETE_THRESHOLD"


def test_workflows_keep_secrets_out_of_scripts() -> None:
    for script in [*all_scripts(), *action_scripts()]:
        assert "${{" not in script, "expressions go through env:, never into shell text"
        assert "PRODUCTLIFT_TOKEN" not in script
    for path in (GITHUB, GITHUB_MATRIX, GITHUB_ACTION_EXAMPLE):
        workflow_env = json.dumps(load(path).get("env", {}))
        assert "secrets." not in workflow_env, f"{path.name}: a token for every step"
        for job in jobs_of(path).values():
            assert "secrets." not in json.dumps(job.get("env", {}))
            for step in job["steps"]:  # a token only on the steps that run reconciler
                if "secrets." in json.dumps(step.get("env", {})):
                    assert "reconciler" in step.get("run", "") + step.get("uses", "")


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


def test_action_declares_every_input_it_reads_and_installs_from_its_checkout() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    assert {"command", "spec", "format", "portals", "portal", "args"} <= declared
    used = set(re.findall(r"inputs\.([\w-]+)", json.dumps(action["runs"])))
    assert used == declared
    install = action["runs"]["steps"][0]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '-c "$ACTION_PATH/requirements/lock.txt" "$ACTION_PATH"' in install["run"]
    assert all(step["shell"] == "bash" for step in action["runs"]["steps"])


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
        "DELETE_THRESHOLD": "25",
        "CALLS": str(tmp_path / "calls.log"),
    }
    return tmp_path, env


def run(
    script: str, cwd: Path, env: dict[str, str], shell: str = "sh"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [shell, "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=30
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


# plan --out FILE writes a plan with $REFUSALS; show prints the markdown; FAIL fails the plan.
PLAN_STUB = """echo "reconciler $*" >> "$CALLS"
case "$1" in
  plan)
    [ -n "$FAIL" ] && exit 1
    out=$(echo "$*" | sed -n 's/.*--out \\([^ ]*\\).*/\\1/p')
    plan=$(printf '{"changes": [], "refusals": [%s]}' "$REFUSALS")
    case "$*" in
      *--portals*) plan=$(printf '{"portals": [{"name": "x", "plan": %s}]}' "$plan") ;;
    esac
    [ -n "$out" ] && echo "$plan" > "$out"
    echo 'Plan for sandbox:' ;;
  show) echo '### Plan for `sandbox:`' ;;
esac
exit 0"""


@pytest.mark.parametrize("fail", [False, True])
def test_github_plan_step_plans_once_and_renders_the_saved_plan(
    sandbox: tuple[Path, dict[str, str]], fail: bool
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    env |= {"GITHUB_STEP_SUMMARY": str(cwd / "summary.md"), "FAIL": "1" if fail else ""}
    env |= {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r"}
    env |= {"GITHUB_RUN_ID": "7", "REFUSALS": ""}
    result = run(github_steps()["plan"]["run"], cwd, env)
    assert result.returncode == (1 if fail else 0)
    plan_md = (cwd / "plan.md").read_text()
    assert (cwd / "summary.md").read_text() == plan_md
    calls = (cwd / "calls.log").read_text().splitlines()
    assert calls[0] == "reconciler plan portal.yaml --out plan.json --delete-threshold 25"
    if fail:
        assert "### Plan failed" in plan_md
        assert "`reconciler plan` exited with 1" in plan_md
        assert "https://github.com/o/r/actions/runs/7" in plan_md
        assert not (cwd / "plan.json").exists()
        assert len(calls) == 1
    else:
        assert plan_md == "### Plan for `sandbox:`\n"
        assert calls[1:] == ["reconciler show plan.json --format markdown"]


@pytest.mark.parametrize("where", ["github", "gitlab"])
def test_plan_passes_the_target_branchs_spec_as_base(
    sandbox: tuple[Path, dict[str, str]], where: str
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    stub(cwd / "bin", "curl", CURL_STUB)
    stub(cwd / "bin", "git", '[ "$1" = show ] && echo "version: 1"; exit 0')
    write_notes(cwd / "notes", 0, None)
    env |= {"GITHUB_STEP_SUMMARY": str(cwd / "summary.md"), "FAIL": "", "REFUSALS": ""}
    env |= {"NOTES_DIR": str(cwd / "notes"), "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    env |= {"CI_API_V4_URL": "https://g/api/v4", "CI_PROJECT_ID": "3"}
    env |= {"CI_MERGE_REQUEST_IID": "8", "GITLAB_API_TOKEN": "glpat-x"}
    if where == "github":
        env["GITHUB_BASE_REF"] = "main"
        assert run(github_steps()["base"]["run"], cwd, env).returncode == 0
        script = github_steps()["plan"]["run"]
    else:
        script = gitlab_script("plan")
    result = run(script, cwd, env)
    assert result.returncode == 0, result.stderr
    assert (cwd / "base.yaml").read_text() == "version: 1\n"
    plan = (cwd / "calls.log").read_text().splitlines()[0]
    assert plan == (
        "reconciler plan portal.yaml --out plan.json --delete-threshold 25 --base base.yaml"
    )


@pytest.mark.parametrize(("refusals", "code"), [("", 0), ('"deletes 7 of 8 tags (88%)"', 1)])
def test_refusals_step_fails_the_pull_request_when_apply_would_refuse(
    sandbox: tuple[Path, dict[str, str]], refusals: str, code: int
) -> None:
    cwd, env = sandbox
    (cwd / "plan.json").write_text(f'{{"changes": [], "refusals": [{refusals}]}}')
    result = run(github_steps()["refusals"]["run"], cwd, env)
    assert result.returncode == code
    if code:
        assert "deletes 7 of 8 tags (88%)" in result.stdout
        assert "DELETE_THRESHOLD" in result.stdout


@pytest.mark.parametrize(("code", "changes"), [(0, "false"), (2, "true"), (1, None)])
def test_main_plan_tells_apply_whether_there_is_anything_to_approve(
    sandbox: tuple[Path, dict[str, str]], code: int, changes: str | None
) -> None:
    cwd, env = sandbox
    body = f'echo "reconciler $*" >> "$CALLS"; echo shown; [ "$1" = show ] || exit {code}'
    stub(cwd / "bin", "reconciler", body)
    env |= {"GITHUB_OUTPUT": str(cwd / "out"), "GITHUB_STEP_SUMMARY": str(cwd / "summary.md")}
    result = run(github_steps()["release"]["run"], cwd, env)
    assert result.returncode == (1 if changes is None else 0)
    output = (cwd / "out").read_text() if (cwd / "out").exists() else ""
    assert output == ("" if changes is None else f"changes={changes}\n")
    shown = (cwd / "summary.md").exists()
    assert shown == (changes == "true")  # reviewers see the plan they approve


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


# GitLab's API: /user is the token's bot (id 7); notes come 100 a page from $NOTES_DIR/N.json.
CURL_STUB = """echo "curl $*" >> "$CALLS"
case "$*" in
  *--data-urlencode*) cp note.md posted.md ;;
  */user) echo '{"id": 7, "username": "project_3_bot"}' ;;
  *) page=$(echo "$*" | sed -n 's/.*[?&]page=\\([0-9]*\\).*/\\1/p')
     cat "$NOTES_DIR/$page.json" 2>/dev/null || echo '[]' ;;
esac
exit 0"""


def write_notes(directory: Path, count: int, ours_at: int | None, marker: str = MARKER) -> None:
    """`count` notes by others in pages of 100, ours (id 5000) at index `ours_at`; another
    user's note quoting the marker comes first and must never be taken for ours."""
    notes: list[dict[str, Any]] = [
        {"id": i, "author": {"id": 99}, "body": f"comment {i}"} for i in range(1, count + 1)
    ]
    if notes:
        notes[0]["body"] = f"quoting {marker}"
    if ours_at is not None:
        notes.insert(ours_at, {"id": 5000, "author": {"id": 7}, "body": f"{marker}\nold plan"})
    directory.mkdir()
    for page in range(0, len(notes), 100):
        (directory / f"{page // 100 + 1}.json").write_text(json.dumps(notes[page : page + 100]))


@pytest.mark.parametrize(
    ("count", "ours_at", "method", "pages"),
    [(0, None, "POST", 1), (3, 2, "PUT", 1), (250, 230, "PUT", 3), (200, None, "POST", 3)],
)
def test_gitlab_plan_job_finds_its_note_on_any_page(
    sandbox: tuple[Path, dict[str, str]], count: int, ours_at: int | None, method: str, pages: int
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    stub(cwd / "bin", "curl", CURL_STUB)
    stub(cwd / "bin", "git", "exit 1")  # no target branch to fetch: no base
    write_notes(cwd / "notes", count, ours_at)
    env |= {
        "NOTES_DIR": str(cwd / "notes"),
        "REFUSALS": "",
        "CI_API_V4_URL": "https://gitlab.example/api/v4",
        "CI_PROJECT_ID": "3",
        "CI_MERGE_REQUEST_IID": "8",
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
        "CI_JOB_URL": "https://gitlab.example/jobs/1",
        "GITLAB_API_TOKEN": "glpat-x",
        "PRODUCTLIFT_PLAN_TOKEN": "plan-token",
    }
    result = run(gitlab_script("plan"), cwd, env)
    assert result.returncode == 0, result.stderr
    calls = (cwd / "calls.log").read_text().splitlines()
    notes_url = "https://gitlab.example/api/v4/projects/3/merge_requests/8/notes"
    reads = [call for call in calls if call.startswith("curl") and "page=" in call]
    assert len(reads) == pages
    target = f"{notes_url}/5000" if method == "PUT" else notes_url
    assert calls[-1].startswith(f"curl -fsS --request {method} ")
    assert calls[-1].endswith(f"--data-urlencode body@note.md {target}")
    assert (cwd / "posted.md").read_text() == f"{MARKER}\n### Plan for `sandbox:`\n"
    assert "reconciler show plan.json --format markdown" in calls


def test_gitlab_plan_job_posts_the_refusal_and_fails(
    sandbox: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    stub(cwd / "bin", "curl", CURL_STUB)
    stub(cwd / "bin", "git", "exit 1")
    write_notes(cwd / "notes", 0, None)
    env |= {"NOTES_DIR": str(cwd / "notes"), "REFUSALS": '"deletes 5 of 5 tags (100%)"'}
    env |= {"CI_API_V4_URL": "https://g/api/v4", "CI_PROJECT_ID": "3"}
    env |= {"CI_MERGE_REQUEST_IID": "8", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    env |= {"CI_JOB_URL": "https://g/jobs/1", "GITLAB_API_TOKEN": "glpat-x"}
    result = run(gitlab_script("plan"), cwd, env)
    assert result.returncode == 1
    assert "deletes 5 of 5 tags (100%)" in result.stdout
    assert "PRODUCTLIFT_PLAN_TOKEN is not set" in result.stderr
    assert (cwd / "posted.md").exists()  # the note is written all the same


def test_gitlab_matrix_plan_job_notes_each_portal_apart(
    sandbox: tuple[Path, dict[str, str]],
) -> None:
    cwd, env = sandbox
    stub(cwd / "bin", "reconciler", PLAN_STUB)
    stub(cwd / "bin", "curl", CURL_STUB)
    marker = "<!-- portal-reconciler-plan:staging -->"
    write_notes(cwd / "notes", 120, 110, marker)
    env |= {"NOTES_DIR": str(cwd / "notes"), "REFUSALS": "", "PORTAL": "staging"}
    env |= {"PORTALS": "portals.yaml", "CI_API_V4_URL": "https://g/api/v4", "CI_PROJECT_ID": "3"}
    env |= {"CI_MERGE_REQUEST_IID": "8", "CI_JOB_URL": "https://g/jobs/1"}
    env |= {"GITLAB_API_TOKEN": "glpat-x"}
    result = run(gitlab_script("plan", GITLAB_MATRIX), cwd, env)
    assert result.returncode == 0, result.stderr
    calls = (cwd / "calls.log").read_text().splitlines()
    assert calls[0] == (
        "reconciler plan --portals portals.yaml --portal staging --format markdown"
        " --out plan-staging.json --delete-threshold 25"
    )
    assert calls[-1].endswith("/merge_requests/8/notes/5000")
    assert (cwd / "posted.md").read_text().startswith(f"{marker}\n")


ARGS_STUB = """for a in "$@"; do printf '%s\\n' "$a"; done > "$CALLS"
echo "stdout of reconciler"
exit "${CODE:-0}\""""


@pytest.mark.parametrize("code", [0, 2])
def test_action_passes_each_input_as_one_argument(
    sandbox: tuple[Path, dict[str, str]], code: int
) -> None:
    if shutil.which("bash") is None:
        pytest.skip("the action's steps run in bash")
    cwd, env = sandbox
    venv_bin = cwd / "temp" / "portal-reconciler" / "bin"
    venv_bin.mkdir(parents=True)
    stub(venv_bin, "reconciler", ARGS_STUB)
    env |= {
        "RUNNER_TEMP": str(cwd / "temp"),
        "GITHUB_OUTPUT": str(cwd / "out"),
        "CODE": str(code),
        "COMMAND": "plan",
        "SPEC_ARG": "specs/my portal.yaml",
        "FORMAT": "markdown",
        "PORTALS": "",
        "PORTAL_NAMES": "production\nstaging *",
        "EXTRA_ARGS": "--out\nplans/a plan.json\n\n--detailed-exitcode\n",
        "OUTPUT": "plan.md",
    }
    result = run(action_scripts()[1], cwd, env, shell="bash")
    assert result.returncode == code
    assert (cwd / "calls.log").read_text().splitlines() == [
        "plan",
        "specs/my portal.yaml",
        "--format",
        "markdown",
        "--portal",
        "production",
        "--portal",
        "staging",
        "--portal",
        "*",
        "--out",
        "plans/a plan.json",
        "--detailed-exitcode",
    ]
    assert (cwd / "out").read_text() == f"exit-code={code}\n"
    assert (cwd / "plan.md").read_text() == "stdout of reconciler\n"
    assert "stdout of reconciler" in result.stdout
