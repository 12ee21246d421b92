"""Auth strategies: how a request proves who sends it.

A strategy is given to a :class:`~reconciler.http.client.Client` (``auth=``, the default for
every request) or to one request (``client.get(path, auth=...)``), and is consulted on every
attempt in this order: :meth:`Auth.prepare` (may sign in or refresh, through the same client),
:meth:`Auth.apply` (puts the credential on the request), and on a 401 :meth:`Auth.renew`
(True: the request is sent once more). Strategies combine with ``+``: ABC's admin calls use
``HeaderKey("x-api-key", key) + session``, its public ones the key alone.

Every value a strategy returns from :meth:`Auth.secrets` is masked by the client in every URL,
log line, error and repr, including values the strategy learns later (a session's new tokens).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import httpx

from .secrets import Secret
from .target import check_token

log = logging.getLogger("reconciler.http")


class Requester(Protocol):
    """What a strategy may use of the client: send a request, read its clock."""

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        auth: Auth | None = None,
    ) -> Any: ...

    def now(self) -> float: ...


class Auth:
    """No credential at all; the base of every strategy."""

    def describe(self) -> str:
        """What kind of credential this is, for logs (never its value)."""
        return "no auth"

    def secrets(self) -> Iterable[str]:
        return ()

    def prepare(self, client: Requester) -> None:
        """Make the credential usable before an attempt (sign in, refresh)."""

    def apply(self, request: httpx.Request) -> None:
        """Put the credential on ``request``."""

    def renew(self, client: Requester, request: httpx.Request) -> bool:
        """``request`` was answered 401: True when a new credential is worth one more try."""
        return False

    def __add__(self, other: Auth) -> Combined:
        return Combined(self, other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


NO_AUTH = Auth()


class Bearer(Auth):
    """``Authorization: Bearer TOKEN``. An empty token sends no header."""

    def __init__(self, token: str | None, *, hint: str | None = None) -> None:
        self._token = Secret(check_token(token, hint) if hint else check_token(token))

    def describe(self) -> str:
        return "bearer token" if self._token.value else "no auth"

    def secrets(self) -> Iterable[str]:
        return (self._token.value,) if self._token.value else ()

    def apply(self, request: httpx.Request) -> None:
        if self._token.value:
            request.headers["Authorization"] = f"Bearer {self._token.value}"

    def __repr__(self) -> str:
        return "Bearer('***')"


class HeaderKey(Auth):
    """A key in a header of its own, like ABC's ``x-api-key``."""

    def __init__(self, header: str, key: str, *, hint: str | None = None) -> None:
        self.header = header
        self._key = Secret(check_token(key, hint) if hint else check_token(key))

    def describe(self) -> str:
        return f"{self.header} header"

    def secrets(self) -> Iterable[str]:
        return (self._key.value,) if self._key.value else ()

    def apply(self, request: httpx.Request) -> None:
        if self._key.value:
            request.headers[self.header] = self._key.value

    def __repr__(self) -> str:
        return f"HeaderKey({self.header!r}, '***')"


class QueryToken(Auth):
    """``?NAME=TOKEN`` on every request, like UserEcho's ``access_token``."""

    def __init__(self, name: str, token: str, *, hint: str | None = None) -> None:
        self.name = name
        self._token = Secret(check_token(token, hint) if hint else check_token(token))

    def describe(self) -> str:
        return f"{self.name} query parameter"

    def secrets(self) -> Iterable[str]:
        return (self._token.value,) if self._token.value else ()

    def apply(self, request: httpx.Request) -> None:
        if self._token.value:
            request.url = request.url.copy_add_param(self.name, self._token.value)

    def __repr__(self) -> str:
        return f"QueryToken({self.name!r}, '***')"


class Combined(Auth):
    """Several strategies at once, applied in order; renewed by whichever can renew."""

    def __init__(self, *parts: Auth) -> None:
        self.parts: tuple[Auth, ...] = tuple(
            p for part in parts for p in (part.parts if isinstance(part, Combined) else (part,))
        )

    def describe(self) -> str:
        return " + ".join(p.describe() for p in self.parts)

    def secrets(self) -> Iterable[str]:
        return [s for p in self.parts for s in p.secrets()]

    def prepare(self, client: Requester) -> None:
        for part in self.parts:
            part.prepare(client)

    def apply(self, request: httpx.Request) -> None:
        for part in self.parts:
            part.apply(request)

    def renew(self, client: Requester, request: httpx.Request) -> bool:
        renewed = [p.renew(client, request) for p in self.parts]  # each part gets its chance
        return any(renewed)

    def __repr__(self) -> str:
        return " + ".join(repr(p) for p in self.parts)
