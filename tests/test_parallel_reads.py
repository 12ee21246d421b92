"""ProductLift reads side by side: the same plan, byte for byte, as one read at a time.

The sandbox is wrapped in a transport that holds each answer back a random (seeded) moment,
so answers arrive in another order than the requests went out, and that counts the requests
in flight. ``roots_only`` makes ``GET sections`` list root sections only, as some portals do,
so the children are read level by level.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from reconciler.connect import Target, open_provider
from reconciler.engine import apply_plan, build_plan
from reconciler.errors import TargetError
from reconciler.http import PARALLEL_VARIABLE
from reconciler.providers.productlift import ProductLift
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.sandbox import Sandbox
from reconciler.render import render_json

from .engine_helpers import spec_of
from .shuffled import Shuffled

GROUPS = [
    {"name": f"Cohort {n}", "description": f"Wave {n}", "members": members}
    for n, members in enumerate(
        [["alice@example.com", "bob@example.com"], ["carol@example.com"], ["dave@example.com"]]
    )
]
SECTIONS = [
    {
        "title": f"Area {n}",
        "tab": "roadmap",
        "description": f"Area {n}",
        "sections": [
            {"title": f"Stream {n}.{i}", "sections": [{"title": f"Topic {n}.{i}"}]}
            for i in range(3)
        ],
    }
    for n in range(3)
]
APPLIED: dict[str, Any] = {
    "tabs": [{"slug": "roadmap"}, {"slug": "wish-list"}],
    "categories": [{"name": f"Category {n}", "color": "#ABDEE6"} for n in range(6)],
    "statuses": [{"name": "Planned", "color": "#B3E5FC", "tab": "roadmap"}],
    "tags": [f"tag-{n}" for n in range(5)],
    "sections": SECTIONS,
    "groups": GROUPS,
}
# what the plans compare against: an edit of each kind, members moved, a nested section
# renamed, more members to look up
EDITED: dict[str, Any] = {
    **APPLIED,
    "categories": [{"name": f"Category {n}", "color": "#FFAEA5"} for n in range(0, 8, 2)],
    "tags": [f"tag-{n}" for n in range(2, 8)],
    "sections": [
        {**SECTIONS[0], "description": "edited"},
        {
            **SECTIONS[1],
            "sections": [
                {"title": "Stream 1.0 renamed", "renamed_from": ["Stream 1.0"]},
                *SECTIONS[1]["sections"][1:],
            ],
        },
        SECTIONS[2],
    ],
    "groups": [
        {**GROUPS[0], "members": ["alice@example.com", "erin@example.com"]},
        {**GROUPS[1], "members": ["carol@example.com", "bob@example.com", "dave@example.com"]},
        GROUPS[2],
    ],
}


@pytest.fixture
def portal_db(tmp_path: Path) -> Path:
    """A sandbox portal holding APPLIED."""
    db = tmp_path / "portal.db"
    with Sandbox(db, rate_limit=None) as box:
        client = Client(
            "http://sandbox.local", None, transport=box.transport(), allow_insecure=True
        )
        with closing(ProductLift(client, "sandbox:test")) as provider:
            apply_plan(build_plan(spec_of(APPLIED), provider), provider)
    return db


def plan_through(
    db: Path, parallel: int, seed: int = 0, *, roots_only: bool = False, everything: bool = False
) -> tuple[str, Shuffled]:
    """The JSON plan of EDITED against the portal at ``db``, read ``parallel`` at a time."""
    with Sandbox(db, rate_limit=None) as box:
        transport = Shuffled(box.transport(), seed, roots_only)
        client = Client("http://sandbox.local", None, transport=transport, allow_insecure=True)
        with closing(ProductLift(client, "sandbox:test", parallel=parallel)) as provider:
            if everything:
                desired = provider.product.desired(spec_of(EDITED))
                state = provider.read(type(desired)(desired.resources, everything=True))
                return repr(sorted(map(repr, state.all()))), transport
            return render_json(build_plan(spec_of(EDITED), provider)), transport


@pytest.mark.parametrize("roots_only", [False, True], ids=["sections-listed", "roots-only"])
def test_parallel_reads_plan_byte_for_byte_what_serial_reads_plan(
    portal_db: Path, roots_only: bool
) -> None:
    serial, one = plan_through(portal_db, 1, roots_only=roots_only)
    assert one.most == 1
    plan = json.loads(serial)
    assert plan["changes"], "the plan compares something"
    for seed in range(4):
        parallel, many = plan_through(portal_db, 8, seed, roots_only=roots_only)
        assert parallel == serial
        assert 1 < many.most <= 8
        assert sorted(many.order) == sorted(one.order)  # the same requests, no more
    if roots_only:
        assert any("/children" in line for line in one.order)


def test_export_reads_the_same_portal_whatever_order_answers_arrive_in(portal_db: Path) -> None:
    serial, one = plan_through(portal_db, 1, roots_only=True, everything=True)
    for seed in range(3):
        parallel, many = plan_through(portal_db, 8, seed, roots_only=True, everything=True)
        assert parallel == serial
        assert sorted(many.order) == sorted(one.order)


@pytest.mark.parametrize("bound", [2, 3])
def test_never_more_reads_in_flight_than_the_setting(portal_db: Path, bound: int) -> None:
    _, transport = plan_through(portal_db, bound, seed=5, roots_only=True)
    assert 1 < transport.most <= bound


class WaitClock:
    """Monotonic seconds that move only when a thread waits for the window, as a real clock
    would: after the requests in flight are answered (a minute outlasts them), and to the
    end of the wait counted from when that thread last read the clock (threads that wait at
    once for the same window wait it once)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()
        self.seen = threading.local()
        self.transport: Shuffled | None = None

    def __call__(self) -> float:
        self.seen.now = self.now
        return self.now

    def sleep(self, seconds: float) -> None:
        while self.transport is not None and self.transport.in_flight:
            time.sleep(0.001)
        with self.lock:
            self.now = max(self.now, getattr(self.seen, "now", self.now) + seconds)


