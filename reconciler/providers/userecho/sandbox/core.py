"""The UserEcho sandbox: one object that answers one request at a time.

``UserEchoSandbox.handle`` is the single implementation behind both ways in: the in-process
httpx transport (``transport()``) and the HTTP server (``reconciler.sandbox.server``, which
only calls ``handle`` and reads the counters). Per request, in order: the rate limiter (when
on) counts it, the route is matched (404/405), past the budget the answer is 429 with
``Retry-After``, the fault injector draws (a 5xx, or a dropped connection before acting), the
``access_token`` query parameter is checked (401), then the handler runs in its own
transaction. Failures answer ``{"status": "error", "message": ...}`` with a REST status, or
200 under ``errors_as_200``; a message never quotes the token unless ``echo_url_in_errors``.
"""

from __future__ import annotations

import json
import math
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ....sandbox.base import SandboxBase
from ....sandbox.faults import WRITE_METHODS, Decision, Fault, Faults
from ....sandbox.ratelimit import RateLimiter, Verdict
from ....sandbox.reply import JSON_HEADERS, Reply
from . import routes
from .errors import Refused
from .options import parse_options
from .store import DEFAULT_DB, Store

URL_VARIABLE = "USERECHO_URL"
TOKEN_VARIABLE = "USERECHO_TOKEN"
DEFAULT_WINDOW = 60.0
_HTML_ERRORS = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
    b"</body></html>",
    503: b"<html><head><title>503 Service Unavailable</title></head><body>"
    b"<h1>503 Service Unavailable</h1></body></html>",
}


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class UserEchoSandbox(SandboxBase):
    """A persistent, local UserEcho API in SQLite (``db``: a path or ``":memory:"``).

    ``token``: the access token to require from now on (only its hash is stored, replacing
    the one before; never shown back). Without one, a token the user gave earlier stays valid;
    otherwise this run makes up a new one, which ``credentials()`` shows (only its hash is
    stored: no token is ever in the file). ``require_token=False`` accepts any token or none
    (the embedded sandbox).
    ``rate_limit``: requests per ``window`` seconds (None or 0: off, the default; UserEcho
    documents none). ``faults``: a ``Faults``, or a fault string that may also turn on the
    switches (``options.parse_options``). ``errors_as_200``: failures answer HTTP 200 with
    ``"status": "error"``. ``echo_url_in_errors``: error messages quote the request URL,
    token included. ``clock`` (monotonic seconds) drives the rate limiter, ``wall`` (epoch
    seconds) the ``created`` times. Thread-safe: one lock around each request.

    Counters keyed by ``(METHOD, path template)`` such as ``("POST", "/api/v2/forums.json")``
    (``"?"`` for unknown paths): ``stats`` every request received, ``writes`` every write
    performed (including those whose answer a fault lost); ``faulted`` faults by kind.
    """

    def __init__(
        self,
        db: str | Path = DEFAULT_DB,
        *,
        token: str | None = None,
        require_token: bool = True,
        rate_limit: int | None = None,
        window: float = DEFAULT_WINDOW,
        faults: Faults | str | None = None,
        errors_as_200: bool = False,
        echo_url_in_errors: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(faults, str):
            options = parse_options(faults)
            faults = options.faults
            errors_as_200 = errors_as_200 or options.errors_as_200
            echo_url_in_errors = echo_url_in_errors or options.echo_url_in_errors
        self.faults = faults
        self.errors_as_200 = errors_as_200
        self.echo_url_in_errors = echo_url_in_errors
        self.require_token = require_token
        self.limiter = RateLimiter(rate_limit, window, clock) if rate_limit else None
        self.stats: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[tuple[str, str]] = Counter()
        self.faulted: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._shown: str | None = None
        self.store = Store(db, wall=wall)
        if token:
            self.store.set_token(token, made_up=False)  # given by the user: never shown back
        elif not self.store.has_token() or self.store.token_was_made_up():
            self.new_token()  # one made up before is known to no one now

    def new_token(self) -> str:
        """Replace the access token by a random one, and return it (``credentials()`` shows it)."""
        minted = secrets.token_urlsafe(24)
        with self._lock:
            self.store.set_token(minted, made_up=True)
            self._shown = minted
        return minted

    def credentials(self, url: str | None = None) -> dict[str, str]:
        """The environment a client needs: ``USERECHO_URL`` (when ``url`` is given) and
        ``USERECHO_TOKEN`` only when the sandbox made the token up (a token the user gave is
        never printed back: the variable is left out)."""
        found = {URL_VARIABLE: url} if url else {}
        if self._shown is not None:
            found[TOKEN_VARIABLE] = self._shown
        return found

    def _handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        verdict = self.limiter.hit() if self.limiter is not None else None
        url = f"http://{headers.get('host', 'sandbox.local')}{path}{'?' if query else ''}{query}"
        try:
            route, params = routes.match(method, path)
        except Refused as error:
            self.stats[(method, "?")] += 1
            return self._refuse(error, url)
        key = (method, route.template)
        self.stats[key] += 1
        if verdict is not None and not verdict.allowed:
            return self._too_many(verdict, url)
        decision = self.faults.decide(method) if self.faults else Decision()
        if decision.fault is not None:
            self.faulted[decision.fault.value] += 1
        if decision.fault is Fault.ERROR:
            return self._server_error(decision.status)
        if decision.fault is Fault.RESET:
            return Reply(0, {}, b"", Fault.RESET)
        delay = self.faults.timeout_delay if self.faults else 0.0
        args = routes.read_query(query)
        try:
            self._check_token(args.pop(routes.TOKEN_PARAM, ""))
            if not decision.act:
                return Reply(0, {}, b"", decision.fault, delay)
            payload = routes.dispatch(self.store, route, params, args, body)
        except Refused as error:
            refused = self._refuse(error, url)
            return Reply(refused.status, refused.headers, refused.body, decision.fault, delay)
        if method in WRITE_METHODS:
            self.writes[key] += 1
        return Reply(200, dict(JSON_HEADERS), _encode(payload), decision.fault, delay)

    def _check_token(self, given: str) -> None:
        if not self.require_token:
            return
        if not given:
            raise Refused(401, "access_token is required")
        if not self.store.token_matches(given):
            raise Refused(401, "invalid access_token")

    def _refuse(self, error: Refused, url: str) -> Reply:
        message = error.message
        if self.echo_url_in_errors:
            message = f"{message} (request: {url})"
        status = 200 if self.errors_as_200 else error.status
        return Reply(status, dict(JSON_HEADERS), _encode({"status": "error", "message": message}))

    def _too_many(self, verdict: Verdict, url: str) -> Reply:
        reply = self._refuse(Refused(429, "too many requests"), url)
        wait = str(max(1, math.ceil(verdict.retry_after or 0)))
        return Reply(429, {**reply.headers, "retry-after": wait}, reply.body)

    @staticmethod
    def _server_error(status: int) -> Reply:
        if status in _HTML_ERRORS:
            html = {**JSON_HEADERS, "content-type": "text/html; charset=utf-8"}
            return Reply(status, html, _HTML_ERRORS[status])
        return Reply(status, dict(JSON_HEADERS), b'{"status":"error","message":"Server Error"}')
