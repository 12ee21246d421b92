"""Fixtures for the UserEcho sandbox: client tests run both ways in (in process, HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.providers.userecho.sandbox import UserEchoSandbox

from .helpers import TOKEN, WAYS, FakeClock, connect


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(clock: FakeClock) -> Iterator[UserEchoSandbox]:
    """A new in-memory UserEcho requiring TOKEN, no rate limit, no faults."""
    sandbox = UserEchoSandbox(":memory:", token=TOKEN, clock=clock)
    yield sandbox
    sandbox.close()


@pytest.fixture(params=WAYS)
def way(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(box: UserEchoSandbox, way: str) -> Iterator[httpx.Client]:
    """A client on ``box``, parametrized over both ways in."""
    with connect(box, way) as client:
        yield client
