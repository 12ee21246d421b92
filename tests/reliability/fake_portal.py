"""A tiny ProductLift look-alike on 127.0.0.1 that answers what a test tells it to.

``FakePortal(answer)`` serves in a thread; ``answer(request)`` returns ``(status, headers,
body)`` or None for the default: a new, empty portal (three tabs, five users). Every request
is recorded, so a test can say what was sent, and whether any write was.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = {"content-type": "application/json"}
TABS = [
    {"id": 1, "name": "Roadmap", "slug": "roadmap"},
    {"id": 2, "name": "Wish list", "slug": "wish-list"},
    {"id": 3, "name": "Changelog", "slug": "changelog"},
]
USERS = [
    {"id": f"00000000-0000-4000-8000-00000000000{n}", "email": f"{name}@example.com"}
    for n, name in enumerate(["alice", "bob", "carol", "dave", "erin"], start=1)
]


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # without the query
    query: str
    headers: dict[str, str]
    body: bytes


Reply = tuple[int, dict[str, str], bytes]
Answer = Callable[[Seen], Reply | None]


def reply(payload: Any, status: int = 200) -> Reply:
    return status, dict(JSON), json.dumps(payload).encode()


def default(seen: Seen) -> Reply:
    """An empty portal: lists answer, writes are accepted and echo an id."""
    path = seen.path.removeprefix("/api/v1/")
    if seen.method == "GET":
        if path == "tabs":
            return reply({"data": TABS})
        if path == "users":
            return reply({"data": USERS})
        return reply({"data": []})
    if seen.method == "POST" and path.endswith("/users"):
        return reply({"message": "User added to group successfully"})
    if seen.method == "POST":
        body = json.loads(seen.body or b"{}")
        return reply({"data": {"id": 101, **body}})
    return reply({"data": {}})


@dataclass
class FakePortal:
    answer: Answer = lambda seen: None
    requests: list[Seen] = field(default_factory=list)
    url: str = ""

    @property
    def writes(self) -> list[str]:
        return [f"{s.method} {s.path}" for s in self.requests if s.method in WRITES]

    def handle(self, seen: Seen) -> Reply:
        self.requests.append(seen)
        return self.answer(seen) or default(seen)


def _handler(portal: FakePortal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def _serve(self) -> None:
            split = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            seen = Seen(
                self.command,
                split.path,
                split.query,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            status, headers, body = portal.handle(seen)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(answer: Answer = lambda seen: None) -> Iterator[FakePortal]:
    portal = FakePortal(answer)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(portal))
    server.daemon_threads = True
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
