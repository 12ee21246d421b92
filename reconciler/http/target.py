"""Checking what the user typed before any request: the portal's address, and a token's form."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..errors import TargetError

TOKEN_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F)) - set("\\\"'")
TOKEN_HINT = "copy the token again from the portal's settings"


def check_target(
    base_url: str, *, allow_insecure: bool = False, credentials: str = "the credential variables"
) -> str:
    """The base URL without a trailing slash, if it is a usable portal address.

    Refused (:class:`TargetError`, the URL's credentials masked): anything but an http(s) URL
    with a host; credentials, a query or a fragment in it (hint: they go in ``credentials``,
    the environment variable); plain http:// to a host that is not loopback, unless
    ``allow_insecure``.
    """
    parts = urlsplit(base_url.strip())
    try:
        host = parts.hostname if parts.scheme in ("http", "https") and parts.port != 0 else None
    except ValueError:  # a port that is not a number
        host = None
    shown = (
        parts._replace(netloc=f"***@{parts.netloc.rpartition('@')[2]}")
        if "@" in parts.netloc
        else parts
    )
    if not host:
        raise TargetError(
            f"not a portal URL: {shown.geturl()!r}",
            hint="give the portal's address, like https://feedback.example.com",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise TargetError(
            f"the portal URL must be a plain address: {parts.scheme}://{host}…",
            hint=f"leave out credentials, query and fragment; the token goes in {credentials}",
        )
    if parts.scheme == "http" and not allow_insecure and not loopback(host):
        raise TargetError(
            f"refusing plain http:// for {host}: the token would travel unencrypted",
            hint=f"use https://{parts.netloc}{parts.path} (http:// is accepted only for localhost)",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def check_token(token: str | None, hint: str = TOKEN_HINT) -> str | None:
    """The token without surrounding whitespace, None when empty; refused, unquoted
    (:class:`TargetError` with ``hint``), when it holds a character no token has."""
    token = (token or "").strip() or None
    if token is not None and not all(c in TOKEN_CHARS for c in token):
        raise TargetError(
            "the API token holds characters no token has (spaces, quotes, control or non-ASCII)",
            hint=hint,
        )
    return token


def loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
