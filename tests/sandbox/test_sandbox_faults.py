"""Fault injection: each mode in process and over HTTP, seeded and repeatable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reconciler.errors import TargetError
from reconciler.providers.productlift.sandbox import Fault, Faults, Sandbox

from .sandbox_helpers import TOKEN, connect

pytestmark = pytest.mark.faults
CATEGORY = {"name": "Bug", "color": "#ABDEE6"}
DROPPED = (httpx.ReadError, httpx.RemoteProtocolError)  # what a reset looks like to a client


def portal(**faults: Any) -> Sandbox:
    return Sandbox(":memory:", token=TOKEN, rate_limit=None, faults=Faults(seed=7, **faults))


def names(box: Sandbox) -> list[str]:
    """The categories in the portal, read past the faults."""
    box.faults = None
    with connect(box, "inprocess") as client:
        return [c["name"] for c in client.get("categories").json()["data"]]


def test_error_answers_5xx_and_does_nothing(way: str) -> None:
    with portal(error_rate=1.0) as box, connect(box, way) as client:
        statuses = {client.post("categories", json=CATEGORY).status_code for _ in range(12)}
        assert statuses <= {500, 502, 503}
        assert len(statuses) > 1
        assert box.writes.total() == 0
        assert box.faulted["error"] == 12
        assert names(box) == []


def test_error_bodies_are_short_json_or_html() -> None:
    with portal(error_rate=1.0) as box, connect(box, "inprocess") as client:
        for _ in range(12):
            response = client.get("tabs")
            if response.status_code == 500:
                assert response.json() == {"message": "Server Error"}
            else:
                assert response.headers["content-type"].startswith("text/html")
                assert str(response.status_code) in response.text


def test_reset_drops_the_connection_before_acting(way: str) -> None:
    with portal(reset_rate=1.0) as box, connect(box, way) as client:
        with pytest.raises(DROPPED):
            client.post("categories", json=CATEGORY)
        assert box.writes.total() == 0
        assert names(box) == []


def test_lose_performs_the_write_then_drops_the_answer(way: str) -> None:
    with portal(lose_rate=1.0) as box, connect(box, way) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("categories", json=CATEGORY)
        assert client.get("tabs").status_code == 200  # reads are answered
        assert box.writes[("POST", "/api/v1/categories")] == 1
        assert names(box) == ["Bug"]


def test_timeout_in_process_acts_on_half_of_the_writes() -> None:
    with portal(timeout_rate=1.0) as box, connect(box, "inprocess") as client:
        for n in range(40):
            with pytest.raises(httpx.ReadTimeout):
                client.post("tags", json={"tag": f"tag {n}"})
        with pytest.raises(httpx.ReadTimeout):
            client.get("tags")
        acted = box.writes.total()
        assert 10 < acted < 30
        assert box.faulted["timeout"] == 41


def test_timeout_over_http_hangs_past_the_client_timeout() -> None:
    box = portal(timeout_rate=1.0, timeout_delay=2.0)
    with box, connect(box, "http", timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.get("tabs")


def test_faults_repeat_with_the_seed() -> None:
    def run() -> list[Fault | None]:
        faults = Faults(error_rate=0.2, lose_rate=0.2, reset_rate=0.2, timeout_rate=0.2, seed=3)
        return [faults.decide("POST" if n % 2 else "GET").fault for n in range(200)]

    first = run()
    assert first == run()
    assert set(first) == {None, *Fault}


def test_rates_are_honoured_roughly() -> None:
    faults = Faults(error_rate=0.25, seed=11)
    hits = sum(faults.decide("GET").fault is Fault.ERROR for _ in range(2000))
    assert 400 < hits < 600


def test_parse_reads_the_environment_form() -> None:
    faults = Faults.parse("error=0.1, lose=0.05,seed=3")
    assert (faults.error_rate, faults.lose_rate, faults.seed) == (0.1, 0.05, 3)
    assert Faults.parse("fail=0.2;timeout=0.1;delay=0.5").timeout_delay == 0.5
    assert Faults.parse("reset_rate=1").reset_rate == 1.0
    assert not Faults.parse("").active


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("error", "cannot read 'error'"),
        ("boom=0.1", "cannot read 'boom=0.1'"),
        ("error=lots", "error must be a number"),
        ("error=1.5", "error_rate must be between 0 and 1"),
        ("error=0.6,lose=0.6", "add up to more than 1"),
    ],
)
def test_parse_refuses_what_it_cannot_read(text: str, problem: str) -> None:
    with pytest.raises(TargetError, match=problem):
        Faults.parse(text)
