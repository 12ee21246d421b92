"""Ends other than an answer: a stop asked for by the caller, and deadlines.

- :class:`StoppedError`: the caller's ``stop`` (a ``threading.Event`` or a callable returning
  True) was set; raised before a request would be sent and from any wait, which returns at once.
- :class:`DeadlineError`: a request took longer than its whole-request deadline, or the run's
  deadline passed (an :class:`~reconciler.errors.ApiError` naming the request, status None).
- :class:`LostAnswerError`: a request sent with ``retry_lost=False`` got no answer; it may have
  been performed (status None).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..errors import ApiError, Interrupted

StopSignal = threading.Event | Callable[[], bool]
POLL = 0.05  # seconds between looks at a callable stop while waiting for real
# The process's own stop (Ctrl-C during an apply): every client without a ``stop`` of its own
# ends its waits and sends nothing more once it is set. Only the command line sets it.
INTERRUPT = threading.Event()


class StoppedError(Interrupted):
    """The caller asked the client to stop; ``where`` names the request not sent (or cut)."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"stopped: {where} was not completed",
            hint="nothing more was sent; `reconciler plan` shows what is left to do",
        )
        self.where = where


class DeadlineError(ApiError):
    """No complete answer within the request's deadline, or the run's deadline passed."""


class LostAnswerError(ApiError):
    """The request was sent but its answer was lost: the portal may have performed it."""


class Stopper:
    """Answers "should we stop?", and waits in a way that ends as soon as the answer is yes."""

    def __init__(self, stop: StopSignal | None, sleep: Callable[[float], None]) -> None:
        self._stop: StopSignal = INTERRUPT if stop is None else stop
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"Stopper({self._stop!r})"

    def is_set(self) -> bool:
        if isinstance(self._stop, threading.Event):
            return self._stop.is_set()
        return bool(self._stop())

    def check(self, where: str) -> None:
        """Raise :class:`StoppedError` if the stop is set."""
        if self.is_set():
            raise StoppedError(where)

    def wait(self, seconds: float, where: str) -> None:
        """Wait ``seconds`` unless the stop is set first; raise :class:`StoppedError` if it is.

        With the real ``time.sleep``, an Event is waited on (ends the instant it is set) and a
        callable polled every :data:`POLL` s. An injected ``sleep`` (a fake clock) is called
        once, and the stop looked at before and after.
        """
        self.check(where)
        if seconds > 0:
            if self._sleep is not time.sleep:
                self._sleep(seconds)
            elif isinstance(self._stop, threading.Event):
                self._stop.wait(seconds)
            else:
                end = time.monotonic() + seconds
                while not self.is_set() and (left := end - time.monotonic()) > 0:
                    time.sleep(min(POLL, left))
        self.check(where)
