"""What every provider's sandbox object shares around its own ``_handle``: one request at a
time under a lock, the latency fault outside it, HEAD without a body, the in-process
transport, and closing its store."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from .reply import Reply

if TYPE_CHECKING:
    import httpx

    from .faults import Faults


class SandboxBase:
    """A sandbox: subclasses set ``store`` (a :class:`~.sqlite.SqliteStore`), ``faults``
    and ``_lock``, and answer one request in ``_handle`` (headers lower-cased)."""

    store: Any
    faults: Faults | None
    _lock: threading.Lock

    @property
    def path(self) -> str:
        """The SQLite path (``":memory:"`` for an in-memory sandbox)."""
        return str(self.store.path)

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Answer one request (``path`` decoded, ``query`` the raw query string)."""
        method = method.upper()
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        with self._lock:
            reply = self._handle(method, path, query, lowered, body)
        if self.faults is not None and self.faults.latency > 0:
            time.sleep(self.faults.latency)  # outside the lock: other requests go on
        if method == "HEAD":
            reply = Reply(reply.status, reply.headers, b"", reply.fault, reply.delay)
        return reply

    def _handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> Reply:
        raise NotImplementedError

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport answering from this sandbox, in process."""
        from .transport import SandboxTransport

        return SandboxTransport(self)

    def close(self) -> None:
        with self._lock:
            self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
