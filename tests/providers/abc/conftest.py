"""Fixtures for the ABC sandbox: client tests run both ways in (in process, HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.providers.abc.sandbox import AbcSandbox

from .helpers import API_KEY, PASSWORD, WAYS, FakeClock, bearer, connect, sign_in
from .world import World


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(clock: FakeClock) -> Iterator[AbcSandbox]:
    """A new in-memory server with a known API key and admin password."""
    sandbox = AbcSandbox(":memory:", api_key=API_KEY, password=PASSWORD, clock=clock)
    yield sandbox
    sandbox.close()


@pytest.fixture(params=WAYS)
def way(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(box: AbcSandbox, way: str) -> Iterator[httpx.Client]:
    """A client on ``box`` by both ways in, sending project 1's API key."""
    with connect(box, way) as client:
        client.headers["x-api-key"] = API_KEY
        yield client


@pytest.fixture
def admin(box: AbcSandbox) -> Iterator[httpx.Client]:
    """An in-process client signed in to the admin API (and sending the API key)."""
    with connect(box, "inprocess") as client:
        client.headers["x-api-key"] = API_KEY
        client.headers.update(bearer(sign_in(client)["accessToken"]))
        yield client


@pytest.fixture
def world(box: AbcSandbox) -> Iterator[World]:
    """A provider on the sandbox, as the engine tests drive it."""
    w = World(box)
    yield w
    w.portal.close()
