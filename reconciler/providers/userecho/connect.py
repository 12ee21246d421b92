"""A UserEcho portal connection for a target: over HTTP with USERECHO_TOKEN, or the
embedded sandbox (``sandbox:PATH``), which needs no token and is not paced.
``RECONCILER_PARALLEL`` (the CLI's ``--parallel N``): reads in flight at once (default 8),
within the pace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ...errors import TargetError
from ...http import NO_AUTH, Client, QueryToken, parallel_from
from .api import DIALECT, TOKEN_HINT, Api
from .writing import UserEcho

if TYPE_CHECKING:
    from ...connect import Target

TOKEN_VARIABLE = "USERECHO_TOKEN"
RATE_VARIABLE = "RECONCILER_RATE_LIMIT"
DEFAULT_RATE = 60  # requests a minute: UserEcho documents no limit and sends no headers
API_PREFIX = "/api/v2"


def rate_from(env: Mapping[str, str]) -> int | None:
    """``RECONCILER_RATE_LIMIT`` (requests a minute; 0: no pacing), None when unset."""
    raw = env.get(RATE_VARIABLE, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise TargetError(
            f"{RATE_VARIABLE} must be a whole number of requests a minute, not {raw!r}",
            hint="0 turns pacing off; UserEcho's default here is 60",
        )
    return int(raw)


def open_portal(target: Target, env: Mapping[str, str]) -> UserEcho:
    """The pace: RECONCILER_RATE_LIMIT > the spec's portal.rate_limit > 60 a minute."""
    rate, parallel = rate_from(env), parallel_from(env)
    if target.sandbox is not None:
        from .sandbox import UserEchoSandbox

        faults = env.get("RECONCILER_SANDBOX_FAULTS", "").strip() or None
        box = UserEchoSandbox(target.sandbox, require_token=False, faults=faults)
        client = Client(  # in process: a lost answer is worth asking about at once
            "http://sandbox.local",
            auth=NO_AUTH,
            api_prefix=API_PREFIX,
            dialect=DIALECT,
            transport=box.transport(),
            allow_insecure=True,
            backoff_base=0.01,
            fixed_rate=rate or None,
        )
        portal = UserEcho(Api(client), target.url, closers=(box.close,), pace_from_spec=False)
        portal.parallel = parallel
        return portal
    token = env.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise TargetError(
            f"{TOKEN_VARIABLE} is not set: the UserEcho portal at {target.url} needs it",
            hint=f"export {TOKEN_VARIABLE}=… (an API key: {TOKEN_HINT.split('from ', 1)[-1]}); "
            "or target the local sandbox with --url sandbox:",
        )
    client = Client(
        target.url,
        auth=QueryToken("access_token", token, hint=TOKEN_HINT),
        api_prefix=API_PREFIX,
        dialect=DIALECT,
        fixed_rate=DEFAULT_RATE if rate is None else rate or None,
    )
    portal = UserEcho(Api(client), target.url, pace_from_spec=rate is None)
    portal.parallel = parallel
    return portal
