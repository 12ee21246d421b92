"""The results as Markdown tables (what RESULTS.md holds)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import platform
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abc_reads import AbcReads
from economy import RATE, RTT, Baseline, minutes, projected
from measure import APART, Run, percentages
from paced import Paced
from scaling import Point

PARTS = ("reconciler", "pydantic", "yaml", "httpx", "deepdiff", "tenacity", "rich")
PLAN_WALL_TARGET, PLAN_RSS_TARGET, HELP_TARGET = 1.5, 200.0, 0.3
NETWORK_TARGET = 0.8  # seconds of network time: plan of 1,000 resources at 100 ms a request


@dataclass
class Step:
    name: str
    run: Run  # the fastest run
    changes: int
    read_bound: int
    baseline: Baseline
    rss_mb: float  # the highest peak of the runs
    planned: dict[str, Any] | None = None  # the plan's ``requests`` (an apply: of its plan)

    @property
    def applies(self) -> bool:
        return "apply" in self.name

    @property
    def as_planned(self) -> bool | None:
        """Whether the run sent what the plan's ``requests`` said (None: no such field)."""
        if self.planned is None:
            return None
        writes = self.planned["writes"] if self.applies else 0
        return bool(self.planned["reads"] == self.run.reads and writes == self.run.writes)

    @property
    def writes_ok(self) -> bool:
        """An apply writes once per change; a plan never writes."""
        return self.run.writes == (self.changes if self.applies else 0)


@dataclass
class Latency:
    """The up-to-date plan at a latency, ``parallel`` reads at once."""

    parallel: int
    run: Run  # the fastest run
    quick_wall: float  # the same plan without latency: CPU and start-up
    planned: dict[str, Any] | None

    @property
    def network(self) -> float:
        """Seconds the latency added: waiting for answers."""
        return max(0.0, self.run.wall - self.quick_wall)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


def _ratio(a: int, b: int) -> str:
    """``a ÷ b`` to two places; to three when it is not exactly 1, so 1.004 shows."""
    if not b:
        return "1.00" if a == 0 else "—"
    return f"{a / b:.2f}" if a == b or abs(a / b - 1) >= 0.01 else f"{a / b:.3f}"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip()


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain", "--", "../reconciler"):
        commit += " with uncommitted changes in reconciler/"
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()} "
        f"({platform.system()}); {dt.date.today().isoformat()}; commit {commit}"
    )


def _requests(results: Sequence[Any]) -> list[str]:
    rows = []
    for r in results:
        for s in r.steps:
            run = s.run
            rows.append(
                (
                    f"{r.size:,}", s.name, f"{s.changes:,}", f"{run.reads:,}",
                    f"{s.read_bound:,}", _ratio(run.reads, s.read_bound), f"{run.writes:,}",
                    _ratio(run.writes, s.changes) if s.applies else "—",
                    _methods(run.methods), run.statuses.get("429", 0), _as_planned(s),
                )
            )  # fmt: skip
    head = ("size", "step", "changes", "reads", "read bound", "reads ÷ bound", "writes")
    return _table((*head, "writes ÷ changes", "by method", "429s", "plan's `requests`"), rows)


def _as_planned(step: Step) -> str:
    if step.planned is None:
        return "— (no `requests`)"
    said = f"{step.planned['reads']:,} + {step.planned['writes'] if step.applies else 0:,}"
    return f"{said} {'✅' if step.as_planned else '❌'}"


def _methods(methods: dict[str, int]) -> str:
    order = ("GET", "POST", "PUT", "PATCH", "DELETE")
    named = sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))
    return " · ".join(f"{m} {methods[m]:,}" for m in named)


def _cost(results: Sequence[Any]) -> list[str]:
    rows = [
        (f"{r.size:,}", s.name, f"{s.run.wall:.2f}", f"{s.run.cpu:.2f}", f"{s.rss_mb:.0f}")
        for r in results
        for s in r.steps
    ]
    return _table(("size", "step", "wall s", "CPU s", "peak RSS MB"), rows)


