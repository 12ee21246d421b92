"""The HTTP client as ABC User Feedback speaks: ``/api``, ``x-api-key``, an admin JWT session,
NestJS's three error shapes.

The public API (categories, issues) takes the project's API key in ``x-api-key``; the admin API
(channels, fields, webhooks, the issue search that shows categories) takes a Bearer access token
from ``POST admin/auth/signIn/email``, valid 10 minutes and refreshed with ``GET
admin/auth/refresh`` (:func:`reconciler.http.jwt_session`: refreshed before it expires, and on a
401 "Invalid jwt" mid-apply; signed in again when the refresh fails).
"""

from __future__ import annotations

from typing import Any

from ...http import Auth, Client, Dialect, HeaderKey, Session, jwt_session, nest_message

KEY_HINT = "check ABC_API_KEY: the API key of the project portal.project names (Settings > API Key)"
HINTS = {
    401: "check ABC_EMAIL and ABC_PASSWORD: the admin API signs in with an admin's credentials",
    403: (
        "the server refused the API key (missing, wrong, or another project's): check "
        "ABC_API_KEY and portal.project"
    ),
    404: "the resource is gone: someone changed the project; run plan again",
    400: "the server refused the value; fix it in the spec",
}
DIALECT = Dialect(
    hints=HINTS,
    url_hint="check the server URL (--url / ABC_URL / portal.url) and the network",
    credentials="ABC_API_KEY",
    error_message=nest_message,
)
SIGN_IN = "admin/auth/signIn/email"
REFRESH = "admin/auth/refresh"


def public_client(base_url: str, api_key: str | None, **options: Any) -> Client:
    """A client for ``{base_url}/api`` sending ``x-api-key`` on every request."""
    options.setdefault("dialect", DIALECT)
    return Client(
        base_url, auth=HeaderKey("x-api-key", api_key or "", hint=KEY_HINT), api_prefix="/api",
        **options,
    )  # fmt: skip


def admin_auth(client: Client, email: str, password: str) -> Auth:
    """What admin requests send: the key (as the web admin does) and a signed-in session."""
    session: Session = jwt_session(SIGN_IN, {"email": email, "password": password}, REFRESH)
    return client.auth + session
