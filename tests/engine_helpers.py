"""A ProductLift provider over an in-process sandbox, for the engine tests.

``Portal`` holds one sandbox (``:memory:`` unless a path is given), the provider the engine
drives, and a plain httpx client for editing the portal by hand (as someone in the portal's
admin would). Specs go through the real loader (``parse_spec``), from YAML text or a dict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml

from reconciler.engine import Applied, apply_plan, build_plan
from reconciler.loader import parse_spec
from reconciler.plan import Plan
from reconciler.providers.productlift import ProductLift
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.sandbox import Faults, Sandbox
from reconciler.providers.productlift.spec import Spec
from reconciler.sandbox.faults import WRITE_METHODS

TARGET = "sandbox:engine-test"
# one resource of every kind, with every attribute set
TABS: list[dict[str, str]] = [{"slug": "roadmap"}, {"slug": "wish-list"}]
BASE: dict[str, Any] = {
    "tabs": TABS,
    "categories": [{"name": "Bug", "color": "#ABDEE6"}],
    "statuses": [{"name": "Planned", "color": "#B3E5FC", "tab": "roadmap"}],
    "tags": ["editor"],
    "sections": [
        {
            "title": "Now",
            "tab": "roadmap",
            "description": "This quarter",
            "icon": "rocket",
            "color": "#FF7043",
            "hidden": False,
        }
    ],
    "groups": [{"name": "Beta", "description": "Early access", "members": ["alice@example.com"]}],
}


def edit(**kinds: Any) -> dict[str, Any]:
    """BASE with some kinds replaced."""
    return {**BASE, **kinds}


Row = tuple[str, str, str]


class _NoAliases(yaml.SafeDumper):
    """Writes a value used twice out twice: the loader refuses YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def spec_of(doc: str | Mapping[str, Any]) -> Spec:
    """A validated spec from YAML text or a dict (``version: 1`` added when missing)."""
    if not isinstance(doc, str):
        doc = yaml.dump({"version": 1, **doc}, Dumper=_NoAliases, sort_keys=False)
    spec = parse_spec(doc, "portal.yaml").spec
    assert isinstance(spec, Spec)
    return spec


class BreakAfter(httpx.BaseTransport):
    """Wraps a transport: after ``writes`` writes, every write answers 503 (``Retry-After: 0``,
    so the client's retries cost no time) until ``broken`` is switched off."""

    def __init__(self, inner: httpx.BaseTransport, writes: int) -> None:
        self.inner, self.left, self.broken = inner, writes, True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in WRITE_METHODS and self.broken:
            if self.left <= 0:
                return httpx.Response(
                    503,
                    json={"message": "Service Unavailable"},
                    headers={"Retry-After": "0"},
                    request=request,
                )
            self.left -= 1
        return self.inner.handle_request(request)


class Portal:
    """One sandbox portal, a provider on it, and a hand-editing client ``raw``."""

    def __init__(
        self,
        db: str | Path = ":memory:",
        *,
        wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
        max_attempts: int = 8,
    ) -> None:
        self.box = Sandbox(db, rate_limit=None)
        transport = self.box.transport()
        self.transport = wrap(transport) if wrap else transport
        self.client = Client(
            "http://sandbox.local",
            None,
            transport=self.transport,
            allow_insecure=True,
            backoff_base=0.01,
            max_attempts=max_attempts,
            sleep=lambda seconds: None,  # no real clock: retries are immediate
        )
        self.provider = ProductLift(self.client, TARGET)
        self.raw = httpx.Client(
            base_url="http://sandbox.local/api/v1/", transport=self.box.transport()
        )

    def close(self) -> None:
        self.raw.close()
        self.provider.close()
        self.box.close()

    # -- the engine --------------------------------------------------------------------------

    def plan(self, doc: str | Mapping[str, Any] | Spec) -> Plan:
        return build_plan(doc if isinstance(doc, Spec) else spec_of(doc), self.provider)

    def apply(self, doc: str | Mapping[str, Any] | Spec) -> Plan:
        """Plan and apply; returns the plan that was applied."""
        plan = self.plan(doc)
        apply_plan(plan, self.provider)
        return plan

    def run(self, plan: Plan) -> list[Applied]:
        return apply_plan(plan, self.provider)

    # -- the portal by hand ------------------------------------------------------------------

    def get(self, path: str) -> Any:
        response = self.raw.get(path)
        response.raise_for_status()
        return response.json()["data"]

    def send(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        response = self.raw.request(method, path, json=dict(body) if body is not None else None)
        response.raise_for_status()
        return response.json().get("data") if response.content else None

    def add(self, path: str, **body: Any) -> Any:
        return self.send("POST", path, body)

    def names(self, path: str, field: str = "name") -> list[str]:
        return sorted(str(item[field]) for item in self.get(path))

    def sections(self) -> dict[str, dict[str, Any]]:
        """Every section by ``TAB/PARENT/.../TITLE`` path (tab by slug)."""
        items = self.get("sections")
        tabs = {t["id"]: t["slug"] for t in self.get("tabs")}
        by_id = {s["id"]: s for s in items}

        def path(item: dict[str, Any]) -> str:
            parent = by_id.get(item["parent_id"])
            return str((path(parent) if parent else tabs[item["tab_id"]]) + "/" + item["title"])

        return {path(s): s for s in items}

    def children(self, parent: str | None, tab: str = "roadmap") -> list[str]:
        """Titles of a section's children (top-level sections of ``tab`` for None), in the
        portal's order."""
        every = self.sections()
        parent_id = every[parent]["id"] if parent else None
        tab_id = {t["slug"]: t["id"] for t in self.get("tabs")}[tab]
        kids = [
            s
            for s in every.values()
            if s["parent_id"] == parent_id and (parent or s["tab_id"] == tab_id)
        ]
        return [s["title"] for s in sorted(kids, key=lambda s: (s["order"], s["id"]))]

    def members(self, group: str) -> list[str]:
        [found] = [g for g in self.get("groups") if g["name"] == group]
        return sorted(u["email"] for u in self.get(f"groups/{found['id']}/users"))

    def add_user(self, email: str) -> str:
        return str(self.add("users", email=email, role="member")["id"])

    # -- what reached the portal -------------------------------------------------------------

    def reset_stats(self) -> None:
        self.box.stats.clear()
        self.box.writes.clear()

    def gets(self) -> Counter[str]:
        """GET requests received by path template (``/api/v1/`` left out)."""
        out: Counter[str] = Counter()
        for (method, path), n in self.box.stats.items():
            if method == "GET":
                out[path.removeprefix("/api/v1/")] += n
        return out

    def write_requests(self) -> int:
        """Write requests received (performed or not)."""
        return sum(n for (m, _), n in self.box.stats.items() if m in WRITE_METHODS)

    def writes(self) -> int:
        """Writes performed (2xx), including those whose answer a fault lost."""
        return sum(self.box.writes.values())

    def faults(self, faults: Faults | None) -> None:
        self.box.faults = faults


def rows(plan: Plan) -> list[Row]:
    """The plan as (action, kind, name) rows, in apply order."""
    return [(c.action.value, c.kind, c.name) for c in plan.changes]


def change(plan: Plan, kind: str, name: str) -> Any:
    [found] = [c for c in plan.changes if c.kind == kind and c.name == name]
    return found
