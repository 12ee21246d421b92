"""Routing: ``{base}/api/v2/{command}.json`` → the handler, and the request's input.

A path that is no command answers 404, a command with another method 405. Path ids are
digits (anything else is no command). The input is the query string (without
``access_token``) merged with the body, which must be a JSON object when present; the body
wins. A write runs in one transaction, rolled back when it fails.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from . import children, forums, hooks, people
from .call import Call, Payload
from .errors import Refused, bad
from .store import Store

PREFIX = "/api/v2/"
SUFFIX = ".json"
TOKEN_PARAM = "access_token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Handler = Callable[[Call], Payload]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/api/v2/forums/{forum}/tags.json": the key of the counters
    pattern: re.Pattern[str]
    handler: Handler


def _route(method: str, command: str, handler: Handler) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\d+)", re.escape(command))
    return Route(method, f"{PREFIX}{command}{SUFFIX}", re.compile(regex), handler)


_CAT, _TAG = "forums/{forum}/categories", "forums/{forum}/tags"
ROUTES: tuple[Route, ...] = (
    _route("GET", "forums", forums.list_forums),
    _route("POST", "forums", forums.create_forum),
    _route("PUT", "forums", forums.update_forum),
    _route("DELETE", "forums", forums.delete_forum),
    _route("GET", _CAT, children.CATEGORIES.listing),
    _route("POST", _CAT, children.CATEGORIES.create),
    _route("PUT", _CAT, children.CATEGORIES.update),
    _route("DELETE", _CAT, children.CATEGORIES.delete),
    _route("GET", _TAG, children.TAGS.listing),
    _route("POST", _TAG, children.TAGS.create),
    _route("PUT", _TAG, children.TAGS.update),
    _route("DELETE", _TAG, children.TAGS.delete),
    _route("GET", "forums/{forum}/access_list", children.list_access),
    _route("POST", "forums/{forum}/access_list", children.add_access),
    _route("DELETE", "forums/{forum}/access_list", children.remove_access),
    _route("GET", "users", people.list_users),
    _route("GET", "users/current", people.current_user),
    _route("GET", "users/groups", people.list_groups),
    _route("POST", "users/groups", people.create_group),
    _route("PUT", "users/groups", people.update_group),
    _route("DELETE", "users/groups", people.delete_group),
    _route("GET", "users/{user}", people.show_user),
    _route("POST", "users/{user}/group", people.join_group),
    _route("DELETE", "users/{user}/group", people.leave_group),
    _route("GET", "hooks", hooks.list_hooks),
    _route("POST", "hooks", hooks.create_hook),
    _route("GET", "hooks/events", hooks.list_events),
    _route("DELETE", "hooks/{hook}", hooks.delete_hook),
)


def _command(path: str) -> str | None:
    if path.startswith(PREFIX) and path.endswith(SUFFIX):
        return path[len(PREFIX) : -len(SUFFIX)]
    return None


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for ``method path`` and its ids; Refused 404 or 405 otherwise."""
    method = "GET" if method == "HEAD" else method
    command = _command(path)
    allowed: set[str] = set()
    for route in ROUTES if command is not None else ():
        found = route.pattern.fullmatch(command or "")
        if found is None:
            continue
        if route.method == method:
            return route, found.groupdict()
        allowed.add(route.method)
    if allowed:
        raise Refused(405, f"method {method} is not allowed here (allowed: {sorted(allowed)})")
    raise Refused(404, "unknown API command")


def read_query(query: str) -> dict[str, str]:
    """The query parameters, the last of a repeated one winning."""
    return dict(parse_qsl(query, keep_blank_values=True))


def _body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise bad("the request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise bad("the request body must be a JSON object")
    return parsed


def dispatch(
    store: Store, route: Route, params: dict[str, str], query: dict[str, str], body: bytes
) -> Payload:
    """Run ``route``'s handler (a write in one transaction); raises Refused for an error
    answer (a database failure becomes a 500)."""
    data = _body(body) if route.method in WRITE_METHODS else {}
    call = Call(store, params, query, {**query, **data})
    try:
        if route.method in WRITE_METHODS:
            with store.transaction():
                return route.handler(call)
        return route.handler(call)
    except sqlite3.Error:  # locked by another process past the timeout, disk full, ...
        raise Refused(500, "Server Error") from None
