"""The HTTP client as ProductLift speaks: a Bearer token, ``/api/v1``, Laravel errors."""

from __future__ import annotations

import os
from typing import Any

from ...errors import TargetError
from ...http import Bearer, Dialect, laravel_message
from ...http import Client as HttpClient

HINTS = {
    401: "check PRODUCTLIFT_TOKEN (the portal's API token, from Customize > API & Webhooks)",
    403: "the token lacks permission for this; use a token of a portal admin",
    404: "the resource is gone: someone changed the portal; run plan again",
    422: "the portal refused the value; fix it in the spec",
    429: "the portal's rate limit (about 60 requests a minute); try again in a minute",
}
DIALECT = Dialect(
    hints=HINTS,
    url_hint="check the portal URL (--url / PRODUCTLIFT_URL) and the network",
    credentials="PRODUCTLIFT_TOKEN",
    error_message=laravel_message,
)
TOKEN_HINT = "copy PRODUCTLIFT_TOKEN again from Customize > API & Webhooks"
# The portal's rate-limit window when it is not the documented 60 s (`sandbox serve --window`
# prints it): the pacer starts from it instead of learning it from a 429.
WINDOW_VARIABLE = "RECONCILER_RATE_WINDOW"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 3600:
        raise TargetError(
            f"{WINDOW_VARIABLE} must be the window's length in seconds, not {text!r}",
            hint="for example 60; leave it unset for ProductLift's documented minute",
        )
    return value


class Client(HttpClient):
    """:class:`reconciler.http.Client` in ProductLift's dialect; ``token`` is the API token."""

    def __init__(self, base_url: str, token: str | None = None, **options: Any) -> None:
        options.setdefault("dialect", DIALECT)
        window = os.environ.get(WINDOW_VARIABLE, "").strip()
        if window and "rate_window" not in options:
            options["rate_window"] = _seconds(window)
        if "auth" not in options:
            options["auth"] = Bearer(token, hint=TOKEN_HINT)
        elif token is not None:
            raise TypeError("give a token or an auth strategy, not both")
        super().__init__(base_url, **options)
