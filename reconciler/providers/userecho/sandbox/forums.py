"""Forums: list, create, update (``{id, ...}`` in the body), delete (``{id}`` in the body).

A forum's ``type`` is one of ``TYPES`` and cannot change by update. Names are unique ignoring
letter case (``str.lower()``). Deleting a forum deletes its categories, tags and access list
(the database cascades).
"""

from __future__ import annotations

import re
from typing import Any

from .call import Call, Payload, ok
from .errors import bad, missing, need_flag, need_id, need_text
from .listing import page
from .store import Row, Store

TYPES = ("PUBLIC", "PRIVATE", "KNOWLEDGEBASE PUBLIC", "KNOWLEDGEBASE PRIVATE", "HELPDESK")
PRIVATE_TYPES = frozenset({"PRIVATE", "KNOWLEDGEBASE PRIVATE"})
FLAGS = (
    "allow_anonymous_topic",
    "allow_anonymous_votes",
    "allow_anonymous_comments",
    "allow_private_sso_users",
    "allow_private_view_all",
)
FIELDS = ("id", "name", "type", "locale", *FLAGS, "created")
NAME_LENGTH = 100
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


def render(row: Row) -> dict[str, Any]:
    forum: dict[str, Any] = {"id": row["id"], "name": row["name"], "type": row["type"]}
    forum["locale"] = row["locale"]
    forum.update({flag: bool(row[flag]) for flag in FLAGS})
    forum["created"] = row["created"]
    return forum


def _name(store: Store, data: dict[str, Any], besides: int | None = None) -> dict[str, str]:
    name = need_text(data, "name", NAME_LENGTH)
    if store.exists("forums", {"name_key": name.lower()}, besides=besides):
        raise bad(f"a forum named {name!r} already exists (names compare ignoring case)")
    return {"name": name, "name_key": name.lower()}


def _type(data: dict[str, Any]) -> str:
    value = data["type"]
    if value not in TYPES:
        raise bad(f"type must be one of {', '.join(TYPES)}; not {value!r}")
    return str(value)


def _locale(data: dict[str, Any]) -> str:
    value = data["locale"]
    if not isinstance(value, str) or not _LOCALE.fullmatch(value.strip()):
        raise bad(f"locale must be a language code such as 'en' or 'pt-br', not {value!r}")
    return value.strip()


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    """The columns for what ``data`` gives among locale and the flags."""
    values: dict[str, Any] = {}
    if "locale" in data:
        values["locale"] = _locale(data)
    for flag in FLAGS:
        if flag in data:
            values[flag] = int(need_flag(data, flag))
    return values


def forum_row(store: Store, id_: int) -> Row:
    row = store.find("forums", id_)
    if row is None:
        raise missing("forum", id_)
    return row


def list_forums(call: Call) -> Payload:
    rows = call.store.select("forums")
    return page([render(row) for row in rows], call.query, FIELDS)


def create_forum(call: Call) -> Payload:
    data = call.input
    values: dict[str, Any] = {**_name(call.store, data), "type": "PUBLIC", "locale": "en"}
    values.update(dict.fromkeys(FLAGS, 0))
    if "type" in data:
        values["type"] = _type(data)
    values.update(_settings(data))
    values["created"] = call.store.stamp()
    id_ = call.store.insert("forums", values)
    return ok(render(forum_row(call.store, id_)))


def update_forum(call: Call) -> Payload:
    data = call.input
    row = forum_row(call.store, need_id(data))
    values = _settings(data)
    if "name" in data:
        values.update(_name(call.store, data, besides=row["id"]))
    if "type" in data and _type(data) != row["type"]:
        raise bad(f"a forum's type cannot be changed ({row['type']} to {data['type']})")
    call.store.update("forums", row["id"], values)
    return ok(render(forum_row(call.store, row["id"])))


def delete_forum(call: Call) -> Payload:
    row = forum_row(call.store, need_id(call.input))
    call.store.delete("forums", {"id": row["id"]})
    return ok({"id": row["id"]})
