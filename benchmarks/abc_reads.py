"""Reads of an ABC User Feedback project: N categories and M issues, against the bound.

The lower bound for a spec of categories and issues (the public API only): one request for
the categories (one ``limit`` that covers them all: walking pages repeats and skips rows on
the real server) and one search per 1,000 issues. The project is filled through the sandbox
API in process; the plan runs in process through the provider, at ``latency`` seconds a
request (the sandbox's latency fault), with 1 and with 8 reads at once.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

from reconciler.connect import Target, open_provider
from reconciler.engine import build_plan
from reconciler.loader import parse_spec
from reconciler.providers import get
from reconciler.providers.abc.sandbox import AbcSandbox

ISSUE_PAGE = 1000


@dataclass
class AbcReads:
    categories: int
    issues: int
    parallel: int
    reads: int  # requests the client sent
    bound: int
    planned: int  # the plan's requests.reads
    changes: int
    wall: float  # seconds, at the latency


def _fill(db: Path, categories: int, issues: int) -> str:
    """Create the project's categories and issues; the spec that names them all."""
    with AbcSandbox(db) as box:
        headers = {"x-api-key": box.api_key, "content-type": "application/json"}
        for kind, n, name in (("categories", categories, "Category"), ("issues", issues, "Issue")):
            for i in range(n):
                body = json.dumps({"name": f"{name} {i:05d}"}).encode()
                reply = box.handle("POST", f"/api/projects/1/{kind}", "", headers, body)
                if reply.status >= 300:
                    raise RuntimeError(f"POST {kind}: {reply.status} {reply.body!r}")
    names = "".join(f"  - name: Category {i:05d}\n" for i in range(categories))
    listed = "".join(f"  - name: Issue {i:05d}\n" for i in range(issues))
    return f"version: 1\nprovider: abc\ncategories:\n{names}issues:\n{listed}"


def abc_reads(
    root: Path, categories: int, issues: int, *, latency: float, parallel: tuple[int, ...] = (1, 8)
) -> list[AbcReads]:
    db = root / "abc.db"
    db.unlink(missing_ok=True)
    spec = parse_spec(_fill(db, categories, issues), "abc.yaml").spec
    bound = 1 + math.ceil(issues / ISSUE_PAGE)
    rows = []
    for n in parallel:
        env = {"RECONCILER_SANDBOX_FAULTS": f"latency={latency}", "RECONCILER_PARALLEL": str(n)}
        provider = open_provider(Target(f"sandbox:{db}", db), env=env, product=get("abc"))
        try:
            start = time.perf_counter()
            plan = build_plan(spec, provider)
            wall = time.perf_counter() - start
            sent = int(provider.requests_sent())  # type: ignore[attr-defined]  # Budgeted
        finally:
            provider.close()
        planned = plan.requests.reads if plan.requests is not None else -1
        rows.append(AbcReads(categories, issues, n, sent, bound, planned, len(plan.changes), wall))
    return rows
