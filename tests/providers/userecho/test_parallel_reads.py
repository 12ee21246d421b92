"""UserEcho reads side by side: the same plan, byte for byte, as one read at a time.

Answers held back a random (seeded) moment, so they arrive in another order than sent; the
forums' children, the groups, the webhooks and the email look-ups go side by side.
"""

from __future__ import annotations

import json
from itertools import count
from pathlib import Path

import httpx
import pytest

from reconciler.providers.userecho.sandbox import UserEchoSandbox

from ...conftest import Runner
from ...test_parallel_reads import Shuffled

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "userecho.yaml"
EDITS = (
    ("      - name: Integrations\n", "      - name: Integrations\n      - name: Security\n"),
    ("      - carol@example.com\n", "      - dave@example.com\n"),
    ("members: [erin@example.com]", "members: [erin@example.com, carol@example.com]"),
    ("vote_weight: 2", "vote_weight: 3"),
)


@pytest.fixture
def transports(monkeypatch: pytest.MonkeyPatch) -> list[Shuffled]:
    """Every sandbox transport made from now on, shuffled (a new seed each)."""
    made: list[Shuffled] = []
    seeds = count()
    original = UserEchoSandbox.transport

    def shuffled(self: UserEchoSandbox) -> httpx.BaseTransport:
        made.append(Shuffled(original(self), next(seeds), roots_only=False))
        return made[-1]

    monkeypatch.setattr(UserEchoSandbox, "transport", shuffled)
    return made


def test_parallel_reads_plan_byte_for_byte_what_serial_reads_plan(
    run: Runner, tmp_path: Path, transports: list[Shuffled]
) -> None:
    url = f"sandbox:{tmp_path / 'userecho.db'}"
    applied = run("apply", EXAMPLE, "--auto-approve", "--url", url)
    assert applied.code == 0, applied.err
    edited = EXAMPLE.read_text("utf-8")
    for old, new in EDITS:
        assert old in edited
        edited = edited.replace(old, new)
    spec = tmp_path / "edited.yaml"
    spec.write_text(edited, "utf-8")
    plan = ("plan", spec, "--format", "json", "--url", url)
    transports.clear()
    serial = run(*plan, "--parallel", "1")
    assert serial.code == 0, serial.err
    assert len(json.loads(serial.out)["changes"]) == 5  # access: one removed, one added
    assert max(t.most for t in transports) == 1
    sent = sorted(line for t in transports for line in t.order)
    for _ in range(4):
        transports.clear()
        parallel = run(*plan, "--parallel", "8")
        assert parallel.out == serial.out
        assert 1 < max(t.most for t in transports) <= 8
        assert sorted(line for t in transports for line in t.order) == sent
