"""HTTP for every provider: the client, auth strategies, API dialects, pacing.

Quick use::

    client = Client(url, auth=QueryToken("access_token", token), api_prefix="/api/v2",
                    dialect=Dialect(error_message=envelope_message, answer=envelope_data, ...))
    client.get("forums.json")

See :mod:`reconciler.http.client` for retries, deadlines and limits, :mod:`.auth` and
:mod:`.session` for credentials, :mod:`.dialect` for what differs per product.
"""

from __future__ import annotations

from .answers import MiB
from .auth import NO_AUTH, Auth, Bearer, Combined, HeaderKey, QueryToken, Requester
from .client import RETRY_STATUSES, Client
from .dialect import (
    GENERIC,
    GENERIC_HINTS,
    SERVER_HINT,
    URL_HINT,
    Dialect,
    Refusal,
    envelope_checked,
    envelope_data,
    envelope_message,
    laravel_message,
    nest_message,
    plain,
)
from .exchange import RETRY_ERRORS
from .pacing import Pacer, parse_retry_after, read_limits
from .parallel import DEFAULT_PARALLEL, PARALLEL_VARIABLE, ReadPool, fetch_all, parallel_from
from .retry import backoff
from .session import Session, Tokens, jwt_lifetime, jwt_session
from .stops import DeadlineError, LostAnswerError, StoppedError
from .target import TOKEN_CHARS, check_target, check_token

__all__ = [
    "DEFAULT_PARALLEL",
    "GENERIC",
    "GENERIC_HINTS",
    "NO_AUTH",
    "PARALLEL_VARIABLE",
    "RETRY_ERRORS",
    "RETRY_STATUSES",
    "SERVER_HINT",
    "TOKEN_CHARS",
    "URL_HINT",
    "Auth",
    "Bearer",
    "Client",
    "Combined",
    "DeadlineError",
    "Dialect",
    "HeaderKey",
    "LostAnswerError",
    "MiB",
    "Pacer",
    "QueryToken",
    "ReadPool",
    "Refusal",
    "Requester",
    "Session",
    "StoppedError",
    "Tokens",
    "backoff",
    "check_target",
    "check_token",
    "envelope_checked",
    "envelope_data",
    "envelope_message",
    "fetch_all",
    "jwt_lifetime",
    "jwt_session",
    "laravel_message",
    "nest_message",
    "parallel_from",
    "parse_retry_after",
    "plain",
    "read_limits",
]  # fmt: skip
