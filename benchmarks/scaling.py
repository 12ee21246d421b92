"""Does planning grow linearly? Plans of N sibling sections (and N categories) in process.

Each portal is filled through the sandbox API, then ``build_plan`` of a spec naming the same
resources runs against it (best of three, CPU time). Doubling N should double the time; a
ratio near 4 per doubling means something is quadratic.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from reconciler.connect import Target, open_provider
from reconciler.engine import build_plan
from reconciler.loader import parse_spec
from reconciler.providers.productlift.sandbox import Sandbox

SIZES = (1000, 2000, 4000)


@dataclass
class Point:
    kind: str
    n: int
    seconds: float


def _fill(db: Path, kind: str, n: int) -> str:
    """Create ``n`` resources of ``kind`` in the sandbox; the spec that names them."""
    with Sandbox(db, rate_limit=None) as box:
        for i in range(n):
            if kind == "sections":
                body = {"title": f"Section {i:05d}", "tab_id": 1}
            else:
                body = {"name": f"Category {i:05d}", "color": "#ABDEE6"}
            reply = box.handle("POST", f"/api/v1/{kind}", "", {}, json.dumps(body).encode())
            if reply.status != 200:
                raise RuntimeError(f"POST {kind}: {reply.status} {reply.body!r}")
    if kind == "sections":
        entries = "".join(f"  - {{title: Section {i:05d}, tab: roadmap}}\n" for i in range(n))
        return f"version: 1\ntabs: [{{slug: roadmap}}]\nsections:\n{entries}"
    entries = "".join(f"  - {{name: Category {i:05d}, color: '#ABDEE6'}}\n" for i in range(n))
    return f"version: 1\ncategories:\n{entries}"


def plan_seconds(workdir: Path, kind: str, n: int, repeat: int = 3) -> float:
    db = workdir / f"scaling-{kind}-{n}.db"
    db.unlink(missing_ok=True)
    spec = parse_spec(_fill(db, kind, n), f"{kind}.yaml").spec
    best = float("inf")
    for _ in range(repeat):
        provider = open_provider(Target(f"sandbox:{db}", db), env={})
        try:
            start = time.process_time()
            plan = build_plan(spec, provider)
            best = min(best, time.process_time() - start)
        finally:
            provider.close()
        if plan.changes:
            raise RuntimeError(f"{kind} x{n}: the plan is not empty ({len(plan.changes)})")
    return best


def scaling(workdir: Path, sizes: tuple[int, ...] = SIZES) -> list[Point]:
    return [
        Point(kind, n, plan_seconds(workdir, kind, n))
        for kind in ("sections", "categories")
        for n in sizes
    ]
