"""Turning an answer into a value or an error: parsing, checking, and errors that say where.

Every error names its request (``METHOD PATH → STATUS: message``), carries the hint of the
API's :class:`~reconciler.http.dialect.Dialect`, and has every secret masked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from ..errors import ApiError, BadResponseError
from .dialect import Dialect, FieldErrors, Refusal
from .secrets import Scrubber
from .stops import DeadlineError

MiB = 1024 * 1024


class Call:
    """One logical request, through all its attempts."""

    def __init__(self, method: str, url: str, path: str, params: Mapping[str, Any], body: Any):
        self.method, self.url, self.path, self.body = method, url, path, body
        self.params = dict(params)
        self.attempts = 0
        self.refused = 0  # attempts that could not connect (refused, unknown host)
        self.busy = 0.0  # seconds spent in exchanges (waits excluded)
        self.sent: httpx.Request | None = None  # the last request sent, as sent
        query = f"?{urlencode(self.params, doseq=True)}" if self.params else ""
        self.shown = f"{method} {path}{query}"  # for logs: the query helps, it holds no secret
        self.where = f"{method} {path}"


@dataclass(frozen=True)
class Answer:
    """A response read whole (within the size bound)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    reason_phrase: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class _NotJson(Exception):
    """The body does not parse (``deep``: it nests past the interpreter's recursion limit)."""

    def __init__(self, deep: bool) -> None:
        super().__init__("deep" if deep else "not json")
        self.deep = deep


def loads(content: bytes) -> Any:
    """Parsed JSON; :class:`_NotJson` for what is not JSON or nests too deep to parse."""
    try:
        return json.loads(content)
    except RecursionError:
        deep = True
    except ValueError:
        deep = False
    raise _NotJson(deep)


class Interpreter:
    """Reads answers for one client: its dialect, its address, its scrubber."""

    def __init__(self, dialect: Dialect, base_url: str, scrubber: Scrubber) -> None:
        self.dialect, self.base_url, self.scrubber = dialect, base_url, scrubber

    def parse(self, call: Call, answer: Answer) -> Any:
        """The caller's value of a 2xx answer (None for an empty body); else its error."""
        if not 200 <= answer.status_code < 300:
            raise self.status_error(call, answer)
        body: Any = None
        failure: _NotJson | None = None
        if answer.content.strip():
            try:
                body = loads(answer.content)
            except _NotJson as problem:
                failure = problem
        if failure is not None:
            raise self.not_json(call, answer, deep=failure.deep)
        try:
            return self.dialect.answer(body)
        except Refusal as refusal:
            message, errors = refusal.message, refusal.errors
        raise self._error(call, answer.status_code, message, errors, body, hint=None)

    def status_error(self, call: Call, answer: Answer) -> ApiError:
        status = answer.status_code
        body: Any = None
        if answer.content.strip():
            try:
                body = loads(answer.content)
            except _NotJson as failure:
                return self.not_json(call, answer, deep=failure.deep)
        message, errors = self.dialect.error_message(body)
        if not isinstance(message, str) or not message.strip():
            message = answer.reason_phrase or f"HTTP {status}"
        hint = self.dialect.hint(status)
        if 300 <= status < 400:
            message = f"redirected to {answer.headers.get('location', '?')}"
            hint = f"the API does not redirect: check the portal URL ({self.base_url})"
        return self._error(call, status, message, errors, body, hint=hint)

    def _error(
        self,
        call: Call,
        status: int,
        message: str,
        errors: FieldErrors,
        body: Any,
        hint: str | None,
    ) -> ApiError:
        if errors:
            message += " (" + "; ".join(f"{f}: {m}" for f, ms in errors.items() for m in ms) + ")"
        return ApiError(
            call.method, call.path, status, _clip(self.scrubber.scrub(message)),
            errors=self.scrubber.scrub_data(errors), retried=call.attempts > 1,
            hint=hint, body=self.scrubber.scrub_data(body),
        )  # fmt: skip

    def not_json(self, call: Call, answer: Answer, *, deep: bool = False) -> BadResponseError:
        status = answer.status_code
        kind = answer.headers.get("content-type", "no content type").split(";")[0].strip()
        start = " ".join(self.scrubber.scrub(answer.text[:4096])[:80].split())  # scrub, then clip
        said = f"the portal answered {kind}, not JSON: {start!r}"
        if deep:
            said = f"the portal answered JSON nested too deeply to read ({len(answer.content)} B)"
        hint = self.dialect.hint(status) if status in (401, 403, 429) or status >= 500 else None
        return BadResponseError(
            call.method, call.path, status, self.scrubber.scrub(said), retried=call.attempts > 1,
            hint=hint or f"is {self.base_url} the portal's address? It did not answer as its API",
        )  # fmt: skip

    def too_large(self, call: Call, status: int, limit: int, size: int | None) -> BadResponseError:
        said = f"{size} bytes" if size is not None else "more"
        return BadResponseError(
            call.method, call.path, status,
            f"the answer is larger than the {_size(limit)} allowed ({said}); not read",
            retried=call.attempts > 1,
            hint=f"is {self.base_url} the portal's address? Its API answers far less",
        )  # fmt: skip

    def overdue(self, call: Call, seconds: float, run: bool) -> DeadlineError:
        what = "the run's deadline" if run else "the request's deadline"
        return DeadlineError(
            call.method, call.path, None,
            f"no complete answer within {seconds:.3g} s ({what})", retried=call.attempts > 1,
            hint="the portal answers too slowly; try again later",
        )  # fmt: skip

    def run_over(self, call: Call, why: str) -> DeadlineError:
        return DeadlineError(
            call.method, call.path, None, f"not sent: {why}", retried=call.attempts > 0,
            hint="the run took longer than its deadline; run again to finish what is left",
        )  # fmt: skip

    def unreachable(self, call: Call, reason: str) -> ApiError:
        return ApiError(
            call.method, call.path, None, f"could not reach {self.base_url}: {reason}",
            retried=call.attempts > 1, hint=self.dialect.url_hint,
        )  # fmt: skip


def _size(count: int) -> str:
    return f"{count / MiB:g} MiB" if count >= MiB else f"{count} bytes"


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
