"""The plan of an up-to-date portal at one large size: wall, CPU, peak RSS, own-code share.

    python benchmarks/at_scale.py --size 100000                  # this checkout
    python benchmarks/at_scale.py --size 100000 --before DIR     # A/B: DIR/reconciler too
    python benchmarks/at_scale.py --size 100000 --portal DIR     # reuse (or keep) the portal

The portal is the workload of run.py (workload.py) at ``--size`` resources, made by a
bootstrap ``apply`` (minutes at 100,000; ``--portal DIR`` keeps it for the next run). Then
the plan of the up-to-date portal, ``--repeat`` times per variant, the variants interleaved
so that both see the same machine load; then each once under cProfile for the share of time
per part (as run.py measures it). ``--before DIR`` runs the reconciler in ``DIR/reconciler``
(a copy of the code before a change) against the same portal and spec, for an A/B in one run.
Prints a Markdown table; the reference loop is measured at the start and at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import APART, Run, best, own_share, percentages, reference_loop, run_cli
from workload import build, seed_users

PARTS = ("reconciler", "pydantic", "yaml", "httpx", "tenacity")


@dataclass
class Variant:
    name: str
    package: Path  # the directory holding the ``reconciler`` package it runs
    runs: list[Run] = field(default_factory=list)
    share: dict[str, float] = field(default_factory=dict)
    stdout: str = ""

    def env(self) -> dict[str, str]:
        old = os.environ.get("PYTHONPATH")
        path = str(self.package) + (os.pathsep + old if old else "")
        return {"PYTHONPATH": path}


def make_portal(size: int, where: Path) -> tuple[Path, Path]:
    """The spec and sandbox DB of an up-to-date portal of ``size`` resources in ``where``."""
    spec, db = where / "portal.yaml", where / "sandbox.db"
    if spec.exists() and db.exists():
        return spec, db
    work = build(size)
    work.write(spec)
    seed_users(db, work.users)
    print(f"[{size}] bootstrap apply (minutes at 100,000)", flush=True)
    run_cli(["apply", str(spec), "--url", f"sandbox:{db}", "--auto-approve"], where)
    return spec, db


def measure(variants: list[Variant], spec: Path, db: Path, where: Path, repeat: int) -> None:
    args = ["plan", str(spec), "--url", f"sandbox:{db}"]
    for v in variants:  # warm-up: bytecode cached, OS file cache filled
        v.stdout = run_cli(args, where, env_extra=v.env()).stdout
    for i in range(repeat):
        for v in variants:
            print(f"  {v.name} run {i + 1}", flush=True)
            v.runs.append(run_cli(args, where, env_extra=v.env()))
    for v in variants:
        prof = where / f"{v.name}.prof"
        run_cli(args, where, profile=prof, env_extra=v.env())
        v.share = own_share(prof, package=str(v.package / "reconciler"))


def render(variants: list[Variant], size: int, speed: float, load: float) -> str:
    head = ["code", "wall s", "CPU s", "peak RSS MB", "waiting s", "sandbox s", "work s"]
    head += [*PARTS, "other"]
    lines = [
        f"Plan of the up-to-date {size:,}-resource portal; best of {len(variants[0].runs)} "
        f"runs, peak RSS the highest; reference loop {speed * 1000:.0f} ms; load up to "
        f"{load:.1f}.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    for v in variants:
        run = best(v.runs)
        work, parts, rest = percentages(v.share, PARTS)
        cells = [
            v.name,
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            f"{max(r.rss_mb for r in v.runs):.0f}",
        ]
        cells += [*(f"{v.share.get(p, 0.0):.2f}" for p in APART), f"{work:.2f}"]
        lines.append("| " + " | ".join([*cells, *parts, rest]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="resources in the portal")
    parser.add_argument("--repeat", type=int, default=3, help="timed plans per variant")
    parser.add_argument("--before", type=Path, help="a directory holding the code to compare")
    parser.add_argument("--portal", type=Path, help="where the portal is made (and kept)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    where = args.portal or Path(tempfile.mkdtemp(prefix="reconciler-at-scale-"))
    where.mkdir(parents=True, exist_ok=True)
    spec, db = make_portal(args.size, where)
    load, speed = os.getloadavg()[0], reference_loop()
    here = Path(__file__).resolve().parent.parent
    variants = [Variant("before", args.before.resolve())] if args.before else []
    variants.append(Variant("after" if args.before else "this", here))
    measure(variants, spec, db, where, args.repeat)
    load, speed = max(load, os.getloadavg()[0]), max(speed, reference_loop())
    if args.before and variants[0].stdout != variants[1].stdout:
        print("warning: the two plans differ")
    print(render(variants, args.size, speed, load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
