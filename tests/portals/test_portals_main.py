"""The same paths through the real entry point, once ``reconciler/cli`` has ``--portals``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import cli, main

from .conftest import Write


def wired(command: str) -> bool:
    found = cli.commands.get(command)
    return found is not None and any(p.name == "portals" for p in found.params)


pytestmark = pytest.mark.skipif(
    not all(wired(c) for c in ("validate", "plan", "apply")),
    reason="reconciler/cli has no --portals yet (the lead wires portals_cli in)",
)


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_apply_plan_through_main(
    write: Write, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    write("portal.yaml", "version: 1\ncategories: [{name: Bug, color: '#E57373'}]\n")
    write("down.yaml", "categories: [{name: Down, color: '#000000'}]\n")
    path: Path = write(
        "portals.yaml",
        "version: 1\nportals:\n"
        "  - {name: one, spec: portal.yaml, url: 'sandbox:one.db'}\n"
        "  - {name: down, spec: [portal.yaml, down.yaml], url: 'http://127.0.0.1:9',\n"
        "     env: {PRODUCTLIFT_TOKEN: UNSET_TOKEN_FOR_TEST}}\n",
    )
    monkeypatch.delenv("UNSET_TOKEN_FOR_TEST", raising=False)
    assert run(capsys, "validate", "--portals", path)[0] == 0
    code, out, _ = run(capsys, "plan", "--portals", path, "--format", "json")
    assert code == 1
    assert [list(p) for p in json.loads(out)["portals"]] == [["name", "plan"], ["name", "error"]]
    assert run(capsys, "apply", "--portals", path, "--portal", "one", "--auto-approve")[0] == 0
    chosen = ("--portal", "one", "--detailed-exitcode")
    assert run(capsys, "plan", "--portals", path, *chosen)[0] == 0
    assert run(capsys, "plan", "--portals", path, "--url", "sandbox:x.db")[0] == 1
