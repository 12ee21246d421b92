"""A whole-request deadline that holds while the status line and headers arrive.

httpx's timeouts bound each socket read, so a server that sends its headers one byte every
few seconds would never time out. Reads and writes on the sockets that
:func:`bound_sockets` wraps take at most the time left until the deadline the current thread
set with :func:`until`, and fail with a timeout once it has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_local = threading.local()


@contextmanager
def until(seconds: float) -> Iterator[None]:
    """Socket operations in this block end at most ``seconds`` from now (real time)."""
    _local.end = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.last, _local.end = _local.end, None


def passed() -> bool:
    """Whether the deadline of the current thread's last block has passed (a socket's own
    timeout may fire a little early: 50 ms are allowed for it)."""
    last = getattr(_local, "last", None)
    return last is not None and time.monotonic() >= last - 0.05


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    end: float | None = getattr(_local, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:  # fmt: skip
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, left))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = _left(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, left, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_sockets(http: httpx.Client) -> None:
    """Bound the sockets of ``http``'s own transports (direct, and any proxy the environment
    names) by :func:`until`; a transport the caller injected is left as it is."""
    transports: list[Any] = [http._transport, *http._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)  # httpcore pools make each connection
        backend = getattr(pool, "_network_backend", None)
        if isinstance(transport, httpx.HTTPTransport) and backend is not None:
            pool._network_backend = _Backend(backend)  # type: ignore[union-attr]
