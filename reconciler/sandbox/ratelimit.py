"""A fixed-window rate limiter, as Laravel's ``throttle`` middleware applies it.

The window opens at the first request after the previous one closed; up to ``limit`` requests
pass in it; the next ones are refused until it closes, with ``Retry-After`` saying how long.
Refused requests do not count against the budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_LIMIT = 60
DEFAULT_WINDOW = 60.0


@dataclass(frozen=True)
class Verdict:
    """The outcome for one request, and the headers that report it."""

    allowed: bool
    limit: int
    remaining: int
    retry_after: float | None = None

    def headers(self) -> dict[str, str]:
        out = {"x-ratelimit-limit": str(self.limit), "x-ratelimit-remaining": str(self.remaining)}
        if self.retry_after is not None:
            out["retry-after"] = _seconds(self.retry_after)
        return out


def _seconds(value: float) -> str:
    text = f"{max(value, 0.001):.3f}".rstrip("0").rstrip(".")
    return text or "0"


class RateLimiter:
    """``limit`` requests per ``window`` seconds; ``limit`` None or 0 turns limiting off
    (the headers then report the default budget, never exhausted). Not thread-safe: the
    sandbox calls it under its lock."""

    def __init__(self, limit: int | None, window: float, clock: Callable[[], float]) -> None:
        if limit is not None and limit < 0:
            raise ValueError(f"rate limit must not be negative, not {limit}")
        if window <= 0:
            raise ValueError(f"rate-limit window must be positive, not {window}")
        self.limit = limit or None
        self.window = window
        self._clock = clock
        self._opened: float | None = None
        self._used = 0

    def hit(self) -> Verdict:
        """Count one request and say whether it may pass."""
        if self.limit is None:
            return Verdict(True, DEFAULT_LIMIT, DEFAULT_LIMIT - 1)
        now = self._clock()
        if self._opened is None or now - self._opened >= self.window:
            self._opened, self._used = now, 0
        if self._used >= self.limit:
            return Verdict(False, self.limit, 0, self._opened + self.window - now)
        self._used += 1
        return Verdict(True, self.limit, self.limit - self._used)