def _share(results: Sequence[Any]) -> list[str]:
    rows = []
    for r in results:
        work, parts, rest = percentages(r.share, PARTS)
        size, imports = f"{r.size:,}", f"{r.import_cpu:.2f}"
        apart = [f"{r.share.get(p, 0.0):.2f}" for p in APART]
        rows.append((size, imports, *apart, f"{work:.2f}", *parts, rest))
    head = ("size", "imports CPU s", "waiting s", "sandbox s", "work s", *PARTS, "other")
    return _table(head, rows)


def _versus(results: Sequence[Any]) -> list[str]:
    rows = []
    for r in results:
        for s in r.steps:
            ours, theirs = s.run.requests, s.baseline.requests
            rows.append(
                (
                    f"{r.size:,}", s.name, f"{ours:,}", f"{theirs:,}", _ratio(ours, theirs),
                    f"{minutes(ours):.1f}", f"{minutes(theirs):.1f}",
                    f"{projected(ours):.1f}", f"{projected(theirs):.1f}",
                )
            )  # fmt: skip
    head = ("size", "step", "requests", "baseline", "ours ÷ baseline", f"min @{RATE}/min")
    return _table((*head, "baseline min", "projected min", "baseline projected min"), rows)


def _pacing(paced: Sequence[Paced]) -> list[str]:
    rows = [
        (
            p.writes, p.reads, p.throttled, f"{p.seconds:.1f}", f"{p.target:.1f}",
            f"{100 * p.off_target:+.1f}%", f"{p.floor:.0f} + last batch", f"{p.waited:.1f}",
        )
        for p in paced
    ]  # fmt: skip
    head = ("writes", "reads", "429s", "time s", "writes ÷ 60 s", "off target")
    return _table((*head, "fixed-window floor s", "waited s"), rows)


def _latency(results: Sequence[Any]) -> list[str]:
    rows = [
        (
            f"{r.size:,}", f"{r.counts['groups']:,}",
            lat.parallel, f"{lat.run.reads:,}", f"{lat.run.wall:.2f}", f"{lat.quick_wall:.2f}",
            f"{lat.network:.2f}", lat.run.most_in_flight, lat.run.statuses.get("429", 0),
            "—" if lat.planned is None else f"{lat.planned['reads']:,}",
        )
        for r in results
        for lat in r.latency
    ]  # fmt: skip
    head = ("size", "groups", "reads at once (--parallel)", "reads", "wall s at 100 ms")
    return _table(
        (*head, "wall s at 0 ms", "network s", "most in flight", "429s", "plan's reads"), rows
    )


def _abc(rows: Sequence[AbcReads]) -> list[str]:
    body = [
        (
            f"{a.categories:,}", f"{a.issues:,}", a.parallel, a.reads, a.bound,
            _ratio(a.reads, a.bound), a.planned, a.changes, f"{a.wall:.2f}",
        )
        for a in rows
    ]  # fmt: skip
    head = ("categories", "issues", "reads at once", "reads", "read bound", "reads ÷ bound")
    return _table((*head, "plan's reads", "changes", "wall s at 100 ms"), body)


def _network_check(results: Sequence[Any]) -> tuple[str, bool] | None:
    one = next((r for r in results if r.size == 1000), None)
    lat = next((x for x in one.latency if x.parallel > 1), None) if one else None
    if one is None or lat is None:
        return None
    ok = lat.network < NETWORK_TARGET and lat.run.most_in_flight <= lat.parallel
    ok = ok and lat.run.statuses.get("429", 0) == 0
    what = (
        f"plan of 1,000 resources ({one.counts['groups']} groups) at 100 ms a request under "
        f"{NETWORK_TARGET} s of network time ({lat.network:.2f} s; serial "
        f"{one.latency[0].network:.2f} s), at most {lat.parallel} in flight "
        f"({lat.run.most_in_flight}), {lat.run.statuses.get('429', 0)} × 429"
    )
    return what, ok


