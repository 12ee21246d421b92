"""``--verbose``: each request's shape at DEBUG on ``reconciler.http``, never a secret's value."""

from __future__ import annotations

import logging

import pytest

from reconciler.http import HeaderKey, QueryToken

from .conftest import MakeClient, Portal, ok


def test_debug_shows_method_path_auth_kind_and_body_keys(
    make: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make(Portal(ok()), auth=HeaderKey("x-api-key", "abc-key-0001"), api_prefix="/api")
    body = {"name": "Slack relay", "token": "whsec-0123456789abcdef", "events": []}
    with caplog.at_level(logging.DEBUG, logger="reconciler.http"):
        client.request("POST", "admin/projects/1/webhooks", json=body)
        client.get("projects/1/categories", {"limit": 100})
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert debug == [
        "POST /api/admin/projects/1/webhooks (x-api-key header; body {name, token, events})",
        "GET /api/projects/1/categories?limit=100 (x-api-key header; body none)",
    ]
    assert "whsec-0123456789abcdef" not in caplog.text
    assert "Slack relay" not in caplog.text


def test_a_query_token_is_not_in_the_debug_line(
    make: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = make(Portal(ok()), auth=QueryToken("access_token", "ue-t0ken-9876"))
    with caplog.at_level(logging.DEBUG, logger="reconciler.http"):
        client.get("forums.json", {"page": 1})
    assert (
        caplog.messages[0]
        == "GET /api/v1/forums.json?page=1 (access_token query parameter; body none)"
    )
    assert "ue-t0ken-9876" not in caplog.text


def test_without_debug_the_shape_is_not_logged(
    make: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="reconciler.http"):
        make(Portal(ok())).request("POST", "tags", json={"tag": "x"})
    assert caplog.messages == ["POST /api/v1/tags → 200 (0 ms)"]
