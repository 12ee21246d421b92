"""Pacing on the rate-limit headers: long runs get no 429 and take no longer than the limit needs.

Every test runs against a fake portal on a fake clock: the portal's handler advances the clock
by the request's latency, and the client's ``sleep`` advances it by what it waits.
"""

from __future__ import annotations

import logging
import math

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.http.pacing import Pacer, parse_retry_after, read_limits
from reconciler.providers.productlift.client import Client


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class WindowPortal:
    """A portal allowing ``limit`` requests per fixed window, like Laravel's throttle.

    The window opens with the first request after the previous one closed (or, with
    ``aligned``, on multiples of ``window`` on the portal's clock). The request is handled
    halfway through its ``latency``.
    """

    def __init__(
        self,
        clock: FakeClock,
        *,
        limit: int = 60,
        window: float = 60.0,
        latency: float = 0.02,
        aligned: bool = False,
        headers: bool = True,
    ) -> None:
        self.clock, self.limit, self.window = clock, limit, window
        self.latency, self.aligned, self.headers = latency, aligned, headers
        self.start: float | None = None
        self.used = 0
        self.refused = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.clock.now += self.latency / 2
        response = self._handle(self.clock.now)
        self.clock.now += self.latency / 2
        return response

    def _handle(self, now: float) -> httpx.Response:
        if self.aligned:
            start = math.floor(now / self.window) * self.window
            if start != self.start:
                self.start, self.used = start, 0
        elif self.start is None or now >= self.start + self.window:
            self.start, self.used = now, 0
        if self.used >= self.limit:
            self.refused += 1
            after = self.start + self.window - now
            return httpx.Response(429, headers=self._limits(0, after), json={"message": "Slow"})
        self.used += 1
        return httpx.Response(200, headers=self._limits(self.limit - self.used), json={"data": []})

    def _limits(self, remaining: int, after: float | None = None) -> dict[str, str]:
        headers = {}
        if self.headers:
            headers = {
                "x-ratelimit-limit": str(self.limit),
                "x-ratelimit-remaining": str(remaining),
            }
        if after is not None:
            headers["retry-after"] = f"{math.ceil(after * 1000) / 1000:.3f}"
        return headers


def make(clock: FakeClock, portal: WindowPortal) -> Client:
    return Client(
        "https://portal.example.com",
        "tok",
        transport=httpx.MockTransport(portal),
        sleep=clock.sleep,
        clock=clock,
    )


def run(client: Client, n: int) -> None:
    for _ in range(n):
        client.get("categories")


def test_300_requests_under_60_a_minute_get_no_429_and_take_4_to_5_minutes() -> None:
    clock = FakeClock()
    portal = WindowPortal(clock)
    client = make(clock, portal)
    begin = clock.now
    run(client, 300)
    took = clock.now - begin
    assert portal.refused == 0
    assert client.throttled == 0
    assert client.counts["GET"] == 300
    assert 4 * 60 <= took <= 5 * 60
    assert client.waited == pytest.approx(sum(clock.sleeps))
    assert len(clock.sleeps) == 4  # one wait per exhausted window, no more


def test_a_window_aligned_to_the_portal_clock_also_gets_no_429() -> None:
    clock = FakeClock()
    clock.now = 1042.5  # mid-window on the portal's clock
    portal = WindowPortal(clock, aligned=True)
    client = make(clock, portal)
    begin = clock.now
    run(client, 300)
    assert portal.refused == 0
    assert clock.now - begin <= 5 * 60


