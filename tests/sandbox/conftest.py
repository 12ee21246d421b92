"""Fixtures for the sandbox portal: every client test runs both ways in (in process, HTTP)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from reconciler.providers.productlift.sandbox import Sandbox

from .sandbox_helpers import TOKEN, WAYS, FakeClock, connect


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def box(clock: FakeClock) -> Iterator[Sandbox]:
    """A new in-memory portal requiring TOKEN, rate limit off."""
    sandbox = Sandbox(":memory:", token=TOKEN, rate_limit=None, clock=clock)
    yield sandbox
    sandbox.close()


@pytest.fixture(params=WAYS)
def way(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api(box: Sandbox, way: str) -> Iterator[httpx.Client]:
    """A client on ``box``, parametrized over both ways in."""
    with connect(box, way) as client:
        yield client
