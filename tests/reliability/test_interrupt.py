"""Interrupted applies: Ctrl-C finishes the write in flight and says what was done; after a
SIGKILL the next plan shows exactly what is left, and the next apply finishes it.

``python -m reconciler apply`` runs as a subprocess against a ``sandbox:`` file, slowed by the
sandbox's ``latency`` fault so that the signal lands between two of 200 creates.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import ENV_VARS, Runner

from .portal import direct, duplicates

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

COUNT = 200
CREATED = re.compile(r'^\+ category "(Category \d+)" created')
TIMEOUT = 30.0


def spec_of(tmp_path: Path) -> Path:
    lines = ["version: 1", "categories:"]
    lines += [f"  - name: Category {n:03d}" for n in range(COUNT)]
    path = tmp_path / "portal.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Apply:
    """``reconciler apply`` in a subprocess; stdout lines arrive on a queue as they are written."""

    def __init__(self, spec: Path, db: Path, latency: float = 0.02) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
        env.update(
            PYTHONUNBUFFERED="1", RECONCILER_SANDBOX_FAULTS=f"latency={latency}", COLUMNS="120"
        )
        args = ["apply", str(spec), "--auto-approve", "--url", f"sandbox:{db}"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=spec.parent,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.out: list[str] = []
        assert self.proc.stdout is not None
        self._pump_thread = threading.Thread(
            target=self._pump, args=(self.proc.stdout,), daemon=True
        )
        self._pump_thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_created(self, count: int) -> None:
        """Block until ``count`` creates were reported (fails if the run ends first)."""
        seen = 0
        while seen < count:
            line = self.lines.get(timeout=TIMEOUT)
            assert line is not None, "apply ended before it was interrupted"
            self.out.append(line)
            seen += bool(CREATED.match(line))

    def finish(self) -> tuple[int, str, str]:
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        code = self.proc.wait(timeout=TIMEOUT)
        while (line := self.lines.get(timeout=TIMEOUT)) is not None:
            self.out.append(line)
        return code, "".join(self.out), err

    def close(self) -> None:
        """Kill the run if it still goes, and close its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=TIMEOUT)
        self._pump_thread.join(timeout=TIMEOUT)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[Path, Path, list[Apply]]]:
    runs: list[Apply] = []
    yield spec_of(tmp_path), tmp_path / "portal.db", runs
    for run in runs:
        run.close()


def categories(db: Path) -> list[str]:
    with direct(db) as api:
        response = api.get("categories")
        return sorted(c["name"] for c in response.json()["data"])


def left_to_create(run: Runner, spec: Path, db: Path) -> list[str]:
    result = run("plan", spec, "--format", "json", "--url", f"sandbox:{db}")
    assert result.code == 0, result.err
    changes = json.loads(result.out)["changes"]
    assert {c["action"] for c in changes} <= {"create"}
    return sorted(c["name"] for c in changes)


def finish_and_check(run: Runner, spec: Path, db: Path) -> None:
    assert run("apply", spec, "--auto-approve", "--url", f"sandbox:{db}").code == 0
    assert run("plan", spec, "--detailed-exitcode", "--url", f"sandbox:{db}").code == 0
    assert len(categories(db)) == COUNT
    assert duplicates(db) == []


def test_ctrl_c_finishes_the_write_in_flight_and_reports(
    run: Runner, started: tuple[Path, Path, list[Apply]]
) -> None:
    spec, db, runs = started
    runs.append(apply := Apply(spec, db))
    apply.wait_for_created(5)
    apply.proc.send_signal(signal.SIGINT)
    code, out, err = apply.finish()

    assert code == 1, err
    assert "Traceback" not in err
    assert "Interrupted: finishing the write in flight, then stopping" in err
    found = re.search(r"^Error: interrupted: (\d+) of 200 changes applied, (\d+) not$", err, re.M)
    assert found, err
    done = int(found[1])
    assert done + int(found[2]) == COUNT
    reported = [m[1] for line in out.splitlines() if (m := CREATED.match(line))]
    assert 5 <= done < COUNT
    assert len(reported) == done  # every write that was made was reported, and no other
    assert categories(db) == sorted(reported)
    assert "reconciler plan" in err  # the hint says how to see what is left
    assert left_to_create(run, spec, db) == sorted(
        f"Category {n:03d}" for n in range(COUNT) if f"Category {n:03d}" not in reported
    )
    finish_and_check(run, spec, db)


def test_second_ctrl_c_stops_at_once_without_a_traceback(
    run: Runner, started: tuple[Path, Path, list[Apply]]
) -> None:
    spec, db, runs = started
    runs.append(apply := Apply(spec, db, latency=0.1))
    apply.wait_for_created(3)
    apply.proc.send_signal(signal.SIGINT)
    apply.proc.send_signal(signal.SIGINT)
    code, _, err = apply.finish()
    assert code == 1, err
    assert "Traceback" not in err
    assert "Error: interrupted" in err
    made = categories(db)
    assert left_to_create(run, spec, db) == sorted(
        f"Category {n:03d}" for n in range(COUNT) if f"Category {n:03d}" not in made
    )
    finish_and_check(run, spec, db)


def test_after_sigkill_the_plan_shows_exactly_what_is_left(
    run: Runner, started: tuple[Path, Path, list[Apply]]
) -> None:
    spec, db, runs = started
    runs.append(apply := Apply(spec, db))
    apply.wait_for_created(20)
    apply.proc.kill()
    apply.proc.wait(timeout=TIMEOUT)

    made = categories(db)
    assert 20 <= len(made) < COUNT
    left = left_to_create(run, spec, db)
    assert len(left) + len(made) == COUNT
    assert set(left).isdisjoint(made)
    assert duplicates(db) == []
    finish_and_check(run, spec, db)
