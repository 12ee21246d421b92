"""Laravel-style request validation: the same rules and the same messages as the real portal.

A ``Checker`` collects every problem of a request body, field by field, then ``check()`` raises
``Invalid`` (HTTP 422, ``{"message": "The given data was invalid.", "errors": {...}}``).
Field labels are the field names with underscores as spaces, as Laravel prints them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from ....errors import ReconcilerError

COLOR_MESSAGE = "The color format is invalid. It should be a valid hex color code (e.g., #FF5733)."
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_INT = re.compile(r"-?\d+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


class HttpError(ReconcilerError):
    """An error answer of the sandbox portal: ``status`` and the JSON ``payload``."""

    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(f"{status}: {payload.get('message', '')}")
        self.status = status
        self.payload = payload


def not_found(model: str, key: Any) -> HttpError:
    """Laravel's ModelNotFoundException, e.g. ``No query results for model [App\\Tag] 12``."""
    return HttpError(404, {"message": f"No query results for model [App\\{model}] {key}"})


class Invalid(HttpError):
    """422 with Laravel's ``errors`` bag."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(422, {"message": "The given data was invalid.", "errors": dict(errors)})
        self.errors = dict(errors)


def invalid(field: str, message: str) -> Invalid:
    return Invalid({field: [message]})


def as_int(value: Any) -> int | None:
    """An integer given as a JSON number or a numeric string (as Laravel's ``integer``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    return None


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def _label(field: str) -> str:
    return field.replace("_", " ")


class Checker:
    """Validates ``data`` field by field; each method returns the value to use, or None.

    ``required``: present and not empty. ``sometimes``: checked only when present (a PATCH).
    A field that is absent, or null where allowed, comes back as None; ``given()`` tells
    them apart.
    """

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def given(self, field: str) -> bool:
        return field in self.data

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def failed(self, field: str) -> bool:
        return field in self.errors

    def check(self) -> None:
        if self.errors:
            raise Invalid(self.errors)

    def _value(self, field: str, required: bool, sometimes: bool) -> Any:
        if sometimes and field not in self.data:
            return None
        value = self.data.get(field)
        if value is None and required:
            self.fail(field, f"The {_label(field)} field is required.")
        return value

    def text(
        self,
        field: str,
        *,
        required: bool = False,
        sometimes: bool = False,
        min_len: int | None = None,
        max_len: int | None = None,
    ) -> str | None:
        value = self._value(field, required, sometimes)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(field, f"The {_label(field)} must be a string.")
            return None
        if min_len is not None and len(value) < min_len:
            self.fail(field, f"The {_label(field)} must be at least {min_len} characters.")
        if max_len is not None and len(value) > max_len:
            self.fail(field, f"The {_label(field)} may not be greater than {max_len} characters.")
        return None if self.failed(field) else value

    def color(self, field: str, *, required: bool = False, sometimes: bool = False) -> str | None:
        value = self._value(field, required, sometimes)
        if value is None:
            return None
        if not isinstance(value, str) or not _HEX.fullmatch(value):
            self.fail(field, COLOR_MESSAGE)
            return None
        return value

    def integer(
        self,
        field: str,
        *,
        required: bool = False,
        sometimes: bool = False,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int | None:
        raw = self._value(field, required, sometimes)
        if raw is None:
            return None
        value = as_int(raw)
        if value is None:
            self.fail(field, f"The {_label(field)} must be an integer.")
            return None
        if minimum is not None and value < minimum:
            self.fail(field, f"The {_label(field)} must be at least {minimum}.")
        if maximum is not None and value > maximum:
            self.fail(field, f"The {_label(field)} may not be greater than {maximum}.")
        return None if self.failed(field) else value

    def boolean(self, field: str, *, words: bool = False) -> bool | None:
        """Laravel's ``boolean`` (true, false, 0, 1, "0", "1"); ``words`` adds "true"/"false"."""
        value = self.data.get(field)
        if value is None:
            return None
        accepted: dict[Any, bool] = {"0": False, "1": True}
        if words:
            accepted.update({"true": True, "false": False})
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.lower() in accepted:
            return accepted[value.lower()]
        self.fail(field, f"The {_label(field)} field must be true or false.")
        return None

    def choice(self, field: str, options: Collection[str], *, required: bool = False) -> str | None:
        value = self._value(field, required, False)
        if value is None:
            return None
        if value not in options:
            self.fail(field, f"The selected {_label(field)} is invalid.")
            return None
        return str(value)

    def email(self, field: str, *, required: bool = False, max_len: int = 191) -> str | None:
        value = self.text(field, required=required, max_len=max_len)
        if value is not None and not _EMAIL.fullmatch(value):
            self.fail(field, f"The {_label(field)} must be a valid email address.")
            return None
        return value

    def unique(self, field: str, taken: bool) -> None:
        """Report ``field`` as taken (only when its other rules passed)."""
        if taken and not self.failed(field):
            self.fail(field, f"The {_label(field)} has already been taken.")
