"""Webhook URLs: the spec refuses, located, exactly what the server's ``@IsUrl()`` refuses
(validator.js ``isURL``, defaults), and the sandbox refuses the same. The verdicts below are
validator.js 13.15's own."""

from __future__ import annotations

import json

import httpx
import pytest

from reconciler.errors import SpecError
from reconciler.loader import parse_spec

HOOKS = "/api/admin/projects/1/webhooks"
REFUSED = [
    "http://localhost/x",
    "http://localhost:8080/hook",
    "https://intranet/hook",
    "http://exa_mple.com/x",
    "http://-a.example.com/",
    "http://example.com./x",
    "http://example.c/x",
    "http://example.123/x",
    "http://1.2.3.256/x",
    "http://example.com:0/x",
    "http://example.com:65536/x",
    "http://@example.com/",
    "http://a:b:c@example.com/",
    "http://[zz]/",
    "http://\uff45xample.com/",
    "http://" + "a" * 64 + ".com/",
]
ACCEPTED = [
    "http://127.0.0.1/hook",
    "https://hooks.example.com/abc",
    "http://[::1]:8080/x",
    "http://user:pw@hooks.example.com/x",
    "http://xn--80ak6aa92e.com/",
    "http://\u4f8b\u3048.\u30c6\u30b9\u30c8/",
    "https://hooks.example.com:65535/x?a=1#f",
    "http://example.com:/x",
]


def _spec(url: str) -> str:
    return (
        "version: 1\nprovider: abc\nwebhooks:\n  - name: H\n"
        f"    url: {json.dumps(url)}\n    events: [{{type: ISSUE_CREATION}}]\n"
    )


@pytest.mark.parametrize("url", REFUSED)
def test_validate_refuses_what_the_server_refuses_located(url: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(_spec(url), "abc.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (5, 10)
    assert problem.message.startswith("webhook url '"), problem.message
    assert "would be refused by the server" in problem.message


def test_the_message_says_why() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(_spec("http://localhost/x"), "abc.yaml")
    assert "host 'localhost' is no IP address and no domain name with a top-level domain" in str(
        caught.value.problems[0].message
    )


@pytest.mark.parametrize("url", ACCEPTED)
def test_validate_accepts_what_the_server_accepts(url: str) -> None:
    assert len(parse_spec(_spec(url), "abc.yaml").spec.webhooks) == 1


@pytest.mark.parametrize(
    ("url", "status"), [*((u, 400) for u in REFUSED), *((u, 201) for u in ACCEPTED)]
)
def test_the_sandbox_agrees(admin: httpx.Client, url: str, status: int) -> None:
    body = {
        "name": "H",
        "url": url,
        "status": "ACTIVE",
        "events": [{"type": "ISSUE_CREATION", "status": "ACTIVE", "channelIds": []}],
    }
    answer = admin.post(HOOKS, json=body)
    assert answer.status_code == status, answer.text
    if status == 400:
        assert answer.json()["message"] == ["url must be a URL address"]
