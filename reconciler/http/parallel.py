"""Independent reads at once: :func:`fetch_all`.

The client is thread-safe and paces every thread on the same rate-limit budget, so running
reads side by side only shortens the wait for each answer; it never spends more requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")


def fetch_all(calls: Sequence[Callable[[], T]], parallel: int = 8) -> list[T]:
    """Run ``calls`` (each e.g. ``functools.partial(client.get, path)``), at most ``parallel``
    at a time; their results in the order given, whatever order they finish in.

    On a failure, calls not yet started are not started; those running finish; then the error
    of the first failed call in the given order is raised.
    """
    if parallel <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(min(parallel, len(calls)), "reconciler-fetch") as pool:
        futures: list[Future[T]] = [pool.submit(call) for call in calls]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        if any(f.exception() is not None for f in done):
            for future in futures:
                future.cancel()
    failure = next(
        (e for f in futures if not f.cancelled() and (e := f.exception()) is not None), None
    )
    if failure is not None:
        raise failure
    return [f.result() for f in futures]
