"""Figures the fault suite measures, gathered across pytest-xdist workers.

Each test writes one JSON file under ``.pytest_cache/reliability/`` (named by its node id);
``summarize`` adds up those of the tests that ran this session (printed in the terminal
summary when pytest loads this folder's conftest at start, as ``pytest tests/reliability``
does). ``python -m tests.reliability.figures`` prints the totals of the last run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[2] / ".pytest_cache" / "reliability"
RECENT = 600.0


def record(nodeid: str, figures: dict[str, Any]) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(nodeid.encode()).hexdigest()[:16]
    (FOLDER / f"{name}.json").write_text(json.dumps({"test": nodeid, **figures}), "utf-8")


def load(nodeids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The figures of ``nodeids``; without them, of the last run (files written within
    ``RECENT`` seconds of the newest one)."""
    files = sorted(FOLDER.glob("*.json"))
    if nodeids is None and files:
        newest = max(p.stat().st_mtime for p in files)
        files = [p for p in files if p.stat().st_mtime >= newest - RECENT]
    rows = [json.loads(p.read_text("utf-8")) for p in files]
    wanted = set(nodeids) if nodeids is not None else None
    return [r for r in rows if wanted is None or r["test"] in wanted]


def summarize(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    faults: Counter[str] = Counter()
    applies: Counter[int] = Counter()
    for row in rows:
        faults.update(row["faults"])
        if row["converged"]:
            applies[row["applies"]] += 1
    runs = sum(r["applies"] for r in rows)
    failed = sum(r["failed"] for r in rows)
    converged = sum(1 for r in rows if r["converged"])
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(faults.items())) or "none"
    needed = ", ".join(f"{n} in {k}" for k, n in sorted(applies.items()))
    return [
        f"scenarios: {len(rows)}, converged: {converged} ({needed} applies)",
        f"apply runs: {runs}, failed cleanly (exit 1, one Error line): {failed}",
        f"faults injected: {sum(faults.values())} ({kinds}), "
        f"429s: {sum(r['throttled'] for r in rows)}, retries: {sum(r['retries'] for r in rows)}",
        f"requests: {sum(r['requests'] for r in rows)}, "
        f"writes performed: {sum(r['writes'] for r in rows)}",
    ]


if __name__ == "__main__":
    sys.stdout.write("\n".join(summarize(load())) + "\n")
