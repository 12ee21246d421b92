"""Routing: ``(method, path, query, body)`` → the handler's ``(status, payload)``.

Routes follow ProductLift's API reference, all under ``/api/v1/``. An unknown path answers
404 and a known path with another method 405, with Laravel's messages. Input is read as
Laravel reads it: the query string merged with the body (JSON, or a form), strings trimmed and
empty strings turned into null. A write runs in one transaction, rolled back if it fails.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ....sandbox.faults import WRITE_METHODS
from . import people, resources, sections
from .call import Answer, Call
from .store import Store
from .validate import HttpError

PREFIX = "/api/v1/"
Handler = Callable[[Call], Answer]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/api/v1/categories/{id}": the key of Sandbox.stats
    pattern: re.Pattern[str]
    handler: Handler


def _route(method: str, template: str, handler: Handler) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return Route(method, PREFIX + template, re.compile(regex), handler)


ROUTES: tuple[Route, ...] = (
    _route("GET", "portal", people.show_portal),
    _route("GET", "categories", resources.list_categories),
    _route("POST", "categories", resources.create_category),
    _route("PATCH", "categories/{id}", resources.update_category),
    _route("DELETE", "categories/{id}", resources.delete_category),
    _route("GET", "statuses", resources.list_statuses),
    _route("POST", "statuses", resources.create_status),
    _route("PUT", "statuses/{id}", resources.update_status),
    _route("DELETE", "statuses/{id}", resources.delete_status),
    _route("GET", "tags", resources.list_tags),
    _route("POST", "tags", resources.create_tag),
    _route("PUT", "tags/{id}", resources.update_tag),
    _route("DELETE", "tags/{id}", resources.delete_tag),
    _route("GET", "tabs", people.list_tabs),
    _route("GET", "tabs/{key}", people.show_tab),
    _route("GET", "sections", sections.list_sections),
    _route("POST", "sections", sections.create_section),
    _route("GET", "sections/{parent}/children", sections.list_children),
    _route("PUT", "sections/{id}", sections.update_section),
    _route("DELETE", "sections/{id}", sections.delete_section),
    _route("GET", "groups", resources.list_groups),
    _route("POST", "groups", resources.create_group),
    _route("GET", "groups/{id}", resources.show_group),
    _route("PUT", "groups/{id}", resources.update_group),
    _route("PATCH", "groups/{id}", resources.update_group),
    _route("DELETE", "groups/{id}", resources.delete_group),
    _route("GET", "groups/{group}/users", resources.list_members),
    _route("POST", "groups/{group}/users", resources.add_member),
    _route("DELETE", "groups/{group}/users", resources.remove_member),
    _route("GET", "users", people.list_users),
    _route("GET", "users/find_by_email", people.find_user),
    _route("GET", "users/{id}", people.show_user),
    _route("POST", "users", people.create_user),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for ``method path`` and its parameters; HttpError 404 or 405 otherwise."""
    method = "GET" if method.upper() == "HEAD" else method.upper()
    trimmed = path.rstrip("/")
    rest = trimmed[len(PREFIX) :] if trimmed.startswith(PREFIX) else None
    allowed: list[str] = []
    for route in ROUTES if rest is not None else ():
        found = route.pattern.fullmatch(rest or "")
        if found is None:
            continue
        if route.method == method:
            return route, found.groupdict()
        allowed.append(route.method)
    if allowed:
        methods = ", ".join(sorted({*allowed, *(["HEAD"] if "GET" in allowed else [])}))
        raise HttpError(
            405,
            {
                "message": f"The {method} method is not supported for this route. "
                f"Supported methods: {methods}."
            },
        )
    raise HttpError(404, {"message": f"The route {path.lstrip('/')} could not be found."})


def read_input(query: str, body: bytes) -> dict[str, Any]:
    """The request's input as Laravel sees it (query and body merged, body wins)."""
    merged: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    merged.update(_body(body))
    return {key: _clean(key, value) for key, value in merged.items()}


def _body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        try:
            return dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            return {}
    return parsed if isinstance(parsed, dict) else {}


def _clean(key: str, value: Any) -> Any:
    if isinstance(value, str) and key != "password":
        value = value.strip()
        return value or None
    if isinstance(value, list):
        return [_clean("", item) for item in value]
    return value


def dispatch(store: Store, route: Route, params: dict[str, str], query: str, body: bytes) -> Answer:
    """Run ``route``'s handler; a write is one transaction. Errors become their answer
    (a database failure, rolled back, becomes Laravel's 500)."""
    call = Call(store, params, read_input(query, body))
    try:
        if route.method in WRITE_METHODS:
            with store.transaction():
                return route.handler(call)
        return route.handler(call)
    except HttpError as error:
        return error.status, error.payload
    except sqlite3.Error:  # locked by another process past the timeout, disk full, ...
        return 500, {"message": "Server Error"}
