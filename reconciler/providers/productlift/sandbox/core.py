"""The sandbox portal: one object that answers one request at a time.

``Sandbox.handle`` is the single implementation behind both ways in: the in-process httpx
transport (``Sandbox.transport()``) and the HTTP server (``server.py``). Per request, in order:
the rate limiter counts it, the route is matched (404/405), past the budget the answer is 429,
the fault injector draws (a 5xx, or a dropped connection before acting), the bearer token is
checked (401), then the handler runs in its own transaction. Every answer carries the rate-limit
headers. A ``Reply`` with a ``fault`` set must not be delivered: the transport drops or stalls
the connection instead (after the write, for LOSE and some TIMEOUTs).
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ....sandbox.base import SandboxBase
from ....sandbox.faults import WRITE_METHODS, Decision, Fault, Faults
from ....sandbox.ratelimit import DEFAULT_LIMIT, DEFAULT_WINDOW, RateLimiter
from ....sandbox.reply import Reply
from . import app
from .store import DEFAULT_DB, Store
from .validate import HttpError

BASE_HEADERS = {
    "content-type": "application/json",
    "cache-control": "no-cache, private",
    "access-control-allow-origin": "*",
}
_HTML_ERRORS = {
    502: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
    "</body></html>",
    503: "<html><head><title>503 Service Unavailable</title></head><body>"
    "<h1>503 Service Unavailable</h1></body></html>",
}


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class Sandbox(SandboxBase):
    """A persistent, local ProductLift portal in SQLite (``db``: a path or ``":memory:"``).

    ``token``: the bearer token to require (None: any request passes). ``rate_limit``: requests
    per ``window`` seconds (None or 0: off). ``faults``: what to inject (None: nothing).
    ``clock`` (monotonic seconds) drives the rate limiter, ``wall`` (epoch seconds) the
    timestamps. Thread-safe: requests are handled one at a time under a lock.

    Counters, keyed by ``(METHOD, path template)`` such as ``("POST", "/api/v1/categories")``
    (``"?"`` for unknown paths): ``stats`` every request received, ``writes`` every write
    performed (a 2xx POST, PUT, PATCH or DELETE, including those whose answer a fault lost);
    ``faulted`` counts the faults injected by kind (``"error"``, ``"lose"``, ...).
    """

    def __init__(
        self,
        db: str | Path = DEFAULT_DB,
        *,
        token: str | None = None,
        rate_limit: int | None = DEFAULT_LIMIT,
        window: float = DEFAULT_WINDOW,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.token = token or None
        self.faults = faults
        self.limiter = RateLimiter(rate_limit, window, clock)
        self.stats: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[tuple[str, str]] = Counter()
        self.faulted: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.store = Store(db, wall=wall)

    def _handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        verdict = self.limiter.hit()
        head = {**BASE_HEADERS, **verdict.headers()}
        try:
            route, params = app.match(method, path)
        except HttpError as error:
            self.stats[(method, "?")] += 1
            return Reply(error.status, head, _encode(error.payload))
        key = (method, route.template)
        self.stats[key] += 1
        if not verdict.allowed:
            return Reply(429, head, _encode({"message": "Too Many Attempts."}))
        decision = self.faults.decide(method) if self.faults else Decision()
        if decision.fault is not None:
            self.faulted[decision.fault.value] += 1
        if decision.fault is Fault.ERROR:
            return self._server_error(decision.status, head)
        if decision.fault is Fault.RESET:
            return Reply(0, {}, b"", Fault.RESET)
        if not self._authorized(headers):
            return Reply(401, head, _encode({"message": "Unauthenticated."}))
        status, payload = 0, None
        if decision.act:
            status, payload = app.dispatch(self.store, route, params, query, body)
            if method in WRITE_METHODS and status < 300:
                self.writes[key] += 1
        delay = self.faults.timeout_delay if self.faults else 0.0
        return Reply(status, head, _encode(payload), decision.fault, delay)

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        if self.token is None:
            return True
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        )

    @staticmethod
    def _server_error(status: int, head: dict[str, str]) -> Reply:
        if status in _HTML_ERRORS:
            html = {**head, "content-type": "text/html; charset=utf-8"}
            return Reply(status, html, _HTML_ERRORS[status].encode())
        return Reply(status, head, _encode({"message": "Server Error"}))