def _targets(
    results: Sequence[Any], paced: Sequence[Paced], help_s: float, abc: Sequence[AbcReads]
) -> list[str]:
    steps = [s for r in results for s in r.steps]
    off = [(r.size, s) for r in results for s in r.steps if s.run.reads != s.read_bound]
    reads_ok = not off
    where = "; ".join(f"{n:,} {s.name}: {s.run.reads} for {s.read_bound}" for n, s in off)
    writes_ok = all(s.writes_ok for s in steps)
    top = [r for r in results if r.size >= 10_000]
    plan = next((s for r in top for s in r.steps if s.name == "plan, up to date"), None)
    checks = [
        (
            "reads ÷ lower bound = 1.00 at every size and step" + (f" ({where})" if off else ""),
            reads_ok,
        ),
        ("writes ÷ changes = 1.00 at every size (plans write nothing)", writes_ok),
        (f"`reconciler --help` under {HELP_TARGET} s ({help_s:.2f} s)", help_s < HELP_TARGET),
        (
            "paced apply: no 429, time within 10% of writes ÷ 60 a minute",
            all(p.throttled == 0 and abs(p.off_target) <= 0.10 for p in paced),
        ),
    ]
    if plan is not None:
        checks.append(
            (
                f"plan of 10,000 under {PLAN_WALL_TARGET} s and {PLAN_RSS_TARGET:.0f} MB "
                f"({plan.run.wall:.2f} s, {plan.rss_mb:.0f} MB)",
                plan.run.wall < PLAN_WALL_TARGET and plan.rss_mb < PLAN_RSS_TARGET,
            )
        )
    network = _network_check(results)
    if network is not None:
        checks.append(network)
    planned = [s.as_planned for s in steps]
    checks.append(
        (
            "the plan's `requests` equals what the sandbox counted, at every size and step",
            all(p is True for p in planned),
        )
    )
    if abc:
        checks.append(
            (
                "ABC: reads ÷ lower bound = 1.00 for 1,000 categories and 1,000 issues",
                all(a.reads == a.bound == a.planned for a in abc),
            )
        )
    return [f"- {'✅' if ok else '❌'} {what}" for what, ok in checks] + [""]


def _scaling(points: Sequence[Point]) -> list[str]:
    rows = []
    for kind in dict.fromkeys(p.kind for p in points):
        mine = [p for p in points if p.kind == kind]
        growth = [f"×{b.seconds / a.seconds:.1f}" for a, b in itertools.pairwise(mine)]
        times = ", ".join(f"{p.n:,}: {p.seconds * 1000:.0f} ms" for p in mine)
        rows.append((kind, times, ", ".join(growth)))
    return _table(("resources", "build_plan CPU time by N", "growth per doubling"), rows)


