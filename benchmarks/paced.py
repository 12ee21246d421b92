"""An apply under the portal's 60-a-minute limit, on a fake clock.

The sandbox enforces its fixed-window limit (as Laravel's ``throttle`` does, and as
``reconciler sandbox serve`` does) on a clock that the client's ``sleep`` advances, and each
request takes ``latency`` seconds of that clock (half before the portal handles it, half
after). So a run of several simulated minutes takes a fraction of a second, and the time
reported is the time the run would take against a portal with that latency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import httpx

from reconciler.engine import apply_plan, build_plan
from reconciler.loader import parse_spec
from reconciler.providers.productlift import ProductLift
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.sandbox import Sandbox
from reconciler.sandbox.transport import SandboxTransport

LIMIT = 60
WINDOW = 60.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


class SlowTransport(SandboxTransport):
    """The sandbox, with ``latency`` seconds of fake clock per request."""

    def __init__(self, box: Sandbox, clock: FakeClock, latency: float) -> None:
        super().__init__(box)
        self.clock, self.latency = clock, latency

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.clock.now += self.latency / 2
        response = super().handle_request(request)
        self.clock.now += self.latency / 2
        return response


@dataclass
class Paced:
    writes: int
    reads: int
    throttled: int  # 429 answers
    seconds: float  # fake-clock time of plan + apply
    waited: float  # of which spent waiting for the window to reset

    @property
    def target(self) -> float:
        """writes ÷ 60 a minute, in seconds."""
        return self.writes / LIMIT * WINDOW

    @property
    def floor(self) -> float:
        """The fixed-window floor for all requests: full windows, then the last batch."""
        requests = self.writes + self.reads
        return (math.ceil(requests / LIMIT) - 1) * WINDOW

    @property
    def off_target(self) -> float:
        return (self.seconds - self.target) / self.target


def paced_apply(writes: int, workdir: Path, latency: float = 0.25) -> Paced:
    """Create ``writes`` categories under the limit; plan and apply share the budget."""
    spec = "version: 1\ncategories:\n" + "".join(
        f"  - name: Paced {i:05d}\n    color: '#ABDEE6'\n" for i in range(writes)
    )
    clock = FakeClock()
    db = workdir / f"paced-{writes}.db"
    db.unlink(missing_ok=True)
    box = Sandbox(db, rate_limit=LIMIT, window=WINDOW, clock=clock)
    client = Client(
        "http://sandbox.local",
        None,
        transport=SlowTransport(box, clock, latency),
        allow_insecure=True,
        sleep=clock.sleep,
        clock=clock,
    )
    provider = ProductLift(client, "sandbox:paced", closers=(box.close,))
    try:
        start = clock()
        plan = build_plan(parse_spec(spec, "paced.yaml").spec, provider)
        apply_plan(plan, provider)
        seconds = clock() - start
        written = sum(n for (method, _), n in box.writes.items() if method != "GET")
        reads = sum(n for (method, _), n in box.stats.items() if method == "GET")
        return Paced(written, reads, client.throttled, seconds, client.waited)
    finally:
        provider.close()
