"""Fixtures of the reliability suites; the fault figures in the terminal summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler import connect

from . import figures
from .portal import FaultyPortal

OpenPortal = Callable[..., FaultyPortal]


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> OpenPortal:
    """Point every CLI run at a FaultyPortal on ``tmp_path/portal.db``; returns it."""

    def _open(**options: Any) -> FaultyPortal:
        portal = FaultyPortal(tmp_path / "portal.db", **options)
        monkeypatch.setattr(connect, "open_provider", portal.open_provider)
        return portal

    return _open


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ran = [
        report.nodeid
        for outcome in ("passed", "failed", "xfailed")
        for report in terminalreporter.stats.get(outcome, [])
    ]
    lines = figures.summarize(figures.load(ran))
    if lines:
        terminalreporter.section("reliability figures (fault suite)")
        for line in lines:
            terminalreporter.write_line(line)
