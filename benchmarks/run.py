"""Measure the reconciler at scale against the sandbox portal.

    python benchmarks/run.py                      # sizes 100,1000,10000; best of 3 runs
    python benchmarks/run.py --quick              # sizes 100,1000; one run each
    python benchmarks/run.py --sizes 500 --write  # and rewrite benchmarks/RESULTS.md
    python benchmarks/at_scale.py --size 100000   # the up-to-date plan at 100,000 (A/B: --before)

Per size: a fresh sandbox (a file in a temp dir, no rate limit) with enough demo users, a
spec of that many resources (see workload.py), then, each with the ``reconciler`` CLI in a
child process (``--url sandbox:PATH``): plan of the empty portal, bootstrap apply, plan of
the up-to-date portal (timed, then profiled, then at 100 ms a request with 1 and with 8
reads at once), 1% drift made through the sandbox API, plan after drift, the apply that
repairs it and a last plan that must be empty. Each plan's ``requests`` is checked against
what the sandbox counted. Then an apply paced under a 60-a-minute limit on a fake clock
(paced.py), and the reads of an ABC project of 1,000 categories and 1,000 issues (abc.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from abc_reads import AbcReads, abc_reads
from economy import baseline, read_lower_bound
from measure import Run, best, own_share, reference_loop, run_cli, spawn
from paced import Paced, paced_apply
from report import Latency, Step, render, write_results
from scaling import Point, scaling
from workload import build, drift, seed_users

HERE = Path(__file__).resolve().parent
LATENCY = 0.1  # seconds a request, for the latency rows
PARALLEL = (1, 8)  # reads at once, for the latency rows


@dataclass
class SizeResult:
    size: int
    counts: dict[str, int]
    users: int
    steps: list[Step] = field(default_factory=list)
    share: dict[str, float] = field(default_factory=dict)
    import_cpu: float = 0.0
    drift_edits: int = 0
    latency: list[Latency] = field(default_factory=list)


class Bench:
    """One size: a fresh sandbox with its users, a spec, and the CLI runs against them."""

    def __init__(self, size: int, root: Path, repeat: int) -> None:
        self.work = build(size)
        self.where = root / str(size)
        self.where.mkdir(parents=True)
        self.spec = str(self.work.write(self.where / "portal.yaml"))
        self.db = self.where / "sandbox.db"
        seed_users(self.db, self.work.users)
        self.repeat = repeat
        self.result = SizeResult(size, self.work.counts, len(self.work.users))
        spec_groups = self.work.spec["groups"]
        self.users = len({m for g in spec_groups for m in g.get("members") or ()})
        self.planned: dict[str, Any] | None = None  # the last JSON plan's requests

    def plan(self, expect: int, fmt: str = "json", env: dict[str, str] | None = None) -> Run:
        args = ["plan", self.spec, "--url", f"sandbox:{self.db}", "--format", fmt]
        args.append("--detailed-exitcode")
        run = run_cli(args, self.where, expect=(expect,), env_extra=env)
        if fmt == "json":
            self.planned = run.json().get("requests")
        return run

    def apply(self) -> Run:
        args = ["apply", self.spec, "--url", f"sandbox:{self.db}", "--auto-approve"]
        return run_cli(args, self.where)

    def step(self, name: str, runs: list[Run], changes: int, managed: bool) -> None:
        """``managed``: the portal holds the spec's resources (a baseline refreshes them)."""
        run = best(runs)
        writes = changes if "apply" in name else 0
        self.result.steps.append(
            Step(
                name=name,
                run=run,
                changes=changes,
                read_bound=read_lower_bound(self.db, self.work),
                baseline=baseline(self.work, writes, managed=managed),
                rss_mb=max(r.rss_mb for r in runs),
                planned=self.planned,
            )
        )

    def bootstrap(self) -> None:
        self.plan(2)  # warm-up: compiles and caches the bytecode, fills the OS file cache
        empty = self.plan(2)
        changes = len(empty.json()["changes"])
        self.step("plan, empty portal", [empty], changes, False)
        bound = read_lower_bound(self.db, self.work)  # before the apply changes the portal
        boot = self.apply()  # the plan it makes first is the one just made: same requests
        self.step("bootstrap apply", [boot], changes, False)
        self.result.steps[-1].read_bound = bound

    def up_to_date(self) -> None:
        runs = [self.plan(0, "text") for _ in range(self.repeat)]
        self.plan(0)  # for its requests
        self.step("plan, up to date", runs, 0, True)
        args = ["plan", self.spec, "--url", f"sandbox:{self.db}"]
        profiled = run_cli(args, self.where, profile=self.where / "plan.prof")
        self.result.share = own_share(self.where / "plan.prof")
        self.result.import_cpu = profiled.import_cpu
        for parallel in PARALLEL:
            env = {"RECONCILER_SANDBOX_FAULTS": f"latency={LATENCY}"}
            env["RECONCILER_PARALLEL"] = str(parallel)
            slow = best([self.plan(0, env=env) for _ in range(min(self.repeat, 2))])
            fast = best(runs)
            self.result.latency.append(Latency(parallel, slow, fast.wall, self.planned))

    def drifted(self) -> None:
        self.result.drift_edits = edits = drift(self.db)
        runs = [self.plan(2) for _ in range(self.repeat)]
        changes = len(runs[0].json()["changes"])
        if changes != edits:
            print(f"  warning: {edits} edits made, but the plan shows {changes} changes")
        self.step("plan after 1% drift", runs, changes, True)
        bound = read_lower_bound(self.db, self.work)
        self.step("apply of the drift", [self.apply()], changes, True)
        self.result.steps[-1].read_bound = bound
        self.plan(0)  # converged: the plan after the apply is empty (exit 0, not 2)


