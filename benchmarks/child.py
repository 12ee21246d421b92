"""Run the reconciler CLI in this process and record what the sandbox saw.

    python benchmarks/child.py STATS.json [--profile OUT.prof] -- plan spec.yaml --url sandbox:DB

It calls the same entry point as the ``reconciler`` console script (``reconciler.cli.main``);
the only addition is a wrapper around ``Sandbox.handle`` that counts requests by method,
route and answer status, and the most handled at once (the sandbox's latency fault waits
inside ``handle``, so that is the most requests in flight), written to STATS.json when the
process exits. With ``--profile``
the modules the CLI needs are imported first (their CPU time goes to STATS.json as
``import_cpu``), then the CLI runs under cProfile: the main thread and every thread it
starts (the parallel reads run in worker threads), each with its own profiler, merged into
one dump.
"""

from __future__ import annotations

import atexit
import cProfile
import importlib
import json
import pstats
import sys
import threading
import time
from collections import Counter
from typing import Any

# What `plan` and `apply` import, mostly inside the command: imported before profiling, so
# the profile shows the work and the import time is measured apart (CPU, unprofiled).
MODULES = (
    "reconciler.cli",
    "reconciler.engine",
    "reconciler.loader",
    "reconciler.connect",
    "reconciler.render",
    "reconciler.sandbox.transport",
    "rich.console",
)


def _record(path: str, extra: dict[str, Any]) -> None:
    from reconciler.providers.productlift.sandbox import core

    seen: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    flight = {"now": 0, "most": 0}
    lock = threading.Lock()
    original = core.Sandbox.handle

    def handle(self: core.Sandbox, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        with lock:
            flight["now"] += 1
            flight["most"] = max(flight["most"], flight["now"])
        try:
            reply = original(self, method, path, *args, **kwargs)
        finally:
            with lock:
                flight["now"] -= 1
        with lock:
            statuses[reply.status] += 1
            seen[method.upper()] += 1
        return reply

    core.Sandbox.handle = handle  # type: ignore[method-assign, assignment]

    def dump() -> None:
        doc: dict[str, Any] = {
            "methods": dict(seen),
            "statuses": {str(k): v for k, v in statuses.items()},
            "most_in_flight": flight["most"],
        }
        doc.update(extra)
        with open(path, "w", encoding="utf-8") as out:
            json.dump(doc, out)

    atexit.register(dump)


def main(argv: list[str]) -> None:
    stats, rest = argv[0], argv[1:]
    profile = None
    if rest[:1] == ["--profile"]:
        profile, rest = rest[1], rest[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if profile is None:
        _record(stats, {})
        from reconciler.cli import main as cli_main

        cli_main(rest)
        return
    start = time.process_time()
    for name in MODULES:
        importlib.import_module(name)
    _record(stats, {"import_cpu": time.process_time() - start})
    from reconciler.cli import main as cli_main

    _libyaml_visible()
    profiler = cProfile.Profile()
    workers = _profile_threads()
    profiler.enable()
    try:
        cli_main(rest)
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    finally:
        profiler.disable()
        merged = pstats.Stats(profiler)
        for worker in workers:
            merged.add(worker)
        merged.dump_stats(profile)
    sys.exit(code)


def _libyaml_visible() -> None:
    """Call libyaml's event parser through a Python function of ours, named
    :data:`measure.LIBYAML`: cProfile records no call of a Cython 3 function (the C
    loader's ``get_event``), so libyaml's time would land in whoever calls it, the spec
    reader. The stand-in's time is libyaml's (and its own call, a small overcount)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:  # no libyaml: the pure-Python parser is visible anyway
        return
    parse = loader.get_event

    def libyaml_get_event(self: Any) -> Any:
        return parse(self)

    loader.get_event = libyaml_get_event


def _profile_threads() -> list[cProfile.Profile]:
    """Run every thread started from now on under a profiler of its own; the list fills as
    threads start (a thread's profile is complete once it has ended)."""
    profilers: list[cProfile.Profile] = []
    run = threading.Thread.run

    def profiled(self: threading.Thread) -> None:
        profiler = cProfile.Profile()
        profilers.append(profiler)
        profiler.runcall(run, self)

    threading.Thread.run = profiled  # type: ignore[method-assign]
    return profilers


if __name__ == "__main__":
    main(sys.argv[1:])
