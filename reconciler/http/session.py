"""A signed-in session: short-lived access tokens, signed in lazily and refreshed as needed.

:class:`Session` holds an access token (sent as ``Authorization: Bearer``). It signs in on
first use, through ``sign_in(client)``, which sends its request through the same client (with
an auth of its own, never the session: that would recurse, and raises ``RuntimeError``). When
the token's lifetime is known (``Tokens.lifetime``, else the JWT's ``exp`` read without
verifying), it is refreshed ``margin`` seconds before it expires, through
``refresh(client, refresh_token)``; on a 401 it is refreshed too, and the request sent once
more. A refresh that fails is followed by a new sign-in; a sign-in that fails raises its error.

Thread-safe: one sign-in or refresh at a time; threads that needed it wait for it and use its
result. Every token ever held, and the ``secrets`` given (a password), are masked by the client.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import ApiError, BadResponseError
from .auth import NO_AUTH, Auth, Bearer, Requester
from .secrets import Secret

log = logging.getLogger("reconciler.http")


@dataclass(frozen=True, repr=False)
class Tokens:
    """What a sign-in or refresh gives: an access token, maybe a refresh token and lifetime."""

    access: str
    refresh: str | None = None
    lifetime: float | None = None  # seconds from receipt; None: read the JWT's exp

    def __repr__(self) -> str:
        return "Tokens(***)"


SignIn = Callable[[Requester], Tokens]
Refresh = Callable[[Requester, str], Tokens]


def jwt_lifetime(token: str, wall: Callable[[], float] = time.time) -> float | None:
    """Seconds a JWT is valid for from now, read without verifying it: ``exp - iat`` when it
    has both (no clock skew), else ``exp`` - this machine's clock; None when unreadable."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = float(claims["exp"])
        iat = claims.get("iat")
        start = float(iat) if isinstance(iat, int | float) else wall()
    except (IndexError, KeyError, TypeError, ValueError, binascii.Error, RecursionError):
        return None
    return max(0.0, exp - start)


class Session(Auth):
    """A bearer access token obtained by ``sign_in`` and renewed by ``refresh``."""

    def __init__(
        self,
        sign_in: SignIn,
        refresh: Refresh | None = None,
        *,
        margin: float = 30.0,
        secrets: Sequence[str] = (),
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._sign_in, self._refresh_with = sign_in, refresh
        self.margin = margin
        self._wall = wall
        self._access: Secret | None = None
        self._refresh: Secret | None = None
        self._expires: float | None = None
        self._held: list[Secret] = [Secret(s) for s in secrets if s]
        self._lock = threading.Lock()
        self._local = threading.local()
        self.sign_ins = 0
        self.refreshes = 0

    def __repr__(self) -> str:
        state = "signed in" if self._access is not None else "not signed in"
        return f"Session({state})"

    def describe(self) -> str:
        return "session"

    def secrets(self) -> Iterable[str]:
        return [s.value for s in list(self._held)]

    def prepare(self, client: Requester) -> None:
        if getattr(self._local, "busy", False):
            raise RuntimeError("a session's sign-in or refresh must not use the session itself")
        with self._lock:
            if self._access is None:
                self._renew(client, refresh=False)
            elif self._expires is not None and client.now() >= self._expires - self.margin:
                self._renew(client, refresh=True)

    def apply(self, request: httpx.Request) -> None:
        if self._access is not None:
            request.headers["Authorization"] = f"Bearer {self._access.value}"

    def renew(self, client: Requester, request: httpx.Request) -> bool:
        if getattr(self._local, "busy", False):
            return False
        with self._lock:
            current = f"Bearer {self._access.value}" if self._access else None
            if current is not None and request.headers.get("Authorization") != current:
                return True  # another request renewed it meanwhile: just try again
            self._renew(client, refresh=True)
            return True

    def _renew(self, client: Requester, *, refresh: bool) -> None:
        self._local.busy = True
        try:
            tokens = self._refreshed(client) if refresh else None
            if tokens is None:
                self.sign_ins += 1
                tokens = self._sign_in(client)
        finally:
            self._local.busy = False
        self._take(tokens, client.now())

    def _refreshed(self, client: Requester) -> Tokens | None:
        if self._refresh_with is None or self._refresh is None:
            return None
        try:
            tokens = self._refresh_with(client, self._refresh.value)
        except ApiError as error:
            log.info("session refresh failed (%s); signing in again", error.status)
            return None
        self.refreshes += 1
        return tokens

    def _take(self, tokens: Tokens, now: float) -> None:
        self._access = Secret(tokens.access)
        self._held.append(self._access)
        if tokens.refresh:
            self._refresh = Secret(tokens.refresh)
            self._held.append(self._refresh)
        lifetime = tokens.lifetime
        if lifetime is None:
            lifetime = jwt_lifetime(tokens.access, self._wall)
        self._expires = None if lifetime is None else now + lifetime


def jwt_session(
    sign_in_path: str,
    credentials: Mapping[str, str],
    refresh_path: str | None = None,
    *,
    sign_in_auth: Auth = NO_AUTH,
    access_field: str = "accessToken",
    refresh_field: str = "refreshToken",
    secret_fields: Sequence[str] = ("password",),
    margin: float = 30.0,
) -> Session:
    """A session that POSTs ``credentials`` to ``sign_in_path`` and GETs ``refresh_path`` with
    the refresh token as Bearer, both answering ``{accessToken, refreshToken}`` (ABC User
    Feedback: ``jwt_session("admin/auth/signIn/email", {"email": E, "password": P},
    "admin/auth/refresh")``). The ``secret_fields`` of ``credentials`` are masked."""
    body = dict(credentials)

    def read(answer: Any, method: str, path: str, client: Requester) -> Tokens:
        access = answer.get(access_field) if isinstance(answer, dict) else None
        if not isinstance(access, str) or not access:
            where = getattr(client, "path_of", lambda p: p)(path)
            raise BadResponseError(method, where, None, f"the answer holds no {access_field}")
        fresh = answer.get(refresh_field)
        return Tokens(access, fresh if isinstance(fresh, str) else None)

    def sign_in(client: Requester) -> Tokens:
        answer = client.request("POST", sign_in_path, json=body, auth=sign_in_auth)
        return read(answer, "POST", sign_in_path, client)

    def refresh(client: Requester, token: str) -> Tokens:
        assert refresh_path is not None
        answer = client.request("GET", refresh_path, auth=Bearer(token))
        return read(answer, "GET", refresh_path, client)

    secrets = [body[f] for f in secret_fields if body.get(f)]
    return Session(sign_in, refresh if refresh_path else None, margin=margin, secrets=secrets)
