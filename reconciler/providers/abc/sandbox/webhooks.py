"""Webhooks (admin API).

The list is ``{items}``, not paginated, in id order; each webhook carries its ``token`` and
its events with full channel objects. ``GET`` by id answers an array (``[]`` when missing)
and, like ``PUT`` and ``DELETE``, looks the webhook up by id alone. ``url`` must pass
class-validator's ``isURL`` (the provider's ``urls.py``, shared with the spec check: a host
with a top-level domain, or an IP: ``localhost`` fails). ``FEEDBACK_CREATION`` and
``ISSUE_ADDITION`` need existing channel ids (any project's, as on the server),
``ISSUE_CREATION`` and ``ISSUE_STATUS_CHANGE`` none.

Where the server keeps and answers the token in clear, the sandbox keeps and answers its seal
(a salted digest: the provider's ``tokens.py``), so no token reaches the sandbox file; a
``PUT`` that sends the seal back keeps the token, as the server keeps a token sent back.
"""

from __future__ import annotations

import re
from typing import Any

from ..tokens import seal
from ..urls import is_url
from .call import Answer, Call, webhook_not_found
from .channels import channel_json
from .errors import Check, coded, plain, server_error
from .store import Row

EVENT_TYPES = ("FEEDBACK_CREATION", "ISSUE_CREATION", "ISSUE_STATUS_CHANGE", "ISSUE_ADDITION")
_WITH_CHANNELS = ("FEEDBACK_CREATION", "ISSUE_ADDITION")
_STATUSES = ("ACTIVE", "INACTIVE")
_TOKEN = re.compile(r"[A-Za-z0-9._-]+")
TOKEN_MESSAGE = (
    "Token must be at least 16 characters long and contain only alphanumeric characters, "
    "dots, hyphens, and underscores."
)


def _check(call: Call) -> list[dict[str, Any]]:
    body = call.body
    check = Check(body)
    if not (isinstance(body.get("name"), str) and body["name"]):
        check.fail("name should not be empty")
    check.string("name")
    if not (isinstance(body.get("url"), str) and is_url(body["url"])):
        check.fail("url must be a URL address")
    check.string("url")
    check.one_of("status", _STATUSES)
    events = body.get("events")
    if events is None or events == "":
        check.fail("events should not be empty")
    if not isinstance(events, list):
        check.fail("events must be an array")
    token = body.get("token")
    if token and not (isinstance(token, str) and _TOKEN.fullmatch(token) and len(token) >= 16):
        check.fail(TOKEN_MESSAGE)
    check.done()
    assert isinstance(events, list)
    return events


def _check_event(call: Call, event: Any) -> None:
    if not isinstance(event, dict) or not isinstance(event.get("channelIds"), list):
        raise server_error()  # the service reads channelIds.length of undefined
    ids = event["channelIds"]
    if event.get("type") in _WITH_CHANNELS:
        marks = ",".join("?" for _ in ids)
        found = call.store.all(f"SELECT id FROM channels WHERE id IN ({marks})", *ids)
        valid = len(found) == len(ids)
    else:
        valid = event.get("type") in EVENT_TYPES and not ids
    if not valid:
        raise plain(400, "invalid webhook event and channels")
    if event.get("status") not in _STATUSES:
        raise server_error()  # not validated by the DTO: the enum column refuses it


def _taken(call: Call, name: str, besides: int | None = None) -> None:
    row = call.store.one(
        "SELECT 1 FROM webhooks WHERE project_id = ? AND name = ? AND id IS NOT ?",
        call.project,
        name,
        besides,
    )
    if row:
        raise coded(400, "WebhookAlreadyExists", "Webhook already exists")


def _save_events(call: Call, webhook_id: int, events: list[dict[str, Any]]) -> None:
    call.store.conn.execute("DELETE FROM events WHERE webhook_id = ?", (webhook_id,))
    for event in events:
        now = call.store.stamp()
        event_id = call.store.insert(
            "events",
            {
                "webhook_id": webhook_id,
                "type": event["type"],
                "status": event["status"],
                "created_at": now,
                "updated_at": now,
            },
        )
        for channel_id in dict.fromkeys(event["channelIds"]):
            call.store.insert("event_channels", {"event_id": event_id, "channel_id": channel_id})


def _kept(token: Any, stored: str | None = None) -> Any:
    """What the file keeps of a token sent: its seal (null and ``""`` as they are); the seal
    already stored when the token sent is that seal."""
    if not token or token == stored:
        return token
    return seal(token)


def create_webhook(call: Call) -> Answer:
    events = _check(call)
    _taken(call, call.body["name"])
    for event in events:
        _check_event(call, event)
    body, now = call.body, call.store.stamp()
    webhook_id = call.store.insert(
        "webhooks",
        {
            "project_id": call.project,
            "name": body["name"],
            "url": body["url"],
            "token": _kept(body.get("token")),
            "status": body["status"],
            "created_at": now,
            "updated_at": now,
        },
    )
    _save_events(call, webhook_id, events)
    return 201, {"id": webhook_id}


def update_webhook(call: Call) -> Answer:
    events = _check(call)
    row = call.found("webhooks", "webhookId", webhook_not_found)
    body = call.body
    _taken(call, body["name"], besides=row["id"])
    for event in events:
        _check_event(call, event)
    values = {
        "name": body["name"],
        "url": body["url"],
        "token": _kept(body.get("token"), row["token"]),
        "status": body["status"],
        "updated_at": call.store.stamp(),
    }
    call.store.update("webhooks", row["id"], values)
    _save_events(call, row["id"], events)
    return 200, {"id": row["id"]}


def delete_webhook(call: Call) -> Answer:
    row = call.found("webhooks", "webhookId", webhook_not_found)
    call.store.conn.execute("DELETE FROM webhooks WHERE id = ?", (row["id"],))
    return 200, None


def webhook_json(call: Call, row: Row) -> dict[str, Any]:
    events = []
    for event in call.store.all("SELECT * FROM events WHERE webhook_id = ? ORDER BY id", row["id"]):
        channels = call.store.all(
            "SELECT c.* FROM channels c JOIN event_channels e ON e.channel_id = c.id"
            " WHERE e.event_id = ? ORDER BY c.id",
            event["id"],
        )
        events.append(
            {
                "id": event["id"],
                "type": event["type"],
                "status": event["status"],
                "createdAt": event["created_at"],
                "updatedAt": event["updated_at"],
                "channels": [channel_json(channel) for channel in channels],
            }
        )
    return {
        "id": row["id"],
        "name": row["name"],
        "url": row["url"],
        "token": row["token"],
        "status": row["status"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "events": events,
    }


def list_webhooks(call: Call) -> Answer:
    rows = call.store.all("SELECT * FROM webhooks WHERE project_id = ? ORDER BY id", call.project)
    return 200, {"items": [webhook_json(call, row) for row in rows]}


def get_webhook(call: Call) -> Answer:
    row = call.store.find("webhooks", call.params["webhookId"])
    return 200, [] if row is None else [webhook_json(call, row)]
