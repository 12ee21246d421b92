"""The HTTP client: targets it accepts, what it sends, what it returns, and how it fails."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable

import httpx
import pytest

from reconciler.errors import ApiError, BadResponseError, TargetError
from reconciler.providers.productlift.client import Client

TOKEN = "pl_live_4f9c2b7e1d-SECRET"


class Portal:
    """Answers every request with ``answer(request)`` and keeps the requests."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


def make(
    answer: Callable[[httpx.Request], httpx.Response],
    base_url: str = "https://portal.example.com",
    token: str | None = TOKEN,
) -> tuple[Client, Portal]:
    portal = Portal(answer)
    client = Client(
        base_url,
        token,
        transport=httpx.MockTransport(portal),
        sleep=lambda _: None,
        clock=lambda: 0.0,
        max_attempts=2,
    )
    return client, portal


def answer(code: int, body: object = None, **headers: str) -> Callable[..., httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str | bytes):
            return httpx.Response(code, content=body, headers=headers)
        return httpx.Response(code, json=body, headers=headers)

    return respond


# -- targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://feedback.example.com",
        "https://feedback.example.com/",
        "http://localhost:8000",
        "http://127.0.0.1:8000",
        "http://127.4.5.6",
        "http://[::1]:8080",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    Client(url, TOKEN).close()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://feedback.example.com", "https://feedback.example.com"),
        ("http://10.0.0.5", "https://10.0.0.5"),
        ("feedback.example.com", "https://feedback.example.com"),
        ("ftp://feedback.example.com", "https://feedback.example.com"),
        ("https://", "https://feedback.example.com"),
        ("https://feedback.example.com:http", "https://feedback.example.com"),
        (f"https://user:{TOKEN}@feedback.example.com", "PRODUCTLIFT_TOKEN"),
        (f"https://user:{TOKEN}@feedback.example.com:x", "https://feedback.example.com"),
        ("https://feedback.example.com/?token=x", "PRODUCTLIFT_TOKEN"),
    ],
)
def test_unusable_targets_are_refused_with_a_hint(url: str, says: str) -> None:
    with pytest.raises(TargetError) as caught:
        Client(url, TOKEN)
    assert caught.value.hint is not None
    assert says in caught.value.hint
    assert TOKEN not in str(caught.value)


def test_plain_http_is_allowed_when_asked_for_the_in_process_sandbox() -> None:
    with Client("http://sandbox.local", None, allow_insecure=True) as client:
        assert client.base_url == "http://sandbox.local"


def test_a_token_pasted_with_a_newline_is_used_without_it() -> None:
    portal = Portal(answer(200, {}))
    with Client("https://p.example.com", f" {TOKEN}\n", transport=httpx.MockTransport(portal)) as c:
        c.get("tabs")
    assert portal.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("token", [f"{TOKEN} x", f"{TOKEN}\nX-Evil: 1", f"{TOKEN}é", f'{TOKEN}"'])
def test_a_token_no_header_can_carry_is_refused_without_quoting_it(token: str) -> None:
    with pytest.raises(TargetError) as caught:
        Client("https://portal.example.com", token)
    assert "PRODUCTLIFT_TOKEN" in str(caught.value.hint)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in "".join(traceback.format_exception(caught.value))


# -- what is sent -----------------------------------------------------------------------------


def test_requests_carry_the_token_json_and_the_prefixed_path() -> None:
    client, portal = make(answer(201, {"data": {"id": 7}}), "https://portal.example.com/")
    assert client.request("POST", "groups/abc/users", json={"user_id": "u1"}) == {"data": {"id": 7}}
    sent = portal.requests[0]
    assert str(sent.url) == "https://portal.example.com/api/v1/groups/abc/users"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["content-type"] == "application/json"
    assert json.loads(sent.content) == {"user_id": "u1"}


def test_query_parameters_are_encoded() -> None:
    client, portal = make(answer(200, {"data": []}))
    client.get("users/find_by_email", {"email": "a+b@example.com"})
    assert portal.requests[0].url.params["email"] == "a+b@example.com"


def test_without_a_token_no_authorization_is_sent() -> None:
    client, portal = make(answer(200, {}), token=None)
    client.get("tabs")
    assert "authorization" not in portal.requests[0].headers


def test_requests_are_counted_by_method() -> None:
    client, _ = make(answer(200, {}))
    client.get("categories")
    client.get("tags")
    client.request("post", "tags", json={"tag": "x"})
    client.request("PATCH", "categories/1", json={})
    client.request("DELETE", "tags/abc")
    assert client.counts == {"GET": 2, "POST": 1, "PATCH": 1, "DELETE": 1}
    assert (client.retries, client.throttled, client.waited) == (0, 0, 0.0)


def test_each_request_is_logged_with_its_status_and_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]

    def slowly(request: httpx.Request) -> httpx.Response:
        now[0] += 0.012
        return httpx.Response(200, json={"data": []})

    client = Client(
        "https://portal.example.com",
        TOKEN,
        transport=httpx.MockTransport(slowly),
        clock=lambda: now[0],
    )
    with caplog.at_level(logging.INFO, logger="reconciler.http"):
        client.get("categories")
    assert caplog.messages == ["GET /api/v1/categories → 200 (12 ms)"]


