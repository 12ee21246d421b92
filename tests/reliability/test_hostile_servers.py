"""Hostile servers (issue 12, items 3 and 4): a body sent one byte at a time, answers nested
past any parser's depth, answers far larger than any portal's. Each run ends in exit 1 with
one ``Error:`` line naming the request, no traceback, and no write after it. The deadlines
are set through ``RECONCILER_DEADLINE`` and ``RECONCILER_RUN_DEADLINE``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.conftest import EXAMPLE, Result, Runner

from .fake_portal import JSON, Reply, Seen, serving

Handler = Callable[[socket.socket, str], None]


@pytest.fixture
def run(run: Runner) -> Runner:
    def with_token(*args: Any, env: dict[str, str] | None = None) -> Result:
        return run(*args, env={"PRODUCTLIFT_TOKEN": "fake-portal-token", **(env or {})})

    return with_token


def error_line(result: Result) -> str:
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert len(errors[0]) < 400
    return errors[0]


@contextmanager
def raw_server(handle: Handler) -> Iterator[str]:
    """A server on 127.0.0.1 that gives each connection's socket and request line to
    ``handle``; yields its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            with contextlib.suppress(OSError):  # the client gave up on us: what we want
                handle(conn, head.split(b"\r\n", 1)[0].decode())

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def dribble(every: float) -> Handler:
    """Headers at once, then the body one byte every ``every`` seconds."""

    def handle(conn: socket.socket, line: str) -> None:
        body = b'{"data": [{"id": 1, "slug": "roadmap", "name": "Roadmap"}]}'
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        conn.sendall(b"content-length: %d\r\n\r\n" % len(body))
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return handle


def dribble_headers(every: float) -> Handler:
    """The status line and headers one byte every ``every`` seconds: each socket read gets
    a byte well within any read timeout."""

    def handle(conn: socket.socket, line: str) -> None:
        for byte in b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-pad: " + b"a" * 500:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return handle


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline(run: Runner) -> None:
    with raw_server(dribble_headers(every=0.3)) as url:
        result = run("plan", EXAMPLE, "--url", url, env={"RECONCILER_DEADLINE": "1.5"})
    line = error_line(result)
    assert "GET /api/v1/tabs → no response" in line
    assert "the request's deadline" in line


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("RECONCILER_DEADLINE", "the request's deadline"),
        ("RECONCILER_RUN_DEADLINE", "the run's deadline"),
    ],
)
def test_a_body_sent_a_byte_at_a_time_ends_at_the_deadline(
    run: Runner, variable: str, says: str
) -> None:
    with raw_server(dribble(every=0.7)) as url:
        result = run("plan", EXAMPLE, "--url", url, env={variable: "1.5"})
    line = error_line(result)
    assert "GET /api/v1/tabs → no response" in line
    assert says in line


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "inf"])
def test_a_deadline_that_is_no_number_of_seconds_is_refused_before_any_request(
    run: Runner, value: str
) -> None:
    with serving() as portal:
        line = error_line(
            run("plan", EXAMPLE, "--url", portal.url, env={"RECONCILER_DEADLINE": value})
        )
        assert portal.requests == []
    assert "RECONCILER_DEADLINE" in line


def on(method: str, path: str, answer: Reply) -> Callable[[Seen], Reply | None]:
    def _answer(seen: Seen) -> Reply | None:
        return answer if (seen.method, seen.path) == (method, f"/api/v1/{path}") else None

    return _answer


def nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


DEEP: dict[str, tuple[str, str, Reply]] = {
    "list-100k": ("GET", "categories", (200, dict(JSON), b'{"data": ' + nested(100_000) + b"}")),
    "object-100k": (
        "GET",
        "tags",
        (
            200,
            dict(JSON),
            b'{"data": [{"id": 1, "tag": "x", "a": '
            + b'{"a":' * 100_000
            + b"1"
            + b"}" * 100_000
            + b"}]}",
        ),
    ),
    "near-the-limit": ("GET", "statuses", (200, dict(JSON), b'{"data": ' + nested(995) + b"}")),
    "error-body-100k": (
        "POST",
        "categories",
        (422, dict(JSON), b'{"message": "no", "errors": {"name": ' + nested(100_000) + b"}}"),
    ),
    "error-body-near-the-limit": (
        "POST",
        "categories",
        (422, dict(JSON), b'{"message": "no", "errors": {"name": ' + nested(990) + b"}}"),
    ),
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deeply_nested_answers_end_in_one_line_and_no_write_after(run: Runner, case: str) -> None:
    method, path, answer = DEEP[case]
    with serving(on(method, path, answer)) as portal:
        line = error_line(run("apply", EXAMPLE, "--auto-approve", "--url", portal.url))
        writes = portal.writes
    assert f"{method} /api/v1/{path} → " in line
    assert writes == ([] if method == "GET" else [f"POST /api/v1/{path}"])


MiB = 1024 * 1024


def huge_chunked(conn: socket.socket, line: str) -> None:
    """An endless JSON list, chunked (no Content-Length), for GET categories."""
    if "/categories" not in line:
        body = (
            b'{"data": [{"id": 1, "slug": "roadmap", "name": "R"}]}'
            if "/tabs" in line
            else b'{"data": []}'
        )
        conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        conn.sendall(b"content-length: %d\r\n\r\n" % len(body) + body)
        return
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
    conn.sendall(b"transfer-encoding: chunked\r\n\r\n")
    chunk = b'{"id": 1, "name": "x"},' * 40_000
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    conn.sendall(b'f\r\n{"data": [     \r\n')
    for _ in range(100 * MiB // len(chunk)):
        conn.sendall(framed)


def huge_declared(conn: socket.socket, line: str) -> None:
    """Declares 300 MB for every answer, and sends a few bytes of it."""
    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
    conn.sendall(b"content-length: 300000000\r\n\r\n" + b'{"data": [' + b" " * 1000)


@pytest.mark.parametrize(
    ("handler", "path"), [(huge_chunked, "categories"), (huge_declared, "tabs")]
)
def test_an_answer_past_the_size_bound_is_refused_unread(
    run: Runner, handler: Handler, path: str
) -> None:
    with raw_server(handler) as url:
        line = error_line(run("plan", EXAMPLE, "--url", url))
    assert f"GET /api/v1/{path} → 200" in line
    assert "larger than the 64 MiB allowed" in line