def bench_size(size: int, root: Path, repeat: int) -> SizeResult:
    bench = Bench(size, root, repeat)
    print(f"[{size}] plan of the empty portal, bootstrap apply")
    bench.bootstrap()
    print(f"[{size}] plan of the up-to-date portal x{repeat}, then profiled")
    bench.up_to_date()
    print(f"[{size}] 1% drift, plan x{repeat}, repair, re-plan")
    bench.drifted()
    return bench.result


def help_time(repeat: int) -> float:
    """Best wall time of ``reconciler --help`` (the console script next to this Python)."""
    script = Path(sys.executable).with_name("reconciler")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "reconciler"]
    return min(spawn([*argv, "--help"], HERE).wall for _ in range(max(repeat, 5)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="resource counts (comma list)")
    parser.add_argument("--quick", action="store_true", help="sizes 100,1000; one run each")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per plan (best kept)")
    parser.add_argument("--write", action="store_true", help="rewrite benchmarks/RESULTS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (specs, DBs)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes, args.repeat = [s for s in sizes if s <= 1000] or [100], 1
    root = Path(tempfile.mkdtemp(prefix="reconciler-bench-"))
    load, speed = os.getloadavg()[0], reference_loop()
    try:
        results = [bench_size(size, root, args.repeat) for size in sizes]
        print("[pacing] apply under 60 a minute, fake clock")
        paced: list[Paced] = [paced_apply(n, root) for n in ((130,) if args.quick else (130, 1000))]
        print("[scaling] plans of N sibling sections and N categories")
        points: list[Point] = scaling(root, (500, 1000) if args.quick else (1000, 2000, 4000))
        print("[abc] reads of 1,000 categories and 1,000 issues")
        abc: list[AbcReads] = abc_reads(root, 1000, 1000, latency=LATENCY)
        help_s = help_time(args.repeat)
        load, speed = max(load, os.getloadavg()[0]), max(speed, reference_loop())
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    text = render(results, paced, points, abc, help_s, load=load, speed=speed, quick=args.quick)
    print(text)
    if args.write:
        out = HERE / "RESULTS.md"
        write_results(text, out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
