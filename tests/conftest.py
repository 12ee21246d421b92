"""Shared fixtures: a CLI runner that goes through ``main`` (exit codes, error rendering)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.cli import main

ENV_VARS = (
    "CI",
    "PRODUCTLIFT_URL",
    "PRODUCTLIFT_TOKEN",
    "RECONCILER_SANDBOX_FAULTS",
    "RECONCILER_SANDBOX_RATE_LIMIT",
    "RECONCILER_RATE_WINDOW",
    "RECONCILER_PARALLEL",
    "RECONCILER_DEADLINE",
    "RECONCILER_RUN_DEADLINE",
    "NO_COLOR",
)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "portal.yaml"


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Runner:
    """Run ``reconciler ARGS`` in process; returns exit code, stdout and stderr apart."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "120")

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        capsys.readouterr()
        with monkeypatch.context() as m:
            for name, value in (env or {}).items():
                m.setenv(name, value)
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as done:
                code = int(done.code or 0)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return _run


@pytest.fixture
def sandbox_url(tmp_path: Path) -> str:
    """An explicit, empty sandbox target for this test."""
    return f"sandbox:{tmp_path / 'sandbox.db'}"


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[str], Path]:
    def _write(text: str, name: str = "portal.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
