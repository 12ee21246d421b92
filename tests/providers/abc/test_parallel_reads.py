"""ABC reads side by side: the same plan, byte for byte, as one read at a time.

Pages of 2 rows (instead of 1,000) so that issues and channels take several pages, read
side by side once the first page tells how many there are; answers held back a random
(seeded) moment, so they arrive in another order than sent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.providers.abc import reading
from reconciler.providers.abc.sandbox import AbcSandbox

from ...conftest import Runner
from ...shuffled import check_parallel_plans, shuffle_every

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "abc.yaml"
EDITS = (
    ("status: INIT", "status: PENDING"),
    ("  - name: Onboarding\n", "  - name: Onboarding\n  - name: Accounts\n"),
    ("description: How bad is it?", "description: How bad is it, really?"),
)


def test_parallel_reads_plan_byte_for_byte_what_serial_reads_plan(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transports = shuffle_every(monkeypatch, AbcSandbox)
    monkeypatch.setattr(reading, "PAGE", 2)
    monkeypatch.setenv("ABC_WEBHOOK_TOKEN", "s3cret-token-0123456789")
    check_parallel_plans(run, transports, EXAMPLE, EDITS, tmp_path, changes=len(EDITS))
