"""Bad answers from the portal: a fake ProductLift on 127.0.0.1 answers one request badly
(not JSON, HTML pages, empty bodies, wrong shapes, missing or mistyped fields). Each apply
ends in exit 1 with one ``Error:`` line naming that request (``METHOD PATH``), no traceback,
and no write after the bad answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import EXAMPLE, Result, Runner

from .fake_portal import JSON, USERS, FakePortal, Reply, Seen, reply, serving

READS = ["tabs", "categories", "statuses", "tags", "groups", "sections", "users"]
HTML = {"content-type": "text/html; charset=UTF-8"}
PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in</body></html>"
BAD: dict[str, Reply] = {
    "text": (200, {"content-type": "text/plain"}, b"OK"),
    "html-200": (200, HTML, PAGE),
    "html-404": (404, HTML, b"<html><body><h1>404 Not Found</h1></body></html>"),
    "html-500": (500, {**HTML, "retry-after": "0"}, b"<html><body>Whoops</body></html>"),
    "empty-200": (200, JSON, b""),
    "truncated-json": (200, JSON, b'{"data": [{"id": 1,'),
    "json-null": reply(None),
    "data-null": reply({"data": None}),
    "data-missing": reply({"items": []}),
    "data-dict": reply({"data": {"id": 1, "name": "Bug"}}),
    "data-string": reply({"data": "nothing here"}),
    "data-number": reply({"data": 3}),
    "top-level-list": reply([]),
    "items-not-objects": reply({"data": [1, "two", None]}),
    "item-without-id": reply(
        {"data": [{"name": "Bug", "tag": "x", "slug": "roadmap", "title": "T", "email": "e@x.io"}]}
    ),
}
# A field of one kind missing or of the wrong type: (path, item)
FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "category-name-null": ("categories", {"id": 1, "name": None, "color": "#FFFFFF"}),
    "category-name-number": ("categories", {"id": 1, "name": 42, "color": "#FFFFFF"}),
    "category-name-missing": ("categories", {"id": 1, "color": "#FFFFFF"}),
    "status-name-null": ("statuses", {"id": 1, "name": None, "tab_id": 1}),
    "tag-text-missing": ("tags", {"id": "a1"}),
    "group-name-null": ("groups", {"id": "g1", "name": None}),
    "category-id-null": ("categories", {"id": None, "name": "Bug", "color": "#000000"}),
    "category-id-object": ("categories", {"id": {"n": 1}, "name": "Bug", "color": "#000000"}),
    "tab-slug-missing": ("tabs", {"id": 1, "name": "Roadmap"}),
    "tab-slug-null": ("tabs", {"id": 1, "name": "Roadmap", "slug": None}),
    "section-title-missing": ("sections", {"id": 1, "tab_id": 1}),
    "section-title-null": ("sections", {"id": 1, "tab_id": 1, "title": None}),
    "section-title-number": ("sections", {"id": 1, "tab_id": 1, "title": 7}),
}


@pytest.fixture
def run(run: Runner) -> Runner:
    """The CLI with a token set: the fake portal is a remote one, which needs it."""

    def with_token(*args: Any, env: dict[str, str] | None = None) -> Result:
        return run(*args, env={"PRODUCTLIFT_TOKEN": "fake-portal-token", **(env or {})})

    return with_token


def on(method: str, path: str, answer: Reply) -> Any:
    def _answer(seen: Seen) -> Reply | None:
        wanted = seen.method == method and seen.path == f"/api/v1/{path}"
        return answer if wanted else None

    return _answer


@pytest.fixture(scope="module")
def server() -> Iterator[FakePortal]:
    with serving() as portal:
        yield portal


@pytest.fixture
def portal(server: FakePortal) -> Iterator[FakePortal]:
    """The module's fake portal, with a clean record; set ``answer`` to break it."""
    server.requests.clear()
    yield server
    server.answer = lambda seen: None


def check(result: Result, portal: FakePortal, request: str) -> None:
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert request in errors[0], errors[0]
    assert len(errors[0]) < 400


