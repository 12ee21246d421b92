"""Helpers for the ABC sandbox tests: a fake clock, and clients by either way in."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from reconciler.providers.abc.sandbox import AbcSandbox
from reconciler.sandbox.server import start_server

API_KEY = "TESTKEY0123456789ABCDEF"
PASSWORD = "test-password-1"
WAYS = ("inprocess", "http")
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
def connect(box: AbcSandbox, way: str, *, timeout: float = 5.0) -> Iterator[httpx.Client]:
    """An httpx client on ``box`` (base URL: the server's root), in process or over HTTP."""
    if way == "inprocess":
        with httpx.Client(
            base_url="http://abc.local", transport=box.transport(), timeout=timeout
        ) as client:
            yield client
        return
    server = start_server(box)
    try:
        with httpx.Client(base_url=server.url, timeout=timeout, verify=SSL) as client:
            yield client
    finally:
        server.shutdown()


def sign_in(api: httpx.Client, password: str = PASSWORD) -> dict[str, str]:
    """Sign in as the admin; returns ``{accessToken, refreshToken}``."""
    answer = api.post(
        "/api/admin/auth/signIn/email", json={"email": "admin@example.com", "password": password}
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def field(key: str, name: str, fmt: str = "text", **extra: Any) -> dict[str, Any]:
    """A field as ``PUT .../fields`` and channel creation take it."""
    return {
        "key": key,
        "name": name,
        "description": None,
        "format": fmt,
        "property": "EDITABLE",
        "status": "ACTIVE",
        **extra,
    }
