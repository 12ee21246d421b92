"""Run the CLI as a child process and measure it: wall time, CPU, peak RSS, requests.

Peak RSS comes from ``os.wait4`` (the rusage of exactly that child); requests from the
sandbox, as :mod:`child` records them. :func:`own_share` reads a cProfile dump and splits
the time between the reconciler's own code, the sandbox and the libraries.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHILD = HERE / "child.py"
# Where the reconciler that child processes import lives (a patched copy on PYTHONPATH, or
# this checkout), so that the profile knows its files.
PACKAGE = str(Path(importlib.util.find_spec("reconciler").origin or HERE).parent)  # type: ignore[union-attr]
# Bytecode is cached, as in an installed package; no configured target, no sandbox faults.
CLEARED = (
    "PYTHONDONTWRITEBYTECODE",
    "PRODUCTLIFT_URL",
    "PRODUCTLIFT_TOKEN",
    "RECONCILER_SANDBOX_RATE_LIMIT",
    "RECONCILER_SANDBOX_FAULTS",
    "RECONCILER_PARALLEL",
)
LIBRARIES = ("pydantic", "yaml", "httpx", "httpcore", "deepdiff", "tenacity", "rich", "click")


@dataclass
class Run:
    """One CLI run: its exit code, output, and what it cost."""

    code: int
    wall: float  # seconds
    cpu: float  # user + system seconds
    rss_mb: float  # peak resident set size
    stdout: str
    stderr: str
    methods: dict[str, int] = field(default_factory=dict)  # requests by HTTP method
    statuses: dict[str, int] = field(default_factory=dict)  # answers by status
    import_cpu: float = 0.0  # with a profile: CPU seconds importing, before it
    most_in_flight: int = 0  # requests the sandbox handled at once, at most

    @property
    def reads(self) -> int:
        return self.methods.get("GET", 0)

    @property
    def writes(self) -> int:
        return sum(n for m, n in self.methods.items() if m != "GET")

    @property
    def requests(self) -> int:
        return sum(self.methods.values())

    def json(self) -> Any:
        return json.loads(self.stdout)


def spawn(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``argv`` and wait for it with ``os.wait4``, so its own rusage is known."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            code=process.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def run_cli(
    args: list[str],
    cwd: Path,
    *,
    profile: Path | None = None,
    expect: tuple[int, ...] = (0,),
    env_extra: dict[str, str] | None = None,
) -> Run:
    """``reconciler ARGS`` in a child process (``env_extra`` added to its environment);
    fails loudly on an unexpected exit code."""
    stats = cwd / "stats.json"
    stats.unlink(missing_ok=True)
    extra = ["--profile", str(profile)] if profile else []
    env = dict(os.environ)
    for name in CLEARED:
        env.pop(name, None)
    env.update(env_extra or {})
    result = spawn([sys.executable, str(CHILD), str(stats), *extra, "--", *args], cwd, env)
    if result.code not in expect:
        raise RuntimeError(
            f"reconciler {' '.join(args)} exited {result.code}:\n{result.stderr[-2000:]}"
        )
    if stats.exists():
        doc = json.loads(stats.read_text(encoding="utf-8"))
        result.methods, result.statuses = doc["methods"], doc["statuses"]
        result.import_cpu = doc.get("import_cpu", 0.0)
        result.most_in_flight = doc.get("most_in_flight", 0)
    return result


def best(runs: list[Run]) -> Run:
    """The fastest of repeated runs (the least disturbed by other load on the machine)."""
    return min(runs, key=lambda r: r.wall)


# child.py's stand-in for libyaml's event parser (a Cython function cProfile does not see).
LIBYAML = "libyaml_get_event"


def bucket(filename: str, package: str = PACKAGE, name: str = "") -> str:
    """Which part of the program a source file (and function ``name`` in it) belongs to
    (``package``: where the reconciler's files are)."""
    if name == LIBYAML:
        return "yaml"
    if filename.startswith(package):
        return "sandbox" if "/sandbox/" in filename else "reconciler"
    for name in LIBRARIES:
        if f"/{name}/" in filename or f"/_{name}" in filename:
            return "httpx" if name == "httpcore" else name
    if "importlib" in filename or filename.startswith("<frozen"):
        return "imports"
    return "other"


# C methods of a library's own extension types (libyaml's parser, pydantic-core's
# validators): charged to that library whoever calls them.
BUILTIN_LIBRARIES = (("of '_yaml.", "yaml"), ("pydantic_core", "pydantic"))


def builtin_of(name: str) -> str | None:
    """The library a built-in function belongs to, when its name says so."""
    return next((lib for sign, lib in BUILTIN_LIBRARIES if sign in name), None)


# The file name of code made at run time with exec: a dataclass's __init__, a namedtuple's
# __new__. Such code is its caller's.
GENERATED = "<string>"


# Built-ins that block, waiting for another thread, a lock or the clock: idle time, not
# work. A thread waiting for the reads of others would otherwise count their time twice.
WAITS = (
    "of '_thread.lock' objects",
    "of '_thread.RLock' objects",
    "of '_queue.SimpleQueue' objects",
    "time.sleep",
    "select.",
)


def own_share(profile: Path, package: str = PACKAGE) -> dict[str, float]:
    """Seconds of self time per part, from a cProfile dump (``package``: the directory of
    the reconciler that ran, when not this one), every thread's summed.

    Built-in functions (C code: SQLite calls, json, regexes) and generated code (a
    dataclass's ``__init__``) are charged to the part that called them, split by the time
    each caller spent in them; so SQLite counts as sandbox.
    Methods of a library's extension types (:data:`BUILTIN_LIBRARIES`) count as the library.
    Blocking waits (:data:`WAITS`) go to ``waiting``, which is not work: shares leave it out.
    Standard-library time spent on the sandbox's behalf (its ``json.dumps``) is the
    sandbox's, found through the callers.
    """
    stats = pstats.Stats(str(profile))
    parts: Counter[str] = Counter()
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for_sandbox = _on_behalf(raw, package)
    for key, (_cc, _nc, tottime, _ct, callers) in raw.items():
        filename, _line, name = key
        if filename == "~" and any(sign in name for sign in WAITS):
            parts["waiting"] += tottime
            continue
        if filename == "~" and (library := builtin_of(name)) is not None:
            parts[library] += tottime
            continue
        if (filename != "~" and filename != GENERATED) or not callers:
            part = bucket(filename, package, name)
            share = for_sandbox(key) if part == "other" else 0.0
            parts["sandbox"] += tottime * share
            parts[part] += tottime * (1 - share)
            continue
        edge_total = sum(edge[2] for edge in callers.values()) or 1.0
        for caller, edge in callers.items():
            part = bucket(caller[0], package, caller[2])
            time_here = tottime * edge[2] / edge_total
            share = for_sandbox(caller) if part == "other" else 0.0
            parts["sandbox"] += time_here * share
            parts[part] += time_here * (1 - share)
    return dict(parts)


def _on_behalf(raw: dict[Any, Any], package: str) -> Any:
    """For a function of no part (the standard library), the share of its time spent on the
    sandbox's behalf: through its callers, by the time each spent in it."""
    known: dict[Any, float] = {}

    def share(key: Any) -> float:
        if key in known:
            return known[key]
        known[key] = 0.0  # a cycle adds nothing
        callers = raw.get(key, (0, 0, 0.0, 0.0, {}))[4]
        total = sum(edge[2] for edge in callers.values())
        found = 0.0
        for caller, edge in callers.items():
            part = "other" if caller[0] == "~" else bucket(caller[0], package, caller[2])
            weight = 1.0 if part == "sandbox" else share(caller) if part == "other" else 0.0
            found += edge[2] * weight
        known[key] = found / total if total else 0.0
        return known[key]

    return share


# Not the reconciler's work: threads waiting, and the sandbox, which stands in for the
# portal's server (in a real run that time is the server's, on another machine).
APART = ("waiting", "sandbox")


def percentages(share: dict[str, float], parts: tuple[str, ...]) -> tuple[float, list[str], str]:
    """From :func:`own_share`'s seconds: the reconciler process's work (all but
    :data:`APART`), each of ``parts`` as a percentage of it, and the rest (``other``)."""
    work = sum(share.values()) - sum(share.get(p, 0.0) for p in APART) or 1.0
    cells = [f"{100 * share.get(p, 0.0) / work:.0f}%" for p in parts]
    rest = work - sum(share.get(p, 0.0) for p in parts)
    return work, cells, f"{100 * rest / work:.0f}%"


def reference_loop(repeat: int = 5) -> float:
    """CPU seconds of a fixed pure-Python task (best of ``repeat``): how fast the machine was
    during the run, so that runs on a shared machine can be compared."""
    best_s = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        table: dict[int, str] = {}
        for i in range(300_000):
            table[i % 1000] = str(i * i)
        best_s = min(best_s, time.process_time() - start)
    return best_s
