"""UserEcho's API v2 as this provider speaks it, and THE table of request shapes.

UserEcho documents its endpoints but few request bodies; CONTRACT.md (part two, "UserEcho")
fixes the shapes to build to. Every one of them lives in :data:`OPS`, one line per operation:
method, command, body builder, and how the answer is read. A real account confirms or
corrects each in one place; ``--verbose`` logs each request's shape (method, path, query and
body keys, never values: ``reconciler.http`` at DEBUG). :data:`LIMITS` holds the name lengths
the provider assumes (the sandbox's; UserEcho documents none).

Every request goes to ``{url}/api/v2/{command}.json`` with the token in ``access_token``
(masked everywhere by the client); answers are ``{"status": "success", "data": …}``, and a
``"status": "error"`` answer is a failure whatever its HTTP status (the dialect's
``envelope_checked``). Lists take ``page`` (from 1) and ``limit`` (at most 100) and say
``details.count``; :meth:`Api.fetch` walks the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import BadResponseError
from ...http import Client, Dialect, envelope_checked, envelope_message
from .schema import FORUM_FLAGS

Args = Mapping[str, Any]
PAGE = 100  # the most a page may hold
LIMITS = {"forum": 100, "category": 100, "tag": 50, "group": 100}  # name lengths (assumed)

HINTS = {
    400: "the portal refused the value; fix it in the spec",
    401: "check USERECHO_TOKEN (an API key from the project's settings: Integrations > API)",
    403: "the API key lacks permission for this; use a key of a project administrator",
    404: "the resource is gone: someone changed the portal; run plan again",
    429: "the portal's rate limit; lower portal.rate_limit or RECONCILER_RATE_LIMIT",
}
DIALECT = Dialect(
    hints=HINTS,
    url_hint="check the portal URL (--url / USERECHO_URL, like https://acme.userecho.com)",
    credentials="USERECHO_TOKEN",
    error_message=envelope_message,
    answer=envelope_checked,
)
TOKEN_HINT = "copy USERECHO_TOKEN again from the project's settings (Integrations > API)"


class Shape(Exception):
    """An answer not shaped as the table says: the reader's complaint."""


# -- how answers are read ------------------------------------------------------------------


