"""The three error shapes of ABC User Feedback (a NestJS app on Fastify), and the checks that
raise them.

- An ``HttpException`` with an object answer: ``{code?, message, error?, statusCode, path}``
  (validation: ``message`` is a list and ``error`` is "Bad Request"; business errors carry a
  ``code``; some business 400s have a string ``message`` and ``error``, no ``code``).
- An ``HttpException`` with a string answer: ``{response, path}`` (a body Fastify refused).
- Anything else, a 500: ``{statusCode, message}``.

``path`` is added by the sandbox core when it renders an ``AbcError`` (it is the request URL).
"""

from __future__ import annotations

from typing import Any

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


class AbcError(Exception):
    """An error answer: ``status`` and the payload without ``path`` (``None``: a 500)."""

    def __init__(self, status: int, payload: dict[str, Any] | None) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload

    def render(self, path: str) -> dict[str, Any]:
        """The JSON body as the server sends it for a request to ``path``."""
        if self.payload is None:
            return {"statusCode": 500, "message": "Internal server error"}
        if "response" in self.payload:
            return {**self.payload, "path": path}
        return {**self.payload, "statusCode": self.status, "path": path}


def coded(status: int, code: str, message: str) -> AbcError:
    """A business error with a ``code`` (e.g. 400 ``CategoryNameDuplicated``)."""
    return AbcError(status, {"code": code, "message": message})


def plain(status: int, message: str | list[str]) -> AbcError:
    """A NestJS built-in exception: ``{message, error}`` (validation lists, guards, ...)."""
    return AbcError(status, {"message": message, "error": _REASONS.get(status, "Error")})


def refused_body(response: str) -> AbcError:
    """400 ``{response, path}``: a body the web framework could not read."""
    return AbcError(400, {"response": response})


def server_error() -> AbcError:
    """500 ``{statusCode, message}``: what an unhandled error (a broken constraint) answers."""
    return AbcError(500, None)


class Check:
    """Collects class-validator messages for one body; ``done()`` raises 400 if any."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.messages: list[str] = []

    def fail(self, message: str) -> None:
        self.messages.append(message)

    def string(
        self,
        name: str,
        *,
        low: int | None = None,
        high: int | None = None,
        optional: bool = False,
        nullable: bool = False,
        where: dict[str, Any] | None = None,
        label: str | None = None,
    ) -> None:
        """``@IsString() @MinLength(low) @MaxLength(high)`` (+ IsOptional / IsNullable)."""
        source = self.body if where is None else where
        value = source.get(name)
        label = label or name
        if (optional and value is None) or (nullable and name in source and value is None):
            return
        if high is not None and not (isinstance(value, str) and len(value) <= high):
            self.fail(f"{label} must be shorter than or equal to {high} characters")
        if low is not None and not (isinstance(value, str) and len(value) >= low):
            self.fail(f"{label} must be longer than or equal to {low} characters")
        if not isinstance(value, str):
            self.fail(f"{label} must be a string")

    def number(self, name: str, *, optional: bool = False) -> None:
        """``@IsNumber()`` (+ IsOptional)."""
        value = self.body.get(name)
        if optional and value is None:
            return
        if not is_number(value):
            self.fail(f"{name} must be a number conforming to the specified constraints")

    def one_of(
        self, name: str, allowed: tuple[str, ...], *, optional: bool = False, label: str = ""
    ) -> None:
        """``@IsEnum(...)`` (+ IsOptional)."""
        value = self.body.get(name)
        if optional and value is None:
            return
        if value not in allowed:
            choices = ", ".join(allowed)
            self.fail(f"{label or name} must be one of the following values: {choices}")

    def done(self) -> None:
        if self.messages:
            raise plain(400, self.messages)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def page_number(value: Any, default: int) -> int:
    """``toNumber(value, {default, min: 1})`` as the server reads ``limit`` and ``page``."""
    text = str(value) if value not in (None, "") else str(default)
    digits = ""
    for n, char in enumerate(text.strip()):
        if char.isdigit() or (n == 0 and char in "+-"):
            digits += char
        else:
            break
    try:
        number = int(digits)
    except ValueError:
        number = default
    return max(number, 1)
