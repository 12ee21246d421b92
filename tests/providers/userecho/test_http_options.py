"""The two options this provider added to the HTTP client: ``fixed_rate`` pacing (a portal
that sends no rate-limit headers) and ``retry_lost=False`` (a create whose answer is lost is
not sent again blindly)."""

from __future__ import annotations

import httpx
import pytest

from reconciler.http import Client, LostAnswerError

from ...http.conftest import URL, FakeClock, Portal, ok


def _client(portal: Portal, clock: FakeClock, **options: object) -> Client:
    return Client(
        URL,
        transport=httpx.MockTransport(portal),
        sleep=clock.sleep,
        clock=clock,
        **options,  # type: ignore[arg-type]
    )


def test_fixed_rate_spaces_requests_evenly() -> None:
    clock = FakeClock()
    client = _client(Portal(ok()), clock, fixed_rate=60)
    for _ in range(4):
        client.get("forums.json")
    assert clock.sleeps == [1.0, 1.0, 1.0]  # the first goes at once, then one a second


def test_fixed_rate_does_not_wait_when_requests_are_already_slower() -> None:
    clock = FakeClock()
    client = _client(Portal(ok()), clock, fixed_rate=60)
    client.get("forums.json")
    clock.now += 5
    client.get("forums.json")
    assert clock.sleeps == []


def test_fixed_rate_off_by_default_and_settable_later() -> None:
    clock = FakeClock()
    client = _client(Portal(ok()), clock)
    client.get("a.json")
    client.get("b.json")
    assert clock.sleeps == []
    client.fixed_rate = 120
    client.get("c.json")
    client.get("d.json")
    assert clock.sleeps == [0.5]


def test_retry_lost_false_sends_once_and_says_the_answer_was_lost() -> None:
    clock = FakeClock()
    portal = Portal(httpx.RemoteProtocolError("Server disconnected"), ok({"id": 1}))
    client = _client(portal, clock, backoff_base=0.01)
    with pytest.raises(LostAnswerError) as lost:
        client.post("hooks.json", json={"event": "topic.created"}, retry_lost=False)
    assert len(portal.requests) == 1
    assert lost.value.status is None
    assert "may have been performed" in str(lost.value)


def test_retry_lost_false_still_retries_what_never_reached_the_portal() -> None:
    clock = FakeClock()
    portal = Portal(httpx.ConnectError("refused"), httpx.Response(503), ok({"id": 1}))
    client = _client(portal, clock, backoff_base=0.01)
    assert client.post("hooks.json", json={}, retry_lost=False) == {"id": 1}
    assert len(portal.requests) == 3


def test_by_default_a_lost_answer_is_retried() -> None:
    clock = FakeClock()
    portal = Portal(httpx.ReadTimeout("timed out"), ok({"id": 2}))
    client = _client(portal, clock, backoff_base=0.01)
    assert client.post("tags.json", json={"tag": "x"}) == {"id": 2}
    assert len(portal.requests) == 2
