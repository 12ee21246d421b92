"""Provider-supplied pieces: hints, error bodies, answer envelopes, bodies and content types."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from reconciler.errors import ApiError
from reconciler.http import (
    Dialect,
    QueryToken,
    envelope_checked,
    envelope_data,
    envelope_message,
    nest_message,
)

from .conftest import MakeClient, Portal, ok

ABC = Dialect(
    hints={403: "check ABC_API_KEY", 400: "the server refused the value; fix it in the spec"},
    url_hint="check ABC_URL",
    credentials="ABC_API_KEY",
    error_message=nest_message,
)
USERECHO = Dialect(
    hints={401: "check USERECHO_TOKEN"},
    credentials="USERECHO_TOKEN",
    error_message=envelope_message,
    answer=envelope_data,
)


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (
            400,
            {"code": "CategoryNameDuplicated", "message": "Category name is duplicated",
             "statusCode": 400, "path": "/api/projects/1/categories"},
            "CategoryNameDuplicated: Category name is duplicated",
        ),
        (
            400,
            {"message": ["name must be shorter than or equal to 30 characters",
                         "name should not be empty"], "error": "Bad Request", "statusCode": 400,
             "path": "/api/projects/1/issues"},
            "name must be shorter than or equal to 30 characters; name should not be empty",
        ),
        (500, {"statusCode": 500, "message": "Internal server error"}, "Internal server error"),
        (
            400,
            {"response": "Unexpected end of JSON input", "path": "/api/projects/1/issues"},
            "Unexpected end of JSON input",
        ),
        (
            400,
            {"response": {"statusCode": 400, "message": "Bad JSON", "error": "Bad Request"},
             "path": "/api/x"},
            "Bad JSON",
        ),
        (403, {"statusCode": 403, "error": "Forbidden"}, "Forbidden"),
    ],
)  # fmt: skip
def test_abc_error_shapes_become_one_line(
    make: MakeClient, status: int, body: Any, says: str
) -> None:
    client = make(Portal(httpx.Response(status, json=body)), dialect=ABC, api_prefix="/api",
                  max_attempts=1)  # fmt: skip
    with pytest.raises(ApiError) as caught:
        client.request("POST", "projects/1/issues", json={"name": "x"})
    assert str(caught.value) == f"POST /api/projects/1/issues → {status}: {says}"
    assert caught.value.body == body  # the provider can read the code from the body


def test_hints_come_from_the_dialect(make: MakeClient) -> None:
    client = make(Portal(httpx.Response(403, json={"statusCode": 403})), dialect=ABC)
    with pytest.raises(ApiError) as caught:
        client.get("projects/1/categories")
    assert caught.value.hint == "check ABC_API_KEY"


def test_the_default_hints_name_no_product(make: MakeClient) -> None:
    client = make(Portal(httpx.Response(401, json={"message": "Unauthenticated."})))
    with pytest.raises(ApiError) as caught:
        client.get("tabs")
    assert "credentials" in str(caught.value.hint)
    assert "PRODUCTLIFT" not in str(caught.value.hint)


def envelope(status: str, **rest: Any) -> httpx.Response:
    return httpx.Response(200, json={"status": status, **rest})


def test_userecho_answers_are_unwrapped_to_their_data(make: MakeClient) -> None:
    portal = Portal(envelope("success", data=[{"id": 1}], details={"count": 1}))
    client = make(portal, auth=QueryToken("access_token", "ue-token-1234"), dialect=USERECHO,
                  api_prefix="/api/v2")  # fmt: skip
    assert client.get("forums.json") == [{"id": 1}]


def test_a_200_carrying_status_error_is_an_api_error_with_its_message(make: MakeClient) -> None:
    portal = Portal(envelope("error", message="Forum with this name already exists"))
    client = make(portal, dialect=USERECHO, api_prefix="/api/v2")
    with pytest.raises(ApiError) as caught:
        client.request("POST", "forums.json", json={"name": "Feedback"})
    error = caught.value
    assert str(error) == "POST /api/v2/forums.json → 200: Forum with this name already exists"
    assert error.mentions("already exists")
    assert len(portal.requests) == 1  # a refusal is not retried


def test_a_userecho_error_status_with_an_envelope_reads_its_message(make: MakeClient) -> None:
    body = {"status": "error", "message": {"name": ["This field is required."]}}
    client = make(Portal(httpx.Response(400, json=body)), dialect=USERECHO)
    with pytest.raises(ApiError) as caught:
        client.request("POST", "users/groups.json", json={})
    assert caught.value.errors == {"name": ["This field is required."]}
    assert "name: This field is required." in str(caught.value)


def test_the_whole_envelope_is_kept_when_paging_needs_its_details() -> None:
    body = {"status": "success", "data": [1], "details": {"page": 1, "limit": 100, "count": 1}}
    assert envelope_checked(body) == body
    assert envelope_data({"no": "envelope"}) == {"no": "envelope"}


# -- bodies ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT", "POST"])
def test_no_body_means_no_content_type(make: MakeClient, method: str) -> None:
    portal = Portal(ok())
    make(portal).request(method, "projects/1/categories/7")
    sent = portal.requests[0]
    assert "content-type" not in sent.headers
    assert sent.content == b""


def test_delete_can_carry_a_json_body(make: MakeClient) -> None:
    portal = Portal(ok())
    make(portal).delete("forums/3/access_list.json", json={"emails": ["a@example.com"]})
    sent = portal.requests[0]
    assert sent.method == "DELETE"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {"emails": ["a@example.com"]}


def test_an_empty_json_object_is_still_a_body(make: MakeClient) -> None:
    portal = Portal(ok())
    make(portal).put("channels/1/fields", json={})
    assert portal.requests[0].content == b"{}"
    assert portal.requests[0].headers["content-type"] == "application/json"
