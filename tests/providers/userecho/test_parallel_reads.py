"""UserEcho reads side by side: the same plan, byte for byte, as one read at a time.

Answers held back a random (seeded) moment, so they arrive in another order than sent; the
forums' children, the groups, the webhooks and the email look-ups go side by side.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.providers.userecho.sandbox import UserEchoSandbox

from ...conftest import Runner
from ...shuffled import check_parallel_plans, shuffle_every

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "userecho.yaml"
EDITS = (
    ("      - name: Integrations\n", "      - name: Integrations\n      - name: Security\n"),
    ("      - carol@example.com\n", "      - dave@example.com\n"),
    ("members: [erin@example.com]", "members: [erin@example.com, carol@example.com]"),
    ("vote_weight: 2", "vote_weight: 3"),
)


def test_parallel_reads_plan_byte_for_byte_what_serial_reads_plan(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transports = shuffle_every(monkeypatch, UserEchoSandbox)
    # access: one removed, one added
    check_parallel_plans(run, transports, EXAMPLE, EDITS, tmp_path, changes=5)
