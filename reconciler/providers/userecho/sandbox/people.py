"""Users, user groups and group membership.

Users are read-only here (the seed holds them): ``users`` lists them, each with
``groups: [{id, name}]``. Groups (``users/groups``): POST ``{name, vote_weight, vote_count}``,
PUT ``{id, ...}``, DELETE ``{id}``; ``vote_weight`` is 1..5 (default 1), ``vote_count`` a
positive integer or null for unlimited (the default); names are unique ignoring case.
Membership: POST and DELETE ``users/{user}/group`` ``{"group_id": G}``, both idempotent,
answering the user.
"""

from __future__ import annotations

from typing import Any

from .call import Call, Payload, ok
from .errors import bad, missing, need_id, need_text
from .listing import page
from .store import Row, Store

USER_FIELDS = ("id", "name", "email", "is_admin", "created")
GROUP_FIELDS = ("id", "name", "vote_weight", "vote_count", "created")
NAME_LENGTH = 100
MAX_VOTE_WEIGHT = 5


def _groups_of(store: Store, user: int) -> list[dict[str, Any]]:
    rows = store.all(
        "SELECT g.id, g.name FROM memberships m JOIN user_groups g ON g.id = m.group_id "
        "WHERE m.user_id = ? ORDER BY g.id",
        user,
    )
    return [{"id": row["id"], "name": row["name"]} for row in rows]


def render_user(store: Store, row: Row) -> dict[str, Any]:
    user: dict[str, Any] = {key: row[key] for key in USER_FIELDS}
    user["is_admin"] = bool(row["is_admin"])
    user["groups"] = _groups_of(store, row["id"])
    return user


def list_users(call: Call) -> Payload:
    users = [render_user(call.store, row) for row in call.store.select("users")]
    return page(users, call.query, USER_FIELDS)


def current_user(call: Call) -> Payload:
    row = call.store.one("SELECT * FROM users WHERE is_admin = 1 ORDER BY id LIMIT 1")
    assert row is not None  # seeded
    return ok(render_user(call.store, row))


def show_user(call: Call) -> Payload:
    return ok(render_user(call.store, call.path_row("users", "user", "user")))


def render_group(row: Row) -> dict[str, Any]:
    return {key: row[key] for key in GROUP_FIELDS}


def _group_row(store: Store, id_: int) -> Row:
    row = store.find("user_groups", id_)
    if row is None:
        raise missing("user group", id_)
    return row


def _group_values(call: Call, besides: int | None = None) -> dict[str, Any]:
    """The columns for what the input gives among name, vote_weight and vote_count."""
    data = call.input
    values: dict[str, Any] = {}
    if "name" in data or besides is None:
        name = need_text(data, "name", NAME_LENGTH)
        if call.store.exists("user_groups", {"name_key": name.lower()}, besides=besides):
            raise bad(f"a user group named {name!r} already exists (names compare ignoring case)")
        values.update(name=name, name_key=name.lower())
    if "vote_weight" in data:
        weight = data["vote_weight"]
        if type(weight) is not int or not 1 <= weight <= MAX_VOTE_WEIGHT:
            raise bad(f"vote_weight must be an integer from 1 to {MAX_VOTE_WEIGHT}, not {weight!r}")
        values["vote_weight"] = weight
    if "vote_count" in data:
        count = data["vote_count"]
        if count is not None and (type(count) is not int or count < 1):
            raise bad(f"vote_count must be a positive integer or null, not {count!r}")
        values["vote_count"] = count
    return values


def list_groups(call: Call) -> Payload:
    groups = [render_group(row) for row in call.store.select("user_groups")]
    return page(groups, call.query, GROUP_FIELDS)


def create_group(call: Call) -> Payload:
    values = {"vote_weight": 1, "vote_count": None, **_group_values(call)}
    id_ = call.store.insert("user_groups", {**values, "created": call.store.stamp()})
    return ok(render_group(_group_row(call.store, id_)))


def update_group(call: Call) -> Payload:
    row = _group_row(call.store, need_id(call.input))
    call.store.update("user_groups", row["id"], _group_values(call, besides=row["id"]))
    return ok(render_group(_group_row(call.store, row["id"])))


def delete_group(call: Call) -> Payload:
    row = _group_row(call.store, need_id(call.input))
    call.store.delete("user_groups", {"id": row["id"]})
    return ok({"id": row["id"]})


def _membership(call: Call) -> dict[str, int]:
    user = call.path_row("users", "user", "user")
    group = _group_row(call.store, need_id(call.input, "group_id"))
    return {"user_id": user["id"], "group_id": group["id"]}


def join_group(call: Call) -> Payload:
    scope = _membership(call)
    if not call.store.exists("memberships", scope):
        call.store.insert("memberships", scope)
    return show_user(call)


def leave_group(call: Call) -> Payload:
    call.store.delete("memberships", _membership(call))
    return show_user(call)
