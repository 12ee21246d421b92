"""What differs from one product's API to another's, as the client sees it: a :class:`Dialect`.

- ``hints``: status → what the user should do (each provider names its own variables);
- ``error_message``: an error body → ``(message, field errors)``; readers for the
  Laravel shape (:func:`laravel_message`), ABC User Feedback's NestJS shapes
  (:func:`nest_message`) and UserEcho's envelope (:func:`envelope_message`);
- ``answer``: a 2xx body → what the caller gets, or :class:`Refusal` for an answer that is a
  failure despite its status (UserEcho's ``{"status": "error"}`` with 200: :func:`envelope_data`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

FieldErrors = dict[str, list[str]]
MessageReader = Callable[[Any], tuple[str | None, FieldErrors]]
AnswerReader = Callable[[Any], Any]

GENERIC_HINTS: Mapping[int, str] = {
    401: "check the portal's credentials (the provider's token or key variables)",
    403: "the credentials lack permission for this; use an admin's",
    404: "the resource is gone: someone changed the portal; run plan again",
    422: "the portal refused the value; fix it in the spec",
    429: "the portal's rate limit; try again in a minute",
}
SERVER_HINT = "the portal failed; try again"
URL_HINT = "check the portal URL (--url or the provider's URL variable) and the network"


class Refusal(Exception):
    """Raised by an answer reader: this 2xx answer is a failure, saying ``message``."""

    def __init__(self, message: str, errors: FieldErrors | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def laravel_message(body: Any) -> tuple[str | None, FieldErrors]:
    """``{"message": str, "errors": {field: [str] | str}}`` (Laravel)."""
    if not isinstance(body, dict):
        return None, {}
    message = body.get("message")
    return (message if isinstance(message, str) else None), field_errors(body.get("errors"))


def nest_message(body: Any) -> tuple[str | None, FieldErrors]:
    """ABC User Feedback's three shapes: ``{code?, message: str | [str], error?, statusCode,
    path}``, ``{statusCode, message}``, and ``{response: str | {…}, path}``. A ``code`` leads
    the message (``CategoryNameDuplicated: …``) so a provider can match it."""
    if not isinstance(body, dict):
        return None, {}
    if "message" not in body and "response" in body:
        inner = body["response"]
        return (inner, {}) if isinstance(inner, str) else nest_message(inner)
    raw = body.get("message")
    parts = [str(m) for m in raw] if isinstance(raw, list) else [str(raw)] if raw else []
    message = "; ".join(p for p in parts if p.strip()) or None
    code = body.get("code")
    if isinstance(code, str) and code.strip() and code != message:
        message = f"{code}: {message}" if message else code
    if message is None and isinstance(body.get("error"), str):
        message = body["error"]
    return message, {}


def envelope_message(body: Any) -> tuple[str | None, FieldErrors]:
    """UserEcho's failure envelope ``{"status": "error", "message": …, "errors"?: …}``."""
    if not isinstance(body, dict):
        return None, {}
    message = body.get("message")
    if isinstance(message, dict | list):  # a validation failure may list its fields here
        return None, field_errors(message if isinstance(message, dict) else {"": message})
    return (str(message) if message not in (None, "") else None), field_errors(body.get("errors"))


def plain(body: Any) -> Any:
    """The body as it came."""
    return body


def envelope_checked(body: Any) -> Any:
    """The whole UserEcho envelope (``data`` with ``details``, for paging); a failure envelope,
    whatever its status, raises :class:`Refusal`."""
    if isinstance(body, dict) and body.get("status") == "error":
        message, errors = envelope_message(body)
        raise Refusal(message or "the portal answered status error", errors)
    return body


def envelope_data(body: Any) -> Any:
    """UserEcho's ``data``, after :func:`envelope_checked`; a body without an envelope as is."""
    body = envelope_checked(body)
    return body["data"] if isinstance(body, dict) and "data" in body else body


def field_errors(raw: Any) -> FieldErrors:
    """``{field: [message, …]}`` from a mapping of fields to a message or a list of them."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for name, msgs in raw.items()
    }


@dataclass(frozen=True)
class Dialect:
    """How one product's API talks; each provider makes its own."""

    hints: Mapping[int, str] = field(default_factory=lambda: dict(GENERIC_HINTS))
    server_hint: str = SERVER_HINT
    url_hint: str = URL_HINT
    credentials: str = "the credential variables"  # where credentials belong, named in hints
    error_message: MessageReader = laravel_message
    answer: AnswerReader = plain

    def hint(self, status: int) -> str | None:
        return self.server_hint if status >= 500 else self.hints.get(status)


GENERIC = Dialect()
