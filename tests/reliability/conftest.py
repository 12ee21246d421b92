"""Fixtures of the reliability suites; the fault figures in the terminal summary."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler import connect
from reconciler.connect import Target, open_provider
from reconciler.engine import apply_plan, build_plan
from reconciler.loader import load_spec

from . import figures
from .portal import FaultyPortal, Ids, seed_unmanaged
from .specs import write_large

OpenPortal = Callable[..., FaultyPortal]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Ids]]:
    """Portals to start from, made once per worker: ``example`` (unmanaged resources only)
    and ``large`` (those, and the large spec's v1 applied); with the unmanaged ids."""
    made = {}
    for which in ("example", "large"):
        folder = tmp_path_factory.mktemp(f"template-{which}")
        db = folder / "portal.db"
        ids = seed_unmanaged(db)
        if which == "large":
            provider = open_provider(Target(f"sandbox:{db}", db), env={})
            try:
                loaded = load_spec(write_large(folder, 1))
                apply_plan(build_plan(loaded.spec, provider), provider)
            finally:
                provider.close()
        made[which] = (db, ids)
    return made


@pytest.fixture
def start_from(templates: dict[str, tuple[Path, Ids]], tmp_path: Path) -> Callable[[str], Ids]:
    """Copy a template portal to ``tmp_path/portal.db``; returns its unmanaged ids."""

    def _copy(which: str) -> Ids:
        db, ids = templates[which]
        shutil.copyfile(db, tmp_path / "portal.db")
        return ids

    return _copy


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
