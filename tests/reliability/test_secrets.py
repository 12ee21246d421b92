"""The token never shows: every command, with ``--verbose``, against a working portal
(``reconciler sandbox serve --token``) and failing ones (wrong token, 5xx and 4xx bodies that
echo it, a redirect carrying it, an unreachable host, the token pasted into the URL). All of
stdout, stderr, and every file written (plans, exported specs, the sandbox's database) are
searched for it.
"""

from __future__ import annotations

import functools
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.providers.productlift import connect as productlift_connect  # the module
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.sandbox import Sandbox
from reconciler.sandbox.server import start_server
from tests.conftest import EXAMPLE, Result, Runner

from .fake_portal import JSON, Reply, Seen, serving

TOKEN = "tok_9fQ2-SeCrEt-Zx7"
WRONG = "tok_WrOnG-4bD1-Qq8"


def leaks(texts: dict[str, str | bytes], *tokens: str) -> list[str]:
    """Where any of ``tokens`` shows, in plain or in a few obvious encodings."""
    found = []
    for token in tokens:
        forms = {token, token.lower(), json.dumps(token)[1:-1]}
        for where, text in texts.items():
            blob = text if isinstance(text, str) else text.decode("utf-8", "replace")
            found += [f"{where}: {form}" for form in forms if form in blob]
    return found


