"""Channels and their fields (admin API).

A channel is created with its fields plus four system fields (``id``, ``createdAt``,
``updatedAt``, ``issues``). ``PUT .../fields`` never deletes: fields it leaves out stay as they
are; a field sent with its ``id`` is updated (its ``key`` and ``format`` cannot change: 400),
one without is created. A new field whose key or name collides with an existing one, or a name
or key over 255 characters, breaks a database constraint: 500, and the whole request is rolled
back. Channel lookups go by id alone (any project's), as on the server.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from . import options
from .call import EMPTY, Answer, Call, channel_not_found, page_meta
from .errors import Check, coded, is_number, page_number, plain, server_error
from .store import Row

FORMATS = ("text", "keyword", "number", "select", "multiSelect", "date", "images", "aiField")
PROPERTIES = ("READ_ONLY", "EDITABLE")
FIELD_STATUSES = ("ACTIVE", "INACTIVE")
RESERVED_NAMES = ("ID", "Created", "Updated", "Issue")
RESERVED_KEYS = ("id", "ids", "issues", "issueIds", "createdAt", "updatedAt")
SYSTEM_KEYS = ("id", "createdAt", "updatedAt", "issues")
SYSTEM_FIELDS = (
    ("ID", "id", "number", "READ_ONLY"),
    ("Created", "createdAt", "date", "READ_ONLY"),
    ("Updated", "updatedAt", "date", "READ_ONLY"),
    ("Issue", "issues", "multiSelect", "EDITABLE"),
)
_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_VARCHAR = 255


def channel_json(row: Row) -> dict[str, Any]:
    image = row["image_config"]
    return {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "imageConfig": json.loads(image) if image else None,
        "feedbackSearchMaxDays": row["feedback_search_max_days"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def _check_channel(call: Call) -> None:
    check = Check(call.body)
    check.string("name", low=1, high=20)
    check.string("description", high=50, nullable=True)
    check.number("feedbackSearchMaxDays")
    image = call.body.get("imageConfig")
    if image is not None and not isinstance(image, dict):
        check.fail("imageConfig must be an object")
    check.done()


def _check_fields(fields: Any) -> list[dict[str, Any]]:
    """Validate ``fields`` as the DTO does (400 with messages); None: a crash (500)."""
    if not isinstance(fields, list):
        raise server_error()  # fields left out: the server maps over undefined
    check = Check({})
    for n, field in enumerate(fields):
        if not isinstance(field, dict):
            check.fail(f"fields.{n} must be an object")
            continue
        at = f"fields.{n}."
        check.body = field
        check.string("name", low=1, label=at + "name")
        check.string("key", low=1, label=at + "key")
        check.string("description", nullable=True, label=at + "description")
        check.one_of("format", FORMATS, label=at + "format")
        check.one_of("property", PROPERTIES, label=at + "property")
        check.one_of("status", FIELD_STATUSES, label=at + "status")
        if field.get("order") is not None and not is_number(field.get("order")):
            check.fail(at + "order must be a number conforming to the specified constraints")
    check.done()
    _check_rules(fields)
    return fields


def _check_rules(fields: list[dict[str, Any]]) -> None:
    """The service's own checks, in its order (all 400 before any write)."""
    if len({f["name"] for f in fields}) < len(fields):
        raise coded(400, "FieldNameDuplicated", "field name is duplicated")
    if len({f["key"] for f in fields}) < len(fields):
        raise coded(400, "FieldKeyDuplicated", "field key is duplicated")
    for field in fields:
        if not set(field["key"]) <= _KEY_CHARS:
            raise plain(400, "field key only should contain alphanumeric and underscore")
    for field in fields:
        opts = field.get("options")
        if opts and field["format"] not in ("select", "multiSelect"):
            raise plain(400, "only select format field has options")


def _check_reserved(fields: list[dict[str, Any]]) -> None:
    if any(field["name"] in RESERVED_NAMES for field in fields):
        raise plain(400, "name is rejected")
    if any(field["key"] in RESERVED_KEYS for field in fields):
        raise plain(400, "key is rejected")


def _insert_field(call: Call, channel_id: int, field: dict[str, Any]) -> None:
    if len(field["name"]) > _VARCHAR or len(field["key"]) > _VARCHAR:
        raise server_error()  # "Data too long for column": the transaction rolls back
    now = call.store.stamp()
    targets = field.get("aiFieldTargetKeys")
    values = {
        "channel_id": channel_id,
        "name": field["name"],
        "key": field["key"],
        "description": field.get("description"),
        "format": field["format"],
        "property": field["property"],
        "status": field["status"],
        "ord": int(field.get("order") or 0),
        "ai_target_keys": json.dumps(targets) if isinstance(targets, list) else None,
        "ai_auto_processing": field.get("aiFieldAutoProcessing"),
        "created_at": now,
        "updated_at": now,
    }
    field_id = call.store.insert("fields", values)  # IntegrityError on a collision → 500
    if field["format"] in ("select", "multiSelect"):
        options.create(call.store, field_id, field.get("options") or [])


