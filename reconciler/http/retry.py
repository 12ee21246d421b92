"""The retry policy's pieces: what a retryable attempt carries, and the backoff."""

from __future__ import annotations

from typing import Any

import tenacity

from .answers import Answer

QUICK_WAIT = 0.5  # the most a retry after a refused connection waits
QUICK_TRIES = 2  # attempts that may fail to connect before the request fails


def backoff(base: float) -> tenacity.wait.wait_base:
    """Exponential backoff from ``base`` seconds, capped at 30 s, with jitter."""
    return tenacity.wait_exponential(multiplier=base, max=30.0) + tenacity.wait_random(0, base)


class Retryable(Exception):
    """One attempt that may be worth repeating: an answer, or none (``answer`` None)."""

    def __init__(
        self, answer: Answer | None, reason: str, after: float | None, *, quick: bool = False
    ) -> None:
        super().__init__(reason)
        self.answer, self.reason, self.retry_after, self.quick = answer, reason, after, quick
        self.wait: float | None = None  # planned once, read by both tenacity's wait and stop


def last_failure(state: tenacity.RetryCallState) -> Retryable:
    error = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(error, Retryable), "tenacity retries only Retryable"
    return error


def shape(body: Any) -> str:
    """A body's shape for logs: its keys, never its values."""
    if body is None:
        return "none"
    if isinstance(body, dict):
        return "{" + ", ".join(str(k) for k in body) + "}"
    if isinstance(body, list):
        return f"[{len(body)} items]"
    return type(body).__name__
