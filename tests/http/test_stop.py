"""Interruptible waits: once ``stop`` is set, every wait ends at once and nothing more is sent."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from reconciler.errors import ApiError, ReconcilerError
from reconciler.http import Client, StoppedError

from .conftest import URL, FakeClock, MakeClient, Portal, ok

BUSY = httpx.Response(429, headers={"retry-after": "30"}, json={"message": "Slow down"})


def test_a_set_stop_sends_nothing(make: MakeClient) -> None:
    stop = threading.Event()
    stop.set()
    portal = Portal(ok())
    with pytest.raises(StoppedError) as caught:
        make(portal, stop=stop).get("tabs")
    assert portal.requests == []
    assert str(caught.value) == "stopped: GET /api/v1/tabs was not completed"
    assert isinstance(caught.value, ReconcilerError)
    assert not isinstance(caught.value, ApiError)


@pytest.mark.parametrize("kind", ["event", "callable"])
def test_a_real_retry_after_wait_ends_when_stop_is_set(kind: str) -> None:
    flag = threading.Event()
    stop = flag if kind == "event" else flag.is_set
    portal = Portal(BUSY, ok())
    timer = threading.Timer(0.05, flag.set)
    timer.start()
    try:
        client = Client(URL, "tok", transport=httpx.MockTransport(portal), stop=stop)
        with client, pytest.raises(StoppedError):
            client.get("tabs")  # would wait 30 s for real
    finally:
        timer.cancel()
    assert len(portal.requests) == 1


def test_a_stop_during_a_backoff_prevents_the_retry(make: MakeClient, clock: FakeClock) -> None:
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        stop.set()  # Ctrl-C arrived during the wait

    portal = Portal(httpx.Response(503, json={"message": "Down"}), ok())
    with pytest.raises(StoppedError):
        make(portal, stop=stop, sleep=sleep).get("tabs")
    assert len(portal.requests) == 1


def test_a_stop_during_a_pacing_wait_prevents_the_request(
    make: MakeClient, clock: FakeClock
) -> None:
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        stop.set()

    spent = ok(**{"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0"})
    portal = Portal(spent)
    client = make(portal, stop=stop, sleep=sleep)
    client.get("a")
    with pytest.raises(StoppedError, match="GET /api/v1/b"):
        client.get("b")
    assert len(portal.requests) == 1
    assert clock.sleeps == [pytest.approx(60.1)]


def test_a_stop_while_an_answer_streams_in_ends_the_read(make: MakeClient) -> None:
    stop = threading.Event()

    def body() -> Iterator[bytes]:
        yield b"["
        stop.set()
        yield b"1"
        raise AssertionError("read on after the stop")  # pragma: no cover

    portal = Portal(lambda r: httpx.Response(200, content=body()))
    with pytest.raises(StoppedError):
        make(portal, stop=stop).get("tabs")
