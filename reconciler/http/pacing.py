"""Rate-limit signals: reading the portal's headers, and pacing requests so none is refused.

The portal says how many requests are left in its window (``x-ratelimit-limit`` and
``x-ratelimit-remaining``) but not when the window ends. :class:`Pacer` assumes a window ends
its documented length (60 s for the whole limit) after the first request seen in it, and
learns the real length from what the portal shows:

- a 429's ``Retry-After`` says when the current window ends, hence how long it is;
- a ``remaining`` that goes back up shows a new window began, which bounds the length.

When ``remaining`` reaches 0, :meth:`Pacer.delay` says how long to wait before the next
request, so the request that would have been refused is sent into the next window instead.
Without the headers there is nothing to pace on, and the delay is always 0.

Every time is a reading of the caller's monotonic clock; nothing here reads a clock itself.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping
from datetime import UTC, datetime

DOCUMENTED_WINDOW = 60.0
"""Seconds in the portal's rate-limit window, per its docs ("60 requests a minute")."""

SAFETY_MARGIN = 0.1
"""Seconds added to an *estimated* window end (not to one the portal stated)."""


def read_limits(headers: Mapping[str, str]) -> tuple[int, int] | None:
    """``(limit, remaining)`` from the rate-limit headers, or None when absent or garbled."""
    try:
        limit = int(headers["x-ratelimit-limit"])
        remaining = int(headers["x-ratelimit-remaining"])
    except (KeyError, ValueError):
        return None
    if limit <= 0 or remaining < 0:
        return None
    return limit, min(remaining, limit)


def parse_retry_after(value: str | None, date: str | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: seconds (maybe fractional) or an HTTP date.

    An HTTP date is measured against the response's own ``Date`` header when there is one
    (the server's clock, so clock skew does not matter), else against this machine's clock.
    Returns None for a missing or unreadable value; never a negative number.
    """
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        when = _http_date(value)
        if when is None:
            return None
        now = _http_date(date) if date else None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _http_date(value: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


class Pacer:
    """Decides how long to wait before the next request; fed every response's headers.

    The window's length is known only within bounds ``[lo, hi]``, learned from when windows
    were seen to open and close. Each bound holds whether the portal opens a window with the
    first request after the last one closed (Laravel's throttle) or on its clock's minutes. The
    estimate is the documented length, kept within the bounds; where the bounds disagree
    (the portal rounds its ``Retry-After``, or changed its policy) the upper one wins, as the
    one that avoids 429s, until a 429 shows it was wrong.
    """

    def __init__(self, window: float = DOCUMENTED_WINDOW) -> None:
        self.documented = window
        self.limit: int | None = None
        self.remaining: int | None = None
        self._forget()

    @property
    def window(self) -> float:
        """Current estimate of the window's length, in seconds."""
        return min(self._hi, max(self._lo, self.documented))

    def _forget(self) -> None:
        """Drop what is known of the current window and of the window's length."""
        self.limit = self.remaining = None
        self._lo, self._hi = 0.0, math.inf
        self._opened: tuple[float | None, float] | None = None  # (earliest, latest) start
        self._last_sent = -math.inf  # when the last request answered in this window was sent
        self._ends: tuple[float, float] | None = None  # its stated end: (earliest, latest)

    def delay(self, now: float) -> float:
        """Seconds to wait at ``now`` before sending, so the request is not refused."""
        if self.remaining is None or self.remaining > 0 or self._opened is None:
            return 0.0
        if self._ends is not None:
            return max(0.0, self._ends[1] - now)
        return max(0.0, self._opened[1] + self.window + SAFETY_MARGIN - now)

    def observe(
        self,
        *,
        sent: float,
        received: float,
        limits: tuple[int, int] | None,
        throttled: bool,
        retry_after: float | None,
    ) -> None:
        """Take in one response: sent and received at these clock readings."""
        if limits is None:
            self._forget()  # no headers: nothing to pace on
            return
        limit, remaining = limits
        if limit != self.limit:
            self._forget()
            self.limit = limit
        previous = self.remaining
        if previous is None:
            self._opened = (None, received)
        elif remaining > previous or (previous == 0 and not throttled):
            # A new window opened after the previous request was handled (and after the end
            # the portal stated), and before this one was answered.
            self._new_window(received)
        self.remaining = 0 if throttled else remaining
        self._last_sent = sent
        if throttled and retry_after is not None:
            self._stated_end(sent + retry_after, received + retry_after)

    def _new_window(self, received: float) -> None:
        assert self._opened is not None
        earliest, latest = self._opened
        start = max(self._last_sent, self._ends[0] if self._ends else -math.inf)
        self._learn(lo=self._last_sent - latest)  # the last request still fell in the old one
        if earliest is not None:
            self._learn(hi=received - earliest)  # windows do not overlap
        self._opened, self._ends = (start, received), None

    def _stated_end(self, earliest: float, latest: float) -> None:
        assert self._opened is not None
        opened_earliest, opened_latest = self._opened
        self._ends = (earliest, latest)
        if earliest - opened_latest > self._hi:
            self._hi = math.inf  # refused although paced on it: the upper bound was wrong
        self._learn(lo=earliest - opened_latest)
        if opened_earliest is not None:
            self._learn(hi=latest - opened_earliest)

    def _learn(self, *, lo: float = 0.0, hi: float = math.inf) -> None:
        self._lo, self._hi = max(self._lo, lo), min(self._hi, hi)
