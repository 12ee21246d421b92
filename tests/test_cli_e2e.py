"""End to end through the CLI against the in-process sandbox: what a new user runs."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox

from .conftest import EXAMPLE, Runner
from .test_render import CONTRACT_KEYS


@contextmanager
def portal(url: str) -> Iterator[httpx.Client]:
    """Talk to the sandbox behind ``sandbox:PATH`` directly, as someone editing by hand."""
    box = Sandbox(Path(url.removeprefix("sandbox:")), rate_limit=None)
    try:
        with httpx.Client(base_url="http://sandbox.local/api/v1", transport=box.transport()) as c:
            yield c
    finally:
        box.close()


def data(client: httpx.Client, path: str) -> Any:
    response = client.get(path)
    response.raise_for_status()
    return response.json()["data"]


def test_example_applies_then_plans_clean(run: Runner, sandbox_url: str) -> None:
    first = run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url)
    assert first.code == 0, first.err
    assert "Apply complete" in first.out
    again = run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url)
    assert again.code == 0, again.out + again.err
    assert "No changes" in again.out


def test_default_target_is_the_local_sandbox_and_says_so(
    run: Runner, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("plan", EXAMPLE)
    assert result.code == 0, result.err
    assert "sandbox" in result.err.splitlines()[0]
    assert (tmp_path / ".reconciler" / "sandbox.db").exists()


def test_ci_without_target_is_an_error_not_the_sandbox(
    run: Runner, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("plan", EXAMPLE, env={"CI": "true"})
    assert result.code == 1
    assert "CI" in result.err
    assert not (tmp_path / ".reconciler").exists()


def test_drift_shows_one_change_and_apply_puts_it_back(run: Runner, sandbox_url: str) -> None:
    assert run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url).code == 0
    with portal(sandbox_url) as client:
        bug = next(c for c in data(client, "categories") if c["name"] == "Bug")
        client.patch(f"categories/{bug['id']}", json={"color": "#000000"}).raise_for_status()
    drift = run("plan", EXAMPLE, "--detailed-exitcode", "--format", "json", "--url", sandbox_url)
    assert drift.code == 2
    doc = json.loads(drift.out)
    assert [(c["action"], c["kind"], c["name"]) for c in doc["changes"]] == [
        ("update", "category", "Bug")
    ]
    assert doc["changes"][0]["before"] == {"color": "#000000"}
    assert run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url).code == 0
    assert run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url).code == 0


def test_json_plan_is_alone_on_stdout(run: Runner, sandbox_url: str) -> None:
    result = run("plan", EXAMPLE, "--format", "json", "--url", sandbox_url)
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["format_version"] == 1
    assert doc["target"] == sandbox_url
    assert doc["fingerprint"].startswith("sha256:")
    assert list(doc) == CONTRACT_KEYS
    assert doc["summary"]["create"] == len(doc["changes"])
    assert sandbox_url in result.err


def test_apply_without_terminal_needs_auto_approve(run: Runner, sandbox_url: str) -> None:
    result = run("apply", EXAMPLE, "--url", sandbox_url)
    assert result.code == 1
    assert "--auto-approve" in result.err
    assert "+ category" in result.out  # the plan it would have applied
    again = run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url)
    assert again.code == 2  # nothing was applied


def test_apply_with_nothing_to_do_needs_no_answer(run: Runner, sandbox_url: str) -> None:
    assert run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url).code == 0
    result = run("apply", EXAMPLE, "--url", sandbox_url)
    assert result.code == 0, result.err
    assert "No changes" in result.out


@pytest.mark.parametrize(("answer", "code"), [("yes\n", 0), ("no\n", 1), ("", 1)])
def test_a_piped_answer_is_read(
    run: Runner, sandbox_url: str, monkeypatch: pytest.MonkeyPatch, answer: str, code: int
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    result = run("apply", EXAMPLE, "--url", sandbox_url)
    assert result.code == code, result.err
    planned = run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url)
    assert planned.code == (0 if answer == "yes\n" else 2)


def test_export_then_plan_is_clean_and_recreates_elsewhere(
    run: Runner, sandbox_url: str, tmp_path: Path
) -> None:
    assert run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url).code == 0
    exported = tmp_path / "exported.yaml"
    assert run("export", "--out", exported, "--url", sandbox_url).code == 0
    assert run("validate", exported).code == 0
    assert run("plan", exported, "--detailed-exitcode", "--url", sandbox_url).code == 0
    other = f"sandbox:{tmp_path / 'other.db'}"
    assert run("apply", exported, "--auto-approve", "--url", other).code == 0
    again = tmp_path / "again.yaml"
    assert run("export", "--out", again, "--url", other).code == 0
    assert again.read_text() == exported.read_text()


def test_delete_threshold_refuses_and_names_kind_and_counts(
    run: Runner, sandbox_url: str, write_spec: Any
) -> None:
    five = "\n".join(f"  - name: Cat {i}" for i in range(5))
    assert (
        run(
            "apply",
            write_spec(f"version: 1\ncategories:\n{five}\n"),
            "--auto-approve",
            "--url",
            sandbox_url,
        ).code
        == 0
    )
    pruned = write_spec("version: 1\nprune: true\ncategories:\n  - name: Cat 0\n", "pruned.yaml")
    refused = run("apply", pruned, "--auto-approve", "--url", sandbox_url)
    assert refused.code == 1
    assert "4 of 5" in refused.err
    assert "deletes 4 of 5 categories" in refused.err
    allowed = run(
        "apply", pruned, "--auto-approve", "--delete-threshold", "100", "--url", sandbox_url
    )
    assert allowed.code == 0, allowed.err


def test_stale_saved_plan_is_refused(run: Runner, sandbox_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", EXAMPLE, "--out", saved, "--url", sandbox_url).code == 0
    with portal(sandbox_url) as client:
        client.post("categories", json={"name": "Bug", "color": "#123456"}).raise_for_status()
    stale = run("apply", EXAMPLE, "--plan", saved, "--auto-approve", "--url", sandbox_url)
    assert stale.code == 1
    assert "stale" in stale.err
    assert "category 'Bug'" in stale.err


def test_saved_plan_applies_when_fresh(run: Runner, sandbox_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert run("plan", EXAMPLE, "--out", saved, "--url", sandbox_url).code == 0
    applied = run("apply", EXAMPLE, "--plan", saved, "--auto-approve", "--url", sandbox_url)
    assert applied.code == 0, applied.err
    assert run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url).code == 0


def test_unknown_member_email_fails_before_any_write(
    run: Runner, sandbox_url: str, write_spec: Any
) -> None:
    spec = write_spec(
        "version: 1\ncategories:\n  - name: Bug\ngroups:\n  - name: Beta\n"
        "    members: [alice@example.com, nobody@example.com]\n"
    )
    result = run("apply", spec, "--auto-approve", "--url", sandbox_url)
    assert result.code == 1
    assert f"{spec}:6:34: member emails that are not portal users: nobody@example.com" in result.err
    with portal(sandbox_url) as client:
        assert data(client, "categories") == []


def test_lost_responses_converge_without_duplicates(run: Runner, sandbox_url: str) -> None:
    faults = {"RECONCILER_SANDBOX_FAULTS": "lose=0.3,seed=7"}
    codes = [
        run("apply", EXAMPLE, "--auto-approve", "--url", sandbox_url, env=faults).code
        for _ in range(3)
    ]
    assert 0 in codes
    assert run("plan", EXAMPLE, "--detailed-exitcode", "--url", sandbox_url).code == 0
    with portal(sandbox_url) as client:
        for path, field in (("categories", "name"), ("tags", "tag"), ("groups", "name")):
            names = [item[field].casefold() for item in data(client, path)]
            assert len(names) == len(set(names)), path
        titles = [(s["tab_id"], s["parent_id"], s["title"]) for s in data(client, "sections")]
        assert len(titles) == len(set(titles))


class _Terminal(io.StringIO):
    """Standard input that says it is a terminal, holding the user's answer."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code"), [("yes\n", 0), ("no\n", 1), ("y\n", 1)])
