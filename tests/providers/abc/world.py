"""The ABC provider over an in-process sandbox, for the engine tests.

``World`` holds one sandbox (the ``box`` fixture: in memory, a fake clock), the provider the
engine drives, and a signed-in httpx client for editing the project by hand (as someone in the
admin web page would). Specs go through the real loader, from a dict of kinds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import yaml

from reconciler.engine import Applied, apply_plan, build_plan
from reconciler.loader import parse_spec
from reconciler.plan import Plan
from reconciler.providers.abc import Abc
from reconciler.providers.abc.client import public_client
from reconciler.providers.abc.reading import Credentials
from reconciler.providers.abc.sandbox import ADMIN_EMAIL, AbcSandbox
from reconciler.providers.abc.tokens import unseal
from reconciler.sandbox.faults import WRITE_METHODS, Decision, Fault

from .helpers import API_KEY, PASSWORD, bearer, connect, sign_in

P = "/api/projects/{projectId}/"
A = "/api/admin/projects/{projectId}/"


def spec_text(kinds: Mapping[str, Any]) -> str:
    return yaml.safe_dump({"version": 1, "provider": "abc", **kinds}, sort_keys=False)


def open_portal(box: AbcSandbox, key: str = API_KEY, password: str = PASSWORD) -> Abc:
    """The provider on ``box``, in process, with fast retries."""
    options: dict[str, Any] = {
        "transport": box.transport(), "allow_insecure": True, "backoff_base": 0.001,
    }  # fmt: skip
    client = public_client("http://abc.local", key, **options)
    once = public_client("http://abc.local", key, max_attempts=2, **options)
    return Abc(client, "sandbox:test", Credentials(key, ADMIN_EMAIL, password), once=once)


class LoseWrites:
    """Faults for the sandbox: the ``lose``-th writes from now (1-based) are performed, then
    their answer is lost; everything else is answered normally."""

    latency = 0.0
    timeout_delay = 0.0
    active = True

    def __init__(self, *lose: int) -> None:
        self.lose = set(lose)
        self.writes = 0

    def decide(self, method: str) -> Decision:
        if method.upper() not in WRITE_METHODS:
            return Decision()
        self.writes += 1
        return Decision(Fault.LOSE) if self.writes in self.lose else Decision()


class World:
    def __init__(self, box: AbcSandbox) -> None:
        self.box = box
        self.portal = open_portal(box)

    def spec(self, kinds: Mapping[str, Any]) -> Any:
        return parse_spec(spec_text(kinds), "portal.yaml").spec

    def plan(self, kinds: Mapping[str, Any]) -> Plan:
        return build_plan(self.spec(kinds), self.portal)

    def apply(self, kinds: Mapping[str, Any], **options: Any) -> list[Applied]:
        return apply_plan(self.plan(kinds), self.portal, **options)

    def converge(self, kinds: Mapping[str, Any]) -> Plan:
        """Apply ``kinds``; the plan made afterwards must be empty. Returns the applied plan."""
        plan = self.plan(kinds)
        apply_plan(plan, self.portal)
        again = self.plan(kinds)
        assert again.changes == (), [c.as_json() for c in again.changes]
        return plan

    def writes(self, method: str, template: str) -> int:
        return self.box.writes[(method, template)]

    def changed(self) -> int:
        """Writes that changed something (searches and sign-ins are POSTs too)."""
        return sum(
            n for (_, path), n in self.box.writes.items() if not path.endswith(("search", "email"))
        )

    @contextmanager
    def hand(self) -> Iterator[httpx.Client]:
        """A client of someone editing the project by hand (API key and admin token)."""
        with connect(self.box, "inprocess") as client:
            client.headers["x-api-key"] = API_KEY
            client.headers.update(bearer(sign_in(client)["accessToken"]))
            yield client

    def rows(self, table: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.box.store.all(f"SELECT * FROM {table} ORDER BY rowid")]


def sealed(stored: Any, token: str) -> bool:
    """Whether the sandbox stored ``token`` as it must: sealed, never in clear."""
    return bool(stored != token and unseal(stored, [token]) == token)


def changes(plan: Plan) -> list[tuple[str, str, str]]:
    return [(c.action.value, c.kind, c.name) for c in plan.changes]


WEB_FIELDS: list[dict[str, Any]] = [
    {"key": "message", "name": "Message", "format": "text"},
    {
        "key": "severity",
        "name": "Severity",
        "format": "select",
        "options": [{"key": "low", "name": "Low"}, {"key": "high", "name": "High"}],
    },
]
BASE: dict[str, Any] = {
    "categories": [{"name": "Payments"}],
    "issues": [
        {
            "name": "Card declined",
            "description": "Cards fail",
            "status": "IN_PROGRESS",
            "external_id": "JIRA-1",
            "category": "Payments",
        }
    ],
    "channels": [
        {
            "name": "Web",
            "description": "Widget",
            "feedback_search_max_days": 30,
            "fields": WEB_FIELDS,
        }
    ],
    "webhooks": [
        {
            "name": "Relay",
            "url": "https://hooks.example.com/abc",
            "events": [{"type": "FEEDBACK_CREATION", "channels": ["Web"]}],
            "token": "abcdefghijklmnop1234",
        }
    ],
}


def edit(**kinds: Any) -> dict[str, Any]:
    return {**BASE, **kinds}
