"""Apply under injected faults: converges in at most 3 applies, creates nothing twice, touches
nothing the spec does not name, and every failed run ends in exit 1 with one located line.

Each scenario pre-seeds unmanaged resources, applies (the large spec on top of its v1), and
repeats apply until it succeeds. Faults are seeded per run; 429s come from a tight rate limit
on a fake clock whose window differs from the documented 60 s. Figures go to figures.py.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE, Result, Runner

from . import figures
from .conftest import OpenPortal
from .portal import Ids, duplicates, seed_unmanaged, unmanaged_view
from .specs import write_large

pytestmark = pytest.mark.faults

REQUEST = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) /api/v1/\S+ → ")
POSTS = {
    "category": "/api/v1/categories",
    "status": "/api/v1/statuses",
    "tag": "/api/v1/tags",
    "section": "/api/v1/sections",
    "group": "/api/v1/groups",
    "membership": "/api/v1/groups/{group}/users",
}
# (id, faults, rate limit and window): rates keep a request's 8 attempts failing rare enough
# that 3 applies converge, and frequent enough that some runs fail.
SEEDS = {"example": (1, 2, 3), "large": (1, 2)}
BOTH = ("example", "large")
SCENARIOS = [
    ("429-window-90s", BOTH, "", (15, 90.0)),
    ("429-window-20s", BOTH, "", (15, 20.0)),
    ("5xx", BOTH, "error=0.35", None),
    ("reset", BOTH, "reset=0.35", None),
    ("lost", BOTH, "lose=0.4", None),
    ("timeout", BOTH, "timeout=0.4", None),
    ("mixed", BOTH, "error=0.1,reset=0.1,lose=0.1,timeout=0.1", None),
    ("mixed+429", BOTH, "error=0.1,reset=0.05,lose=0.15,timeout=0.1", (20, 75.0)),
    ("heavy", ("example",), "error=0.2,reset=0.1,lose=0.1,timeout=0.1", None),
]
CASES = [
    pytest.param(which, faults, limit, seed, id=f"{which}-{name}-seed{seed}")
    for name, specs, faults, limit in SCENARIOS
    for which in specs
    for seed in SEEDS[which]
]


def check_failure(result: Result) -> None:
    """A failed run: exit 1, no traceback, one Error line naming the request that failed."""
    assert result.code == 1, result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert REQUEST.search(errors[0]), errors[0]


def plan_json(run: Runner, spec: Path, url: str) -> dict[str, Any]:
    result = run("plan", spec, "--format", "json", "--url", url)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("which", "faults", "limit", "seed"), CASES)
def test_apply_converges_under_faults(
    run: Runner,
    faulty: OpenPortal,
    start_from: Callable[[str], Ids],
    tmp_path: Path,
    request: pytest.FixtureRequest,
    which: str,
    faults: str,
    limit: tuple[int, float] | None,
    seed: int,
) -> None:
    db, url = tmp_path / "portal.db", f"sandbox:{tmp_path / 'portal.db'}"
    unmanaged = start_from(which)
    spec = write_large(tmp_path, 2) if which == "large" else EXAMPLE
    before = unmanaged_view(db, unmanaged)
    faulty()
    planned = plan_json(run, spec, url)
    creates = Counter(c["kind"] for c in planned["changes"] if c["action"] == "create")

    rate, window = limit or (None, 60.0)
    portal = faulty(faults=faults, seed=seed, rate_limit=rate, window=window)
    results = []
    for _ in range(3):
        results.append(
            run("apply", spec, "--auto-approve", "--delete-threshold", "100", "--url", url)
        )
        if results[-1].code == 0:
            break
        check_failure(results[-1])
    converged = results[-1].code == 0
    figures.record(
        request.node.nodeid,
        {
            "applies": len(results),
            "failed": sum(r.code != 0 for r in results),
            "converged": converged,
            "faults": dict(portal.faulted),
            "throttled": portal.throttled,
            "retries": portal.retries,
            "requests": sum(sum(b.stats.values()) for b in portal.boxes),
            "writes": sum(portal.writes.values()),
        },
    )
    assert converged, results[-1].err

    faulty()
    clean = run("plan", spec, "--detailed-exitcode", "--url", url)
    assert clean.code == 0, clean.out + clean.err
    assert duplicates(db) == []
    posted = portal.writes
    for kind, path in POSTS.items():
        assert posted[("POST", path)] == creates[kind], f"{kind}: created more than once"
    assert unmanaged_view(db, unmanaged) == before
    if limit and not faults:
        assert portal.throttled or window < 60, "the tight rate limit was never hit"


def test_every_request_failing_ends_in_one_line_and_changes_nothing(
    run: Runner, faulty: OpenPortal, tmp_path: Path
) -> None:
    db = tmp_path / "portal.db"
    seed_unmanaged(db)
    faulty()
    before = plan_json(run, EXAMPLE, f"sandbox:{db}")
    portal = faulty(faults="error=1.0", seed=1)
    result = run("apply", EXAMPLE, "--auto-approve", "--url", f"sandbox:{db}")
    check_failure(result)
    assert "GET /api/v1/tabs → 50" in result.err
    assert portal.clients[0].counts["GET"] == 8  # retried, within the bound
    assert sum(portal.writes.values()) == 0
    faulty()
    assert plan_json(run, EXAMPLE, f"sandbox:{db}")["changes"] == before["changes"]


def test_create_whose_answers_are_all_lost_is_made_once_and_fails_cleanly(
    run: Runner, faulty: OpenPortal, tmp_path: Path
) -> None:
    """Every attempt lands or is refused as taken, and no answer arrives: one category."""
    portal = faulty(faults="lose=1.0", seed=1)
    url = f"sandbox:{tmp_path / 'portal.db'}"
    result = run("apply", EXAMPLE, "--auto-approve", "--url", url)
    check_failure(result)
    assert "+ category 'Bug' failed: POST /api/v1/categories → no response" in result.err
    assert portal.writes == {("POST", "/api/v1/categories"): 1}
    faulty()
    after = plan_json(run, EXAMPLE, url)
    assert "Bug" not in [c["name"] for c in after["changes"]]
    assert run("apply", EXAMPLE, "--auto-approve", "--url", url).code == 0
    assert duplicates(tmp_path / "portal.db") == []


def test_update_whose_answers_are_all_lost_fails_cleanly_and_has_landed(
    run: Runner, faulty: OpenPortal, tmp_path: Path
) -> None:
    url = f"sandbox:{tmp_path / 'portal.db'}"
    spec = tmp_path / "one.yaml"
    spec.write_text('version: 1\ncategories:\n  - name: Bug\n    color: "#111111"\n', "utf-8")
    faulty()
    assert run("apply", spec, "--auto-approve", "--url", url).code == 0
    spec.write_text('version: 1\ncategories:\n  - name: Bug\n    color: "#222222"\n', "utf-8")
    faulty(faults="lose=1.0", seed=1)
    result = run("apply", spec, "--auto-approve", "--url", url)
    check_failure(result)
    assert "PATCH /api/v1/categories/" in result.err
    assert "0 of 1 changes applied" in result.err
    faulty()
    assert run("plan", spec, "--detailed-exitcode", "--url", url).code == 0