def test_apply_on_a_terminal_asks_and_only_yes_applies(
    run: Runner, sandbox_url: str, monkeypatch: pytest.MonkeyPatch, answer: str, code: int
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    result = run("apply", EXAMPLE, "--url", sandbox_url)
    assert result.code == code, result.err
    assert "Only 'yes' will be accepted" in result.out
    with portal(sandbox_url) as client:
        applied = [c["name"] for c in data(client, "categories")]
    if code == 0:
        assert "Apply complete: 34 created." in result.out
        assert "Bug" in applied
    else:
        assert "nothing was changed" in result.err
        assert applied == []


def test_a_missing_token_is_named_before_any_request(run: Runner, tmp_path: Path) -> None:
    # port 9 on loopback: nothing listens, so a request would fail differently
    result = run("plan", EXAMPLE, "--url", "http://127.0.0.1:9")
    assert result.code == 1
    assert "Error: PRODUCTLIFT_TOKEN is not set" in result.err
    assert "GET" not in result.err


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What ``reconciler ARGS`` writes to a pseudo-terminal."""
    import os
    import subprocess
    import sys

    unset = ("NO_COLOR", "CI", "PRODUCTLIFT_URL", "FORCE_COLOR", "TTY_COMPATIBLE")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    controller, terminal = os.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "reconciler", *args],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            env={**clean, "COLUMNS": "100", "TERM": "xterm", **env},
            check=False,
            timeout=60,
        )
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the terminal's other side is closed and read out
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_means_no_escape_code_at_all_on_a_terminal(sandbox_url: str) -> None:
    """Terraform's -no-color writes plain text; rich's no_color kept bold and dim."""
    plan = ["plan", str(EXAMPLE), "--url", sandbox_url]
    assert "\x1b[" in _on_a_terminal(plan, {})  # styled on a terminal
    for plain in (
        _on_a_terminal(plan, {"NO_COLOR": "1"}),
        _on_a_terminal([*plan, "--no-color"], {}),
    ):
        assert '+ category "Bug"' in plain
        assert "\x1b[" not in plain
