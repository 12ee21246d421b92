"""ABC reads side by side: the same plan, byte for byte, as one read at a time.

Pages of 2 rows (instead of 1,000) so that issues and channels take several pages, read
side by side once the first page tells how many there are; answers held back a random
(seeded) moment, so they arrive in another order than sent.
"""

from __future__ import annotations

import json
from itertools import count
from pathlib import Path

import httpx
import pytest

from reconciler.providers.abc import reading
from reconciler.providers.abc.sandbox import AbcSandbox

from ...conftest import Runner
from ...test_parallel_reads import Shuffled

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "abc.yaml"
EDITS = (
    ("status: INIT", "status: PENDING"),
    ("  - name: Onboarding\n", "  - name: Onboarding\n  - name: Accounts\n"),
    ("description: How bad is it?", "description: How bad is it, really?"),
)


@pytest.fixture
def transports(monkeypatch: pytest.MonkeyPatch) -> list[Shuffled]:
    """Every sandbox transport made from now on, shuffled (a new seed each)."""
    made: list[Shuffled] = []
    seeds = count()
    original = AbcSandbox.transport

    def shuffled(self: AbcSandbox) -> httpx.BaseTransport:
        made.append(Shuffled(original(self), next(seeds), roots_only=False))
        return made[-1]

    monkeypatch.setattr(AbcSandbox, "transport", shuffled)
    monkeypatch.setattr(reading, "PAGE", 2)
    monkeypatch.setenv("ABC_WEBHOOK_TOKEN", "s3cret-token-0123456789")
    return made


def test_parallel_reads_plan_byte_for_byte_what_serial_reads_plan(
    run: Runner, tmp_path: Path, transports: list[Shuffled]
) -> None:
    url = f"sandbox:{tmp_path / 'abc.db'}"
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    edited = EXAMPLE.read_text("utf-8")
    for old, new in EDITS:
        edited = edited.replace(old, new)
    spec = tmp_path / "edited.yaml"
    spec.write_text(edited, "utf-8")
    plan = ("plan", spec, "--format", "json", "--url", url)
    transports.clear()
    serial = run(*plan, "--parallel", "1")
    assert serial.code == 0, serial.err
    assert len(json.loads(serial.out)["changes"]) == len(EDITS)
    assert max(t.most for t in transports) == 1
    sent = sorted(line for t in transports for line in t.order)
    for _ in range(4):
        transports.clear()
        parallel = run(*plan, "--parallel", "8")
        assert parallel.out == serial.out
        assert 1 < max(t.most for t in transports) <= 8
        assert sorted(line for t in transports for line in t.order) == sent
