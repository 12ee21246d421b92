"""Independent reads at once: :func:`fetch_all` (a batch), :class:`ReadPool` (reads that
learn from answers what to read next), and how many at once: :func:`parallel_from`.

The client is thread-safe and paces every thread on the same rate-limit budget, so running
reads side by side only shortens the wait for each answer; it never spends more requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import TypeVar

from ..errors import TargetError

T = TypeVar("T")

PARALLEL_VARIABLE = "RECONCILER_PARALLEL"  # the CLI's --parallel N sets it
DEFAULT_PARALLEL = 8


def parallel_from(env: Mapping[str, str]) -> int:
    """Reads a provider may have in flight at once: ``RECONCILER_PARALLEL`` (a whole number,
    1 or more; 1 reads one request at a time), :data:`DEFAULT_PARALLEL` when unset or empty;
    a :class:`TargetError` naming the variable for anything else."""
    raw = env.get(PARALLEL_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_PARALLEL
    if not raw.isdigit() or int(raw) < 1:
        raise TargetError(
            f"{PARALLEL_VARIABLE} must be a whole number of requests at once (1 or more), "
            f"not {raw!r}",
            hint=f"for example 4; 1 reads one request at a time; unset, {DEFAULT_PARALLEL}",
        )
    return int(raw)


def fetch_all(calls: Sequence[Callable[[], T]], parallel: int = DEFAULT_PARALLEL) -> list[T]:
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


class ReadPool:
    """At most ``parallel`` calls running at once, for a read that learns from some answers
    what to read next (a group's id, then its member list)::

        with ReadPool(8) as pool:
            groups = pool.submit(partial(client.get, "groups"))
            tags = pool.submit(partial(client.get, "tags"))
            for group in groups.result()["data"]:
                members.append(pool.submit(partial(client.get, f"groups/{group['id']}/users")))

    Calls submitted while others are in flight start as soon as a place frees up. Take the
    results (``Future.result()``) in a fixed order, and the outcome does not depend on the
    order the answers arrive in. Leaving the block by an error cancels the calls not yet
    started and waits for those running. With ``parallel`` 1, each call runs at once in this
    thread, inside :meth:`submit` (which then raises what the call raises).
    """

    def __init__(self, parallel: int) -> None:
        self.parallel = max(1, parallel)
        self._pool = ThreadPoolExecutor(parallel, "reconciler-read") if parallel > 1 else None

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc is not None)

    def submit(self, call: Callable[[], T]) -> Future[T]:
        if self._pool is not None:
            return self._pool.submit(call)
        done: Future[T] = Future()
        done.set_result(call())
        return done

    def all(self, calls: Sequence[Callable[[], T]]) -> list[Future[T]]:
        """:meth:`submit` each of ``calls``, in order."""
        return [self.submit(call) for call in calls]
