"""Handlers for the flat kinds: categories, statuses, tags, groups and group members.

Names are 2-60 characters and unique per kind, compared as MySQL's collation does
(:func:`.schema.name_key`); renaming a resource to
another letter case of its own name is allowed (the uniqueness check skips the row itself).
"""

from __future__ import annotations

import uuid
from typing import Any

from . import render
from .call import EMPTY, Answer, Call, data, message
from .schema import name_key
from .store import Row, Store
from .validate import Checker, HttpError, invalid, not_found

# The reference's bounds (2 to 60 characters) on category names and tags (as on a post's
# tags); it gives none for statuses and groups: a string column's.
NAME_BOUNDS = {
    "categories": (2, 60),
    "tags": (2, 60),
    "statuses": (1, 255),
    "user_groups": (1, 255),
}


def _name(
    c: Checker, store: Store, table: str, field: str, *, update: Row | None = None
) -> str | None:
    """Validate the unique name ``field``: required on create, optional on update."""
    low, high = NAME_BOUNDS[table]
    value = c.text(
        field,
        required=update is None or c.given(field),
        sometimes=update is not None,
        min_len=low,
        max_len=high,
    )
    if value is not None:
        besides = update["id"] if update is not None else None
        c.unique(field, store.exists(table, {f"{field}_key": name_key(value)}, besides=besides))
    return value


def _changes(c: Checker, values: dict[str, Any]) -> dict[str, Any]:
    """The columns to write: the fields given in the request (``values`` maps field → column
    value), with the comparison copy of a name."""
    out: dict[str, Any] = {}
    for field, value in values.items():
        if c.given(field.removesuffix("_key")):
            out[field] = name_key(value) if field.endswith("_key") else value
    return out


# -- categories --------------------------------------------------------------------------------


def list_categories(call: Call) -> Answer:
    return data([render.category(r) for r in call.store.select("categories")])


def create_category(call: Call) -> Answer:
    c = Checker(call.input)
    name = _name(c, call.store, "categories", "name")
    color = c.color("color")
    c.check()
    assert name is not None
    now = call.store.stamp()
    id_ = call.store.insert(
        "categories",
        {
            "name": name,
            "name_key": name_key(name),
            "color": color,
            "created_at": now,
            "updated_at": now,
        },
    )
    return data(render.category(_found(call.store.find("categories", id_))))


def update_category(call: Call) -> Answer:
    row = call.row_by_int("categories", "Category")
    c = Checker(call.input)
    name = _name(c, call.store, "categories", "name", update=row)
    color = c.color("color", sometimes=True)
    c.check()
    changes = _changes(c, {"name": name, "name_key": name or "", "color": color})
    call.store.update("categories", row["id"], {**changes, "updated_at": call.store.stamp()})
    return data(render.category(_found(call.store.find("categories", row["id"]))))


def delete_category(call: Call) -> Answer:
    row = call.row_by_int("categories", "Category")
    call.store.delete("categories", {"id": row["id"]})
    return message("Category deleted successfully")


# -- statuses ----------------------------------------------------------------------------------

_STATUS_SQL = (
    "SELECT s.*, t.name AS tab_name FROM statuses AS s LEFT JOIN tabs AS t ON t.id = s.tab_id"
)


def _status(store: Store, id_: int) -> dict[str, Any]:
    return render.status(_found(store.one(f"{_STATUS_SQL} WHERE s.id = ?", id_)))


def _tab_id(c: Checker, store: Store, *, required: bool) -> int | None:
    tab_id = c.integer("tab_id", required=required, sometimes=not required, minimum=1)
    if tab_id is not None and store.find("tabs", tab_id) is None:
        c.fail("tab_id", "The selected tab id is invalid.")
    return tab_id


def list_statuses(call: Call) -> Answer:
    return data([render.status(r) for r in call.store.all(f"{_STATUS_SQL} ORDER BY s.id")])


def create_status(call: Call) -> Answer:
    c = Checker(call.input)
    name = _name(c, call.store, "statuses", "name")
    color = c.color("color")
    tab_id = _tab_id(c, call.store, required=True)
    c.check()
    assert name is not None
    store, now = call.store, call.store.stamp()
    order = store.next_value("statuses", "ord", {"tab_id": tab_id}, start=0)
    id_ = store.insert(
        "statuses",
        {
            "name": name,
            "name_key": name_key(name),
            "color": color,
            "tab_id": tab_id,
            "ord": order,
            "created_at": now,
            "updated_at": now,
        },
    )
    return data(_status(store, id_))


def update_status(call: Call) -> Answer:
    row = call.row_by_int("statuses", "Status")
    c = Checker(call.input)
    name = _name(c, call.store, "statuses", "name", update=row)
    color = c.color("color", required=True)
    tab_id = _tab_id(c, call.store, required=False)
    c.check()
    changes = _changes(c, {"name": name, "name_key": name or "", "color": color})
    if tab_id is not None and tab_id != row["tab_id"]:  # to the end of the other tab
        changes["tab_id"] = tab_id
        changes["ord"] = call.store.next_value("statuses", "ord", {"tab_id": tab_id}, start=0)
    call.store.update("statuses", row["id"], {**changes, "updated_at": call.store.stamp()})
    return data(_status(call.store, row["id"]))


