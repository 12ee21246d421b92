"""Options of select and multiSelect fields.

Replacing a field's options soft-deletes those the request leaves out (their key becomes
``deleted_KEY``); an option sent again with the same key and name is restored, same id.
"""

from __future__ import annotations

from typing import Any

from .errors import coded, plain
from .store import Store


def listed(store: Store, field_id: int) -> list[dict[str, Any]]:
    rows = store.all(
        "SELECT id, name, key FROM options WHERE field_id = ? AND deleted_at IS NULL ORDER BY id",
        field_id,
    )
    return [{"id": row["id"], "name": row["name"], "key": row["key"]} for row in rows]


def _check(given: Any) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not all(
        isinstance(o, dict) and isinstance(o.get("name"), str) and isinstance(o.get("key"), str)
        for o in given
    ):
        raise plain(400, ["options must hold objects with a string name and key"])
    if len({o["name"] for o in given}) < len(given):
        raise coded(400, "OptionNameDuplicated", "option name is duplicated")
    if len({o["key"] for o in given}) < len(given):
        raise coded(400, "OptionKeyDuplicated", "option key is duplicated")
    return given


def create(store: Store, field_id: int, given: Any) -> None:
    for option in _check(given):
        store.insert(
            "options", {"field_id": field_id, "name": option["name"], "key": option["key"]}
        )


def replace(store: Store, field_id: int, given: Any) -> None:
    wanted = _check(given)
    rows = store.all("SELECT * FROM options WHERE field_id = ?", field_id)
    kept_ids = {o.get("id") for o in wanted if o.get("id")}
    now = store.stamp()
    for row in rows:
        if row["deleted_at"] is None and row["id"] not in kept_ids:
            store.update("options", row["id"], {"key": f"deleted_{row['key']}", "deleted_at": now})
    for option in wanted:
        same = [r for r in rows if r["id"] == option.get("id")] or [
            r
            for r in rows
            if r["name"] == option["name"]
            and r["key"] in (option["key"], f"deleted_{option['key']}")
        ]
        values = {"name": option["name"], "key": option["key"], "deleted_at": None}
        if same:
            store.update("options", same[0]["id"], values)
        else:
            store.insert("options", {"field_id": field_id, **values})
