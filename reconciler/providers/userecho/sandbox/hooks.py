"""Webhooks: GET ``hooks``, GET ``hooks/events``, POST ``hooks`` ``{event, target_url}``,
DELETE ``hooks/{id}``. There is no update and no uniqueness: the same event and URL may be
registered twice. ``event`` must be one of ``EVENTS``; ``target_url`` an http(s) URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .call import Call, Payload, ok
from .errors import bad, need_text
from .listing import page
from .store import Row

EVENTS = (
    "topic.created",
    "topic.updated",
    "topic.deleted",
    "comment.created",
    "comment.updated",
    "comment.deleted",
    "user.created",
    "vote.created",
)
FIELDS = ("id", "event", "target_url", "created")
URL_LENGTH = 500


def render(row: Row) -> dict[str, Any]:
    return {key: row[key] for key in FIELDS}


def list_hooks(call: Call) -> Payload:
    return page([render(row) for row in call.store.select("hooks")], call.query, FIELDS)


def list_events(call: Call) -> Payload:
    return page(EVENTS, call.query)


def create_hook(call: Call) -> Payload:
    event = need_text(call.input, "event", 100)
    if event not in EVENTS:
        raise bad(f"unknown event {event!r}: GET hooks/events lists them")
    url = need_text(call.input, "target_url", URL_LENGTH)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad(f"target_url must be an http or https URL, not {url!r}")
    values = {"event": event, "target_url": url, "created": call.store.stamp()}
    row = call.store.find("hooks", call.store.insert("hooks", values))
    assert row is not None  # written in this transaction
    return ok(render(row))


def delete_hook(call: Call) -> Payload:
    row = call.path_row("hooks", "webhook", "hook")
    call.store.delete("hooks", {"id": row["id"]})
    return ok({"id": row["id"]})
