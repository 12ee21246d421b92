"""``sandbox serve``: a real process, driven as the lead will drive it with curl."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from reconciler.providers.productlift.sandbox.command import sandbox

from .sandbox_helpers import SSL

SECRET = "s3cr3t-token-for-tests"
LAUNCH = "from reconciler.providers.productlift.sandbox.command import sandbox; sandbox()"


@contextmanager
def serving(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, str, str]]:
    """Run ``sandbox serve --port 0 ARGS``; yield the process, its URL, token and banner."""
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        found = re.fullmatch(r"Sandbox portal at (\S+) \(token: (.+)\)\n", first)
        assert found, first + (proc.stderr.read() if proc.stderr else "")
        banner = first
        while "Ctrl-C" not in banner:
            banner += proc.stdout.readline()
        given = args[args.index("--token") + 1] if "--token" in args else None
        if given is not None:  # a token given with --token is never echoed
            assert given not in banner
            assert found.group(2) == "the one given with --token (set PRODUCTLIFT_TOKEN to it)"
        yield proc, found.group(1), given or found.group(2), banner
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def stop(proc: subprocess.Popen[str], how: signal.Signals) -> tuple[str, str]:
    proc.send_signal(how)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    return out, err


def client(url: str, token: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=f"{url}/api/v1/", headers=headers, verify=SSL, timeout=5)


def test_serve_answers_like_the_portal_and_keeps_its_data(tmp_path: Path) -> None:
    db = str(tmp_path / "portal.db")
    with serving("--db", db, "--token", SECRET) as (proc, url, token, banner):
        assert token == SECRET
        with client(url, token) as api:
            made = api.post("categories", json={"name": "Bug", "color": "#ABDEE6"})
            assert made.status_code == 200
            assert isinstance(made.json()["data"]["id"], int)
            assert made.headers["x-ratelimit-limit"] == "60"
            other_case = api.post("categories", json={"name": "BUG", "color": "#ABDEE6"})
            assert list(other_case.json()["errors"]) == ["name"]
            red = api.post("categories", json={"name": "Red", "color": "red"})
            assert list(red.json()["errors"]) == ["color"]
            tag = api.post("tags", json={"tag": "x1"}).json()["data"]
            assert re.fullmatch(r"[0-9a-f-]{36}", tag["id"])
            assert api.delete("categories/999").status_code == 404
        with client(url, "wrong") as stranger:
            assert stranger.get("categories").status_code == 401
        _, err = stop(proc, signal.SIGINT)
    assert f"export PRODUCTLIFT_URL={url}\n" in banner  # a line to paste as it is
    assert "<your" not in banner
    assert re.search(r"^POST /api/v1/categories → 200 \d+\.\d ms$", err, re.M)
    assert "GET /api/v1/categories → 401" in err
    assert SECRET not in err

    with serving("--db", db, "--token", SECRET) as (proc, url, token, _), client(url, token) as api:
        assert [c["name"] for c in api.get("categories").json()["data"]] == ["Bug"]
        stop(proc, signal.SIGTERM)


def test_serve_makes_up_a_token_when_none_is_given(tmp_path: Path) -> None:
    with serving("--db", str(tmp_path / "p.db"), "--rate-limit", "0") as (proc, url, token, _):
        assert len(token) >= 16
        with client(url, token) as api:
            assert api.get("tabs").status_code == 200
        with client(url, "guess") as stranger:
            assert stranger.get("tabs").status_code == 401
        stop(proc, signal.SIGINT)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--fail-rate", "2"], "--fail-rate"),
        (["--fail-rate", "0.6", "--lose-rate", "0.6"], "add up to more than 1"),
        (["--window", "0"], "--window"),
    ],
)
def test_serve_refuses_bad_options(args: list[str], problem: str) -> None:
    result = CliRunner().invoke(sandbox, ["serve", "--db", ":memory:", *args])
    assert result.exit_code != 0
    assert problem in result.output


def test_latency_alone_slows_every_answer(tmp_path: Path) -> None:
    """--latency without any fault rate (the README's recipe for a slow portal to
    interrupt) was dropped with the faults it came with."""
    import time

    args = ("--db", str(tmp_path / "p.db"), "--latency", "0.4")
    with serving(*args) as (proc, url, token, banner):
        assert "Injecting faults" in banner
        with client(url, token) as api:
            start = time.monotonic()
            assert api.get("tabs").status_code == 200
            assert time.monotonic() - start >= 0.4  # a floor, not a timing claim
        stop(proc, signal.SIGINT)
