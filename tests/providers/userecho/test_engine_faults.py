"""Applies that meet a failing UserEcho: lost answers, the 200-with-error envelope, a bad
answer, and the token, which must never be shown.

What a user must see: an apply converges and nothing is created twice (UserEcho says
nothing recognisable on a duplicate, and webhooks have no uniqueness at all); an answer
carrying ``"status": "error"`` is a failure whatever its HTTP status; the access token,
which travels in the URL, appears in no error, log line or output.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from reconciler.errors import ApiError, ApplyError, BadResponseError
from reconciler.http import Client, QueryToken
from reconciler.providers.userecho.api import DIALECT, Api
from reconciler.providers.userecho.sandbox import UserEchoSandbox, start_server
from reconciler.providers.userecho.writing import UserEcho
from reconciler.sandbox.faults import Faults

from .engine_helpers import BASE, Portal, edit, rows, spec_of

CREATES = {  # POST command → how many BASE creates
    "forums.json": 2,
    "forums/{forum}/categories.json": 3,
    "forums/{forum}/tags.json": 2,
    "forums/{forum}/access_list.json": 2,
    "users/groups.json": 2,
    "users/{user}/group.json": 3,
    "hooks.json": 1,
}
TOKEN = "ue-secret-token-0123456789"


@pytest.fixture
def portal() -> Iterator[Portal]:
    p = Portal()
    yield p
    p.close()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_lost_answers_converge_in_one_apply_and_nothing_is_made_twice(
    portal: Portal, seed: int
) -> None:
    portal.faults(
        Faults(lose_rate=0.3, timeout_rate=0.1, reset_rate=0.1, error_rate=0.1, seed=seed)
    )
    portal.apply(BASE)
    assert portal.box.faulted["lose"] > 0
    assert portal.posts() == CREATES  # every create performed once: lost ones adopted
    portal.faults(None)
    assert portal.plan(BASE).changes == ()


def test_every_answer_lost_still_makes_each_resource_once(portal: Portal) -> None:
    portal.faults(Faults(lose_rate=1.0))  # every write lands, and no answer comes back
    portal.apply(BASE)  # each create, member add and access add is found by a re-read
    assert portal.posts() == CREATES
    portal.faults(None)
    assert portal.plan(BASE).changes == ()


def test_a_lost_webhook_create_is_adopted_not_repeated(portal: Portal) -> None:
    portal.faults(Faults(lose_rate=1.0))
    plan = portal.plan({"webhooks": BASE["webhooks"]})
    portal.run(plan)
    portal.faults(None)
    assert portal.hooks() == [("topic.created", "https://hooks.example.com/ue")]
    assert portal.plan({"webhooks": BASE["webhooks"]}).changes == ()


def test_lost_answers_of_updates_and_deletes_converge(portal: Portal) -> None:
    portal.apply(BASE)
    changed = edit(prune=True, webhooks=[])
    changed["forums"][0]["categories"] = [{"name": "Defects", "renamed_from": ["Bugs"]}]
    changed["forums"][1]["access_list"] = ["carol@example.com"]
    changed["groups"][0]["members"] = ["bob@example.com"]
    portal.faults(Faults(lose_rate=0.5, seed=9))
    for _ in range(5):
        try:
            portal.apply(changed)
            break
        except (ApplyError, ApiError):
            continue
    portal.faults(None)
    assert portal.plan(changed).changes == ()
    assert portal.children("Feedback", "categories") == ["Defects"]
    assert portal.hooks() == []


# -- the envelope ---------------------------------------------------------------------------


def test_a_200_carrying_status_error_is_a_failure_not_a_success() -> None:
    portal = Portal(errors_as_200=True)
    try:
        plan = portal.plan(BASE)
        portal.send("POST", "users/groups", {"name": "customers"})  # taken since the plan
        with pytest.raises(ApplyError) as failed:
            portal.run(plan)
        assert "already exists" in str(failed.value)
        assert "200" in str(failed.value)
        cause = failed.value.__cause__
        assert isinstance(cause, ApiError)
        assert cause.status == 200
        assert portal.names("users/groups") == ["customers"]  # no second group appeared
    finally:
        portal.close()


def test_a_read_answered_200_with_status_error_stops_the_plan() -> None:
    box = UserEchoSandbox(":memory:", token=TOKEN, errors_as_200=True)
    client = Client(
        "http://sandbox.local",
        auth=QueryToken("access_token", "wrong-token-000"),
        api_prefix="/api/v2",
        dialect=DIALECT,
        transport=box.transport(),
        allow_insecure=True,
    )
    provider = UserEcho(Api(client), "sandbox:x", pace_from_spec=False)
    try:
        with pytest.raises(ApiError, match="invalid access_token") as error:
            provider.read(_desired())
        assert error.value.status == 200
    finally:
        provider.close()
        box.close()


def _desired() -> Any:
    from reconciler.providers.userecho.desired import desired_state

    return desired_state(spec_of(BASE))


class _Garbled(httpx.BaseTransport):
    """Answers the category list with records that have no id."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/categories.json"):
            body = {"status": "success", "data": [{"name": "x"}], "details": {"count": 1}}
            return httpx.Response(200, json=body, request=request)
        return self.inner.handle_request(request)


def test_a_bad_answer_names_the_request_before_any_write() -> None:
    portal = Portal(wrap=_Garbled)
    try:
        portal.send("POST", "forums", {"name": "Feedback"})
        portal.reset_stats()
        with pytest.raises(BadResponseError) as error:
            portal.plan(BASE)
        assert "GET /api/v2/forums/1/categories.json" in str(error.value)
        assert portal.write_requests() == 0
    finally:
        portal.close()


# -- the token ------------------------------------------------------------------------------


def test_the_token_is_in_no_error_and_no_log_line_even_when_the_portal_echoes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    box = UserEchoSandbox(":memory:", token=TOKEN, echo_url_in_errors=True)
    server = start_server(box)
    client = Client(
        server.url,
        auth=QueryToken("access_token", TOKEN),
        api_prefix="/api/v2",
        dialect=DIALECT,
        backoff_base=0.01,
    )
    provider = UserEcho(Api(client), server.url, pace_from_spec=False)
    try:
        with caplog.at_level(logging.DEBUG, logger="reconciler.http"):
            from reconciler.engine import apply_plan, build_plan

            spec = spec_of(edit(groups=[{"name": "Staff"}]))
            plan = build_plan(spec, provider)
            box.handle("POST", "/api/v2/users/groups.json", f"access_token={TOKEN}", {},
                       b'{"name": "STAFF"}')  # fmt: skip
            with pytest.raises(ApplyError) as failed:
                apply_plan(plan, provider)
        said = str(failed.value)
        assert "request: http" in said  # the portal did echo the URL...
        assert TOKEN not in said  # ...but not the token
        assert TOKEN not in repr(failed.value.__cause__)
        assert TOKEN not in caplog.text
        assert "access_token query parameter" in caplog.text  # --verbose shows the shape
    finally:
        provider.close()
        server.shutdown()
        box.close()


def test_rows_helper_is_in_apply_order(portal: Portal) -> None:
    plan = portal.plan({"forums": [{"name": "A", "categories": [{"name": "c"}]}]})
    assert rows(plan) == [("create", "forum", "A"), ("create", "category", "A/c")]
