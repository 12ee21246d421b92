"""The routes the sandbox answers, and how a path finds its route.

Each route names its guard: ``key`` (the public API's ``x-api-key``, checked against the
path's project: 403 otherwise), ``jwt`` (the admin API's Bearer access token: 401 "Invalid
jwt"), or ``none``. An unknown path, or a known path with another method, answers NestJS's
404 ``Cannot METHOD PATH``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from . import admin, channels, public, webhooks
from .call import Answer, Call
from .errors import AbcError, plain

Guard = Literal["key", "jwt", "none"]
Handler = Callable[[Call], Answer]


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # e.g. "/api/projects/{projectId}/categories": the key of the counters
    guard: Guard
    handler: Handler
    pattern: re.Pattern[str]


def _route(method: str, template: str, guard: Guard, handler: Handler) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape("/api/" + template))
    return Route(method, "/api/" + template, guard, handler, re.compile(regex))


_P = "projects/{projectId}/"
_A = "admin/projects/{projectId}/"

ROUTES: tuple[Route, ...] = (
    _route("GET", "projects/{projectId}", "key", public.project_info),
    _route("GET", _P + "categories", "key", public.get_categories),
    _route("POST", _P + "categories", "key", public.create_category),
    _route("PUT", _P + "categories/{categoryId}", "key", public.rename_category),
    _route("DELETE", _P + "categories/{categoryId}", "key", public.delete_category),
    _route("POST", _P + "issues", "key", public.create_issue),
    _route("POST", _P + "issues/search", "key", public.search_issues),
    _route("GET", _P + "issues/{issueId}", "key", public.get_issue),
    _route("PUT", _P + "issues/{issueId}", "key", public.replace_issue),
    _route("DELETE", _P + "issues/{issueId}", "key", public.delete_issue),
    _route("PUT", _P + "issues/{issueId}/category/{categoryId}", "key", public.set_issue_category),
    _route(
        "DELETE", _P + "issues/{issueId}/category/{categoryId}", "key", public.clear_issue_category
    ),
    _route("POST", "admin/auth/signIn/email", "none", admin.sign_in),
    _route("GET", "admin/auth/refresh", "jwt", admin.refresh),
    _route("POST", _A + "categories/search", "jwt", admin.search_categories),
    _route("POST", _A + "issues/search", "jwt", admin.search_issues_admin),
    _route("GET", _A + "channels", "jwt", channels.list_channels),
    _route("POST", _A + "channels", "jwt", channels.create_channel),
    _route("GET", _A + "channels/{channelId}", "jwt", channels.get_channel),
    _route("PUT", _A + "channels/{channelId}", "jwt", channels.update_channel),
    _route("DELETE", _A + "channels/{channelId}", "jwt", channels.delete_channel),
    _route("PUT", _A + "channels/{channelId}/fields", "jwt", channels.replace_fields),
    _route("GET", _A + "webhooks", "jwt", webhooks.list_webhooks),
    _route("POST", _A + "webhooks", "jwt", webhooks.create_webhook),
    _route("GET", _A + "webhooks/{webhookId}", "jwt", webhooks.get_webhook),
    _route("PUT", _A + "webhooks/{webhookId}", "jwt", webhooks.update_webhook),
    _route("DELETE", _A + "webhooks/{webhookId}", "jwt", webhooks.delete_webhook),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for ``method path`` and its raw parameters; AbcError 404 otherwise."""
    wanted = "GET" if method == "HEAD" else method
    trimmed = path.rstrip("/") or "/"
    for route in ROUTES:
        found = route.pattern.fullmatch(trimmed)
        if found is not None and route.method == wanted:
            return route, found.groupdict()
    raise plain(404, f"Cannot {method} {path}")


def int_params(raw: dict[str, str]) -> dict[str, int]:
    """``ParseIntPipe`` on every path parameter (400 when one is not a number)."""
    parsed: dict[str, int] = {}
    for name, value in raw.items():
        if not re.fullmatch(r"-?\d+", value):
            raise AbcError(
                400,
                {
                    "message": "Validation failed (numeric string is expected)",
                    "error": "Bad Request",
                },
            )
        parsed[name] = int(value)
    return parsed
