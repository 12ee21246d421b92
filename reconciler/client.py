"""The HTTP client every provider talks through: auth, retries, rate-limit pacing, errors.

Generic over the API it reaches: a base URL, an API prefix and a bearer token. Every
failure leaves it as :class:`~reconciler.errors.ApiError` (``METHOD PATH → STATUS: message``
with a hint), or :class:`~reconciler.errors.BadResponseError` for an answer that is not JSON.

- 429, 500, 502, 503, 504 and connection-level errors are retried, for every method, honouring
  ``Retry-After`` exactly, else with exponential backoff and jitter; bounded by ``max_attempts``
  and by ``retry_budget`` seconds of waiting per request. An error answered after a retry has
  ``retried=True``: a create that answers "already taken" may be our own first attempt.
- Requests are paced on the rate-limit headers (see :mod:`reconciler.pacing`), so a long run
  waits for the window to reset instead of spending requests on 429s.
- The token goes in the ``Authorization`` header and nowhere else: not in a log line, an
  error message or a repr.

Logs to ``reconciler.http``: INFO per request sent and per pacing wait, WARNING per retry.
"""

from __future__ import annotations

import ipaddress
import json as jsonlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import tenacity

from . import __version__
from .errors import ApiError, BadResponseError, TargetError
from .pacing import Pacer, parse_retry_after, read_limits

log = logging.getLogger("reconciler.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def backoff(base: float) -> tenacity.wait.wait_base:
    """Exponential backoff from ``base`` seconds, capped at 30 s, with jitter."""
    return tenacity.wait_exponential(multiplier=base, max=30.0) + tenacity.wait_random(0, base)


HINTS = {
    401: "check PRODUCTLIFT_TOKEN (the portal's API token, from Customize > API & Webhooks)",
    403: "the token lacks permission for this; use a token of a portal admin",
    404: "the resource is gone: someone changed the portal; run plan again",
    422: "the portal refused the value; fix it in the spec",
    429: "the portal's rate limit (about 60 requests a minute); try again in a minute",
}
SERVER_HINT = "the portal failed; try again"
TOKEN_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F)) - set("\\\"'")


class _Retryable(Exception):
    """One attempt that may be worth repeating: an answer (``response``) or none (None)."""

    def __init__(self, response: httpx.Response | None, reason: str, after: float | None) -> None:
        super().__init__(reason)
        self.response = response
        self.reason = reason
        self.retry_after = after
        self.wait: float | None = None  # planned once, read by both tenacity's wait and stop


class _Secret:
    """The token, for scrubbing text; shown as ``***`` by repr, vars() and debuggers."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value or ""

    def __repr__(self) -> str:
        return "'***'"

    def scrub(self, text: str) -> str:
        return text.replace(self.value, "***") if self.value else text


class _Call:
    """One logical request, through all its attempts."""

    def __init__(self, method: str, url: str, path: str, params: Any, body: Any) -> None:
        self.method, self.url, self.path, self.params, self.body = method, url, path, params, body
        self.attempts = 0
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        self.shown = f"{method} {path}{query}"  # for logs: the query helps, it holds no secret


class Client:
    """Sends JSON requests to ``base_url + api_prefix + "/" + path`` and returns parsed bodies."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        api_prefix: str = "/api/v1",
        transport: httpx.BaseTransport | None = None,
        allow_insecure: bool = False,
        timeout: float = 30.0,
        retry_budget: float = 300.0,
        max_attempts: int = 8,
        backoff_base: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = check_target(base_url, allow_insecure=allow_insecure)
        token = check_token(token)
        self.api_prefix = "/" + api_prefix.strip("/") if api_prefix.strip("/") else ""
        self.retry_budget, self.max_attempts = retry_budget, max(1, max_attempts)
        self._secret = _Secret(token)
        self._sleep, self._clock = sleep, clock
        self._backoff = backoff(backoff_base)
        self._pacer = Pacer()
        self.counts: Counter[str] = Counter()
        self.retries = 0
        self.throttled = 0
        self.waited = 0.0
        headers = {"Accept": "application/json", "User-Agent": f"portal-reconciler/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            headers=headers, transport=transport, timeout=timeout, follow_redirects=False
        )

    def __repr__(self) -> str:
        return f"Client({self.base_url!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> Any:
        """Send one request (retried as needed); the parsed JSON body, None for an empty one."""
        url = f"{self.base_url}{self.api_prefix}/{path.lstrip('/')}"
        call = _Call(method.upper(), url, urlsplit(url).path, dict(params or {}), json)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            wait=self._planned_wait,
            stop=self._should_stop,
            sleep=self._wait,
            before_sleep=lambda state: self._log_retry(call, state),
            reraise=True,
        )
        try:
            response = retrying(self._attempt, call)
        except _Retryable as last:
            failure = last
        else:
            return self._parse(call, response)
        if failure.response is not None:
            raise self._status_error(call, failure.response) from None
        raise self._unreachable(call, failure.reason) from None

    # -- one attempt ------------------------------------------------------------------------

    def _attempt(self, call: _Call) -> httpx.Response:
        self._pace()
        call.attempts += 1
        self.counts[call.method] += 1
        sent = self._clock()
        reason = ""
        try:
            response = self._http.request(
                call.method, call.url, params=call.params or None, json=call.body
            )
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            reason = self._scrub(f"{type(error).__name__}: {error}".rstrip(": "))
            retryable = isinstance(error, RETRY_ERRORS)
        took = self._clock() - sent
        if reason:  # raised out here, so no httpx exception (holding the request) is chained
            log.info("%s → %s (%.0f ms)", call.shown, reason, took * 1000)
            if retryable:
                raise _Retryable(None, reason, None)
            raise self._unreachable(call, reason)
        log.info("%s → %s (%.0f ms)", call.shown, response.status_code, took * 1000)
        return self._observe(call, response, sent)

    def _observe(self, call: _Call, response: httpx.Response, sent: float) -> httpx.Response:
        status = response.status_code
        after = parse_retry_after(response.headers.get("retry-after"), response.headers.get("date"))
        limits = read_limits(response.headers)
        if status == 429:
            self.throttled += 1
        self._pacer.observe(
            sent=sent, received=self._clock(), limits=limits, throttled=status == 429,
            retry_after=after,
        )  # fmt: skip
        if status in RETRY_STATUSES:
            raise _Retryable(response, str(status), after)
        return response

    def _pace(self) -> None:
        delay = self._pacer.delay(self._clock())
        if delay > 0:
            left, limit = self._pacer.remaining, self._pacer.limit
            log.log(  # a long pause is shown even without --verbose, so it does not look hung
                logging.WARNING if delay >= 5 else logging.INFO,
                "rate limit: %s of %s left; waiting %.1f s for the window to reset",
                left, limit, delay,
            )  # fmt: skip
            self._wait(delay)

    def _wait(self, seconds: float) -> None:
        self.waited += seconds
        self._sleep(seconds)

    # -- retry policy (tenacity callbacks) --------------------------------------------------

    def _planned_wait(self, state: tenacity.RetryCallState) -> float:
        last = _last(state)
        if last.wait is None:
            last.wait = last.retry_after if last.retry_after is not None else self._backoff(state)
        return last.wait

    def _should_stop(self, state: tenacity.RetryCallState) -> bool:
        over_budget = state.idle_for + self._planned_wait(state) > self.retry_budget
        return state.attempt_number >= self.max_attempts or over_budget

    def _log_retry(self, call: _Call, state: tenacity.RetryCallState) -> None:
        last = _last(state)
        self.retries += 1
        how = "Retry-After" if last.retry_after is not None else "backoff"
        log.warning(
            "%s on %s %s; retrying in %.1f s (%s; attempt %d of %d)",
            last.reason, call.method, call.path, self._planned_wait(state), how,
            state.attempt_number + 1, self.max_attempts,
        )  # fmt: skip

    # -- answers ----------------------------------------------------------------------------

    def _parse(self, call: _Call, response: httpx.Response) -> Any:
        if not 200 <= response.status_code < 300:
            raise self._status_error(call, response)
        if not response.content.strip():
            return None
        try:
            return jsonlib.loads(response.content)
        except ValueError:
            raise self._not_json(call, response) from None

    def _status_error(self, call: _Call, response: httpx.Response) -> ApiError:
        status = response.status_code
        body: Any = None
        if response.content.strip():
            try:
                body = jsonlib.loads(response.content)
            except ValueError:
                return self._not_json(call, response)
        errors = _field_errors(body)
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, str) or not message.strip():
            message = response.reason_phrase or f"HTTP {status}"
        if 300 <= status < 400:
            message = f"redirected to {response.headers.get('location', '?')}"
        if errors:
            message += " (" + "; ".join(f"{f}: {m}" for f, ms in errors.items() for m in ms) + ")"
        return ApiError(
            call.method, call.path, status, self._scrub(_clip(message)),
            errors=self._scrub_data(errors), retried=call.attempts > 1,
            hint=self._hint(status), body=self._scrub_data(body),
        )  # fmt: skip

    def _not_json(self, call: _Call, response: httpx.Response) -> BadResponseError:
        status = response.status_code
        kind = response.headers.get("content-type", "no content type").split(";")[0].strip()
        start = " ".join(response.text[:80].split())
        hint = self._hint(status) if status in (401, 403, 429) or status >= 500 else None
        return BadResponseError(
            call.method, call.path, status,
            self._scrub(f"the portal answered {kind}, not JSON: {start!r}"),
            retried=call.attempts > 1,
            hint=hint or f"is {self.base_url} the portal's address? It did not answer as its API",
        )  # fmt: skip

    def _unreachable(self, call: _Call, reason: str) -> ApiError:
        return ApiError(
            call.method, call.path, None, f"could not reach {self.base_url}: {reason}",
            retried=call.attempts > 1,
            hint="check the portal URL (--url / PRODUCTLIFT_URL) and the network",
        )  # fmt: skip

    def _hint(self, status: int) -> str | None:
        if 300 <= status < 400:
            return f"the API does not redirect: check the portal URL ({self.base_url})"
        return SERVER_HINT if status >= 500 else HINTS.get(status)

    def _scrub(self, text: str) -> str:
        return self._secret.scrub(text)

    def _scrub_data(self, data: Any) -> Any:
        """``data`` (parsed JSON) with the token masked wherever a portal might echo it."""
        if not self._secret.value or self._secret.value not in jsonlib.dumps(data):
            return data
        return jsonlib.loads(self._scrub(jsonlib.dumps(data)))


def check_target(base_url: str, *, allow_insecure: bool = False) -> str:
    """The base URL without a trailing slash, if it is a usable portal address."""
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
            hint="leave out credentials, query and fragment; the token goes in PRODUCTLIFT_TOKEN",
        )
    if parts.scheme == "http" and not allow_insecure and not _loopback(host):
        raise TargetError(
            f"refusing plain http:// for {host}: the token would travel unencrypted",
            hint=f"use https://{parts.netloc}{parts.path} (http:// is accepted only for localhost)",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def check_token(token: str | None) -> str | None:
    """The token without surrounding whitespace; refused, unquoted, if no header can carry it."""
    token = (token or "").strip() or None
    if token is not None and not all(c in TOKEN_CHARS for c in token):
        raise TargetError(
            "the API token holds characters no token has (spaces, quotes, control or non-ASCII)",
            hint="copy PRODUCTLIFT_TOKEN again from Customize > API & Webhooks",
        )
    return token


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _last(state: tenacity.RetryCallState) -> _Retryable:
    error = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(error, _Retryable), "tenacity retries only _Retryable"
    return error


def _field_errors(body: Any) -> dict[str, list[str]]:
    raw = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {
        str(field): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for field, msgs in raw.items()
    }


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
