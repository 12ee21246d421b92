"""Deadlines and bounds: slow answers, long runs, huge or deep bodies, hosts that are not there."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from reconciler.errors import ApiError, BadResponseError
from reconciler.http import Client, DeadlineError

from .conftest import FakeClock, MakeClient, Portal, ok


class Dribbler:
    """A local HTTP server that sends its headers at once, then one body byte per ``every`` s."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.done = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"
            )
            conn.sendall(head + b"[")
            while not self.done.wait(self.every):
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    def close(self) -> None:
        self.done.set()
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture(params=[5.0, 0.05], ids=["byte-every-5s", "byte-every-50ms"])
def dribbler(request: pytest.FixtureRequest) -> Iterator[Dribbler]:
    server = Dribbler(request.param)
    yield server
    server.close()


def test_a_slow_answer_fails_at_the_request_deadline_naming_the_request(
    dribbler: Dribbler,
) -> None:
    client = Client(f"http://127.0.0.1:{dribbler.port}", deadline=0.5)
    with client, pytest.raises(DeadlineError) as caught:
        client.get("categories")
    error = caught.value
    assert str(error) == (
        "GET /api/v1/categories → no response: no complete answer within 0.5 s "
        "(the request's deadline)"
    )
    assert client.counts["GET"] == 1  # not retried: it would only be as slow again
    assert error.__cause__ is None
    assert error.__context__ is None


def test_the_run_deadline_stops_the_requests_after_it(make: MakeClient, clock: FakeClock) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        clock.now += 4.0
        return ok()

    portal = Portal(slow)
    client = make(portal, run_deadline=10.0)
    client.get("a")
    client.get("b")
    with pytest.raises(DeadlineError) as late:
        client.get("c")  # sent at 8 s with 2 s left, answered at 12 s
    assert str(late.value).endswith("no complete answer within 2 s (the run's deadline)")
    with pytest.raises(DeadlineError) as caught:
        client.get("d")
    assert str(caught.value).startswith("GET /api/v1/d → no response: not sent: the run's")
    assert len(portal.requests) == 3


def test_no_retry_waits_past_the_run_deadline(make: MakeClient, clock: FakeClock) -> None:
    portal = Portal(httpx.Response(503, headers={"retry-after": "30"}, json={"message": "Busy"}))
    client = make(portal, run_deadline=10.0)
    with pytest.raises(ApiError) as caught:
        client.get("tags")
    assert caught.value.status == 503
    assert clock.sleeps == []


def test_a_pacing_wait_past_the_run_deadline_fails_at_once(
    make: MakeClient, clock: FakeClock
) -> None:
    limits = {"x-ratelimit-limit": "2", "x-ratelimit-remaining": "0"}
    client = make(Portal(ok(**limits)), run_deadline=10.0)
    client.get("a")
    with pytest.raises(DeadlineError) as caught:
        client.get("b")
    assert "would pass the run's deadline" in str(caught.value)
    assert clock.sleeps == []


# -- bodies ------------------------------------------------------------------------------------


def test_an_answer_declared_too_large_is_refused_unread(make: MakeClient) -> None:
    client = make(Portal(httpx.Response(200, content=b"[" + b"0," * 1000 + b"0]")), max_body=1000)
    with pytest.raises(BadResponseError) as caught:
        client.get("users")
    assert str(caught.value).startswith("GET /api/v1/users → 200: the answer is larger than")
    assert "1000 bytes allowed (2003 bytes)" in str(caught.value)


def test_an_endless_answer_is_cut_at_the_bound(make: MakeClient) -> None:
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            sent.append(1)
            yield b" " * 1024

    client = make(Portal(lambda r: httpx.Response(200, content=endless())), max_body=64 * 1024)
    with pytest.raises(BadResponseError, match="larger than the 65536 bytes allowed"):
        client.get("users")
    assert len(sent) <= 65


def test_json_nested_too_deeply_is_a_bad_response(make: MakeClient) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    client = make(Portal(httpx.Response(200, content=deep)))
    with pytest.raises(BadResponseError, match="nested too deeply"):
        client.get("tags")


# -- hosts that are not there ------------------------------------------------------------------


def test_a_refused_connection_fails_after_one_quick_retry_with_a_hint() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # free now, and nothing listens once closed
    with Client(f"http://127.0.0.1:{port}") as client, pytest.raises(ApiError) as caught:
        client.get("tabs")
    error = caught.value
    assert error.status is None
    assert str(error).startswith("GET /api/v1/tabs → no response: could not reach http://127")
    assert "URL" in str(error.hint)
    assert client.counts["GET"] == 2
    assert client.waited <= 0.5


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectError("[Errno 111] Connection refused"),
    ],
)
def test_an_unknown_host_is_not_retried_patiently(
    make: MakeClient, clock: FakeClock, error: Exception
) -> None:
    portal = Portal(error)
    with pytest.raises(ApiError):
        make(portal).get("tabs")
    assert len(portal.requests) == 2
    assert sum(clock.sleeps) <= 0.5


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadError("Connection reset by peer"),
        httpx.ReadTimeout("timed out"),
        httpx.Response(502, json={"message": "Bad gateway"}),
    ],
)
def test_resets_timeouts_and_5xx_keep_the_patient_retries(
    make: MakeClient, clock: FakeClock, failure: httpx.Response | Exception
) -> None:
    portal = Portal(failure, failure, failure, failure, ok())
    assert make(portal).get("tabs") == {"data": []}
    assert len(portal.requests) == 5
    assert sum(clock.sleeps) > 3.0  # 0.5 + 1 + 2 + 4 with jitter: backed off
