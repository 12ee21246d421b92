"""The rate-limit gate all threads of one client pass: pacing, and the requests in flight.

Wraps a :class:`~reconciler.http.pacing.Pacer` (not thread-safe itself) under a condition
variable. A request may go when the window is open and fewer requests are in flight than the
portal says are left (one before the first answer, and when a window has just reset), so
threads never spend more than the budget. An answer overtaken by a newer one (sent later,
answered earlier) may not raise the count of what is left: only the newer answer knows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx

from .pacing import Pacer, parse_retry_after, read_limits

POLL = 0.05  # seconds between looks at the stop while waiting for an answer in flight


class Gate:
    """Decides when each thread may send; fed every answer."""

    def __init__(self, clock: Callable[[], float], window: float | None = None) -> None:
        self.pacer = Pacer() if window is None else Pacer(window)
        self._clock = clock
        self._cond = threading.Condition()
        self._in_flight = 0
        self._sequence = 0
        self._newest_seen = 0
        self._heard = False  # until the first answer, the budget is unknown: one at a time
        self.throttled = 0

    def __repr__(self) -> str:
        return f"Gate({self._in_flight} in flight)"

    def enter(self) -> tuple[float, int | None, int | None]:
        """Try to take a place: ``(-1, …)`` when taken; else the seconds to wait before trying
        again (0.0 means "an answer in flight may free a place": wait briefly), with what is
        left and the limit, for the log."""
        with self._cond:
            delay = self.pacer.delay(self._clock())
            remaining = self.pacer.remaining
            room = 1 if not self._heard else None if remaining is None else max(remaining, 1)
            if delay <= 0 and (room is None or self._in_flight < room):
                self._in_flight += 1
                return -1.0, remaining, self.pacer.limit
            if delay <= 0:
                self._cond.wait(POLL)  # until an answer in flight comes back
            return max(delay, 0.0), remaining, self.pacer.limit

    def number(self) -> int:
        """A sequence number for a request about to be sent."""
        with self._cond:
            self._sequence += 1
            return self._sequence

    def leave(self) -> None:
        with self._cond:
            self._in_flight -= 1
            self._cond.notify_all()

    def observe(
        self, status: int, headers: httpx.Headers, *, sent: float, sequence: int
    ) -> float | None:
        """Take in one answer; its ``Retry-After`` in seconds, if any."""
        after = parse_retry_after(headers.get("retry-after"), headers.get("date"))
        limits = read_limits(headers)
        with self._cond:
            if status == 429:
                self.throttled += 1
            known = self.pacer.remaining
            if limits is not None and sequence < self._newest_seen and known is not None:
                limits = (limits[0], min(limits[1], known))
            self._newest_seen = max(self._newest_seen, sequence)
            self._heard = True
            self.pacer.observe(
                sent=sent, received=self._clock(), limits=limits, throttled=status == 429,
                retry_after=after,
            )  # fmt: skip
        return after
