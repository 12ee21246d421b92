"""The public API's quirks (CONTRACT part two, "ABC User Feedback"), both ways in."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import httpx

from reconciler.providers.abc.sandbox import AbcSandbox

from .helpers import bearer, sign_in

CATS = "/api/projects/1/categories"
ISSUES = "/api/projects/1/issues"


def _create(api: httpx.Client, path: str, body: Mapping[str, object]) -> int:
    answer = api.post(path, json=body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_a_missing_wrong_or_other_projects_key_is_403(api: httpx.Client, box: AbcSandbox) -> None:
    for key in (None, "wrong", box.other_api_key):
        headers = {"x-api-key": key} if key else {}
        api.headers.pop("x-api-key", None)
        answer = api.get(CATS, headers=headers)
        assert answer.status_code == 403
        assert answer.json()["statusCode"] == 403
        assert answer.json()["path"] == CATS


def test_walking_pages_repeats_and_skips_but_one_big_page_has_all(api: httpx.Client) -> None:
    names = {f"cat {n:02d}" for n in range(25)}
    for name in sorted(names):
        _create(api, CATS, {"name": name})
    walked: list[str] = []
    for page in (1, 2, 3):
        answer = api.get(CATS, params={"limit": 10, "page": page}).json()
        assert answer["meta"]["totalItems"] == 25
        walked += [item["name"] for item in answer["items"]]
    assert len(walked) == 25
    assert set(walked) != names  # some rows twice, others never
    assert max(Counter(walked).values()) > 1
    whole = api.get(CATS, params={"limit": 25}).json()["items"]
    assert sorted(item["name"] for item in whole) == sorted(names)
    first_ten = [item["name"] for item in api.get(CATS).json()["items"]]
    assert first_ten != [item["name"] for item in whole][:10]  # the order follows the limit


def test_names_compare_exactly(api: httpx.Client) -> None:
    _create(api, CATS, {"name": "Billing"})
    _create(api, CATS, {"name": "billing"})
    again = api.post(CATS, json={"name": "Billing"})
    assert again.status_code == 400
    assert again.json()["code"] == "CategoryNameDuplicated"
    _create(api, ISSUES, {"name": "Card", "description": None})
    _create(api, ISSUES, {"name": "card"})
    assert api.post(ISSUES, json={"name": "Card"}).json()["code"] == "IssueNameDuplicated"


def test_rename_taken_and_delete_twice(api: httpx.Client) -> None:
    first = _create(api, CATS, {"name": "One"})
    _create(api, CATS, {"name": "Two"})
    taken = api.put(f"{CATS}/{first}", json={"name": "Two"})
    assert (taken.status_code, taken.json()["code"]) == (400, "CategoryNameInvalid")
    renamed = api.put(f"{CATS}/{first}", json={"name": "  Uno  "})
    assert (renamed.status_code, renamed.content) == (200, b"")
    names = {item["name"] for item in api.get(CATS, params={"limit": 50}).json()["items"]}
    assert names == {"  Uno  ", "Two"}  # spaces kept
    assert api.delete(f"{CATS}/{first}").status_code == 200
    again = api.delete(f"{CATS}/{first}")
    assert (again.status_code, again.json()["code"]) == (404, "CategoryNotFound")


def test_another_projects_key_renames_a_category_by_id(api: httpx.Client, box: AbcSandbox) -> None:
    mine = _create(api, CATS, {"name": "Mine"})
    leak = api.put(
        f"/api/projects/2/categories/{mine}",
        json={"name": "Hijacked"},
        headers={"x-api-key": box.other_api_key},
    )
    assert leak.status_code == 200
    assert [i["name"] for i in api.get(CATS).json()["items"]] == ["Hijacked"]


def test_issue_put_replaces_the_whole_issue(api: httpx.Client) -> None:
    body = {"name": "Bug", "description": "d", "status": "IN_PROGRESS", "externalIssueId": "J-1"}
    id_ = _create(api, ISSUES, body)
    assert api.put(f"{ISSUES}/{id_}", json={"name": "Bug", "description": "e"}).status_code == 200
    found = api.post(f"{ISSUES}/search", json={"limit": 1000}).json()["items"][0]
    assert (found["status"], found["externalIssueId"]) == ("INIT", "J-1")  # reset, kept
    cleared = {"name": "Bug", "description": None, "externalIssueId": None}
    assert api.put(f"{ISSUES}/{id_}", json=cleared).status_code == 200
    found = api.post(f"{ISSUES}/search", json={}).json()["items"][0]
    assert (found["description"], found["externalIssueId"]) == (None, None)
    no_description = api.put(f"{ISSUES}/{id_}", json={"name": "Bug"})
    assert no_description.status_code == 400
    assert isinstance(no_description.json()["message"], list)
    unknown = api.put(f"{ISSUES}/999", json={"name": "X", "description": None})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "IssueNotFound")


def test_deleting_a_missing_issue_is_a_500(api: httpx.Client) -> None:
    id_ = _create(api, ISSUES, {"name": "Gone"})
    assert api.delete(f"{ISSUES}/{id_}").status_code == 200
    for target in (id_, 12345):
        answer = api.delete(f"{ISSUES}/{target}")
        assert answer.status_code == 500
        assert answer.json() == {"statusCode": 500, "message": "Internal server error"}


def test_issue_category_link_and_where_it_shows(api: httpx.Client) -> None:
    cat = _create(api, CATS, {"name": "Payments"})
    other = _create(api, CATS, {"name": "Other"})
    issue = _create(api, ISSUES, {"name": "Card"})
    assert api.put(f"{ISSUES}/{issue}/category/{other}").status_code == 200
    assert api.put(f"{ISSUES}/{issue}/category/{cat}").status_code == 200  # replaces
    wrong = api.delete(f"{ISSUES}/{issue}/category/{other}")
    assert (wrong.status_code, wrong.json()["message"]) == (400, "Category id does not match")
    public = api.post(f"{ISSUES}/search", json={}).json()["items"][0]
    assert "category" not in public
    token = sign_in(api)["accessToken"]
    search = "/api/admin/projects/1/issues/search"
    found = api.post(search, json={}, headers=bearer(token)).json()["items"][0]
    assert found["category"] == {"id": cat, "name": "Payments"}
    assert api.delete(f"{CATS}/{cat}").status_code == 200  # its issues stay, uncategorised
    found = api.post(search, json={}, headers=bearer(token)).json()["items"][0]
    assert found["category"] is None


def test_issue_search_is_in_id_order_and_takes_big_limits(api: httpx.Client) -> None:
    ids = [_create(api, ISSUES, {"name": f"issue {n}"}) for n in range(12)]
    answer = api.post(f"{ISSUES}/search", json={"limit": 1000, "page": 1})
    assert answer.status_code == 201
    assert [item["id"] for item in answer.json()["items"]] == ids


def test_bodies_the_framework_refuses(api: httpx.Client) -> None:
    json_type = {"content-type": "application/json"}
    empty = api.post(CATS, content=b"", headers=json_type)
    assert (empty.status_code, set(empty.json())) == (400, {"response", "path"})
    broken = api.post(CATS, content=b'{"name": ', headers=json_type)
    assert (broken.status_code, set(broken.json())) == (400, {"response", "path"})
    invalid = api.post(CATS, json={"name": ""})
    assert invalid.status_code == 400
    assert set(invalid.json()) == {"message", "error", "statusCode", "path"}
    assert isinstance(invalid.json()["message"], list)


def test_unknown_keys_are_dropped_and_no_rate_limit_headers(api: httpx.Client) -> None:
    answer = api.post(CATS, json={"name": "Kept", "color": "#FFFFFF", "id": 77})
    assert answer.status_code == 201
    assert answer.json()["id"] != 77
    listed = api.get(CATS).json()["items"][0]
    assert set(listed) == {"id", "name", "createdAt", "updatedAt"}
    assert not any(name.startswith("x-ratelimit") for name in answer.headers)
