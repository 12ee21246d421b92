"""Replay the API reference's request/response examples against the sandbox, both ways in.

``fixtures/examples.json`` holds the examples of productlift-api.txt (copied, with request
bodies written for them). Each runs on a new portal seeded with one resource of each kind;
placeholders such as ``{category}`` stand for the ids of those. Compared: the status code and
the body's shape (keys and value types, not values). A null in an example leaves the type open.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.providers.productlift.sandbox.app import PREFIX, ROUTES, match

EXAMPLES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "examples.json").read_text(encoding="utf-8")
)
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _create(api: httpx.Client, path: str, body: dict[str, Any]) -> Any:
    response = api.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]["id"]


def seed(api: httpx.Client) -> dict[str, Any]:
    """One resource of each kind (named "Existing"), a child section, a group member."""
    ids: dict[str, Any] = {"missing_int": 999999, "missing_uuid": MISSING_UUID}
    ids["category"] = _create(api, "categories", {"name": "Existing", "color": "#ABDEE6"})
    ids["status"] = _create(api, "statuses", {"name": "Existing", "color": "#DCD9F8", "tab_id": 2})
    ids["status2"] = _create(api, "statuses", {"name": "Second", "color": "#FFAEA5", "tab_id": 1})
    ids["tag"] = _create(api, "tags", {"tag": "existing"})
    ids["tag2"] = _create(api, "tags", {"tag": "second"})
    ids["section"] = _create(api, "sections", {"title": "Existing", "tab_id": 1})
    for title, icon in (("Child one", "folder"), ("Child two", "file")):
        _create(
            api,
            "sections",
            {
                "title": title,
                "tab_id": 1,
                "parent_id": ids["section"],
                "icon": icon,
                "description": f"{title} of Existing",
            },
        )
    ids["group"] = _create(api, "groups", {"name": "Existing"})
    ids["group2"] = _create(api, "groups", {"name": "Second"})
    for name in ("alice", "bob"):
        found = api.get("users/find_by_email", params={"email": f"{name}@example.com"})
        ids[name] = found.json()["data"]["id"]
    added = api.post(f"groups/{ids['group']}/users", json={"user_id": ids["alice"]})
    assert added.status_code == 200
    return ids


def fill(value: Any, ids: dict[str, Any]) -> Any:
    """Replace placeholders: a whole-string one by the id itself (keeping its type)."""
    if isinstance(value, str):
        whole = _PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in ids:
            return ids[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: str(ids.get(m.group(1), m.group(0))), value)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


def assert_shape(actual: Any, example: Any, *, partial: bool, where: str = "$") -> None:
    """``actual`` has the example's keys (exactly, unless ``partial``) and value types."""
    if example is None:
        return
    if isinstance(example, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        missing = example.keys() - actual.keys()
        extra = actual.keys() - example.keys()
        assert not missing, f"{where}: missing {sorted(missing)}"
        assert partial or not extra, f"{where}: unexpected {sorted(extra)}"
        for name, value in example.items():
            assert_shape(actual[name], value, partial=partial, where=f"{where}.{name}")
    elif isinstance(example, list):
        assert isinstance(actual, list), f"{where}: expected an array, got {actual!r}"
        if example:
            assert actual, f"{where}: expected items"
            for n, item in enumerate(actual):
                assert_shape(item, example[0], partial=partial, where=f"{where}[{n}]")
    else:
        assert type(actual) is type(example), (
            f"{where}: expected {type(example).__name__}, got {actual!r}"
        )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_example(example: dict[str, Any], api: httpx.Client) -> None:
    ids = seed(api)
    headers = {"Authorization": f"Bearer {example['token']}"} if example["token"] else None
    response = api.request(
        example["method"],
        fill(example["path"], ids),
        params=example["query"],
        json=fill(example["body"], ids),
        headers=headers,
    )
    assert response.status_code == example["status"], response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-ratelimit-limit"].isdigit()
    assert response.headers["x-ratelimit-remaining"].isdigit()
    assert_shape(response.json(), example["response"], partial=example["partial"])


def test_ids_have_the_types_the_portal_uses(api: httpx.Client) -> None:
    ids = seed(api)
    for kind in ("category", "status", "section"):
        assert isinstance(ids[kind], int), kind
    for kind in ("tag", "group", "alice"):
        assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ids[kind]), kind
    assert all(isinstance(t["id"], int) for t in api.get("tabs").json()["data"])


def test_every_route_is_covered_by_an_example() -> None:
    covered = set()
    for example in EXAMPLES:
        path = PREFIX + _PLACEHOLDER.sub("1", example["path"])
        route, _ = match(example["method"], path)
        covered.add((route.method, route.template))
    assert covered == {(route.method, route.template) for route in ROUTES}
