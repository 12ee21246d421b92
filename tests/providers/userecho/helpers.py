"""Helpers for the UserEcho sandbox tests: a fake clock, a client by either way in, envelopes."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from reconciler.providers.userecho.sandbox import UserEchoSandbox, start_server

TOKEN = "test-token-ue"
WAYS = ("inprocess", "http")
SSL = ssl.create_default_context()  # one for every client: building one costs ~50 ms
SEEDED = [f"{n}@example.com" for n in ("admin", "alice", "bob", "carol", "dave", "erin")]


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
    box: UserEchoSandbox, way: str, *, token: str | None = TOKEN, timeout: float = 5.0
) -> Iterator[httpx.Client]:
    """An httpx client on ``box`` (base URL ``.../api/v2/``, the token in every query)."""
    params = {"access_token": token} if token else {}
    if way == "inprocess":
        with httpx.Client(
            base_url="http://sandbox.local/api/v2/",
            transport=box.transport(),
            params=params,
            timeout=timeout,
        ) as client:
            yield client
        return
    server = start_server(box)
    try:
        with httpx.Client(
            base_url=f"{server.url}/api/v2/", params=params, timeout=timeout, verify=SSL
        ) as client:
            yield client
    finally:
        server.shutdown()


def data(response: httpx.Response) -> Any:
    """The ``data`` of a success envelope (asserting it is one)."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success", body
    return body["data"]


def error(response: httpx.Response, status: int) -> str:
    """The message of an error envelope answered with ``status``."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"status", "message"}, body
    assert body["status"] == "error"
    assert isinstance(body["message"], str)
    return str(body["message"])


def create(api: httpx.Client, command: str, body: dict[str, Any]) -> int:
    """POST ``body`` to ``command`` and return the new id."""
    made = data(api.post(f"{command}.json", json=body))
    assert isinstance(made["id"], int)
    return int(made["id"])


def delete(api: httpx.Client, command: str, body: dict[str, Any] | None = None) -> Any:
    """DELETE with a JSON body (httpx's ``delete`` takes none)."""
    return api.request("DELETE", f"{command}.json", json=body)
