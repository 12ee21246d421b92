"""Handlers for sections: ordered, nested lists inside a tab.

Siblings share a tab and a parent, and their titles are unique among them (as
:func:`.schema.name_key` compares them).
``after_id`` places a new section right after that sibling (the later ones move one place on);
without it the section goes last. A section cannot change tab; it can change parent inside its
tab (it then goes last among its new siblings). Deleting a section deletes its descendants.
"""

from __future__ import annotations

from typing import Any

from . import render
from .call import EMPTY, Answer, Call, data
from .schema import name_key
from .store import Row, Store
from .validate import Checker, as_int, invalid, not_found

_ORDER = "tab_id, IFNULL(parent_id, 0), ord, id"
_DESCENDANTS = (
    "WITH RECURSIVE d(id) AS (SELECT ? UNION ALL"
    " SELECT s.id FROM sections AS s JOIN d ON s.parent_id = d.id)"
    " SELECT 1 FROM d WHERE id = ? LIMIT 1"
)


def _section(store: Store, id_: int) -> dict[str, Any]:
    row = store.find("sections", id_)
    if row is None:
        raise not_found("Section", id_)
    return render.section(row)


def _siblings(tab_id: int, parent_id: int | None) -> dict[str, Any]:
    return {"tab_id": tab_id, "parent_id": parent_id}


def _parent(c: Checker, store: Store, tab_id: int | None, *, moving: int | None = None) -> Any:
    """Validate ``parent_id``: a section of the same tab (not ``moving`` nor inside it)."""
    parent_id = c.integer("parent_id", minimum=1)
    if parent_id is None or tab_id is None:
        return parent_id
    parent = store.find("sections", parent_id)
    inside = moving is not None and store.one(_DESCENDANTS, moving, parent_id) is not None
    if parent is None or parent["tab_id"] != tab_id or inside:
        c.fail("parent_id", "The selected parent id is invalid.")
    return parent_id


def _fields(c: Checker) -> dict[str, Any]:
    """The optional descriptive fields given in the request, as columns."""
    values = {
        "description": c.text("description", sometimes=True, max_len=255),
        "icon": c.text("icon", sometimes=True, max_len=50),
        "color": c.text("color", sometimes=True, max_len=7),
    }
    return {col: value for col, value in values.items() if c.given(col)}


def list_sections(call: Call) -> Answer:
    raw = call.input.get("tab_id")
    if raw is None:
        rows = call.store.select("sections", order=_ORDER)
    else:
        tab_id = as_int(raw)
        if tab_id is None:
            raise invalid("tab_id", "The tab id must be an integer.")
        rows = call.store.select("sections", {"tab_id": tab_id}, order=_ORDER)
    return data([render.section(r) for r in rows])


def list_children(call: Call) -> Answer:
    parent = call.row_by_int("sections", "Section", name="parent")
    rows = call.store.select("sections", {"parent_id": parent["id"]}, order="ord, id")
    return data([render.section(r) for r in rows])


def create_section(call: Call) -> Answer:
    store, c = call.store, Checker(call.input)
    title = c.text("title", required=True, min_len=2, max_len=60)
    fields = _fields(c)
    tab_id = c.integer("tab_id", required=True, minimum=1)
    if tab_id is not None and store.find("tabs", tab_id) is None:
        c.fail("tab_id", "The selected tab id is invalid.")
        tab_id = None
    parent_id = _parent(c, store, tab_id)
    after_id = c.integer("after_id", minimum=1)
    siblings = _siblings(tab_id or 0, parent_id)
    after = store.find("sections", after_id) if after_id is not None else None
    if after_id is not None and tab_id is not None and not _among(after, siblings):
        c.fail("after_id", "The selected after id is invalid.")
    if title is not None and tab_id is not None:
        c.unique("title", store.exists("sections", {**siblings, "title_key": name_key(title)}))
    c.check()
    assert title is not None
    assert tab_id is not None
    if after is not None:
        order = int(after["ord"]) + 1
        store.shift("sections", "ord", siblings, order)
    else:
        order = store.next_value("sections", "ord", siblings, start=1)
    now = store.stamp()
    id_ = store.insert(
        "sections",
        {
            **fields,
            **siblings,
            "title": title,
            "title_key": name_key(title),
            "ord": order,
            "created_at": now,
            "updated_at": now,
        },
    )
    return data(_section(store, id_))


def _among(row: Row | None, siblings: dict[str, Any]) -> bool:
    return row is not None and all(row[col] == value for col, value in siblings.items())


def update_section(call: Call) -> Answer:
    row = call.row_by_int("sections", "Section")
    store, c = call.store, Checker(call.input)
    title = c.text("title", required=True, min_len=2, max_len=60)
    changes = _fields(c)
    hidden = c.boolean("is_hidden_for_users")
    parent_id = (
        _parent(c, store, row["tab_id"], moving=row["id"])
        if c.given("parent_id")
        else row["parent_id"]
    )
    siblings = _siblings(row["tab_id"], parent_id)
    if title is not None:
        key = {**siblings, "title_key": name_key(title)}
        c.unique("title", store.exists("sections", key, besides=row["id"]))
    c.check()
    assert title is not None
    changes.update(title=title, title_key=name_key(title), updated_at=store.stamp())
    if hidden is not None:
        changes["hidden"] = int(hidden)
    if parent_id != row["parent_id"]:
        changes["parent_id"] = parent_id
        changes["ord"] = store.next_value("sections", "ord", siblings, start=1)
    store.update("sections", row["id"], changes)
    return data(_section(store, row["id"]))


def delete_section(call: Call) -> Answer:
    row = call.row_by_int("sections", "Section")
    call.store.delete("sections", {"id": row["id"]})  # ON DELETE CASCADE takes the children
    return EMPTY
