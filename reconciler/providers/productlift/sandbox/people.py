"""Handlers for users, plus the read-only portal and tabs."""

from __future__ import annotations

import json
import uuid
from typing import Any

from . import render
from .call import Answer, Call, data
from .validate import Checker, HttpError, as_int, not_found

_USER_BOOLEANS = ("is_blocked", "verified", "admin_accepted")
_USER_TEXTS = (
    "sso_uid",
    "sso_avatar_url",
    "company",
    *(f"segment_{n}" for n in range(1, 11)),
    "email_unsubscribed_at",
)
_USER_NUMBERS = ("segment_mrr", "segment_arr", "segment_ltv")


def show_portal(call: Call) -> Answer:
    store = call.store
    return data({"guid": store.meta("guid"), "title": store.meta("title"), "localization": "en"})


def list_tabs(call: Call) -> Answer:
    return data([render.tab(r) for r in call.store.select("tabs", order="id")])


def show_tab(call: Call) -> Answer:
    key = call.params["key"]
    row = call.store.one("SELECT * FROM tabs WHERE slug = ?", key)
    id_ = as_int(key)
    if row is None and id_ is not None:
        row = call.store.find("tabs", id_)
    if row is None:
        raise not_found("Tab", key)
    return data(render.tab(row))


def list_users(call: Call) -> Answer:
    c = Checker(call.input)
    limit = c.integer("limit", minimum=1, maximum=100)
    skip = c.integer("skip", minimum=0)
    c.check()
    rows = call.store.select("users", order="seq", limit=limit or 10, skip=skip or 0)
    return data([render.user(r) for r in rows])


def find_user(call: Call) -> Answer:
    c = Checker(call.input)
    email = c.email("email", required=True)
    c.check()
    assert email is not None
    row = call.store.one("SELECT * FROM users WHERE email_key = ?", email.casefold())
    if row is None:
        raise HttpError(404, {"message": "User not found"})
    return data(render.user(row))


def show_user(call: Call) -> Answer:
    return data(render.user(call.row_by_uuid("users", "User")))


def _extras(c: Checker) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name in _USER_BOOLEANS:
        value = c.boolean(name, words=True)
        if value is not None:
            extra[name] = value if name == "verified" else int(value)
    for name in _USER_TEXTS:
        extra[name] = c.text(name, max_len=255)
    for name in _USER_NUMBERS:
        extra[name] = _number(c, name)
    return {k: v for k, v in extra.items() if v is not None}


def _number(c: Checker, name: str) -> float | None:
    value = c.data.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        c.fail(name, f"The {name.replace('_', ' ')} must be a number.")
        return None


def create_user(call: Call) -> Answer:
    store, c = call.store, Checker(call.input)
    email = c.email("email", required=True)
    role = c.choice("role", ("admin", "member"), required=True)
    name = c.text("name", max_len=100)
    password = c.text("password", min_len=8, max_len=100)
    created_at = c.text("created_at")
    extra = _extras(c)
    c.check()
    assert email is not None
    assert role is not None
    del password  # accepted and not kept: the sandbox has no logins
    if store.exists("users", {"email_key": email.casefold()}):
        raise HttpError(422, {"message": "User already exists"})
    id_ = str(uuid.uuid4())
    store.insert(
        "users",
        {
            "id": id_,
            "seq": store.next_value("users", "seq", {}, start=1),
            "name": name or email.split("@", 1)[0],
            "email": email,
            "email_key": email.casefold(),
            "role": role,
            "created_at": created_at or store.stamp(),
            "extra": json.dumps(extra),
        },
    )
    row = store.find("users", id_)
    if row is None:  # just inserted in this transaction: cannot happen
        raise not_found("User", id_)
    return data(render.user(row))
