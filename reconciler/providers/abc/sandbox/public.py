"""The public API (``x-api-key``): categories and issues of ``/api/projects/{projectId}``.

Quirks kept on purpose, as the real server has them:

- the category list's order depends on the page size and the page (a query plan without an
  ``ORDER BY``): walking pages of 10 repeats and skips rows; one page covering
  ``totalItems`` holds every row exactly once;
- a category is renamed by id whatever project it belongs to (the name check runs in the
  category's own project), and an issue is read, linked or deleted by id alone;
- ``PUT`` on an issue replaces it: an omitted ``status`` resets to ``INIT``; an omitted
  ``externalIssueId`` is kept, ``null`` clears it;
- deleting a missing issue is a 500.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from .call import (
    EMPTY,
    Answer,
    Call,
    category_not_found,
    issue_not_found,
    page_meta,
)
from .errors import Check, coded, page_number, plain, server_error
from .store import Row

STATUSES = ("INIT", "ON_REVIEW", "IN_PROGRESS", "RESOLVED", "PENDING")


def _plan_order(id_: int, limit: int, page: int) -> str:
    return hashlib.sha256(f"{id_}:{limit}:{page}".encode()).hexdigest()


def category_json(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }


def list_categories(call: Call, source: dict[str, Any], *, sorted_by_name: str = "") -> Answer:
    """A page of the project's categories; ``sorted_by_name`` ``ASC``/``DESC`` or ``""``."""
    limit = page_number(source.get("limit"), 10)
    page = page_number(source.get("page"), 1)
    rows = call.store.all("SELECT * FROM categories WHERE project_id = ?", call.project)
    wanted = source.get("categoryName")
    if isinstance(wanted, str) and wanted:
        rows = [row for row in rows if wanted in row["name"]]
    if sorted_by_name:
        rows.sort(key=lambda row: row["name"].encode(), reverse=sorted_by_name == "DESC")
    else:
        rows.sort(key=lambda row: _plan_order(row["id"], limit, page))
    items = rows[(page - 1) * limit : page * limit]
    return 200, {
        "items": [category_json(row) for row in items],
        "meta": page_meta(len(rows), len(items), limit, page),
    }


def get_categories(call: Call) -> Answer:
    return list_categories(call, dict(call.query))


def create_category(call: Call) -> Answer:
    check = Check(call.body)
    check.string("name", low=1, high=255)
    check.done()
    name = call.body["name"]
    taken = call.store.one(
        "SELECT 1 FROM categories WHERE project_id = ? AND name = ?", call.project, name
    )
    if taken:
        raise coded(400, "CategoryNameDuplicated", "category name is duplicated")
    now = call.store.stamp()
    id_ = call.store.insert(
        "categories",
        {"project_id": call.project, "name": name, "created_at": now, "updated_at": now},
    )
    return 201, {"id": id_}


def rename_category(call: Call) -> Answer:
    check = Check(call.body)
    check.string("name", low=1, high=255)
    check.done()
    row = call.found("categories", "categoryId", category_not_found)  # any project's: a leak
    taken = call.store.one(
        "SELECT 1 FROM categories WHERE project_id = ? AND name = ? AND id != ?",
        row["project_id"],
        call.body["name"],
        row["id"],
    )
    if taken:
        raise coded(400, "CategoryNameInvalid", "category name is invalid: Invalid name")
    call.store.update(
        "categories", row["id"], {"name": call.body["name"], "updated_at": call.store.stamp()}
    )
    return EMPTY


def delete_category(call: Call) -> Answer:
    gone = call.store.conn.execute(
        "DELETE FROM categories WHERE id = ? AND project_id = ?",
        (call.params["categoryId"], call.project),
    ).rowcount
    if not gone:
        raise category_not_found()
    return EMPTY


def _check_issue(call: Call, *, replace: bool) -> None:
    check = Check(call.body)
    check.string("name", low=1, high=30)
    check.one_of("status", STATUSES, optional=True)
    check.string("description", high=50, optional=not replace, nullable=True)
    check.string("externalIssueId", optional=True)
    check.done()


def create_issue(call: Call) -> Answer:
    _check_issue(call, replace=False)
    body = call.body
    taken = call.store.one(
        "SELECT 1 FROM issues WHERE project_id = ? AND name = ?", call.project, body["name"]
    )
    if taken:
        raise coded(400, "IssueNameDuplicated", "issue name is duplicated")
    now = call.store.stamp()
    values = {
        "project_id": call.project,
        "name": body["name"],
        "description": body.get("description"),
        "status": body.get("status") or "INIT",
        "external_issue_id": body.get("externalIssueId"),
        "created_at": now,
        "updated_at": now,
    }
    return 201, {"id": call.store.insert("issues", values)}


