"""The admin API's sign-in, token refresh, and the category and issue searches.

Access tokens last ``keys.ACCESS_SECONDS`` (10 minutes) of the sandbox clock, refresh tokens
``keys.REFRESH_SECONDS``; ``GET /api/admin/auth/refresh`` takes any valid token as Bearer and
answers a new pair. The admin issue search returns each issue's ``category`` (``{id, name}`` or
null), which the public API never does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import keys
from .call import Answer, Call, page_meta
from .errors import Check, coded, page_number, plain
from .public import issue_json, list_categories


def _pair(call: Call, user: dict[str, Any]) -> dict[str, str]:
    claims = {"sub": user["id"], "email": user["email"]}
    return {
        "accessToken": call.signer.sign(
            {**claims, "name": "Admin", "type": "SUPER"}, call.now, keys.ACCESS_SECONDS
        ),
        "refreshToken": call.signer.sign(claims, call.now, keys.REFRESH_SECONDS),
    }


def sign_in(call: Call) -> Answer:
    email, password = call.body.get("email"), call.body.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or not password:
        raise plain(401, "Unauthorized")  # passport-local without its two fields
    row = call.store.one("SELECT * FROM users WHERE email = ?", email)
    if row is None:
        raise coded(404, "UserNotFound", "User is not found")
    if not row["password_hash"] or not keys.password_matches(password, row["password_hash"]):
        raise coded(404, "PasswordNotMatch", "Password is not matched")
    return 201, _pair(call, {"id": row["id"], "email": row["email"]})


def refresh(call: Call) -> Answer:
    return 200, _pair(call, {"id": call.user["sub"], "email": call.user.get("email")})


def _sort(body: dict[str, Any]) -> dict[str, Any]:
    sort = body.get("sort")
    if not isinstance(sort, dict):
        return {}
    for method in sort.values():
        if method not in ("ASC", "DESC"):
            raise plain(400, "invalid sort method")
    return sort


def search_categories(call: Call) -> Answer:
    """``POST /api/admin/projects/{p}/categories/search``: ``sort: {name: ASC|DESC}`` applies."""
    check = Check(call.body)
    check.string("categoryName", optional=True)
    check.done()
    by_name = str(_sort(call.body).get("name") or "")
    _, payload = list_categories(call, call.body, sorted_by_name=by_name)
    return 201, payload


def _matches(issue: dict[str, Any], query: dict[str, Any]) -> bool:
    key, value, condition = query.get("key"), query.get("value"), query.get("condition")
    if key == "category":
        actual = (issue["category"] or {}).get("name")
    elif key in ("name", "description", "status", "externalIssueId"):
        actual = issue[key]
    else:
        return True  # keys the sandbox does not filter on
    if condition == "IS" or key in ("status", "externalIssueId"):
        return bool(actual == value)
    return actual is not None and str(value) in str(actual)


def _by(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda issue: issue[key]


def search_issues_admin(call: Call) -> Answer:
    """``POST /api/admin/projects/{p}/issues/search`` (V2 body: ``queries``, ``operator``,
    ``sort``; id DESC by default)."""
    body = call.body
    limit = page_number(body.get("limit"), 10)
    page = page_number(body.get("page"), 1)
    rows = call.store.all(
        "SELECT i.*, c.name AS category_name FROM issues i"
        " LEFT JOIN categories c ON c.id = i.category_id WHERE i.project_id = ?",
        call.project,
    )
    issues = [{**issue_json(row, category=True), "_cid": row["category_id"]} for row in rows]
    for query in body.get("defaultQueries") or []:
        if isinstance(query, dict) and (query.get("key"), query.get("condition")) == (
            "status",
            "IS",
        ):
            issues = [issue for issue in issues if issue["status"] == query.get("value")]
    queries = [q for q in body.get("queries") or [] if isinstance(q, dict)]
    for query in queries:
        if query.get("key") == "categoryId" and isinstance(query.get("value"), int):
            wanted = query["value"] or None
            issues = [issue for issue in issues if issue["_cid"] == wanted]
    others = [q for q in queries if q.get("key") not in ("categoryId", "createdAt")]
    if others:
        joined = any if body.get("operator") == "OR" else all
        issues = [issue for issue in issues if joined(_matches(issue, q) for q in others)]
    sort = _sort(body) or {"id": "DESC"}
    for key, method in reversed(list(sort.items())):
        if key in ("id", "name", "status", "createdAt", "updatedAt"):
            issues.sort(key=_by(key), reverse=method == "DESC")
    items = issues[(page - 1) * limit : page * limit]
    for issue in items:
        del issue["_cid"]
    return 201, {"items": items, "meta": page_meta(len(issues), len(items), limit, page)}