def written(folder: Path) -> dict[str, str | bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def outputs(results: dict[str, Result]) -> dict[str, str | bytes]:
    texts: dict[str, str | bytes] = {}
    for name, result in results.items():
        texts[f"{name} stdout"] = result.out
        texts[f"{name} stderr"] = result.err
    return texts


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """``reconciler sandbox serve --token TOKEN --verbose`` on a free port: its process, URL
    and the first line it printed."""
    options = ["--db", str(tmp_path / "served.db"), "--token", TOKEN, "--rate-limit", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "sandbox", "serve", "--port", "0", "-v", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Sandbox portal at http://127.0.0.1:"), first
        yield proc, first.split()[3], first
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def test_no_command_shows_the_token_against_a_working_portal(
    run: Runner,
    served: tuple[subprocess.Popen[str], str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proc, url, _ = served
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    env = {"PRODUCTLIFT_URL": url, "PRODUCTLIFT_TOKEN": TOKEN}
    unknown = work / "unknown-member.yaml"
    unknown.write_text("version: 1\ngroups:\n  - {name: Beta, members: [zed@example.com]}\n")
    commands: dict[str, list[str | Path]] = {
        "validate": ["validate", EXAMPLE],
        "plan": ["plan", EXAMPLE],
        "plan json": ["plan", EXAMPLE, "--format", "json", "--out", "plan.json"],
        "plan markdown": ["plan", EXAMPLE, "--format", "markdown", "--out", "plan-md.json"],
        "plan github": ["plan", EXAMPLE, "--format", "github", "--out", "plan-gh.json"],
        "apply saved": ["apply", EXAMPLE, "--plan", "plan.json", "--auto-approve"],
        "plan clean": ["plan", EXAMPLE, "--detailed-exitcode"],
        "apply stale": ["apply", EXAMPLE, "--plan", "plan.json", "--auto-approve"],
        "apply nothing": ["apply", EXAMPLE, "--auto-approve"],
        "export": ["export"],
        "export out": ["export", "--out", "exported.yaml"],
        "plan exported": ["plan", "exported.yaml", "--detailed-exitcode"],
        "plan unknown member": ["plan", unknown],
    }
    results = {name: run(*args, "--verbose", env=env) for name, args in commands.items()}
    assert [n for n, r in results.items() if r.code != 0] == ["apply stale", "plan unknown member"]
    assert "GET /api/v1/tabs → 200" in results["plan"].err  # --verbose logged the requests
    assert "Traceback" in results["apply stale"].err  # --verbose shows tracebacks, scrubbed

    proc.send_signal(signal.SIGTERM)
    serve_out, serve_err = proc.communicate(timeout=10)
    assert "GET /api/v1/tabs → 200" in serve_err
    texts = (
        outputs(results) | written(tmp_path) | {"serve stdout": serve_out, "serve log": serve_err}
    )
    assert (work / "exported.yaml").exists()
    assert (tmp_path / "served.db").exists()
    assert leaks(texts, TOKEN) == []


def test_serve_does_not_echo_a_token_it_was_given(
    served: tuple[subprocess.Popen[str], str, str],
) -> None:
    proc, _, first = served
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert leaks({"serve stdout": first + out, "serve stderr": err}, TOKEN) == []


# -- failing portals ---------------------------------------------------------------------------

COMMANDS: dict[str, list[str | Path]] = {
    "plan": ["plan", EXAMPLE],
    "plan json": ["plan", EXAMPLE, "--format", "json", "--out", "plan.json"],
    "apply": ["apply", EXAMPLE, "--auto-approve"],
    "export": ["export", "--out", "exported.yaml"],
}


def echo(status: int, html: bool = False, **headers: str) -> object:
    """Answer every request with ``status`` and a body that repeats its Authorization header."""

    def _answer(seen: Seen) -> Reply:
        auth = seen.headers.get("authorization", "")
        if html:
            body = f"<html><body><h1>{status}</h1><pre>{auth}</pre></body></html>".encode()
            return status, {"content-type": "text/html", **headers}, body
        payload = {"message": f"refused {auth}", "errors": {"token": [f"{auth} is not valid"]}}
        return status, {**JSON, **headers}, json.dumps(payload).encode()

    return _answer


@pytest.fixture
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without real waiting, so an unreachable portal fails in milliseconds."""
    monkeypatch.setattr(
        productlift_connect, "Client", functools.partial(Client, sleep=lambda s: None)
    )


def run_all(run: Runner, folder: Path, env: dict[str, str]) -> dict[str, str | bytes]:
    results = {name: run(*args, "--verbose", env=env) for name, args in COMMANDS.items()}
    for name, result in results.items():
        assert result.code == 1, f"{name}: {result.err}"
        assert "Error: " in result.err
    return outputs(results) | written(folder)


@pytest.mark.usefixtures("instant_retries")
@pytest.mark.parametrize(
    ("status", "html", "headers"),
    [
        (401, False, {}),
        (403, True, {}),
        (422, False, {}),
        (500, False, {"retry-after": "0"}),
        (503, True, {"retry-after": "0"}),
        (302, False, {"location": f"https://login.example.com/?token={TOKEN}"}),
    ],
    ids=["401-json", "403-html", "422-json", "500-json", "503-html", "302-redirect"],
)
def test_error_bodies_that_echo_the_token_are_scrubbed(
    run: Runner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    html: bool,
    headers: dict[str, str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with serving(echo(status, html, **headers)) as portal:  # type: ignore[arg-type]
        texts = run_all(run, tmp_path, {"PRODUCTLIFT_URL": portal.url, "PRODUCTLIFT_TOKEN": TOKEN})
    assert portal.requests  # the portal was reached, and did echo the token
    assert leaks(texts, TOKEN) == []


def test_wrong_token_is_refused_without_showing_either_token(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    box = Sandbox(tmp_path / "served.db", token=TOKEN, rate_limit=None)
    server = start_server(box)
    try:
        texts = run_all(run, tmp_path, {"PRODUCTLIFT_URL": server.url, "PRODUCTLIFT_TOKEN": WRONG})
    finally:
        server.shutdown()
        box.close()
    assert "401" in str(texts["plan stderr"])
    assert leaks(texts | written(tmp_path), TOKEN, WRONG) == []


@pytest.mark.usefixtures("instant_retries")
@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://127.0.0.1:9", id="unreachable"),
        pytest.param(f"http://user:{TOKEN}@127.0.0.1:9", id="token-as-password"),
        pytest.param(f"https://{TOKEN}@example.com", id="token-as-user"),
    ],
)
def test_unreachable_or_mistyped_portal_does_not_show_the_token(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    texts = run_all(run, tmp_path, {"PRODUCTLIFT_URL": url, "PRODUCTLIFT_TOKEN": TOKEN})
    assert leaks(texts, TOKEN) == []