def render(
    results: Sequence[Any],
    paced: Sequence[Paced],
    points: Sequence[Point],
    abc: Sequence[AbcReads],
    help_s: float,
    *,
    load: float = 0.0,
    speed: float = 0.0,
    quick: bool = False,
) -> str:
    mix = results[0].counts if results else {}
    lines = [
        "# Benchmarks",
        "",
        "Regenerate with `python benchmarks/run.py --write` (a few minutes; `--quick` for "
        "sizes 100 and 1,000). Nothing here is part of the test suite; every number below "
        "was measured in the one run that wrote this file.",
        "",
        f"Machine: {machine()}; load average during the run up to {load:.1f}; reference loop "
        f"{speed * 1000:.0f} ms CPU (`measure.reference_loop`, slowest of start and end). The "
        "machine is shared: the same code measured 1.46 s and 1.81 s at different hours, so "
        "compare runs by the reference loop." + (" Quick mode (one run each)." if quick else ""),
        "",
        "## Targets",
        "",
        *_targets(results, paced, help_s, abc),
        "## Requests: API-call economy",
        "",
        "Counted by the sandbox, per CLI run. The read bound is one GET per collection (6), one "
        "member list per managed group that exists, and the user lookups for member emails no "
        "member list shows (`find_by_email` each, or pages of 100 users, whichever is fewer: "
        "an offline optimum, as no client knows which page holds a user; the provider pages "
        "while that can still pay off, which stays within twice the look-ups). "
        "An apply includes the plan it makes first. The last column is what the plan's "
        "`requests` said (`plan --format json`: reads + writes; an apply's is the plan made "
        "just before it, of the same portal) and whether the run sent exactly that. "
        "Spec mix per size: "
        + ", ".join(f"{v:,} {k}" for k, v in mix.items())
        + " at size "
        + (f"{results[0].size:,}" if results else "?")
        + "; the same shares at every size.",
        "",
        *_requests(results),
        "## Latency: plan of the up-to-date portal at 100 ms a request",
        "",
        "The sandbox answers every request 100 ms late (`RECONCILER_SANDBOX_FAULTS=latency=0.1`, "
        "requests side by side still overlap), with one read at a time and with 8 "
        "(`--parallel 8`, the default). Network time is the wall time less that of the same "
        "plan without latency (best of the runs); most in flight is the most requests the "
        "sandbox was handling at once. Reads go in rounds: the tabs alone (the answer tells the "
        "budget), the other collections, then the member lists as soon as the groups are "
        "known (and children of sections, for a portal that lists roots only).",
        "",
        *_latency(results),
        "## Cost of the CLI process",
        "",
        "`reconciler` run in a child process against `--url sandbox:PATH` (the sandbox runs in "
        "the same process, so its SQLite work is included). Wall time is the best of the "
        "repeated runs; peak RSS the highest (from `os.wait4`).",
        "",
        *_cost(results),
        "## Where the time goes: plan of the up-to-date portal",
        "",
        "Imports first (CPU time, not profiled), then the run under cProfile, every thread "
        "(the parallel reads run in worker threads): self time by part, built-in calls "
        "(SQLite, json) charged to their caller. Blocking waits (locks, queues, sleeps: one "
        "thread waiting for another) are `waiting`; the in-process sandbox stands in for the "
        "portal's server (`sandbox`, its SQLite included). Neither is the reconciler's work: "
        "the shares are of the rest (`work`). `reconciler` is the reconciler's own code; "
        "`other` is mostly the standard library (json, logging, urllib, dataclasses). The "
        "profiler inflates the run's total.",
        "",
        *_share(results),
        "## Against a generic per-resource REST provider",
        "",
        "Baseline: a provider as Terraform's are written lists each collection, refreshes "
        "every managed resource with one GET, except memberships, which it reads with one "
        "member list per group (as a real provider would), looks up each member's user once, "
        "and reads each resource back after writing it. "
        f"Minutes at {RATE} requests a minute; projected: the fixed-window limit waits out "
        f"every full window but the last, which runs at an assumed {RTT} s a request.",
        "",
        *_versus(results),
        "## ABC User Feedback: reads of 1,000 categories and 1,000 issues",
        "",
        "A project filled through the sandbox API, a spec naming every category and issue "
        "(the public API only), planned in process at 100 ms a request. The bound: one "
        "request for the categories (a `limit` that covers `totalItems`: walking pages "
        "repeats and skips rows on the real server) and one search per 1,000 issues.",
        "",
        *_abc(abc),
        "## Pacing: apply under 60 requests a minute",
        "",
        "Categories created under the sandbox's fixed-window limit (60 per 60 s, Laravel's "
        "throttle), on a fake clock with 0.25 s per request; plan and apply share the budget. "
        "Floor: (⌈requests/60⌉ − 1) windows, plus the last batch.",
        "",
        *_pacing(paced),
        "## Scaling: plans of N sibling resources",
        "",
        "N top-level sections in one tab, and N categories, already in the portal; the CPU "
        "time of `build_plan` (read, match, diff) in process, best of three. Linear growth is "
        "×2 per doubling; ×4 is quadratic.",
        "",
        *_scaling(points),
    ]
    return "\n".join(lines)


KEPT = "<!-- at_scale.py -->"  # what follows this line in RESULTS.md comes from at_scale.py


def write_results(text: str, path: Path) -> None:
    """Write ``text``, keeping the section at_scale.py wrote (from :data:`KEPT` on)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old[old.index(KEPT) :] if KEPT in old else ""
    path.write_text(text.rstrip("\n") + "\n\n" + kept if kept else text, encoding="utf-8")