# every bad answer to the first read and to a kind's read; the main shapes to every other read
SOME = ["html-200", "empty-200", "data-dict", "item-without-id"]
READ_CASES = [
    (path, bad)
    for path in READS
    for bad in (sorted(BAD) if path in ("tabs", "categories") else SOME)
]


@pytest.mark.parametrize(("path", "bad"), READ_CASES)
def test_bad_answer_to_a_read_stops_before_any_write(
    run: Runner, portal: FakePortal, path: str, bad: str
) -> None:
    portal.answer = on("GET", path, BAD[bad])
    result = run("apply", EXAMPLE, "--auto-approve", "--url", portal.url)
    check(result, portal, f"GET /api/v1/{path}")
    assert portal.writes == []


def test_html_error_page_is_retried_then_reported_briefly(run: Runner, portal: FakePortal) -> None:
    portal.answer = on("GET", "categories", BAD["html-500"])
    result = run("plan", EXAMPLE, "--url", portal.url)
    check(result, portal, "GET /api/v1/categories → 500")
    assert "text/html, not JSON" in result.err
    assert sum(s.path == "/api/v1/categories" for s in portal.requests) == 8


# Provider bugs (providers/productlift.py is not ours to edit): fix by checking, in _list or
# the kind's reader, that every id is an int or a string and that the field naming the item
# (tab slug, section title, member email) is a string, else BadResponseError naming the GET.


@pytest.mark.parametrize("case", sorted(FIELDS))
def test_item_with_a_bad_field_is_named_and_nothing_written(
    run: Runner, portal: FakePortal, case: str
) -> None:
    path, item = FIELDS[case]
    portal.answer = on("GET", path, reply({"data": [item]}))
    result = run("apply", EXAMPLE, "--auto-approve", "--url", portal.url)
    check(result, portal, f"GET /api/v1/{path}")
    assert portal.writes == []


GROUP = {"id": "0f591bb5-0c91-49ff-90af-bd1d5b720881", "name": "Beta testers"}
MEMBERS = f"groups/{GROUP['id']}/users"


@pytest.mark.parametrize(
    "answer",
    [
        reply({"data": None}),
        reply({"data": [{"email": "alice@example.com"}]}),
        (200, HTML, PAGE),
        reply({"data": [{"id": USERS[0]["id"]}]}),
    ],
    ids=["data-null", "member-without-id", "html", "member-without-email"],
)
def test_bad_member_list_is_named_and_nothing_written(
    run: Runner, portal: FakePortal, answer: Reply
) -> None:
    def _answer(seen: Seen) -> Reply | None:
        if seen.method == "GET" and seen.path == "/api/v1/groups":
            return reply({"data": [GROUP]})
        return on("GET", MEMBERS, answer)(seen)  # type: ignore[no-any-return]

    portal.answer = _answer
    result = run("apply", EXAMPLE, "--auto-approve", "--url", portal.url)
    check(result, portal, f"GET /api/v1/{MEMBERS}")
    assert portal.writes == []


@pytest.mark.parametrize("bad", ["empty-200", "data-null", "html-200", "data-string", "json-null"])
def test_bad_answer_to_a_create_stops_the_apply_there(
    run: Runner, portal: FakePortal, bad: str
) -> None:
    portal.answer = on("POST", "categories", BAD[bad])
    result = run("apply", EXAMPLE, "--auto-approve", "--url", portal.url)
    check(result, portal, "POST /api/v1/categories")
    assert portal.writes == ["POST /api/v1/categories"]
    assert "0 of 34 changes applied" in result.err


def test_the_default_fake_portal_takes_the_example(run: Runner, portal: FakePortal) -> None:
    """The fake is good enough that only the injected answer makes a run fail."""
    result = run("apply", EXAMPLE, "--auto-approve", "--url", portal.url)
    assert result.code == 0, result.err
    created = [json.loads(s.body) for s in portal.requests if s.method == "POST"]
    assert len(created) == 34
