"""Injected faults and the optional rate limit, in process and over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.providers.userecho.sandbox import UserEchoSandbox
from reconciler.sandbox import Faults

from .helpers import TOKEN, FakeClock, connect, data, error

pytestmark = pytest.mark.faults
FORUMS = ("POST", "/api/v2/forums.json")
DROPPED = (httpx.ReadError, httpx.RemoteProtocolError)


def portal(**faults: Any) -> UserEchoSandbox:
    return UserEchoSandbox(":memory:", token=TOKEN, faults=Faults(seed=7, **faults))


def names(box: UserEchoSandbox) -> list[str]:
    """The forums in the portal, read past the faults."""
    box.faults = None
    with connect(box, "inprocess") as client:
        return [f["name"] for f in data(client.get("forums.json"))]


def test_error_answers_5xx_and_does_nothing(way: str) -> None:
    with portal(error_rate=1.0) as box, connect(box, way) as client:
        statuses = {client.post("forums.json", json={"name": "F"}).status_code for _ in range(12)}
        assert statuses <= {500, 502, 503}
        assert len(statuses) > 1
        assert box.writes.total() == 0
        assert box.faulted["error"] == 12
        assert box.stats[FORUMS] == 12
        assert names(box) == []


def test_reset_drops_the_connection_before_acting(way: str) -> None:
    with portal(reset_rate=1.0) as box, connect(box, way) as client:
        with pytest.raises(DROPPED):
            client.post("forums.json", json={"name": "F"})
        assert box.writes.total() == 0
        assert names(box) == []


def test_lose_performs_the_write_then_drops_the_answer(way: str) -> None:
    with portal(lose_rate=1.0) as box, connect(box, way) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("forums.json", json={"name": "F"})
        assert data(client.get("forums.json"))[0]["name"] == "F"  # reads are answered
        assert box.writes[FORUMS] == 1
        assert box.faulted["lose"] == 1


def test_a_lost_refusal_did_nothing(way: str) -> None:
    with portal(lose_rate=1.0) as box, connect(box, way) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("forums.json", json={"name": ""})
        assert box.writes.total() == 0


def test_timeout_in_process_acts_on_some_of_the_writes() -> None:
    with portal(timeout_rate=1.0) as box, connect(box, "inprocess") as client:
        for n in range(40):
            with pytest.raises(httpx.ReadTimeout):
                client.post(
                    "hooks.json", json={"event": "topic.created", "target_url": f"http://h/{n}"}
                )
        acted = box.writes.total()
        assert 10 < acted < 30
        assert box.faulted["timeout"] == 40
        box.faults = None
        listed = client.get("hooks.json", params={"limit": 100})
        assert listed.json()["details"]["count"] == acted


def test_timeout_over_http_hangs_past_the_client_timeout() -> None:
    box = portal(timeout_rate=1.0, timeout_delay=2.0)
    with box, connect(box, "http", timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.get("forums.json")


def test_faults_from_a_string_repeat_with_the_seed() -> None:
    def run() -> list[int | str]:
        box = UserEchoSandbox(":memory:", token=TOKEN, faults="error=0.3,reset=0.2,seed=5")
        seen: list[int | str] = []
        with box, connect(box, "inprocess") as client:
            for _ in range(30):
                try:
                    seen.append(client.get("users.json").status_code)
                except httpx.ReadError:
                    seen.append("reset")
        return seen

    first = run()
    assert first == run()
    assert {200, "reset"} <= set(first)


def test_rate_limit_is_off_by_default(box: UserEchoSandbox) -> None:
    with connect(box, "inprocess") as client:
        for _ in range(150):
            data(client.get("users/current.json"))


def test_rate_limit_answers_429_with_retry_after(way: str) -> None:
    clock = FakeClock()
    box = UserEchoSandbox(":memory:", token=TOKEN, rate_limit=3, window=60, clock=clock)
    with box, connect(box, way) as client:
        for _ in range(3):
            data(client.get("forums.json"))
        clock.advance(20.5)
        refused = client.post("forums.json", json={"name": "F"})
        error(refused, 429)
        assert refused.headers["retry-after"] == "40"
        assert box.writes.total() == 0
        clock.advance(40)
        data(client.post("forums.json", json={"name": "F"}))


def test_rate_limit_stays_429_under_errors_as_200() -> None:
    clock = FakeClock()
    box = UserEchoSandbox(":memory:", token=TOKEN, rate_limit=1, clock=clock, errors_as_200=True)
    with box, connect(box, "inprocess") as client:
        data(client.get("forums.json"))
        assert client.get("forums.json").status_code == 429
