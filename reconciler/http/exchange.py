"""One attempt on the wire: build the request, send it, read its answer within bounds.

No httpx exception leaves this module: each becomes a reason (text, secrets masked) or one of
our errors, raised outside the ``except`` clause so nothing chains the httpx exception (it
carries the request, whose URL may hold a query-string token).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .answers import Answer, Call, Interpreter
from .auth import Auth
from .deadline import passed, until
from .stops import StoppedError, Stopper

RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class Result:
    """An answer, or why there is none (``quick``: the connection itself failed)."""

    answer: Answer | None
    reason: str = ""
    quick: bool = False


class _Cut(Exception):
    """Reading stopped early: ``why`` is ``large``, ``overdue`` or ``stopped``."""

    def __init__(self, why: str, size: int | None = None) -> None:
        super().__init__(why)
        self.why, self.size = why, size


class Exchange:
    """Sends attempts through one httpx client, with these bounds."""

    def __init__(
        self,
        http: httpx.Client,
        answers: Interpreter,
        clock: Callable[[], float],
        stopper: Stopper,
        *,
        timeout: float,
        connect_timeout: float,
        deadline: float,
        max_body: int,
        scrub: Callable[[str], str],
    ) -> None:
        self.http, self.answers, self.clock, self.stopper = http, answers, clock, stopper
        self.timeout, self.connect_timeout = timeout, connect_timeout
        self.deadline, self.max_body, self.scrub = deadline, max_body, scrub

    def run(self, call: Call, auth: Auth, sent: float, left: tuple[float, bool]) -> Result:
        """One attempt begun at ``sent``, with ``left[0]`` seconds for it all (``left[1]``:
        that limit is the run's deadline). A retryable failure is a :class:`Result` without
        an answer; a final one raises."""
        seconds, run = left
        capped = seconds < self.timeout  # a read timeout now means the deadline passed
        request = self._build(call, seconds)
        auth.apply(request)
        call.sent = request
        cut: _Cut | None = None
        reason, kind, status = "", "", 0
        try:
            with until(seconds):
                response = self.http.send(request, stream=True)
                status = response.status_code
                try:
                    content = self._read(response, sent, seconds)
                finally:
                    response.close()
        except _Cut as early:
            cut = early
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            reason = self.scrub(f"{type(error).__name__}: {error}".rstrip(": "))
            kind = _classify(error, capped or passed())
        else:
            answer = Answer(response.status_code, response.headers, content, response.reason_phrase)
            return Result(answer)
        if cut is not None:
            raise self._cut(call, cut, status, seconds, run)
        if kind == "overdue":
            raise self.answers.overdue(call, seconds, run)
        if kind == "final":
            raise self.answers.unreachable(call, reason)
        return Result(None, reason, quick=kind == "quick")

    def _build(self, call: Call, seconds: float) -> httpx.Request:
        headers: dict[str, str] = {}
        content: bytes | None = None
        if call.body is not None:  # never a JSON content type without a body
            text = json.dumps(call.body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            content = text.encode("utf-8")
            headers["Content-Type"] = "application/json"
        timeout = httpx.Timeout(
            min(self.timeout, seconds), connect=min(self.connect_timeout, seconds)
        )
        return self.http.build_request(
            call.method, call.url, params=call.params or None, content=content,
            headers=headers, timeout=timeout,
        )  # fmt: skip

    def _read(self, response: httpx.Response, sent: float, seconds: float) -> bytes:
        """The body, decoded, read in chunks: cut when over ``max_body`` (before reading, when
        Content-Length says so), past the deadline, or when the stop is set during a read
        (a write's answer is read to its end: the write is in flight, and its answer says what
        it made)."""
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            raise _Cut("large", int(length))
        chunks: list[bytes] = []
        size = 0
        reading = response.request.method in ("GET", "HEAD")
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_body:
                raise _Cut("large")
            chunks.append(chunk)
            if self.clock() - sent > seconds:
                raise _Cut("overdue")
            if reading and self.stopper.is_set():
                raise _Cut("stopped")
        return b"".join(chunks)

    def _cut(self, call: Call, cut: _Cut, status: int, seconds: float, run: bool) -> Exception:
        if cut.why == "large":
            return self.answers.too_large(call, status, self.max_body, cut.size)
        if cut.why == "overdue":
            return self.answers.overdue(call, seconds, run)
        return StoppedError(call.where)


def _classify(error: Exception, capped: bool) -> str:
    """``overdue`` (timed out at the deadline), ``quick`` (could not connect: retried once,
    quickly), ``retry`` (resets, timeouts: patient retries) or ``final``."""
    if isinstance(error, httpx.TimeoutException) and capped:
        return "overdue"
    if isinstance(error, httpx.ConnectError):
        return "quick"
    return "retry" if isinstance(error, RETRY_ERRORS) else "final"
