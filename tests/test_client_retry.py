"""Retries: what is retried, how long it waits, when it gives up, and what it says."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest

from reconciler.errors import ApiError
from reconciler.providers.productlift.client import Client

Answer = httpx.Response | Exception


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Script:
    """Answers requests from a script, then repeats its last answer; records what it got."""

    def __init__(self, *answers: Answer | Callable[[httpx.Request], Answer]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests), len(self.answers)) - 1
        answer = self.answers[index]
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        return answer


def make(script: Script, clock: FakeClock, **options: float) -> Client:
    return Client(
        "https://portal.example.com",
        "tok",
        transport=httpx.MockTransport(script),
        sleep=clock.sleep,
        clock=clock,
        **options,
    )


def ok(body: object = None) -> httpx.Response:
    return httpx.Response(200, json={"data": []} if body is None else body)


def status(code: int, retry_after: str | None = None, **json: object) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return httpx.Response(code, headers=headers, json=json or {"message": "Nope"})


@pytest.mark.parametrize(("value", "wait"), [("2", 2.0), ("1.5", 1.5), ("0.25", 0.25)])
def test_a_429_waits_exactly_what_retry_after_says(value: str, wait: float) -> None:
    clock, script = FakeClock(), Script(status(429, value), ok())
    client = make(script, clock)
    assert client.get("tags") == {"data": []}
    assert clock.sleeps == [wait]
    assert (client.throttled, client.retries, client.counts["GET"]) == (1, 1, 2)
    assert client.waited == wait


def test_retry_after_as_an_http_date_is_read_against_the_portals_date() -> None:
    answer = httpx.Response(
        429,
        headers={
            "retry-after": "Wed, 21 Oct 2015 07:28:03 GMT",
            "date": "Wed, 21 Oct 2015 07:28:00 GMT",
        },
    )
    clock, script = FakeClock(), Script(answer, ok())
    make(script, clock).get("tags")
    assert clock.sleeps == [3.0]


def test_without_retry_after_the_wait_backs_off_exponentially() -> None:
    clock, script = FakeClock(), Script(status(503), status(503), status(503), ok())
    client = make(script, clock)
    assert client.get("tags") == {"data": []}
    first, second, third = clock.sleeps
    assert 0.5 <= first <= 1.0
    assert 1.0 <= second <= 1.5
    assert 2.0 <= third <= 2.5
    assert client.retries == 3
    assert client.throttled == 0


def test_backoff_stops_before_the_budget_is_spent() -> None:
    clock, script = FakeClock(), Script(status(502, message="Bad gateway"))
    client = make(script, clock, retry_budget=10.0)
    with pytest.raises(ApiError) as caught:
        client.get("tags")
    assert sum(clock.sleeps) <= 10.0
    assert len(clock.sleeps) == 4  # 0.5 + 1 + 2 + 4 (+ jitter); 8 more would pass 10 s
    assert client.counts["GET"] == 5
    error = caught.value
    assert str(error) == "GET /api/v1/tags → 502: Bad gateway"
    assert error.status == 502
    assert error.retried
    assert error.hint == "the portal failed; try again"


def test_attempts_are_bounded_too() -> None:
    clock, script = FakeClock(), Script(status(500))
    client = make(script, clock, max_attempts=3)
    with pytest.raises(ApiError):
        client.get("tags")
    assert len(script.requests) == 3
    assert client.retries == 2


def test_a_retry_after_beyond_the_budget_is_not_waited_for() -> None:
    clock, script = FakeClock(), Script(status(429, "3600", message="Too Many Attempts."))
    client = make(script, clock)
    with pytest.raises(ApiError) as caught:
        client.get("tags")
    assert clock.sleeps == []
    assert len(script.requests) == 1
    assert caught.value.status == 429
    assert not caught.value.retried
    assert caught.value.hint == (
        "the portal's rate limit (about 60 requests a minute); try again in a minute"
    )


def test_a_server_error_then_success_returns_the_answer() -> None:
    clock, script = FakeClock(), Script(status(500), status(504), ok({"data": [{"id": 1}]}))
    assert make(script, clock).get("categories") == {"data": [{"id": 1}]}
    assert len(script.requests) == 3


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("Connection refused"),
        httpx.ReadError("Connection reset by peer"),
        httpx.WriteError("Broken pipe"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.PoolTimeout("timed out"),
    ],
)
def test_a_connection_error_then_success_is_retried(error: Exception) -> None:
    clock, script = FakeClock(), Script(error, ok())
    client = make(script, clock)
    assert client.get("tags") == {"data": []}
    assert client.retries == 1
    assert client.counts["GET"] == 2


def test_a_post_whose_response_was_lost_is_retried_and_its_error_says_so() -> None:
    created: list[str] = []

    def create(request: httpx.Request) -> Answer:
        if created:
            return status(
                422,
                message="The given data was invalid.",
                errors={"name": ["The name has already been taken."]},
            )
        created.append(request.content.decode())
        return httpx.ReadError("Connection reset by peer")

    clock, script = FakeClock(), Script(create)
    client = make(script, clock)
    with pytest.raises(ApiError) as caught:
        client.request("POST", "categories", json={"name": "Bug"})
    error = caught.value
    assert created == ['{"name":"Bug"}']
    assert (error.status, error.retried) == (422, True)
    assert error.mentions("already been taken")
    assert client.counts["POST"] == 2


def test_a_portal_that_stays_unreachable_gives_a_connection_error() -> None:
    clock, script = FakeClock(), Script(httpx.ConnectError("[Errno 111] Connection refused"))
    client = make(script, clock, max_attempts=3)
    with pytest.raises(ApiError) as caught:
        client.get("categories")
    error = caught.value
    assert error.status is None
    assert str(error) == (
        "GET /api/v1/categories → no response: could not reach https://portal.example.com: "
        "ConnectError: [Errno 111] Connection refused"
    )
    assert error.retried
    assert error.hint is not None
    assert "URL" in error.hint
    assert "network" in error.hint
    assert error.__cause__ is None
    assert error.__context__ is None


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_not_retried(code: int) -> None:
    clock, script = FakeClock(), Script(status(code), ok())
    with pytest.raises(ApiError) as caught:
        make(script, clock).request("DELETE", "tags/abc")
    assert len(script.requests) == 1
    assert clock.sleeps == []
    assert not caught.value.retried


def test_each_retry_is_logged_as_a_warning_with_its_reason_and_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FakeClock()
    script = Script(status(429, "1.5"), httpx.ConnectError("refused"), ok())
    with caplog.at_level(logging.INFO, logger="reconciler.http"):
        make(script, clock).get("tags")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings[0] == "429 on GET /api/v1/tags; retrying in 1.5 s (Retry-After; attempt 2 of 8)"
    assert warnings[1].startswith("ConnectError: refused on GET /api/v1/tags; retrying in ")
    assert warnings[1].endswith("(backoff; attempt 3 of 8)")
    sent = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert sent == [
        "GET /api/v1/tags → 429 (0 ms)",
        "GET /api/v1/tags → ConnectError: refused (0 ms)",
        "GET /api/v1/tags → 200 (0 ms)",
    ]
