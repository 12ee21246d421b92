"""Error answers of the UserEcho sandbox, and the checks that raise them.

Every failure answers ``{"status": "error", "message": ...}``. ``Refused`` carries the HTTP
status a REST API would use (400 bad input, 404 unknown resource, 405 wrong method, 401 bad
token); the sandbox may still deliver it as 200 (``errors_as_200``), as UserEcho can.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ....errors import ReconcilerError

_INT = re.compile(r"\d+")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


class Refused(ReconcilerError):
    """An error answer: ``status`` and the ``message`` of the error envelope."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def bad(message: str) -> Refused:
    return Refused(400, message)


def missing(what: str, id_: Any) -> Refused:
    return Refused(404, f"{what} {id_} not found")


def as_id(value: Any) -> int | None:
    """A positive integer id given as a JSON number or a string of digits; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and _INT.fullmatch(value):
        return int(value) or None
    return None


def need_id(data: Mapping[str, Any], field: str = "id") -> int:
    """The id in ``data[field]``; Refused 400 when it is absent or not a positive integer."""
    if data.get(field) is None:
        raise bad(f"{field} is required")
    id_ = as_id(data[field])
    if id_ is None:
        raise bad(f"{field} must be a positive integer, not {data[field]!r}")
    return id_


def need_text(data: Mapping[str, Any], field: str, longest: int) -> str:
    """A non-blank string of at most ``longest`` characters, trimmed."""
    value = data.get(field)
    if value is None:
        raise bad(f"{field} is required")
    if not isinstance(value, str) or not value.strip():
        raise bad(f"{field} must be a non-empty string")
    value = value.strip()
    if len(value) > longest:
        raise bad(f"{field} must be at most {longest} characters")
    return value


def need_flag(data: Mapping[str, Any], field: str) -> bool:
    """A boolean (``true``/``false``, or 0/1)."""
    value = data[field]
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise bad(f"{field} must be true or false, not {value!r}")


def need_emails(data: Mapping[str, Any]) -> list[str]:
    """``data["emails"]``: a non-empty list of email addresses, trimmed."""
    value = data.get("emails")
    if value is None:
        raise bad("emails is required")
    if not isinstance(value, list) or not value:
        raise bad("emails must be a non-empty list of email addresses")
    emails = []
    for item in value:
        if not isinstance(item, str) or not _EMAIL.fullmatch(item.strip()):
            raise bad(f"not an email address: {item!r}")
        emails.append(item.strip())
    return emails
