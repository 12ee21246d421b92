"""Fakes for the HTTP client tests: a fake clock, and a portal answering from a script."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from reconciler.http import Client

Answer = httpx.Response | Exception
URL = "https://portal.example.com"


class FakeClock:
    """Monotonic seconds that move only when someone sleeps (or a fake portal says so)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


class Portal:
    """Answers each request with the next scripted answer (the last one repeats); keeps them.

    A scripted answer is a response, an exception to raise, or a callable of the request.
    """

    def __init__(self, *answers: Answer | Callable[[httpx.Request], Answer]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests), len(self.answers)) - 1
        answer = self.answers[index]
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def ok(body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(200, json={"data": []} if body is None else body, headers=headers)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


MakeClient = Callable[..., Client]


@pytest.fixture
def make(clock: FakeClock) -> MakeClient:
    """``make(portal, **options)``: a client on the fake clock, talking to ``portal``."""

    def build(portal: Portal, **options: Any) -> Client:
        options.setdefault("sleep", clock.sleep)
        options.setdefault("clock", clock)
        return Client(URL, transport=httpx.MockTransport(portal), **options)

    return build