def create_channel(call: Call) -> Answer:
    _check_channel(call)
    fields = _check_fields(call.body.get("fields"))
    _check_reserved(fields)
    if call.store.find("projects", call.project) is None:
        raise coded(404, "ProjectNotFound", "project is not found")
    body = call.body
    if call.store.one(
        "SELECT 1 FROM channels WHERE project_id = ? AND name = ?", call.project, body["name"]
    ):
        raise coded(400, "ChannelAlreadyExists", "channel already exists")
    now = call.store.stamp()
    image = body.get("imageConfig")
    channel_id = call.store.insert(
        "channels",
        {
            "project_id": call.project,
            "name": body["name"],
            "description": body["description"],
            "image_config": json.dumps(image) if image else None,
            "feedback_search_max_days": body["feedbackSearchMaxDays"],
            "created_at": now,
            "updated_at": now,
        },
    )
    system = [
        {"name": n, "key": k, "format": f, "property": p, "status": "ACTIVE", "description": ""}
        for n, k, f, p in SYSTEM_FIELDS
    ]
    for field in [*system, *fields]:
        _insert_field(call, channel_id, field)
    return 201, {"id": channel_id}


def list_channels(call: Call) -> Answer:
    """A page of the project's channels in ``createdAt`` order, without their fields."""
    limit = page_number(call.query.get("limit"), 10)
    page = page_number(call.query.get("page"), 1)
    text = call.query.get("searchText") or ""
    rows = [
        row
        for row in call.store.all(
            "SELECT * FROM channels WHERE project_id = ? ORDER BY created_at, id", call.project
        )
        if text in row["name"]
    ]
    items = rows[(page - 1) * limit : page * limit]
    return 200, {
        "items": [channel_json(row) for row in items],
        "meta": page_meta(len(rows), len(items), limit, page),
    }


def _field_json(call: Call, row: Row) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": row["id"],
        "format": row["format"],
        "property": row["property"],
        "status": row["status"],
        "order": row["ord"],
        "name": row["name"],
        "key": row["key"],
        "description": row["description"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "aiFieldTargetKeys": json.loads(row["ai_target_keys"]) if row["ai_target_keys"] else None,
        "aiFieldAutoProcessing": (
            None if row["ai_auto_processing"] is None else bool(row["ai_auto_processing"])
        ),
    }
    if row["format"] in ("select", "multiSelect"):
        found["options"] = options.listed(call.store, row["id"])
    return found


def get_channel(call: Call) -> Answer:
    row = call.found("channels", "channelId", channel_not_found)
    fields = call.store.all("SELECT * FROM fields WHERE channel_id = ?", row["id"])
    # the server's join has no ORDER BY: fields come back in no useful order
    fields.sort(key=lambda f: hashlib.sha256(f"{f['id']}:{f['key']}".encode()).hexdigest())
    return 200, {**channel_json(row), "fields": [_field_json(call, f) for f in fields]}


def update_channel(call: Call) -> Answer:
    _check_channel(call)
    row = call.found("channels", "channelId", channel_not_found)
    body = call.body
    if call.store.one(
        "SELECT 1 FROM channels WHERE project_id = ? AND name = ? AND id != ?",
        row["project_id"],
        body["name"],
        row["id"],
    ):
        raise coded(400, "ChannelInvalidName", "Channel name is invalid: Duplicate name")
    values: dict[str, Any] = {
        "name": body["name"],
        "description": body["description"],
        "feedback_search_max_days": body["feedbackSearchMaxDays"],
        "updated_at": call.store.stamp(),
    }
    if "imageConfig" in body:
        image = body["imageConfig"]
        values["image_config"] = json.dumps(image) if image else None
    call.store.update("channels", row["id"], values)
    return EMPTY


def delete_channel(call: Call) -> Answer:
    call.store.conn.execute("DELETE FROM channels WHERE id = ?", (call.params["channelId"],))
    return EMPTY  # a missing channel too: 200 again


def replace_fields(call: Call) -> Answer:
    """``PUT .../channels/{c}/fields``: update the fields sent with an id, create the others."""
    fields = _check_fields(call.body.get("fields"))
    channel_id = call.params["channelId"]
    creating = [field for field in fields if not field.get("id")]
    _check_reserved(creating)
    existing = {
        row["id"]: row
        for row in call.store.all("SELECT * FROM fields WHERE channel_id = ?", channel_id)
    }
    for field in fields:
        if not field.get("id"):
            continue
        if field["key"] in SYSTEM_KEYS and not field.get("order"):
            continue  # system fields are skipped unless an order is sent
        _update_field(call, existing.get(field["id"]), field)
    for field in creating:
        _insert_field(call, channel_id, field)
    return EMPTY


def _update_field(call: Call, row: Row | None, field: dict[str, Any]) -> None:
    if row is None:
        raise plain(400, "field must be included")
    if field["format"] != row["format"]:
        raise plain(400, "field format cannot be changed")
    if field["key"] != row["key"]:
        raise plain(400, "field key cannot be changed")
    if len(field["name"]) > _VARCHAR:
        raise server_error()
    values: dict[str, Any] = {
        "name": field["name"],
        "description": field.get("description"),
        "property": field["property"],
        "status": field["status"],
        "updated_at": call.store.stamp(),
    }
    if field.get("order") is not None:
        values["ord"] = int(field["order"])
    call.store.update("fields", row["id"], values)  # IntegrityError on a name clash → 500
    if row["format"] in ("select", "multiSelect"):
        options.replace(call.store, row["id"], field.get("options") or [])
