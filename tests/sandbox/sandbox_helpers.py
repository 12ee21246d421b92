"""Helpers for the sandbox tests: a fake clock, and a client on a Sandbox by either way in."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from reconciler.providers.productlift.sandbox import Sandbox
from reconciler.sandbox.server import start_server

TOKEN = "test-token"
WAYS = ("inprocess", "http")
# one SSL context for every client: building one per client (the CA bundle) costs ~50 ms
SSL = ssl.create_default_context()


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@contextmanager
def connect(
    box: Sandbox, way: str, *, token: str | None = TOKEN, timeout: float = 5.0
) -> Iterator[httpx.Client]:
    """An httpx client on ``box`` (base URL ``.../api/v1/``), in process or over HTTP."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if way == "inprocess":
        with httpx.Client(
            base_url="http://sandbox.local/api/v1/",
            transport=box.transport(),
            headers=headers,
            timeout=timeout,
        ) as client:
            yield client
        return
    server = start_server(box)
    try:
        with httpx.Client(
            base_url=f"{server.url}/api/v1/", headers=headers, timeout=timeout, verify=SSL
        ) as client:
            yield client
    finally:
        server.shutdown()