def replace_issue(call: Call) -> Answer:
    _check_issue(call, replace=True)
    row = call.found("issues", "issueId", issue_not_found)
    body = call.body
    taken = call.store.one(
        "SELECT 1 FROM issues WHERE project_id = ? AND name = ? AND id != ?",
        row["project_id"],
        body["name"],
        row["id"],
    )
    if taken:
        raise coded(400, "IssueInvalidName", "Issue name is invalid: Duplicated name")
    values = {
        "name": body["name"],
        "description": body["description"],
        "status": body.get("status") or "INIT",  # the DTO's default: omitted resets
        "updated_at": call.store.stamp(),
    }
    if "externalIssueId" in body:  # undefined is left alone, null clears
        values["external_issue_id"] = body["externalIssueId"]
    call.store.update("issues", row["id"], values)
    return EMPTY


def delete_issue(call: Call) -> Answer:
    row = call.store.find("issues", call.params["issueId"])
    if row is None:
        raise server_error()  # the server reads the missing issue's project: a TypeError
    call.store.conn.execute("DELETE FROM issues WHERE id = ?", (row["id"],))
    return EMPTY


def issue_json(row: Row, *, category: bool) -> dict[str, Any]:
    """An issue as listed; ``category`` only where the admin API reads it."""
    found: dict[str, Any] = {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "status": row["status"],
        "externalIssueId": row["external_issue_id"],
        "feedbackCount": 0,
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }
    if category:
        cid = row["category_id"]
        found["category"] = None if cid is None else {"id": cid, "name": row["category_name"]}
    return found


def get_issue(call: Call) -> Answer:
    row = call.found("issues", "issueId", issue_not_found)  # by id alone: any project's
    return 200, [issue_json(row, category=False)]


_SORTABLE = {"id": "id", "name": "name", "createdAt": "created_at", "updatedAt": "updated_at"}


def _column(name: str) -> Callable[[Row], Any]:
    return lambda row: row[name]


def search_issues(call: Call) -> Answer:
    """``POST issues/search``: id order unless ``sort`` says otherwise; ``query`` filters."""
    body = call.body
    limit = page_number(body.get("limit"), 10)
    page = page_number(body.get("page"), 1)
    rows = call.store.all("SELECT * FROM issues WHERE project_id = ? ORDER BY id", call.project)
    query = body.get("query") if isinstance(body.get("query"), dict) else {}
    for key, value in (query or {}).items():
        column = {"name": "name", "description": "description", "status": "status"}.get(key)
        if key == "id":
            rows = [row for row in rows if row["id"] == value]
        elif key == "searchText":
            rows = [row for row in rows if _contains(row, str(value))]
        elif key == "statuses" and isinstance(value, list):
            rows = [row for row in rows if row["status"] in value]
        elif column:
            rows = [row for row in rows if str(value) in (row[column] or "")]
    sort = body.get("sort") if isinstance(body.get("sort"), dict) else {}
    for key, method in reversed(list((sort or {}).items())):
        if method not in ("ASC", "DESC"):
            raise plain(400, "invalid sort method")
        if key in _SORTABLE:
            rows.sort(key=_column(_SORTABLE[key]), reverse=method == "DESC")
    items = rows[(page - 1) * limit : page * limit]
    return 201, {
        "items": [issue_json(row, category=False) for row in items],
        "meta": page_meta(len(rows), len(items), limit, page),
    }


def _contains(row: Row, text: str) -> bool:
    fields = (row["name"], row["description"] or "", row["external_issue_id"] or "")
    return any(text in value for value in fields) or text == str(row["id"])


def set_issue_category(call: Call) -> Answer:
    issue = call.found("issues", "issueId", issue_not_found)
    category = call.found("categories", "categoryId", category_not_found)  # any project's
    call.store.update(
        "issues", issue["id"], {"category_id": category["id"], "updated_at": call.store.stamp()}
    )
    return EMPTY


def clear_issue_category(call: Call) -> Answer:
    issue = call.found("issues", "issueId", issue_not_found)
    if issue["category_id"] != call.params["categoryId"]:
        raise plain(400, "Category id does not match")
    call.store.update("issues", issue["id"], {"category_id": None})
    return EMPTY


def project_info(call: Call) -> Answer:
    row = call.store.find("projects", call.project)
    if row is None:
        raise coded(404, "ProjectNotFound", "project is not found")
    return 200, {
        "id": row["id"],
        "name": row["name"],
        "description": row["description"],
        "timezone": {"countryCode": "KR", "name": "Asia/Seoul", "offset": "+09:00"},
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }
