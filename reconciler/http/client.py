"""The HTTP client every provider talks through: auth, retries, pacing, deadlines, errors.

Generic over the API it reaches: a base URL, an API prefix, an auth strategy
(:mod:`reconciler.http.auth`) and a :class:`~reconciler.http.dialect.Dialect` (hints, error
bodies, answer envelopes). Every failure leaves it as :class:`~reconciler.errors.ApiError`
(``METHOD PATH → STATUS: message`` with a hint), :class:`~reconciler.errors.BadResponseError`
for an answer that is not JSON, too large or too deep, :class:`~.stops.DeadlineError`, or
:class:`~.stops.StoppedError` when the caller's ``stop`` is set.

- 429, 500, 502, 503, 504, resets and timeouts are retried, for every method, honouring
  ``Retry-After`` exactly, else with exponential backoff and jitter; bounded by ``max_attempts``
  and by ``retry_budget`` seconds (waits plus the time the attempts took). A refused connection
  or unknown host is retried once, quickly, then fails with a hint to check the URL. An error
  answered after a retry has ``retried=True``: "already taken" may be our own first attempt.
- Each attempt has a whole-request deadline (``deadline``, 60 s): its answer is streamed and the
  clock checked, so a portal that dribbles bytes fails with :class:`DeadlineError` (not
  retried) at most one read after the deadline; reads never wait past it. An optional run
  deadline (``run_deadline`` seconds from now, or ``deadline_at`` on the clock) bounds every
  request and wait after it. Answers over ``max_body`` bytes (64 MiB) are refused unread.
- Requests are paced on the rate-limit headers (:mod:`reconciler.http.pacing`). The client is
  thread-safe; no more requests are in flight than the rate-limit budget has left. For a portal
  that sends no such headers, ``fixed_rate`` (requests a minute) spaces every attempt evenly.
- ``retry_lost=False`` on a request: an attempt that was sent but whose answer never came (a
  reset, a timeout, a dropped connection) is not repeated; :class:`~.stops.LostAnswerError`
  says so, and the caller looks for what the request may have made before sending it again.
- A 401 lets the auth strategy renew (a session refreshes or signs in again); the request is
  then sent once more.
- Secrets of every auth strategy used are masked in logs, errors and reprs; no exception that
  leaves the client holds or chains an httpx exception (they carry the URL).

Logs to ``reconciler.http``: DEBUG each request's shape (method, path, auth kind, body keys),
INFO per request sent and per pacing wait, WARNING per retry.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from functools import partial
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import tenacity

from .. import __version__
from .answers import Answer, Call, Interpreter, MiB
from .auth import Auth, Bearer
from .deadline import bound_sockets
from .dialect import GENERIC, Dialect
from .exchange import Exchange
from .gate import Gate
from .retry import QUICK_TRIES, QUICK_WAIT, Retryable, backoff, last_failure, shape
from .secrets import Scrubber, install_log_filter
from .stops import LostAnswerError, Stopper, StopSignal
from .target import check_target

log = logging.getLogger("reconciler.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Client:
    """Sends JSON requests to ``base_url + api_prefix + "/" + path``; returns parsed bodies.

    ``token`` (positional, as before) means ``auth=Bearer(token)``; give one or the other.
    ``sleep`` and ``clock`` are injectable (fake clocks in tests); ``stop`` is a
    ``threading.Event`` or a callable that, once set, ends every wait and request.
    ``rate_window``: the portal's rate-limit window in seconds when known (default: the
    documented 60; learned from the answers either way).
    ``fixed_rate``: at most this many attempts a minute, evenly spaced (None or 0: no such
    pacing); settable later through the attribute of that name.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        auth: Auth | None = None,
        api_prefix: str = "/api/v1",
        dialect: Dialect = GENERIC,
        transport: httpx.BaseTransport | None = None,
        allow_insecure: bool = False,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        deadline: float = 60.0,
        run_deadline: float | None = None,
        max_body: int = 64 * MiB,
        retry_budget: float = 300.0,
        max_attempts: int = 8,
        backoff_base: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        stop: StopSignal | None = None,
        fixed_rate: float | None = None,
        rate_window: float | None = None,
    ) -> None:
        if token is not None and auth is not None:
            raise TypeError("give a token or an auth strategy, not both")
        self.base_url = check_target(
            base_url, allow_insecure=allow_insecure, credentials=dialect.credentials
        )
        self.auth: Auth = auth if auth is not None else Bearer(token)
        self.api_prefix = "/" + api_prefix.strip("/") if api_prefix.strip("/") else ""
        self.dialect = dialect
        self.retry_budget, self.max_attempts = retry_budget, max(1, max_attempts)
        self._sleep, self._clock = sleep, clock
        self.deadline_at = None if run_deadline is None else clock() + run_deadline
        self._stopper = Stopper(stop, sleep)
        self._backoff = backoff(backoff_base)
        self._gate = Gate(clock, rate_window)
        self._lock = threading.Lock()
        self.fixed_rate = fixed_rate
        self._next_slot = float("-inf")
        self.counts: Counter[str] = Counter()
        self.retries = 0
        self.waited = 0.0
        self._scrubber = Scrubber()
        self._scrubber.watch(self.auth)
        install_log_filter()
        self._answers = Interpreter(dialect, self.base_url, self._scrubber)
        headers = {"Accept": "application/json", "User-Agent": f"portal-reconciler/{__version__}"}
        http = httpx.Client(headers=headers, transport=transport, follow_redirects=False)
        bound_sockets(http)  # the whole-request deadline holds while headers arrive too
        self._http = http
        self._exchange = Exchange(
            http, self._answers, clock, self._stopper,
            timeout=timeout, connect_timeout=connect_timeout, deadline=deadline,
            max_body=max_body, scrub=self._scrubber.scrub,
        )  # fmt: skip

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

    # -- the public surface ------------------------------------------------------------------

    def now(self) -> float:
        """The client's clock (monotonic seconds)."""
        return self._clock()

    def path_of(self, path: str) -> str:
        """The URL path a request to ``path`` goes to, as errors name it."""
        return urlsplit(self._url(path)).path

    def scrub(self, text: str) -> str:
        """``text`` with every secret of every auth strategy used so far masked as ``***``."""
        return self._scrubber.scrub(text)

    def get(self, path: str, params: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        return self.request("GET", path, params=params, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.request("POST", path, json=json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.request("DELETE", path, json=json, **kw)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        auth: Auth | None = None,
        retry_lost: bool = True,
    ) -> Any:
        """Send one request (retried as needed); the answer as the dialect reads it (the parsed
        JSON body by default, None for an empty one). ``json=None`` sends no body and no
        content type. ``auth`` replaces the client's strategy for this request.
        ``retry_lost=False``: an attempt sent whose answer was lost raises
        :class:`~.stops.LostAnswerError` instead of being sent again."""
        auth = self.auth if auth is None else auth
        self._scrubber.watch(auth)
        url = self._url(path)
        call = Call(method.upper(), url, urlsplit(url).path, params or {}, json)
        if log.isEnabledFor(logging.DEBUG):
            line = f"{call.shown} ({auth.describe()}; body {shape(json)})"
            log.debug("%s", self.scrub(line))
        answer = self._send(call, auth, retry_lost)
        if answer.status_code == 401 and call.sent is not None and auth.renew(self, call.sent):
            log.info("%s → 401; renewed the %s, sending it once more", call.shown, auth.describe())
            answer = self._send(call, auth, retry_lost)
        return self._answers.parse(call, answer)

    def _url(self, path: str) -> str:
        return f"{self.base_url}{self.api_prefix}/{path.lstrip('/')}"

    # -- attempts ------------------------------------------------------------------------------

    def _send(self, call: Call, auth: Auth, retry_lost: bool = True) -> Answer:
        """The first attempt goes directly; only a retryable failure starts tenacity, whose
        first attempt is that failure (nothing sent again), so its stop, wait and budget
        rules see the same attempts as when tenacity ran them all."""
        try:
            return self._attempt(call, auth, retry_lost)
        except Retryable as first:
            failed: list[Retryable] = [first]

        def attempt() -> Answer:
            if failed:
                raise failed.pop()
            return self._attempt(call, auth, retry_lost)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Retryable),
            wait=self._planned_wait,
            stop=partial(self._should_stop, call),
            sleep=partial(self._wait, call=call),
            before_sleep=partial(self._log_retry, call),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except Retryable as last:
            failure = last
        if failure.answer is not None:
            raise self._answers.status_error(call, failure.answer) from None
        raise self._answers.unreachable(call, failure.reason) from None

    def _attempt(self, call: Call, auth: Auth, retry_lost: bool = True) -> Answer:
        self._stopper.check(call.where)
        if self.deadline_at is not None and self._clock() >= self.deadline_at:
            raise self._answers.run_over(call, "the run's deadline has passed")
        auth.prepare(self)
        self._acquire(call)
        try:
            with self._lock:
                self.counts[call.method] += 1
            sequence = self._gate.number()
            call.attempts += 1
            sent = self._clock()
            result = self._exchange.run(call, auth, sent, self._time_left(sent))
            took = self._clock() - sent
            call.busy += took
            answer = result.answer
            after = None
            if answer is not None:
                after = self._gate.observe(
                    answer.status_code, answer.headers, sent=sent, sequence=sequence
                )
        finally:
            self._gate.leave()
        if result.answer is None:
            log.info("%s → %s (%.0f ms)", call.shown, result.reason, took * 1000)
            call.refused += result.quick
            if not (retry_lost or result.quick):  # a refused connection never reached the portal
                raise LostAnswerError(
                    call.method, call.path, None,
                    f"the answer was lost ({result.reason}); the request may have been performed",
                    retried=call.attempts > 1,
                    hint="run `reconciler plan` to see whether it was",
                )  # fmt: skip
            raise Retryable(None, result.reason, None, quick=result.quick)
        log.info("%s → %s (%.0f ms)", call.shown, result.answer.status_code, took * 1000)
        if result.answer.status_code in RETRY_STATUSES:
            raise Retryable(result.answer, str(result.answer.status_code), after)
        return result.answer

    def _time_left(self, now: float) -> tuple[float, bool]:
        """Seconds this attempt may take, and whether the run's deadline is what limits it."""
        if self.deadline_at is not None and self.deadline_at - now < self._exchange.deadline:
            return max(0.0, self.deadline_at - now), True
        return self._exchange.deadline, False

    # -- pacing and waiting --------------------------------------------------------------------

    @property
    def throttled(self) -> int:
        """Answers that were 429."""
        return self._gate.throttled

    @property
    def sent(self) -> int:
        """Requests sent so far (every attempt, every method)."""
        return sum(self.counts.values())

    @property
    def rate_limit(self) -> float | None:
        """Requests a minute as the portal names them: the limit its ``x-ratelimit-limit``
        last said, per window of the length the pacer keeps to (a minute unless the portal's
        window is known to differ); None where the portal names no limit, even when this
        client keeps a fixed pace of its own (CONTRACT: both null where the portal sends none)."""
        pacer = self._gate.pacer
        return None if pacer.limit is None else pacer.limit * 60 / pacer.window

    def _acquire(self, call: Call) -> None:
        """Wait for this attempt's turn at the fixed rate, then until the gate lets it go
        (window open, budget not spent)."""
        self._pace(call)
        while True:
            delay, left, limit = self._gate.enter()
            if delay < 0:
                return
            if delay > 0:
                log.log(  # a long pause is shown even without --verbose, so it does not look hung
                    logging.WARNING if delay >= 5 else logging.INFO,
                    "rate limit: %s of %s left; waiting %.1f s for the window to reset",
                    left, limit, delay,
                )  # fmt: skip
                self._wait(delay, call=call)
            else:
                self._stopper.check(call.where)

    def _pace(self, call: Call) -> None:
        """At ``fixed_rate``: take the next free slot (one every 60/rate seconds), wait for it."""
        rate = self.fixed_rate
        if not rate or rate <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 60.0 / rate
        if slot > now:
            log.debug("pacing at %g requests a minute: waiting %.2f s", rate, slot - now)
            self._wait(slot - now, call=call)

    def _wait(self, seconds: float, *, call: Call) -> None:
        if self.deadline_at is not None and self._clock() + seconds > self.deadline_at:
            why = f"waiting {seconds:.1f} s would pass the run's deadline"
            raise self._answers.run_over(call, why)
        with self._lock:
            self.waited += seconds
        self._stopper.wait(seconds, call.where)

    # -- retry policy (tenacity callbacks) -----------------------------------------------------

    def _planned_wait(self, state: tenacity.RetryCallState) -> float:
        last = last_failure(state)
        if last.wait is None:
            wait = last.retry_after if last.retry_after is not None else self._backoff(state)
            last.wait = min(wait, QUICK_WAIT) if last.quick else wait
        return last.wait

    def _should_stop(self, call: Call, state: tenacity.RetryCallState) -> bool:
        if last_failure(state).quick and call.refused >= QUICK_TRIES:
            return True
        wait = self._planned_wait(state)
        if self.deadline_at is not None and self._clock() + wait >= self.deadline_at:
            return True
        over_budget = state.idle_for + call.busy + wait > self.retry_budget
        return state.attempt_number >= self.max_attempts or over_budget

    def _log_retry(self, call: Call, state: tenacity.RetryCallState) -> None:
        last = last_failure(state)
        with self._lock:
            self.retries += 1
        how = "Retry-After" if last.retry_after is not None else "backoff"
        log.warning(
            "%s on %s %s; retrying in %.1f s (%s; attempt %d of %d)",
            last.reason, call.method, call.path, self._planned_wait(state), how,
            state.attempt_number + 1, self.max_attempts,
        )  # fmt: skip