# -- what is returned -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "parsed"),
    [(b"", None), (b"  \n", None), (b"{}", {}), (b'[1, "a"]', [1, "a"]), (b"null", None)],
)
def test_bodies_are_parsed_as_json(body: bytes, parsed: object) -> None:
    client, _ = make(answer(200, body, **{"content-type": "application/json"}))
    assert client.get("tags") == parsed


def test_a_204_gives_none() -> None:
    client, _ = make(lambda _: httpx.Response(204))
    assert client.request("DELETE", "tags/abc") is None


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"<!DOCTYPE html><html><body>Welcome to our portal</body></html>", "text/html"),
        (b"\x89PNG garbage", "image/png"),
        (b'{"data": [', "application/json"),
    ],
)
def test_a_2xx_that_is_not_json_is_a_bad_response(body: bytes, kind: str) -> None:
    client, _ = make(answer(200, body, **{"content-type": f"{kind}; charset=UTF-8"}))
    with pytest.raises(BadResponseError) as caught:
        client.get("categories")
    error = caught.value
    assert str(error).startswith(f"GET /api/v1/categories → 200: the portal answered {kind}, not")
    assert error.hint is not None
    assert "https://portal.example.com" in error.hint


def test_a_non_json_error_page_is_a_bad_response_with_its_status() -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    client, _ = make(answer(502, page, **{"content-type": "text/html"}))
    with pytest.raises(BadResponseError) as caught:
        client.get("categories")
    assert caught.value.status == 502
    assert "text/html" in str(caught.value)
    assert caught.value.hint == "the portal failed; try again"
    assert caught.value.retried


# -- how it fails ------------------------------------------------------------------------------


def test_a_422_lists_the_field_errors() -> None:
    body = {
        "message": "The given data was invalid.",
        "errors": {
            "name": ["The name has already been taken."],
            "color": ["The color format is invalid."],
        },
    }
    client, _ = make(answer(422, body))
    with pytest.raises(ApiError) as caught:
        client.request("POST", "categories", json={"name": "Bug"})
    error = caught.value
    assert str(error) == (
        "POST /api/v1/categories → 422: The given data was invalid. "
        "(name: The name has already been taken.; color: The color format is invalid.)"
    )
    assert error.errors == body["errors"]
    assert error.hint == "the portal refused the value; fix it in the spec"
    assert not error.retried


@pytest.mark.parametrize(
    ("code", "body", "message", "hint"),
    [
        (401, {"message": "Unauthenticated."}, "Unauthenticated.", "check PRODUCTLIFT_TOKEN"),
        (403, {"message": "Forbidden"}, "Forbidden", "lacks permission"),
        (404, {"message": "No query results"}, "No query results", "the resource is gone"),
        (404, None, "Not Found", "run plan again"),
        (409, ["odd"], "Conflict", None),
    ],
)
def test_errors_say_where_what_and_what_to_do(
    code: int, body: object, message: str, hint: str | None
) -> None:
    client, _ = make(answer(code, body if body is not None else b""))
    with pytest.raises(ApiError) as caught:
        client.request("PUT", "statuses/4", json={"name": "Planned"})
    error = caught.value
    assert str(error) == f"PUT /api/v1/statuses/4 → {code}: {message}"
    assert (error.method, error.path, error.status) == ("PUT", "/api/v1/statuses/4", code)
    if hint is None:
        assert error.hint is None
    else:
        assert error.hint is not None
        assert hint in error.hint


def test_a_redirect_is_an_error_naming_where_it_points() -> None:
    client, _ = make(answer(302, b"", location="https://portal.example.com/login"))
    with pytest.raises(ApiError) as caught:
        client.get("categories")
    assert str(caught.value).endswith("302: redirected to https://portal.example.com/login")
    assert caught.value.hint is not None
    assert "URL" in caught.value.hint


def test_the_token_appears_nowhere(caplog: pytest.LogCaptureFixture) -> None:
    def leaky(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/down"):
            raise httpx.ConnectError(f"refused for {request.headers['authorization']}")
        echoed = {"message": f"bad token {TOKEN}", "errors": {"token": [TOKEN]}}
        return httpx.Response(401, json=echoed)

    client, _ = make(leaky)
    failures: list[ApiError] = []
    with caplog.at_level(logging.DEBUG):
        for path in ("categories", "down"):
            with pytest.raises(ApiError) as caught:
                client.get(path)
            failures.append(caught.value)
    texts = [caplog.text, repr(client), str(vars(client))]
    for error in failures:
        texts += [str(error), repr(error), str(error.hint), *traceback.format_exception(error)]
        texts += [json.dumps(error.errors), json.dumps(error.body)]
    assert failures[1].status is None
    assert "refused for Bearer ***" in str(failures[1])
    for text in texts:
        assert TOKEN not in text


def test_closing_the_client_closes_its_connections() -> None:
    client, _ = make(answer(200, {}))
    with client:
        client.get("tabs")
    with pytest.raises(RuntimeError):
        client.get("tabs")
