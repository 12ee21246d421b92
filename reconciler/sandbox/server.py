"""The HTTP way in: a stdlib ``ThreadingHTTPServer`` in front of a Sandbox.

Faults become what a real network does: RESET closes the socket with a TCP reset before
acting, LOSE closes it without answering after the write, TIMEOUT waits ``delay`` seconds
(or until shutdown) and then closes it. ``log`` (if given) receives one line per request:
method, path, status and milliseconds; never a header, so never the token.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from .faults import Fault
from .reply import JSON_HEADERS, Answering, Reply

Log = Callable[[str], None]


class SandboxHTTPServer(ThreadingHTTPServer):
    """Serves one Sandbox; ``shutdown()`` also drops kept-alive connections."""

    daemon_threads = True

    def __init__(self, sandbox: Answering, address: tuple[str, int], log: Log | None) -> None:
        self.sandbox = sandbox
        self.log = log
        self.stopping = threading.Event()
        self.connections: set[socket.socket] = set()
        self.guard = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = str(host)
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()
        with self.guard:
            for conn in list(self.connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # drop idle kept-alive connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

    def setup(self) -> None:
        super().setup()
        with self.server.guard:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.guard:
            self.server.connections.discard(self.connection)
        super().finish()

    def _serve(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        try:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            reply = self.server.sandbox.handle(
                self.command, unquote(split.path), split.query, dict(self.headers.items()), body
            )
        except Exception as error:  # a bug must not kill the connection thread silently
            self._log(f"{self.command} {split.path} → 500 ({type(error).__name__}: {error})")
            reply = Reply(500, dict(JSON_HEADERS), b'{"message":"Server Error"}')
        outcome = self._deliver(reply)
        ms = (time.perf_counter() - started) * 1000
        self._log(f"{self.command} {split.path} → {outcome} {ms:.1f} ms")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def _deliver(self, reply: Reply) -> str:
        if reply.fault is Fault.RESET:
            self._drop(reset=True)
            return "connection reset (injected)"
        if reply.fault is Fault.LOSE:
            self._drop(reset=False)
            return f"{reply.status} lost (injected)"
        if reply.fault is Fault.TIMEOUT:
            self.server.stopping.wait(reply.delay)
            self._drop(reset=False)
            return f"{reply.status or '-'} timed out (injected)"
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)
        return str(reply.status)

    def _drop(self, *, reset: bool) -> None:
        self.close_connection = True
        if reset:  # linger 0: close() sends RST instead of FIN
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _log(self, line: str) -> None:
        if self.server.log is not None:
            self.server.log(line)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server's own lines (bad request lines, ...) go to the same log, not stderr
        self._log(format % args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _serve logs each request once, with its duration


class RunningServer:
    """A server running in a background thread; ``url`` to reach it, ``shutdown()`` to stop."""

    def __init__(self, server: SandboxHTTPServer) -> None:
        self.server = server
        self.url = server.url
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="sandbox-http", daemon=True
        )
        self._thread.start()

    def shutdown(self) -> None:
        """Stop serving and close the listening socket (the Sandbox stays open)."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def make_server(
    sandbox: Answering, host: str = "127.0.0.1", port: int = 0, log: Log | None = None
) -> SandboxHTTPServer:
    """A bound, not yet serving, server (port 0: a free one; see ``.url``)."""
    return SandboxHTTPServer(sandbox, (host, port), log)


def start_server(
    sandbox: Answering, host: str = "127.0.0.1", port: int = 0, log: Log | None = None
) -> RunningServer:
    """Serve ``sandbox`` over HTTP in a background thread."""
    return RunningServer(make_server(sandbox, host, port, log))
