"""Reads side by side: results in the order given, and never more in flight than the budget."""

from __future__ import annotations

import threading
import time
from functools import partial

import httpx
import pytest

from reconciler.errors import ApiError
from reconciler.http import fetch_all

from .conftest import FakeClock, MakeClient, Portal


def test_results_come_in_the_order_given_whatever_order_they_finish_in() -> None:
    gates = [threading.Event() for _ in range(6)]

    def call(n: int) -> int:
        gates[n].wait(5)  # each waits for the one after it: they finish last-first
        if n > 0:
            gates[n - 1].set()
        return n * 10

    gates[-1].set()
    assert fetch_all([partial(call, n) for n in range(6)], parallel=6) == [0, 10, 20, 30, 40, 50]


def test_the_first_failure_in_the_given_order_is_raised_and_the_rest_not_started() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def call(n: int) -> int:
        with lock:
            started.append(n)
        if n in (1, 2):
            time.sleep(0.01 * (3 - n))  # 2 fails first, then 1
            raise ValueError(f"call {n}")
        time.sleep(0.005)
        return n

    with pytest.raises(ValueError, match="call 1"):
        fetch_all([partial(call, n) for n in range(40)], parallel=3)
    assert len(started) < 40


def test_one_call_or_one_worker_runs_in_this_thread() -> None:
    here = threading.get_ident()
    assert fetch_all([threading.get_ident], parallel=8) == [here]
    assert fetch_all([threading.get_ident] * 3, parallel=1) == [here] * 3


class BudgetPortal:
    """Allows ``limit`` requests per 60 s window on the fake clock; counts overlaps."""

    def __init__(self, clock: FakeClock, limit: int, headers: bool = True) -> None:
        self.clock, self.limit, self.headers = clock, limit, headers
        self.lock = threading.Lock()
        self.start: float | None = None
        self.used = self.refused = self.in_flight = self.most = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.start is None or self.clock.now >= self.start + 60:
                self.start, self.used = self.clock.now, 0
            allowed = self.used < self.limit
            self.used += allowed
            left = self.limit - self.used
            after = self.start + 60 - self.clock.now
        time.sleep(0.005)  # overlap with the other threads
        with self.lock:
            self.in_flight -= 1
        headers = {"x-ratelimit-limit": str(self.limit), "x-ratelimit-remaining": str(left)}
        if not self.headers:
            return httpx.Response(200, json={"n": request.url.path})
        if not allowed:
            self.refused += 1
            return httpx.Response(429, headers={**headers, "retry-after": f"{after:.3f}"})
        return httpx.Response(200, headers=headers, json={"n": request.url.path})


def test_parallel_reads_never_overspend_the_rate_limit(make: MakeClient, clock: FakeClock) -> None:
    portal = BudgetPortal(clock, limit=5)
    client = make(portal, deadline=1e9)  # threads' waits all move the one fake clock
    paths = [f"categories/{n}" for n in range(23)]
    results = fetch_all([partial(client.get, p) for p in paths], parallel=8)
    assert [r["n"] for r in results] == [f"/api/v1/{p}" for p in paths]
    # Threads sleeping at once on one fake clock add their waits up, which can move the portal's
    # window under a request in flight: one 429 (then waited out) is tolerated for that.
    assert portal.refused <= 1
    assert portal.most <= 5  # never more in flight than the budget
    assert client.counts["GET"] == 23 + portal.refused  # a refused read is read again
    assert client.throttled == portal.refused


def test_without_rate_limit_headers_reads_do_run_side_by_side(
    make: MakeClient, clock: FakeClock
) -> None:
    portal = BudgetPortal(clock, limit=1000, headers=False)
    client = make(portal)
    fetch_all([partial(client.get, f"issues/{n}") for n in range(24)], parallel=8)
    assert client.counts["GET"] == 24
    assert portal.most > 1


def test_a_failed_parallel_read_is_the_clients_one_line_error(make: MakeClient) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/3"):
            return httpx.Response(404, json={"message": "No query results"})
        return httpx.Response(200, json={})

    client = make(Portal(answer))
    with pytest.raises(ApiError, match=r"^GET /api/v1/sections/3 → 404: No query results$"):
        fetch_all([partial(client.get, f"sections/{n}") for n in range(8)], parallel=4)
