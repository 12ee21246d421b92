"""Auth strategies: what each puts on a request, combining them, and secrets never showing."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator

import httpx
import pytest

from reconciler.errors import ApiError, ReconcilerError, TargetError
from reconciler.http import (
    NO_AUTH,
    Bearer,
    Client,
    Combined,
    HeaderKey,
    QueryToken,
)

from .conftest import URL, MakeClient, Portal, ok

TOKEN = "ue+Tok/en=SeCrEt42"  # characters a query string encodes


def test_a_positional_token_is_a_bearer_token_under_api_v1(make: MakeClient) -> None:
    portal = Portal(ok())
    make(portal, token="pl_tok_1234").get("tabs")
    sent = portal.requests[0]
    assert str(sent.url) == f"{URL}/api/v1/tabs"
    assert sent.headers["authorization"] == "Bearer pl_tok_1234"


def test_a_token_and_an_auth_strategy_together_are_refused() -> None:
    with pytest.raises(TypeError):
        Client(URL, "tok", auth=HeaderKey("x-api-key", "key"))


def test_a_header_key_goes_in_its_header_only(make: MakeClient) -> None:
    portal = Portal(ok())
    make(portal, auth=HeaderKey("x-api-key", "abc-key-1234"), api_prefix="/api").get("x")
    sent = portal.requests[0]
    assert sent.headers["x-api-key"] == "abc-key-1234"
    assert "authorization" not in sent.headers
    assert sent.url.path == "/api/x"


def test_a_query_token_is_added_to_every_request_with_the_callers_parameters(
    make: MakeClient,
) -> None:
    portal = Portal(ok())
    client = make(portal, auth=QueryToken("access_token", TOKEN), api_prefix="/api/v2")
    client.get("users.json", {"page": 2})
    client.request("POST", "forums.json", json={"name": "Feedback"})
    for sent in portal.requests:
        assert sent.url.params["access_token"] == TOKEN
        assert "authorization" not in sent.headers
    assert portal.requests[0].url.params["page"] == "2"


def test_a_request_can_choose_its_own_auth(make: MakeClient) -> None:
    key = HeaderKey("x-api-key", "abc-key-1234")
    admin = key + Bearer("admin-jwt-5678")
    portal = Portal(ok())
    client = make(portal, auth=key)
    client.get("projects/1/categories")
    client.get("admin/projects/1/channels", auth=admin)
    client.get("health", auth=NO_AUTH)
    public, private, bare = portal.requests
    assert public.headers["x-api-key"] == "abc-key-1234"
    assert "authorization" not in public.headers
    assert private.headers["x-api-key"] == "abc-key-1234"
    assert private.headers["authorization"] == "Bearer admin-jwt-5678"
    assert "x-api-key" not in bare.headers
    assert isinstance(admin, Combined)
    assert len(admin.parts) == 2


@pytest.mark.parametrize(
    "strategy",
    [
        lambda t: QueryToken("access_token", t, hint="copy USERECHO_TOKEN again"),
        lambda t: HeaderKey("x-api-key", t, hint="copy USERECHO_TOKEN again"),
    ],
)
def test_a_pasted_token_with_a_newline_inside_is_refused_with_the_given_hint(
    strategy: Callable[[str], object],
) -> None:
    with pytest.raises(TargetError) as caught:
        strategy(f"{TOKEN}\nX-Evil: 1")
    assert caught.value.hint == "copy USERECHO_TOKEN again"
    assert TOKEN not in str(caught.value)


# -- the query token never shows ----------------------------------------------------------------


def chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def echo(request: httpx.Request) -> httpx.Response:
    """Fails in the ways a portal can, each quoting the request's URL (token included)."""
    url = str(request.url)
    kind = request.url.path.rsplit("/", 1)[-1]
    if kind == "refused":
        raise httpx.ConnectError(f"cannot connect for {url}", request=request)
    if kind == "reset":
        raise httpx.ReadError(f"reset while reading {url}", request=request)
    if kind == "slow":
        raise httpx.ReadTimeout(f"timed out reading {url}", request=request)
    if kind == "weird":
        raise httpx.UnsupportedProtocol(f"odd {url}", request=request)
    if kind == "html":
        return httpx.Response(200, text=f"<html>{url}</html>")
    if kind == "moved":
        return httpx.Response(302, headers={"location": url})
    code = int(kind)
    return httpx.Response(code, json={"message": f"bad {url}", "errors": {"token": [url]}})


@pytest.mark.parametrize(
    "path", ["refused", "reset", "slow", "weird", "html", "moved", "401", "422", "500"]
)
def test_a_query_token_shows_in_no_error_log_or_repr(
    make: MakeClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    auth = QueryToken("access_token", TOKEN)
    client = make(Portal(echo), auth=auth, max_attempts=2)
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger="reconciler.http"),
        pytest.raises(ReconcilerError) as caught,
    ):
        client.get(path)
    texts = [caplog.text, repr(client), str(vars(client)), repr(auth), str(vars(auth))]
    for error in chain(caught.value):
        texts += [str(error), repr(error), *traceback.format_exception(error)]
        texts += [repr(getattr(error, "hint", "")), repr(vars(error))]
    if isinstance(caught.value, ApiError):
        texts += [json.dumps(caught.value.body), json.dumps(caught.value.errors)]
    assert "httpx" not in {type(e).__module__.split(".")[0] for e in chain(caught.value)}
    forms = {TOKEN, "ue%2BTok", "SeCrEt42"}
    assert [(form, text) for text in texts for form in forms if form in text] == []
    assert "***" in str(caught.value) or path in ("slow", "reset", "500", "html")


def test_the_httpx_request_log_does_not_show_a_query_token(
    make: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make(Portal(ok()), auth=QueryToken("access_token", TOKEN))
    with caplog.at_level(logging.DEBUG):
        client.get("forums.json")
    assert any(r.name == "httpx" for r in caplog.records)  # httpx did log the URL...
    assert "SeCrEt42" not in caplog.text  # ...masked