def test_the_pacing_wait_is_logged_with_what_is_left(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    client = make(clock, WindowPortal(clock, latency=0.0))
    with caplog.at_level(logging.INFO, logger="reconciler.http"):
        run(client, 61)
    waits = [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()]
    assert waits == ["rate limit: 0 of 60 left; waiting 60.1 s for the window to reset"]


def test_a_longer_window_is_learned_from_the_one_429_it_costs() -> None:
    clock = FakeClock()
    portal = WindowPortal(clock, limit=60, window=120.0)
    client = make(clock, portal)
    begin = clock.now
    run(client, 300)
    assert portal.refused == 1  # the 61st request finds the 60 s estimate too short
    assert client.throttled == 1
    assert client.counts["GET"] == 301
    assert clock.now - begin == pytest.approx(4 * 120, abs=2)


def test_a_shorter_window_is_learned_when_remaining_goes_back_up() -> None:
    clock = FakeClock()
    portal = WindowPortal(clock, limit=30, window=10.0, latency=0.5)
    client = make(clock, portal)
    run(client, 50)  # slow requests: two windows close before the limit is reached
    portal.latency = 0.01
    begin = clock.now
    run(client, 120)  # fast ones: the limit is reached, and the learned window paced
    assert portal.refused == 0
    assert clock.now - begin < 5 * 11  # not 4 waits of the documented 60 s


def test_without_the_headers_nothing_is_paced() -> None:
    clock = FakeClock()
    portal = WindowPortal(clock, limit=1000, headers=False)
    client = make(clock, portal)
    run(client, 200)
    assert clock.sleeps == []
    assert client.waited == 0


def test_a_window_spent_elsewhere_is_waited_out_exactly_as_retry_after_says() -> None:
    clock = FakeClock()
    portal = WindowPortal(clock, latency=0.0)
    portal.start, portal.used = clock.now - 20.0, 60  # another client used it up 20 s ago
    client = make(clock, portal)
    run(client, 2)
    assert clock.sleeps == [pytest.approx(40.0)]
    assert client.throttled == 1
    assert client.retries == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    limit=st.integers(5, 90),
    window=st.floats(5.0, 150.0),
    latency=st.floats(0.0, 1.0),
    aligned=st.booleans(),
)
def test_any_fixed_window_costs_at_most_the_429s_that_teach_its_length(
    limit: int, window: float, latency: float, aligned: bool
) -> None:
    clock = FakeClock()
    portal = WindowPortal(clock, limit=limit, window=window, latency=latency, aligned=aligned)
    client = make(clock, portal)
    run(client, 4 * limit)
    if window <= 60.0:  # the documented estimate is long enough: never refused
        assert portal.refused == 0
    else:  # learned from the first 429; a window seen mid-way first may cost a second
        assert portal.refused <= (2 if aligned else 1)


# -- the pieces ---------------------------------------------------------------------------------


def test_pacer_waits_only_when_nothing_is_left() -> None:
    pacer = Pacer()
    pacer.observe(sent=0.0, received=0.0, limits=(3, 2), throttled=False, retry_after=None)
    assert pacer.delay(1.0) == 0
    pacer.observe(sent=1.0, received=1.0, limits=(3, 1), throttled=False, retry_after=None)
    pacer.observe(sent=2.0, received=2.0, limits=(3, 0), throttled=False, retry_after=None)
    assert pacer.delay(2.0) == pytest.approx(58.1)  # 60 s from the window's first request
    assert pacer.delay(61.0) == 0


def test_pacer_forgets_when_the_headers_go_away() -> None:
    pacer = Pacer()
    pacer.observe(sent=0.0, received=0.0, limits=(1, 0), throttled=False, retry_after=None)
    assert pacer.delay(0.0) > 0
    pacer.observe(sent=0.0, received=0.0, limits=None, throttled=False, retry_after=None)
    assert pacer.delay(0.0) == 0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ratelimit-limit": "60", "x-ratelimit-remaining": "59"}, (60, 59)),
        ({"x-ratelimit-limit": "60"}, None),
        ({"x-ratelimit-limit": "lots", "x-ratelimit-remaining": "1"}, None),
        ({"x-ratelimit-limit": "0", "x-ratelimit-remaining": "0"}, None),
    ],
)
def test_read_limits(headers: dict[str, str], expected: tuple[int, int] | None) -> None:
    assert read_limits(httpx.Headers(headers)) == expected


@pytest.mark.parametrize(
    ("value", "date", "expected"),
    [
        ("2", None, 2.0),
        ("1.5", None, 1.5),
        ("-3", None, 0.0),
        ("Wed, 21 Oct 2015 07:28:03 GMT", "Wed, 21 Oct 2015 07:28:00 GMT", 3.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:29:00 GMT", 0.0),
        ("soon", None, None),
        ("nan", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_parse_retry_after(value: str | None, date: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, date) == expected
