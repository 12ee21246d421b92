"""Rate limiting as the portal does it: headers on every answer, 429 with Retry-After."""

from __future__ import annotations

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox
from reconciler.sandbox.ratelimit import RateLimiter

from .sandbox_helpers import TOKEN, FakeClock, connect


def remaining(response: httpx.Response) -> tuple[str, str]:
    return response.headers["x-ratelimit-limit"], response.headers["x-ratelimit-remaining"]


def test_the_budget_counts_down_then_429_until_the_window_closes(
    clock: FakeClock, way: str
) -> None:
    box = Sandbox(":memory:", token=TOKEN, rate_limit=3, window=10.0, clock=clock)
    with box, connect(box, way) as client:
        seen = [remaining(client.get("tabs")) for _ in range(3)]
        assert seen == [("3", "2"), ("3", "1"), ("3", "0")]
        clock.advance(2.5)
        refused = client.post("categories", json={"name": "Bug", "color": "#ABDEE6"})
        assert refused.status_code == 429
        assert refused.json() == {"message": "Too Many Attempts."}
        assert remaining(refused) == ("3", "0")
        assert float(refused.headers["retry-after"]) == pytest.approx(7.5)
        assert box.writes.total() == 0
        clock.advance(7.5)
        again = client.get("tabs")
        assert (again.status_code, remaining(again)) == (200, ("3", "2"))


def test_retry_after_may_be_fractional(clock: FakeClock) -> None:
    limiter = RateLimiter(1, 1.0, clock)
    assert limiter.hit().allowed
    clock.advance(0.25)
    verdict = limiter.hit()
    assert not verdict.allowed
    assert verdict.headers()["retry-after"] == "0.75"


def test_errors_carry_the_headers_too(clock: FakeClock) -> None:
    box = Sandbox(":memory:", token=TOKEN, rate_limit=60, clock=clock)
    with box, connect(box, "inprocess", token="wrong") as client:
        for path in ("tabs", "no/such/route"):
            response = client.get(path)
            assert response.status_code in (401, 404)
            assert "x-ratelimit-remaining" in response.headers


def test_refused_requests_do_not_use_up_the_next_window(clock: FakeClock) -> None:
    limiter = RateLimiter(2, 60.0, clock)
    assert [limiter.hit().allowed for _ in range(5)] == [True, True, False, False, False]
    clock.advance(60)
    assert [limiter.hit().allowed for _ in range(3)] == [True, True, False]


def test_the_window_opens_at_its_first_request(clock: FakeClock) -> None:
    limiter = RateLimiter(1, 10.0, clock)
    limiter.hit()
    clock.advance(30)  # idle: the next request opens a new window
    assert limiter.hit().allowed
    clock.advance(9)
    assert not limiter.hit().allowed


@pytest.mark.parametrize("limit", [None, 0])
def test_limiting_off_still_reports_headers(clock: FakeClock, limit: int | None) -> None:
    box = Sandbox(":memory:", rate_limit=limit, clock=clock)
    with box, connect(box, "inprocess", token=None) as client:
        answers = [client.get("tabs") for _ in range(100)]
    assert {r.status_code for r in answers} == {200}
    assert {remaining(r) for r in answers} == {("60", "59")}