def test_parallel_reads_within_a_tight_rate_limit_get_no_429(portal_db: Path) -> None:
    """5 requests a minute, 8 reads allowed at once: never more in flight than the portal
    says are left, so it never answers 429; the reads wait for the window instead."""
    clock = WaitClock()
    with Sandbox(portal_db, rate_limit=5, window=60.0, clock=clock) as box:
        transport = clock.transport = Shuffled(box.transport(), 1, roots_only=True)
        client = Client(
            "http://sandbox.local", None, transport=transport, allow_insecure=True,
            clock=clock, sleep=clock.sleep, deadline=1e9,
        )  # fmt: skip
        with closing(ProductLift(client, "sandbox:test", parallel=8)) as provider:
            plan = build_plan(spec_of(EDITED), provider)
    assert client.throttled == 0
    assert 1 < transport.most <= 5
    assert client.waited >= 60  # the budget ran out: the reads waited for the next window
    assert plan.requests is not None
    assert plan.requests.reads == client.counts["GET"] > 5
    serial = json.loads(plan_through(portal_db, 1, roots_only=True)[0])
    assert json.loads(render_json(plan))["changes"] == serial["changes"]


def test_the_setting_comes_from_the_environment(tmp_path: Path) -> None:
    target = Target(f"sandbox:{tmp_path / 'p.db'}", tmp_path / "p.db")
    with closing(open_provider(target, env={PARALLEL_VARIABLE: "3"})) as provider:
        assert isinstance(provider, ProductLift)
        assert provider.parallel == 3
    with closing(open_provider(target, env={})) as provider:
        assert isinstance(provider, ProductLift)
        assert provider.parallel == 8
    for bad in ("0", "-2", "many", "1.5"):
        with pytest.raises(TargetError, match=PARALLEL_VARIABLE):
            open_provider(target, env={PARALLEL_VARIABLE: bad})