def delete_status(call: Call) -> Answer:
    row = call.row_by_int("statuses", "Status")
    call.store.delete("statuses", {"id": row["id"]})
    return EMPTY


# -- tags --------------------------------------------------------------------------------------


def list_tags(call: Call) -> Answer:
    pid = call.portal_id
    return data([render.tag(r, pid) for r in call.store.select("tags")])


def create_tag(call: Call) -> Answer:
    c = Checker(call.input)
    text = _name(c, call.store, "tags", "tag")
    c.check()
    assert text is not None
    now, id_ = call.store.stamp(), str(uuid.uuid4())
    call.store.insert(
        "tags",
        {"id": id_, "tag": text, "tag_key": name_key(text), "created_at": now, "updated_at": now},
    )
    return data(render.tag(_found(call.store.find("tags", id_)), call.portal_id))


def update_tag(call: Call) -> Answer:
    row = call.row_by_uuid("tags", "Tag")
    c = Checker(call.input)
    text = _name(c, call.store, "tags", "tag", update=row)
    c.check()
    changes = _changes(c, {"tag": text, "tag_key": text or ""})
    call.store.update("tags", row["id"], {**changes, "updated_at": call.store.stamp()})
    return data(render.tag(_found(call.store.find("tags", row["id"])), call.portal_id))


def delete_tag(call: Call) -> Answer:
    row = call.row_by_uuid("tags", "Tag")
    call.store.delete("tags", {"id": row["id"]})
    return EMPTY


# -- groups ------------------------------------------------------------------------------------


def list_groups(call: Call) -> Answer:
    pid = call.portal_id
    return data([render.group(r, pid) for r in call.store.select("user_groups")])


def show_group(call: Call) -> Answer:
    return data(render.group(call.row_by_uuid("user_groups", "Group"), call.portal_id))


def create_group(call: Call) -> Answer:
    c = Checker(call.input)
    name = _name(c, call.store, "user_groups", "name")
    description = c.text("description", max_len=255)
    c.check()
    assert name is not None
    now, id_ = call.store.stamp(), str(uuid.uuid4())
    call.store.insert(
        "user_groups",
        {
            "id": id_,
            "name": name,
            "name_key": name_key(name),
            "description": description,
            "created_at": now,
            "updated_at": now,
        },
    )
    return data(render.group(_found(call.store.find("user_groups", id_)), call.portal_id))


def update_group(call: Call) -> Answer:
    row = call.row_by_uuid("user_groups", "Group")
    c = Checker(call.input)
    name = _name(c, call.store, "user_groups", "name", update=row)
    description = c.text("description", sometimes=True, max_len=255)
    c.check()
    changes = _changes(c, {"name": name, "name_key": name or "", "description": description})
    call.store.update("user_groups", row["id"], {**changes, "updated_at": call.store.stamp()})
    return data(render.group(_found(call.store.find("user_groups", row["id"])), call.portal_id))


def delete_group(call: Call) -> Answer:
    row = call.row_by_uuid("user_groups", "Group")
    call.store.delete("user_groups", {"id": row["id"]})
    return message("Group deleted successfully")


# -- group members -----------------------------------------------------------------------------


def list_members(call: Call) -> Answer:
    group = call.row_by_uuid("user_groups", "Group", name="group")
    rows = call.store.all(
        "SELECT u.* FROM group_users AS m JOIN users AS u ON u.id = m.user_id"
        " WHERE m.group_id = ? ORDER BY m.rowid",
        group["id"],
    )
    return data([render.user(r) for r in rows])


def _membership(call: Call) -> tuple[str, str, bool]:
    """(group id, user id, already a member) for the body's ``user_id``."""
    user_id = call.input.get("user_id")
    if user_id is None:
        raise invalid("user_id", "The user id field is required.")
    group = call.store.find("user_groups", call.params["group"].lower())
    user = call.store.find("users", str(user_id).lower())
    if group is None or user is None:
        raise HttpError(404, {"message": "Group or User not found"})
    scope = {"group_id": group["id"], "user_id": user["id"]}
    return group["id"], user["id"], call.store.exists("group_users", scope)


def add_member(call: Call) -> Answer:
    group_id, user_id, member = _membership(call)
    if member:
        raise HttpError(422, {"message": "User is already in the group"})
    call.store.insert("group_users", {"group_id": group_id, "user_id": user_id})
    return message("User added to group successfully")


def remove_member(call: Call) -> Answer:
    group_id, user_id, member = _membership(call)
    if not member:
        raise HttpError(422, {"message": "User is not in the group"})
    call.store.delete("group_users", {"group_id": group_id, "user_id": user_id})
    return message("User removed from group successfully")


def _found(row: Row | None) -> Row:
    if row is None:  # just written in this transaction: cannot happen
        raise not_found("Model", "?")
    return row
