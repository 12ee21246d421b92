"""Rows to the JSON objects ProductLift answers with (same fields, same types)."""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any
from urllib.parse import quote

from .store import Row

PORTAL_URL = "http://sandbox.local"
USER_EXTRAS = (
    "is_blocked",
    "verified",
    "admin_accepted",
    "sso_uid",
    "sso_avatar_url",
    "company",
    *(f"segment_{n}" for n in range(1, 11)),
    "segment_mrr",
    "segment_arr",
    "segment_ltv",
    "email_unsubscribed_at",
)
_AVATAR_COLORS = ("ABDEE6", "FFAEA5", "FFC8A2", "D4F0F0", "CCE2CB", "FED7C3", "DCD9F8")
_FALLBACK = quote("https://ui-avatars.com/api/", safe="")
_NO_EXTRAS: dict[str, Any] = dict.fromkeys(USER_EXTRAS)


def text_color(color: str | None) -> str | None:
    """The dark shade the portal prints status names in: each channel 150 darker."""
    if not color or len(color) != 7:
        return None
    channels = (max(int(color[i : i + 2], 16) - 150, 0) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02X}" for c in channels)


# (background, foreground) of the fallback avatar, by ``seq`` modulo their number
_AVATARS = tuple((bg, (text_color("#" + bg) or "#000000")[1:].lower()) for bg in _AVATAR_COLORS)


def category(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "color": row["color"]}


def status(row: Row) -> dict[str, Any]:
    """``row`` carries ``tab_name`` from a join with tabs."""
    return {
        "id": row["id"],
        "name": row["name"],
        "color": row["color"],
        "order": row["ord"],
        "tab_id": row["tab_id"],
        "tab_name": row["tab_name"],
        "text_color": text_color(row["color"]),
    }


def tag(row: Row, portal_id: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "portal_id": portal_id,
        "tag": row["tag"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def group(row: Row, portal_id: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "portal_id": portal_id,
        "name": row["name"],
        "description": row["description"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def section(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "tab_id": row["tab_id"],
        "title": row["title"],
        "description": row["description"],
        "icon": row["icon"],
        "parent_id": row["parent_id"],
        "order": row["ord"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "is_hidden_for_users": int(row["hidden"]),
        "color": row["color"],
    }


def tab(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "slug": row["slug"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _extras(raw: str | None) -> dict[str, Any]:
    if not raw or raw == "{}":
        return _NO_EXTRAS
    extra: dict[str, Any] = json.loads(raw)
    return {name: extra.get(name) for name in USER_EXTRAS}


@functools.lru_cache(maxsize=4096)  # member lists repeat users: render each avatar once
def _avatar(email: str, name: str, seq: int) -> str:
    email_hash = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()
    background, foreground = _AVATARS[seq % len(_AVATARS)]
    return (
        f"https://www.gravatar.com/avatar/{email_hash}?s=60&d={_FALLBACK}"
        f"/{quote(name)}/60/{background}/{foreground}"
    )


def user(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "role": row["role"],
        "profile_url": f"{PORTAL_URL}/user/profile/{row['seq']}",
        "avatar_small_url": _avatar(row["email"], row["name"], row["seq"]),
        "counter_votes": 0,
        "counter_comments": 0,
        "counter_posts": 0,
        "counter_comment_votes": 0,
        "created_at": row["created_at"],
        **_extras(row["extra"]),
    }
