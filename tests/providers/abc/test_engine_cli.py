"""Through the CLI, as a new user would: examples/abc.yaml applied, then planned empty, on the
embedded sandbox and over HTTP (``sandbox serve --provider abc`` as a subprocess)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Runner

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "abc.yaml"
TOKEN = "example-webhook-token-0001"
ABC_VARS = ("ABC_URL", "ABC_API_KEY", "ABC_EMAIL", "ABC_PASSWORD", "ABC_PROJECT")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ABC_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ABC_WEBHOOK_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)


def test_example_applies_then_plans_empty_on_the_embedded_sandbox(run: Runner) -> None:
    applied = run("apply", EXAMPLE, "--auto-approve")
    assert applied.code == 0, applied.err
    assert "Apply complete: 13 created." in applied.out
    assert TOKEN not in applied.out + applied.err
    assert (Path(".reconciler") / "abc-sandbox.db").exists()
    again = run("plan", EXAMPLE, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    exported = run("export", "--provider", "abc", "--out", "exported.yaml")
    assert exported.code == 0, exported.err
    assert run("plan", "exported.yaml", "--detailed-exitcode").code == 0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``reconciler sandbox serve --provider abc`` in a subprocess; the variables it printed."""
    command = [sys.executable, "-m", "reconciler", "sandbox", "serve", "--provider", "abc"]
    command += ["--port", "0", "--db", str(tmp_path / "served.db")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        found: dict[str, str] = {}
        for line in process.stdout:
            if line.startswith("export "):
                found = dict(pair.split("=", 1) for pair in shlex.split(line)[1:])
            if line.startswith("Press Ctrl-C"):
                break
        yield found
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_example_applies_then_plans_empty_over_http(run: Runner, served: dict[str, str]) -> None:
    assert set(served) == {"ABC_URL", "ABC_API_KEY", "ABC_EMAIL", "ABC_PASSWORD"}
    applied = run("apply", EXAMPLE, "--auto-approve", env=served)
    assert applied.code == 0, applied.err
    assert served["ABC_URL"] in applied.out
    assert run("plan", EXAMPLE, "--detailed-exitcode", env=served).code == 0
    changed = EXAMPLE.read_text().replace("status: PENDING", "status: RESOLVED")
    Path("changed.yaml").write_text(changed)
    assert run("plan", "changed.yaml", "--detailed-exitcode", env=served).code == 2


def test_export_over_http_reads_everything_and_plans_empty(
    run: Runner, served: dict[str, str], tmp_path: Path
) -> None:
    """``export`` has no spec: it needs the admin credentials too (it once crashed asking
    which ones the missing spec needs)."""
    assert run("apply", EXAMPLE, "--auto-approve", env=served).code == 0
    exported = run("export", "--provider", "abc", "--out", "exported.yaml", env=served)
    assert exported.code == 0, exported.err
    text = Path("exported.yaml").read_text(encoding="utf-8")
    assert "name: Slack relay" in text
    assert "key: severity" in text
    assert TOKEN not in text
    assert run("plan", "exported.yaml", "--detailed-exitcode", env=served).code == 0
    assert TOKEN.encode() not in _file_bytes(tmp_path / "served.db")


def test_export_names_the_credentials_it_lacks(run: Runner) -> None:
    env = {"ABC_URL": "http://127.0.0.1:9", "ABC_API_KEY": "SOMEKEY0123456789"}
    result = run("export", "--provider", "abc", env=env)
    assert result.code == 1
    assert "ABC_EMAIL and ABC_PASSWORD are not set" in result.err
    assert "could not reach" not in result.err


def test_the_webhook_token_is_nowhere_in_the_sandbox_file(run: Runner) -> None:
    assert run("apply", EXAMPLE, "--auto-approve").code == 0
    assert run("plan", EXAMPLE, "--detailed-exitcode").code == 0
    stored = _file_bytes(Path(".reconciler") / "abc-sandbox.db")
    assert b"SQLite format 3" in stored
    assert TOKEN.encode() not in stored
    changed = EXAMPLE.read_text(encoding="utf-8").replace("${ABC_WEBHOOK_TOKEN}", "${OTHER}")
    Path("changed.yaml").write_text(changed, encoding="utf-8")
    other = {"OTHER": "another-webhook-token-0002"}
    assert run("plan", "changed.yaml", "--detailed-exitcode", env=other).code == 2
    assert run("apply", "changed.yaml", "--auto-approve", env=other).code == 0
    assert run("plan", "changed.yaml", "--detailed-exitcode", env=other).code == 0
    assert b"another-webhook-token" not in _file_bytes(Path(".reconciler") / "abc-sandbox.db")


def _file_bytes(db: Path) -> bytes:
    """The database and its journals, as they are on disk."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


def test_a_wrong_key_is_one_line_with_a_hint(run: Runner, served: dict[str, str]) -> None:
    result = run("plan", EXAMPLE, env={**served, "ABC_API_KEY": "NOT-THE-KEY-0000"})
    assert result.code == 1
    errors = [line for line in result.err.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "403" in errors[0]
    assert "ABC_API_KEY" in result.err.split("Hint:", 1)[1]


def test_a_missing_admin_credential_is_named_before_any_request(run: Runner) -> None:
    env = {"ABC_URL": "http://127.0.0.1:9", "ABC_API_KEY": "SOMEKEY0123456789"}
    result = run("plan", EXAMPLE, env=env)
    assert result.code == 1
    assert "ABC_EMAIL" in result.err
    assert "could not reach" not in result.err


def test_serve_help(run: Runner) -> None:
    result = run("sandbox", "serve", "--provider", "abc", "-h")
    assert result.code == 0
    assert "--api-key" in result.out
    assert "--lose-rate" in result.out


def test_no_credential_is_printed_in_verbose_logs(run: Runner, served: dict[str, str]) -> None:
    result = run("plan", EXAMPLE, "-v", env=served)
    assert result.code == 0, result.err
    text = result.out + result.err
    assert served["ABC_API_KEY"] not in text
    assert served["ABC_PASSWORD"] not in text
    assert "Bearer ey" not in text
    assert os.environ["ABC_WEBHOOK_TOKEN"] not in text
