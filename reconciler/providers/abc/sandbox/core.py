"""The ABC User Feedback sandbox: one object that answers one request at a time.

``AbcSandbox.handle`` is the single implementation behind both ways in: the in-process httpx
transport (``transport()``) and the HTTP server (``reconciler.sandbox.server.make_server``,
which only calls ``handle`` and reads the counters). Per request, in order: the route is
matched (NestJS's 404), the fault injector draws (a 5xx, or a dropped connection before
acting), the body is read as Fastify reads it (400 ``{response, path}`` for an empty JSON body
or invalid JSON), the guard runs (403 for a missing, wrong or other project's ``x-api-key``;
401 "Invalid jwt" for the admin API), path ids are parsed, then the handler runs in its own
transaction (rolled back on any error; an unexpected database error is a 500). There are no
rate-limit headers: the server sends none.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ....sandbox.base import SandboxBase
from ....sandbox.faults import WRITE_METHODS, Decision, Fault, Faults
from ....sandbox.reply import Reply
from . import keys
from .call import Call
from .errors import AbcError, plain, refused_body
from .routes import Route, int_params, match
from .store import ADMIN_EMAIL, DEFAULT_DB, Store

JSON_TYPE = "application/json; charset=utf-8"
_HEAD = {"access-control-allow-origin": "*"}
_EMPTY_JSON = "Body cannot be empty when content-type is set to 'application/json'"


class AbcSandbox(SandboxBase):
    """A persistent, local ABC User Feedback server in SQLite (``db``: a path or ``":memory:"``).

    Seeded on first open: project 1 ("Demo", empty) and project 2 ("Other"), an API key for
    each, and the admin user ``admin@example.com``. ``api_key`` (project 1) and ``password``
    (the admin's) fix those credentials; left out, random ones are made up for this run (a new
    one each time the file is opened without it), which ``credentials()`` shows. Either way
    only a hash is stored, and a value passed in is never shown by ``credentials()``.
    Project 2's key is always made up (``other_api_key``).

    ``faults``: what to inject (None: nothing). ``clock`` (monotonic seconds) drives token
    expiry, ``wall`` (epoch seconds) the timestamps. Thread-safe: one request at a time.

    Counters, keyed by ``(METHOD, path template)`` such as
    ``("POST", "/api/projects/{projectId}/categories")`` (``"?"`` for unknown paths):
    ``stats`` every request received, ``writes`` every write performed (a 2xx POST, PUT or
    DELETE, including those whose answer a fault lost); ``faulted`` the faults by kind.
    """

    def __init__(
        self,
        db: str | Path = DEFAULT_DB,
        *,
        api_key: str | None = None,
        password: str | None = None,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.faults = faults
        self.clock = clock
        self.stats: Counter[tuple[str, str]] = Counter()
        self.writes: Counter[tuple[str, str]] = Counter()
        self.faulted: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._signer = keys.Signer()
        self.store = Store(db, wall=wall)
        try:
            with self.store.transaction():
                self.api_key = self.store.settle_secret("api_key", api_key, keys.made_up_key)
                self.other_api_key = self.store.settle_secret("api_key_2", None, keys.made_up_key)
                self.password = self.store.settle_secret(
                    "password", password, keys.made_up_password
                )
                self.store.set_api_key(1, self.api_key)
                self.store.set_api_key(2, self.other_api_key)
                self.store.set_password(self.password)
        except BaseException:
            self.store.close()
            raise

    def credentials(self, url: str | None = None) -> dict[str, str]:
        """The environment a user pastes to reach this sandbox (variable → value).

        ``ABC_URL`` when ``url`` is given; ``ABC_API_KEY`` and ``ABC_PASSWORD`` only when the
        sandbox made them up (a value the user passed is left out, never echoed).
        """
        found = {"ABC_URL": url} if url else {}
        if self.store.made_up("api_key"):
            found["ABC_API_KEY"] = self.api_key
        found["ABC_EMAIL"] = ADMIN_EMAIL
        if self.store.made_up("password"):
            found["ABC_PASSWORD"] = self.password
        return found

    def _handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        url = f"{path}?{query}" if query else path
        try:
            route, raw = match(method, path)
        except AbcError as error:
            self.stats[(method, "?")] += 1
            return _reply(error.status, error.render(url))
        key = (method, route.template)
        self.stats[key] += 1
        decision = self.faults.decide(method) if self.faults else Decision()
        if decision.fault is not None:
            self.faulted[decision.fault.value] += 1
        if decision.fault is Fault.ERROR:
            return _reply(decision.status, {"statusCode": 500, "message": "Internal server error"})
        if decision.fault is Fault.RESET:
            return Reply(0, {}, b"", Fault.RESET)
        status, payload = 0, None
        if decision.act:
            status, payload = self._run(route, raw, method, query, headers, body, url)
            if method in WRITE_METHODS and status < 300:
                self.writes[key] += 1
        delay = self.faults.timeout_delay if self.faults else 0.0
        answer = _reply(status, payload)
        return Reply(answer.status, answer.headers, answer.body, decision.fault, delay)

    def _run(
        self,
        route: Route,
        raw: dict[str, str],
        method: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        url: str,
    ) -> tuple[int, Any]:
        try:
            parsed = _read_body(method, headers, body)
            user = self._guard(route, raw, headers)
            call = Call(
                self.store, int_params(raw), parsed, _query(query), self._signer, self.clock(), user
            )
            if method in WRITE_METHODS:
                with self.store.transaction():
                    return route.handler(call)
            return route.handler(call)
        except AbcError as error:
            return error.status, error.render(url)
        except sqlite3.Error:  # a broken constraint: the server's 500, rolled back
            return 500, {"statusCode": 500, "message": "Internal server error"}

    def _guard(self, route: Route, raw: dict[str, str], headers: dict[str, str]) -> dict[str, Any]:
        if route.guard == "key":
            given = headers.get("x-api-key", "")
            project = raw.get("projectId", "")
            row = self.store.one(
                "SELECT key_hash FROM api_keys WHERE project_id = ?",
                int(project) if project.isdigit() else -1,
            )
            if (
                not given
                or row is None
                or not hmac.compare_digest(keys.key_hash(given), row["key_hash"])
            ):
                raise plain(403, "Forbidden resource")
            return {}
        if route.guard == "jwt":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            claims = (
                self._signer.verify(token.strip(), self.clock())
                if scheme.lower() == "bearer"
                else None
            )
            if claims is None:
                raise plain(401, "Invalid jwt")
            return claims
        return {}


def _reply(status: int, payload: Any) -> Reply:
    if payload is None:  # NestJS sends nothing for a handler that returns nothing
        return Reply(status, dict(_HEAD), b"")
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Reply(status, {**_HEAD, "content-type": JSON_TYPE}, text)


def _read_body(method: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """The JSON object sent, as Fastify parses it; ``{}`` when there is none."""
    if method in ("GET", "HEAD"):
        return {}
    if "application/json" not in headers.get("content-type", "").lower():
        return {}
    if not body:
        raise refused_body(_EMPTY_JSON)
    try:
        parsed = json.loads(body)
    except json.JSONDecodeError as error:
        raise refused_body(f"Unexpected token in JSON at position {error.pos}") from None
    except UnicodeDecodeError:
        raise refused_body("Unexpected token in JSON at position 0") from None
    return parsed if isinstance(parsed, dict) else {}


def _query(query: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(query, keep_blank_values=True))
