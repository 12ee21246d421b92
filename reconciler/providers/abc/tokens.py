"""Webhook tokens as the sandbox keeps them: a salted digest, never the token.

The server answers a webhook's ``token`` in clear; the sandbox may not write a secret to its
file, so it stores and answers a *seal* instead: ``sandbox-sha256.SALT.DIGEST``, itself a valid
token (so it goes back unchanged in a ``PUT`` that re-sends what was read). The reader turns a
seal of the spec's token back into that token (:func:`unseal`), so a plan against the sandbox
compares tokens as it does against the server. A random salt per token; SHA-256 is enough, as
tokens are random strings of 16 characters or more (like the API keys, hashed the same way).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from typing import Any

_PREFIX = "sandbox-sha256"
_SEAL = re.compile(rf"{_PREFIX}\.([0-9a-f]{{16}})\.([0-9a-f]{{64}})")


def seal(token: str) -> str:
    """``token`` as the sandbox stores it (a new salt each time)."""
    return _sealed(token, secrets.token_hex(8))


def is_seal(value: object) -> bool:
    return isinstance(value, str) and _SEAL.fullmatch(value) is not None


def unseal(value: Any, candidates: Iterable[str]) -> Any:
    """The candidate ``value`` is a seal of, if any; else ``value`` as it is."""
    found = _SEAL.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return value
    sealed, salt = found.group(), found.group(1)
    return next((t for t in candidates if hmac.compare_digest(_sealed(t, salt), sealed)), value)


def _sealed(token: str, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}:{token}".encode()).hexdigest()
    return f"{_PREFIX}.{salt}.{digest}"
