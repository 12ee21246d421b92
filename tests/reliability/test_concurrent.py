"""Two applies at once (issue 12, item 6): both plan the same creates before either writes;
the portal takes the first create of a name and refuses the second with 422 "taken". No name
is created twice, the loser exits 1 naming that request, and the next plan is empty.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from tests.conftest import Runner

from .stateful_portal import Stateful, serving

SPEC = "version: 1\ncategories: [{name: Bug}, {name: Idea}]\ntags: [editor]\n"
ROOT = Path(__file__).resolve().parents[2]


def apply(spec: Path, url: str, out: list[subprocess.CompletedProcess[str]]) -> None:
    env = {**os.environ, "PRODUCTLIFT_TOKEN": "fake-portal-token", "NO_COLOR": "1"}
    env.pop("CI", None)
    command = [sys.executable, "-m", "reconciler", "apply", str(spec), "--auto-approve"]
    out.append(
        subprocess.run(
            [*command, "--url", url], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
        )
    )


def test_two_applies_at_once_create_nothing_twice_and_the_loser_says_why(
    run: Runner, write_spec: Callable[[str], Path]
) -> None:
    spec = write_spec(SPEC)
    state = Stateful(hold_writes=True)
    with serving(state) as portal:
        reads = threading.Event()

        def both_read() -> None:  # writes wait until both runs have read everything
            while sum(s.path == "/api/v1/sections" for s in portal.requests) < 2:
                reads.wait(0.02)
            state.release.set()

        results: list[subprocess.CompletedProcess[str]] = []
        runs = [threading.Thread(target=apply, args=(spec, portal.url, results)) for _ in "ab"]
        watcher = threading.Thread(target=both_read, daemon=True)
        for thread in (*runs, watcher):
            thread.start()
        for thread in runs:
            thread.join(timeout=90)
        again = run("plan", spec, "--format", "json", "--url", portal.url,
                    env={"PRODUCTLIFT_TOKEN": "t"})  # fmt: skip
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 1], [r.stderr for r in results]
    loser = next(r for r in results if r.returncode == 1)
    errors = [line for line in loser.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, loser.stderr
    assert "POST /api/v1/categories → 422" in errors[0]
    assert "Traceback" not in loser.stderr
    assert "another apply" in loser.stderr
    assert sorted(c["name"] for c in state.items["categories"]) == ["Bug", "Idea"]
    assert [t["tag"] for t in state.items["tags"]] == ["editor"]
    assert json.loads(again.out)["changes"] == []
