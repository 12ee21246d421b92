"""The sandbox as the reliability suites see it: faults on a fake clock, and direct reads.

:class:`FaultyPortal` stands in for ``reconciler.connect.open_provider``: each CLI run gets a
fresh Sandbox on the same SQLite file, with seeded faults and an optional rate limit, and a
real ProductLift :class:`~reconciler.providers.productlift.client.Client` whose sleeps
advance a fake clock (so a 60 s window costs nothing). Everything it injected and every
write the portal performed is counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from reconciler.connect import Target
from reconciler.providers.productlift import ProductLift
from reconciler.providers.productlift.client import Client
from reconciler.providers.productlift.sandbox import Faults, Sandbox

Ids = dict[str, list[Any]]


class FakeClock:
    """Monotonic seconds that move only when someone sleeps."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


class FaultyPortal:
    """Opens a provider per run on ``db``; ``faults`` like ``"error=0.2"`` ('' for none)."""

    def __init__(
        self,
        db: Path,
        faults: str = "",
        seed: int = 0,
        rate_limit: int | None = None,
        window: float = 60.0,
    ) -> None:
        self.db, self.faults, self.seed = db, faults, seed
        self.rate_limit, self.window = rate_limit, window
        self.clock = FakeClock()
        self.boxes: list[Sandbox] = []
        self.clients: list[Client] = []

    def open_provider(
        self, target: Target, env: Any = None, product: Any = None, spec: Any = None
    ) -> ProductLift:
        run = len(self.boxes)
        faults = (
            Faults.parse(f"{self.faults},seed={self.seed * 1000 + run}") if self.faults else None
        )
        box = Sandbox(
            self.db,
            rate_limit=self.rate_limit,
            window=self.window,
            faults=faults,
            clock=self.clock,
        )
        client = Client(
            "http://sandbox.local",
            None,
            transport=box.transport(),
            allow_insecure=True,
            sleep=self.clock.sleep,
            clock=self.clock,
        )
        self.boxes.append(box)
        self.clients.append(client)
        return ProductLift(client, target.url, closers=(box.close,))

    @property
    def faulted(self) -> Counter[str]:
        return sum((box.faulted for box in self.boxes), Counter())

    @property
    def writes(self) -> Counter[tuple[str, str]]:
        return sum((box.writes for box in self.boxes), Counter())

    @property
    def throttled(self) -> int:
        return sum(client.throttled for client in self.clients)

    @property
    def retries(self) -> int:
        return sum(client.retries for client in self.clients)


@contextmanager
def direct(db: Path) -> Iterator[httpx.Client]:
    """The portal in ``db`` without faults or limits, as someone editing it by hand."""
    box = Sandbox(db, rate_limit=None)
    try:
        with httpx.Client(base_url="http://sandbox.local/api/v1", transport=box.transport()) as c:
            yield c
    finally:
        box.close()


def data(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    response.raise_for_status()
    return response.json()["data"]


def post(client: httpx.Client, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, json=body)
    assert response.status_code < 300, response.text
    return response.json().get("data")


def everything(db: Path) -> dict[str, Any]:
    """Every resource of the portal, as the API lists it; members by group id."""
    with direct(db) as api:
        found = {
            path: data(api, path)
            for path in ("categories", "statuses", "tags", "groups", "sections")
        }
        found["members"] = {
            g["id"]: [u["email"] for u in data(api, f"groups/{g['id']}/users")]
            for g in found["groups"]
        }
    return found


def seed_unmanaged(db: Path) -> Ids:
    """Resources no spec of these suites names; returns their ids by collection."""
    with direct(db) as api:
        tabs = {t["slug"]: t["id"] for t in data(api, "tabs")}
        users = {u["email"]: u["id"] for u in data(api, "users", limit=100)}
        archive = post(api, "sections", {"title": "Archive", "tab_id": tabs["changelog"]})
        child = post(
            api,
            "sections",
            {"title": "2019", "tab_id": tabs["changelog"], "parent_id": archive["id"]},
        )
        group = post(api, "groups", {"name": "Staff only", "description": "not in any spec"})
        post(api, f"groups/{group['id']}/users", {"user_id": users["dave@example.com"]})
        return {
            "categories": [
                post(api, "categories", {"name": "Legacy bucket", "color": "#123456"})["id"]
            ],
            "statuses": [
                post(
                    api,
                    "statuses",
                    {"name": "Old status", "color": "#654321", "tab_id": tabs["roadmap"]},
                )["id"]
            ],
            "tags": [post(api, "tags", {"tag": "legacy-only"})["id"]],
            "sections": [archive["id"], child["id"]],
            "groups": [group["id"]],
        }


def unmanaged_view(db: Path, ids: Ids) -> dict[str, Any]:
    """The seeded unmanaged resources as they are now (every field), and the group's members."""
    now = everything(db)
    view: dict[str, Any] = {
        path: sorted((r for r in now[path] if r["id"] in wanted), key=lambda r: str(r["id"]))
        for path, wanted in ids.items()
    }
    view["members"] = {g: now["members"].get(g) for g in ids["groups"]}
    return view


def duplicates(db: Path) -> list[str]:
    """Identities held by more than one resource (names compare case-insensitively)."""
    now = everything(db)
    seen: Counter[str] = Counter()
    for path, field in (
        ("categories", "name"),
        ("statuses", "name"),
        ("tags", "tag"),
        ("groups", "name"),
    ):
        seen.update(f"{path}:{r[field].casefold()}" for r in now[path])
    seen.update(
        f"sections:{s['tab_id']}/{s['parent_id']}/{s['title'].casefold()}" for s in now["sections"]
    )
    for group, emails in now["members"].items():
        seen.update(f"member:{group}/{e.casefold()}" for e in emails)
    return sorted(name for name, n in seen.items() if n > 1)
