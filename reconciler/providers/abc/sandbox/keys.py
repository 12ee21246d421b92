"""Credentials of the ABC sandbox: hashed API keys and passwords, and HS256 JWTs (stdlib only).

API keys are stored as SHA-256 hex (they are random, so a slow hash adds nothing); passwords as
PBKDF2-SHA256 with a salt. JWTs are real HS256 tokens signed with a secret that lives in memory
only (a restarted sandbox, like a restarted server with a new secret, refuses old tokens).
Nothing here logs or returns a secret it was given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

ACCESS_SECONDS = 600  # the server's default ACCESS_TOKEN_EXPIRED_TIME: 10 minutes
REFRESH_SECONDS = 3600  # REFRESH_TOKEN_EXPIRED_TIME: 1 hour
_ROUNDS = 20_000


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def password_hash(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ROUNDS).hex()
    return f"{salt}${digest}"


def password_matches(password: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    given = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ROUNDS).hex()
    return hmac.compare_digest(given, digest)


def made_up_key() -> str:
    """A random API key, shaped like the server's (letters and digits)."""
    return secrets.token_hex(20).upper()


def made_up_password() -> str:
    return secrets.token_urlsafe(12)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Makes and checks HS256 JWTs; ``now`` is the sandbox clock's reading, in seconds."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    def sign(self, claims: dict[str, Any], now: float, seconds: int) -> str:
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps({**claims, "iat": int(now), "exp": now + seconds}).encode())
        mac = hmac.new(self._secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(mac)}"

    def verify(self, token: str, now: float) -> dict[str, Any] | None:
        """The claims of a well-signed, unexpired token; None otherwise."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        mac = hmac.new(self._secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(parts[2]), mac):
                return None
            claims: Any = json.loads(_unb64(parts[1]))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int | float):
            return None
        return claims if now < claims["exp"] else None
