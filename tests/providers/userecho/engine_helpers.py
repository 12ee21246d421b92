"""A UserEcho provider over an in-process sandbox, for the engine tests.

``Portal`` holds one sandbox (``:memory:``), the provider the engine drives, and a plain
httpx client ``raw`` for editing the portal by hand (as an admin in UserEcho would). Specs
go through the real loader (``parse_spec``), from a dict (``version`` and ``provider`` added).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import yaml

from reconciler.engine import Applied, apply_plan, build_plan
from reconciler.http import NO_AUTH, Client
from reconciler.loader import parse_spec
from reconciler.plan import Plan
from reconciler.providers.userecho.api import DIALECT, Api
from reconciler.providers.userecho.sandbox import UserEchoSandbox
from reconciler.providers.userecho.spec import Spec
from reconciler.providers.userecho.writing import UserEcho
from reconciler.sandbox.faults import WRITE_METHODS, Faults

TARGET = "sandbox:engine-test"
Row = tuple[str, str, str]
# one resource of every kind, with every attribute set
BASE: dict[str, Any] = {
    "forums": [
        {
            "name": "Feedback",
            "type": "PUBLIC",
            "locale": "en",
            "allow_anonymous_votes": False,
            "categories": [{"name": "Bugs"}, {"name": "Ideas"}],
            "tags": ["mobile", "billing"],
        },
        {
            "name": "Beta",
            "type": "PRIVATE",
            "categories": [{"name": "Early"}],
            "access_list": ["alice@example.com", "bob@example.com"],
        },
    ],
    "groups": [
        {"name": "Customers", "vote_weight": 2, "vote_count": 10, "members": ["alice@example.com"]},
        {"name": "Staff", "vote_count": None, "members": ["erin@example.com", "dave@example.com"]},
    ],
    "webhooks": [{"event": "topic.created", "target_url": "https://hooks.example.com/ue"}],
}


def spec_of(doc: Mapping[str, Any]) -> Spec:
    """A validated spec from a dict (``version: 1`` and ``provider: userecho`` added)."""
    text = yaml.safe_dump({"version": 1, "provider": "userecho", **doc}, sort_keys=False)
    spec = parse_spec(text, "portal.yaml").spec
    assert isinstance(spec, Spec)
    return spec


def edit(**kinds: Any) -> dict[str, Any]:
    """A deep copy of BASE with some top-level keys replaced."""
    copy: dict[str, Any] = yaml.safe_load(yaml.safe_dump(BASE))
    return {**copy, **kinds}


class Portal:
    """One in-memory sandbox, a provider on it, and a hand-editing client ``raw``."""

    def __init__(
        self,
        *,
        wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
        max_attempts: int = 8,
        errors_as_200: bool = False,
    ) -> None:
        self.box = UserEchoSandbox(":memory:", require_token=False, errors_as_200=errors_as_200)
        inner = self.box.transport()
        self.transport = wrap(inner) if wrap else inner
        self.client = Client(
            "http://sandbox.local",
            auth=NO_AUTH,
            api_prefix="/api/v2",
            dialect=DIALECT,
            transport=self.transport,
            allow_insecure=True,
            backoff_base=0.01,
            max_attempts=max_attempts,
            sleep=lambda seconds: None,  # no real clock: retries are immediate
        )
        self.provider = UserEcho(Api(self.client), TARGET, pace_from_spec=False)
        self.raw = httpx.Client(
            base_url="http://sandbox.local/api/v2/", transport=self.box.transport()
        )

    def close(self) -> None:
        self.raw.close()
        self.provider.close()
        self.box.close()

    # -- the engine --------------------------------------------------------------------------

    def plan(self, doc: Mapping[str, Any] | Spec) -> Plan:
        return build_plan(doc if isinstance(doc, Spec) else spec_of(doc), self.provider)

    def apply(self, doc: Mapping[str, Any] | Spec) -> Plan:
        """Plan and apply; returns the plan that was applied."""
        plan = self.plan(doc)
        apply_plan(plan, self.provider)
        return plan

    def run(self, plan: Plan) -> list[Applied]:
        return apply_plan(plan, self.provider)

    # -- the portal by hand ------------------------------------------------------------------

    def get(self, command: str, **params: Any) -> Any:
        response = self.raw.get(f"{command}.json", params={"limit": 100, **params})
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        return body["data"]

    def send(self, method: str, command: str, body: Mapping[str, Any] | None = None) -> Any:
        response = self.raw.request(method, f"{command}.json", json=body)
        response.raise_for_status()
        answer = response.json()
        assert answer["status"] == "success", answer
        return answer["data"]

    def forum(self, name: str) -> dict[str, Any]:
        [found] = [f for f in self.get("forums") if f["name"] == name]
        return dict(found)

    def names(self, command: str) -> list[str]:
        return sorted(str(item["name"]) for item in self.get(command))

    def children(self, forum: str, kind: str) -> list[str]:
        """Names of a forum's ``categories`` or ``tags``, or its ``access_list`` emails."""
        items = self.get(f"forums/{self.forum(forum)['id']}/{kind}")
        return sorted(i if isinstance(i, str) else i["name"] for i in items)

    def members(self, group: str) -> list[str]:
        return sorted(
            u["email"] for u in self.get("users") if any(g["name"] == group for g in u["groups"])
        )

    def user_id(self, email: str) -> int:
        [found] = [u["id"] for u in self.get("users") if u["email"] == email]
        return int(found)

    def hooks(self) -> list[tuple[str, str]]:
        return sorted((h["event"], h["target_url"]) for h in self.get("hooks"))

    # -- what reached the portal -------------------------------------------------------------

    def faults(self, faults: Faults | None) -> None:
        self.box.faults = faults

    def posts(self) -> dict[str, int]:
        """Creates the portal performed, by command (lost answers included)."""
        return {
            path.removeprefix("/api/v2/"): n
            for (method, path), n in self.box.writes.items()
            if method == "POST"
        }

    def write_requests(self) -> int:
        return sum(n for (m, _), n in self.box.stats.items() if m in WRITE_METHODS)

    def reads(self) -> Counter[str]:
        return Counter(
            {p.removeprefix("/api/v2/"): n for (m, p), n in self.box.stats.items() if m == "GET"}
        )

    def reset_stats(self) -> None:
        self.box.stats.clear()
        self.box.writes.clear()


def rows(plan: Plan) -> list[Row]:
    """The plan as (action, kind, name) rows, in apply order."""
    return [(c.action.value, c.kind, c.name) for c in plan.changes]