def rows(body: Any) -> tuple[list[Any], int | None]:
    """A list page: ``data`` (a list) and ``details.count`` (None when absent)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise Shape('expected {"status": "success", "data": [...]}')
    details = body.get("details")
    count = details.get("count") if isinstance(details, dict) else None
    return data, count if isinstance(count, int) and not isinstance(count, bool) else None


def made(body: Any) -> dict[str, Any]:
    """The record a create answers: ``data`` with an integer ``id``."""
    data = body.get("data") if isinstance(body, dict) else None
    id_ = data.get("id") if isinstance(data, dict) else None
    if not isinstance(id_, int) or isinstance(id_, bool):
        raise Shape('expected {"status": "success", "data": {"id": <integer>, ...}}')
    return data  # type: ignore[return-value]


def done(body: Any) -> None:
    """An answer whose data the provider does not need (the envelope was checked)."""


# -- how bodies are built ------------------------------------------------------------------


def _pick(*fields: str, ident: bool = False) -> Callable[[Args], dict[str, Any]]:
    def build(args: Args) -> dict[str, Any]:
        body = {"id": args["id"]} if ident else {}
        return body | {f: args[f] for f in fields if f in args}

    return build


def _nothing(args: Args) -> None:
    return None


FORUM_FIELDS = ("name", "type", "locale", *FORUM_FLAGS)
GROUP_FIELDS = ("name", "vote_weight", "vote_count")


@dataclass(frozen=True)
class Op:
    """One operation: ``path`` is the command (``{forum}``-style ids filled from the args),
    ``body`` builds the JSON body from the args (None: no body), ``read`` reads the answer."""

    method: str
    path: str
    body: Callable[[Args], dict[str, Any] | None]
    read: Callable[[Any], Any]


# fmt: off
OPS: Mapping[str, Op] = {
    # forums: PUT and DELETE name the forum in the body, not the path
    "forums.list":      Op("GET",    "forums", _nothing, rows),
    "forums.create":    Op("POST",   "forums", _pick(*FORUM_FIELDS), made),
    "forums.update":    Op("PUT",    "forums", _pick(*FORUM_FIELDS, ident=True), done),
    "forums.delete":    Op("DELETE", "forums", _pick(ident=True), done),
    "categories.list":  Op("GET",    "forums/{forum}/categories", _nothing, rows),
    "categories.create": Op("POST",  "forums/{forum}/categories", _pick("name"), made),
    "categories.update": Op("PUT",   "forums/{forum}/categories", _pick("name", ident=True), done),
    "categories.delete": Op("DELETE", "forums/{forum}/categories", _pick(ident=True), done),
    "tags.list":        Op("GET",    "forums/{forum}/tags", _nothing, rows),
    "tags.create":      Op("POST",   "forums/{forum}/tags", _pick("name"), made),
    "tags.update":      Op("PUT",    "forums/{forum}/tags", _pick("name", ident=True), done),
    "tags.delete":      Op("DELETE", "forums/{forum}/tags", _pick(ident=True), done),
    # the access list answers plain emails; POST and DELETE take {"emails": [...]}
    "access.list":      Op("GET",    "forums/{forum}/access_list", _nothing, rows),
    "access.add":       Op("POST",   "forums/{forum}/access_list", _pick("emails"), done),
    "access.remove":    Op("DELETE", "forums/{forum}/access_list", _pick("emails"), done),
    "groups.list":      Op("GET",    "users/groups", _nothing, rows),
    "groups.create":    Op("POST",   "users/groups", _pick(*GROUP_FIELDS), made),
    "groups.update":    Op("PUT",    "users/groups", _pick(*GROUP_FIELDS, ident=True), done),
    "groups.delete":    Op("DELETE", "users/groups", _pick(ident=True), done),
    # users carry groups: [{id, name}]; found by filter__email__in (never users/get_or_create)
    "users.list":       Op("GET",    "users", _nothing, rows),
    "users.show":       Op("GET",    "users/{user}", _nothing, made),
    "members.add":      Op("POST",   "users/{user}/group", _pick("group_id"), done),
    "members.remove":   Op("DELETE", "users/{user}/group", _pick("group_id"), done),
    # webhooks: no update, no uniqueness
    "hooks.list":       Op("GET",    "hooks", _nothing, rows),
    "hooks.events":     Op("GET",    "hooks/events", _nothing, rows),
    "hooks.create":     Op("POST",   "hooks", _pick("event", "target_url"), made),
    "hooks.delete":     Op("DELETE", "hooks/{hook}", _nothing, done),
}
# fmt: on


class Api:
    """Performs the operations of :data:`OPS` through one client."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, name: str, /, *, retry_lost: bool = True, **args: Any) -> Any:
        """Perform operation ``name``; ``args`` fill the path and the body. ``retry_lost``:
        see :meth:`reconciler.http.Client.request` (creates pass False, and re-read)."""
        op = OPS[name]
        path = op.path.format_map(args) + ".json"
        body = op.body(args)
        answer = self.client.request(op.method, path, json=body, retry_lost=retry_lost)
        return self._read(op, path, answer)

    def fetch(
        self, name: str, params: Mapping[str, Any] | None = None, /, **args: Any
    ) -> list[Any]:
        """Every record of a list, page by page (``PAGE`` a page) until ``details.count``
        records came, or a short page."""
        op = OPS[name]
        path = op.path.format_map(args) + ".json"
        found: list[Any] = []
        page = 1
        while True:
            query = {**(params or {}), "page": page, "limit": PAGE}
            items, count = self._read(op, path, self.client.request("GET", path, params=query))
            found += items
            total = len(found) if count is None else count
            if len(items) < PAGE or len(found) >= total or page > total // PAGE + 1:
                return found
            page += 1

    def _read(self, op: Op, path: str, answer: Any) -> Any:
        try:
            return op.read(answer)
        except Shape as problem:
            raise BadResponseError(
                op.method,
                self.client.path_of(path),
                200,
                str(problem),
                hint="the portal answered what its API does not promise; nothing more was sent",
            ) from None
