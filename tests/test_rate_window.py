"""A portal whose rate-limit window is not the documented minute (``sandbox serve --window``)."""

from __future__ import annotations

import httpx
import pytest

from reconciler.errors import TargetError
from reconciler.providers.productlift.client import Client


def paced_waits(
    monkeypatch: pytest.MonkeyPatch, window: str | None, limits: list[float | None] | None = None
) -> list[float]:
    """The waits of four GETs against a portal of 3 requests a window; ``limits`` gets the
    client's requests a minute (what plans show) after them."""
    if window is not None:
        monkeypatch.setenv("RECONCILER_RATE_WINDOW", window)
    now = [0.0]
    waits: list[float] = []
    left = [3]

    def answer(request: httpx.Request) -> httpx.Response:
        left[0] = max(left[0] - 1, 0)
        headers = {"x-ratelimit-limit": "3", "x-ratelimit-remaining": str(left[0])}
        return httpx.Response(200, json={"data": []}, headers=headers)

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds
        left[0] = 3  # a new window after any wait

    client = Client(
        "https://portal.example.com",
        "tok-1234",
        transport=httpx.MockTransport(answer),
        sleep=sleep,
        clock=lambda: now[0],
    )
    with client:
        for _ in range(4):
            client.get("tabs")
        if limits is not None:
            limits.append(client.rate_limit)
    return waits


def test_the_pacer_starts_from_the_window_it_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    assert max(paced_waits(monkeypatch, None)) > 30  # the documented minute
    assert max(paced_waits(monkeypatch, "5")) < 10  # a 5 s sandbox window


def test_plans_count_requests_a_minute_whatever_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3 a window: 3 a minute in the documented minute, 36 a minute in a 5 s window (the
    estimate said "at 3 requests a minute", twelve times too slow)."""
    limits: list[float | None] = []
    paced_waits(monkeypatch, None, limits)
    paced_waits(monkeypatch, "5", limits)
    assert limits == [3, 36]


def test_a_window_that_is_no_number_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_RATE_WINDOW", "soon")
    with pytest.raises(TargetError, match="RECONCILER_RATE_WINDOW"):
        Client("https://portal.example.com", "tok-1234")
