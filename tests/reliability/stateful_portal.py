"""A stateful ProductLift stand-in (not our sandbox) for the reliability suites.

It keeps categories, tags and sections in memory and compares names as MySQL's collation
does (``collated``: letter case, accents, ``ß`` and ``ss`` alike), so it refuses a name it
treats as one it holds with the portal's 422 "has already been taken". ``GET sections``
lists root sections only (as one public catalogue documents it); children come from
``GET sections/{id}/children``, without ``tab_id``, as the reference's example shows.

``lose(method, path)`` makes the next such request land and its answer never arrive (the
connection closes). ``hold_writes`` makes every write wait until ``release`` is set. Serve
it with :func:`serving`, which records requests as :class:`.fake_portal.FakePortal` does.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from reconciler.providers.productlift.taken import collated

from . import fake_portal
from .fake_portal import TABS, USERS, FakePortal, Reply, Seen, reply

LOST: Reply = (-1, {}, b"")  # the handler closes the connection without answering
TAKEN = {"message": "The given data was invalid."}
KINDS = {"categories": "name", "tags": "tag", "sections": "title"}


@dataclass
class Stateful:
    items: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    lost: list[tuple[str, str, Callable[[dict[str, Any]], bool]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    hold_writes: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(101))

    def add(self, kind: str, **item: Any) -> dict[str, Any]:
        made = {"id": next(self.ids), **item}
        self.items[kind].append(made)
        return made

    def lose(
        self, method: str, path: str, when: Callable[[dict[str, Any]], bool] = lambda body: True
    ) -> None:
        """The next such request whose body ``when`` accepts lands, and its answer is lost."""
        self.lost.append((method, f"/api/v1/{path}", when))

    def answer(self, seen: Seen) -> Reply | None:
        if seen.method != "GET" and self.hold_writes:
            self.release.wait(timeout=20)
        with self.lock:
            found = self._answer(seen)
            body = json.loads(seen.body or b"{}")
            for lost in self.lost:
                if found is not None and lost[:2] == (seen.method, seen.path) and lost[2](body):
                    self.lost.remove(lost)
                    return LOST
            return found

    def _answer(self, seen: Seen) -> Reply | None:
        parts = seen.path.removeprefix("/api/v1/").split("/")
        kind = parts[0]
        if seen.method == "GET":
            return self._get(parts)
        if kind not in KINDS:
            return None
        body = json.loads(seen.body or b"{}")
        if seen.method == "POST":
            return self._write(kind, None, body)
        target = next((i for i in self.items[kind] if str(i["id"]) == parts[1]), None)
        if target is None:
            return reply({"message": "No query results"}, 404)
        if seen.method == "DELETE":
            self.items[kind].remove(target)
            return reply({})
        return self._write(kind, target, body)

    def _get(self, parts: list[str]) -> Reply | None:
        if parts == ["tabs"]:
            return reply({"data": TABS})
        if parts == ["users"]:
            return reply({"data": USERS})
        if parts == ["sections"]:
            return reply({"data": [s for s in self.items["sections"] if not s.get("parent_id")]})
        if len(parts) == 3 and parts[0] == "sections" and parts[2] == "children":
            children = [s for s in self.items["sections"] if str(s.get("parent_id")) == parts[1]]
            shown = [{k: v for k, v in s.items() if k != "tab_id"} for s in children]
            return reply({"data": shown})
        if parts[0] in KINDS and len(parts) == 1:
            return reply({"data": self.items[parts[0]]})
        return None

    def _write(self, kind: str, target: dict[str, Any] | None, body: dict[str, Any]) -> Reply:
        name_field = KINDS[kind]
        name = str(body.get(name_field, target[name_field] if target else ""))
        place = ("tab_id", "parent_id") if kind == "sections" else ()
        where = {k: body.get(k, target.get(k) if target else None) for k in place}
        for other in self.items[kind]:
            same_place = all(str(other.get(k) or "") == str(where[k] or "") for k in place)
            if other is not target and same_place and collated(other[name_field]) == collated(name):
                errors = {name_field: [f"The {name_field} has already been taken."]}
                return reply({**TAKEN, "errors": errors}, 422)
        if target is None:
            fields = {k: v for k, v in body.items() if k != "after_id"}
            return reply({"data": self.add(kind, **fields)})
        target.update({k: v for k, v in body.items() if k != "after_id"})
        return reply({"data": target})


class _Drop(Exception):
    """The answer is to be lost: close the connection instead of sending it."""


def _handler(portal: FakePortal) -> type[BaseHTTPRequestHandler]:
    base: Any = fake_portal._handler(portal)

    class Handler(base):  # type: ignore[misc]
        def send_response(self, code: int, message: str | None = None) -> None:
            if code < 0:
                raise _Drop
            super().send_response(code, message)

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except _Drop:
                self.close_connection = True

    return Handler


@contextmanager
def serving(state: Stateful) -> Iterator[FakePortal]:
    portal = FakePortal(state.answer)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(portal))
    server.daemon_threads = True
    portal.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
