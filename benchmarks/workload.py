"""Synthetic portals: a spec of N resources, the users it needs, and 1% drift.

A spec of ``size`` resources holds, of that total: 15% categories, 5% statuses, 30% tags,
25% sections (three levels deep, over the three sandbox tabs), 2.5% groups and the rest
(about 22.5%) group memberships, drawn from a pool of demo users created in the sandbox.
Everything is deterministic (seeded), so runs compare.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reconciler.providers.productlift.sandbox import Sandbox

TABS = ("roadmap", "wish-list", "changelog")
PALETTE = ("#ABDEE6", "#FFAEA5", "#FFC8A2", "#D4F0F0", "#CCE2CB", "#FED7C3", "#DCD9F8")
FANOUT = 4  # children per section, and grandchildren per child


@dataclass
class Workload:
    """One spec and what it takes: counts per kind, member emails, user pool size."""

    size: int
    spec: dict[str, Any]
    counts: dict[str, int]
    users: list[str] = field(default_factory=list)

    @property
    def groups_with_members(self) -> int:
        return sum(1 for g in self.spec["groups"] if g.get("members") is not None)

    def write(self, path: Path) -> Path:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(self.spec, Dumper=dumper, sort_keys=False), encoding="utf-8")
        return path


def _split(size: int) -> dict[str, int]:
    counts = {
        "categories": max(1, size * 15 // 100),
        "statuses": max(1, size * 5 // 100),
        "tags": max(1, size * 30 // 100),
        "sections": max(3, size * 25 // 100),
        "groups": max(1, size * 25 // 1000),
    }
    counts["memberships"] = size - sum(counts.values())
    return counts


def _sections(total: int) -> list[dict[str, Any]]:
    """``total`` sections as trees of one root, FANOUT children and FANOUT² grandchildren."""
    roots: list[dict[str, Any]] = []
    made = 0
    while made < total:
        n = len(roots)
        root: dict[str, Any] = {
            "title": f"Area {n:05d}",
            "tab": TABS[n % len(TABS)],
            "description": f"Work area {n}",
            "icon": "rocket",
            "color": PALETTE[n % len(PALETTE)],
        }
        made += 1
        kids = []
        for i in range(FANOUT):
            if made >= total:
                break
            child: dict[str, Any] = {"title": f"Stream {i}", "description": f"Stream {n}.{i}"}
            made += 1
            grandkids = []
            for j in range(FANOUT):
                if made >= total:
                    break
                grandkids.append({"title": f"Topic {j}", "hidden": False})
                made += 1
            if grandkids:
                child["sections"] = grandkids
            kids.append(child)
        if kids:
            root["sections"] = kids
        roots.append(root)
    return roots


def build(size: int, seed: int = 5) -> Workload:
    """The spec of ``size`` resources."""
    rng = random.Random(seed)
    counts = _split(size)
    groups = counts["groups"]
    per_group = max(1, counts["memberships"] // groups)
    pool = max(2 * per_group, counts["memberships"] // 2)
    users = [f"user{i:05d}@example.com" for i in range(pool)]
    members = [sorted(rng.sample(users, min(per_group, pool))) for _ in range(groups)]
    spare = counts["memberships"] - per_group * groups
    for i in range(spare):  # the remainder, one more member in the first groups
        extra = next(u for u in users if u not in members[i % groups])
        members[i % groups].append(extra)
    spec: dict[str, Any] = {
        "version": 1,
        "prune": False,
        "tabs": [{"slug": t} for t in TABS],
        "categories": [
            {"name": f"Category {i:05d}", "color": PALETTE[i % len(PALETTE)]}
            for i in range(counts["categories"])
        ],
        "statuses": [
            {"name": f"Status {i:05d}", "color": PALETTE[i % len(PALETTE)], "tab": TABS[i % 3]}
            for i in range(counts["statuses"])
        ],
        "tags": [f"tag-{i:05d}" for i in range(counts["tags"])],
        "sections": _sections(counts["sections"]),
        "groups": [
            {"name": f"Group {i:04d}", "description": f"Cohort {i}", "members": members[i]}
            for i in range(groups)
        ],
    }
    return Workload(size, spec, counts, users)


def seed_users(db: Path, emails: list[str]) -> None:
    """Create the demo users in the sandbox at ``db`` (in process, no rate limit)."""
    with Sandbox(db, rate_limit=None) as box:
        for email in emails:
            body = json.dumps({"email": email, "role": "member"}).encode()
            reply = box.handle("POST", "/api/v1/users", "", {}, body)
            if reply.status != 200:
                raise RuntimeError(f"cannot create user {email}: {reply.status} {reply.body!r}")


def drift(db: Path, share: float = 0.01, seed: int = 7) -> int:
    """Edit ``share`` of each kind's resources through the sandbox API; returns how many.

    Each edit makes exactly one planned change: a category or status colour, a section or
    group description, a tag renamed in the portal (the spec's tag is then created again,
    the renamed one left unmanaged), a member removed from a group (added back).
    """
    rng = random.Random(seed)
    edits = 0
    with Sandbox(db, rate_limit=None) as box:

        def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
            raw = json.dumps(body).encode() if body is not None else b""
            reply = box.handle(method, "/api/v1/" + path, "", {}, raw)
            if reply.status != 200:
                raise RuntimeError(f"{method} {path}: {reply.status} {reply.body!r}")
            return reply.json().get("data")

        def pick(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return rng.sample(items, max(1, round(len(items) * share))) if items else []

        for item in pick(call("GET", "categories")):
            call("PATCH", f"categories/{item['id']}", {"color": "#000001"})
            edits += 1
        for item in pick(call("GET", "statuses")):
            body = {"name": item["name"], "color": "#000001", "tab_id": item["tab_id"]}
            call("PUT", f"statuses/{item['id']}", body)
            edits += 1
        for item in pick(call("GET", "tags")):
            call("PUT", f"tags/{item['id']}", {"tag": item["tag"] + "-old"})
            edits += 1
        described = [s for s in call("GET", "sections") if s["description"]]  # managed there
        for item in pick(described):
            body = {"title": item["title"], "description": "edited by hand"}
            call("PUT", f"sections/{item['id']}", body)
            edits += 1
        groups = call("GET", "groups")
        for item in pick(groups):
            call("PUT", f"groups/{item['id']}", {"name": item["name"], "description": "edited"})
            edits += 1
        members = [(g, u) for g in groups for u in call("GET", f"groups/{g['id']}/users")]
        for group, user in rng.sample(members, max(1, round(len(members) * share))):
            call("DELETE", f"groups/{group['id']}/users", {"user_id": user["id"]})
            edits += 1
    return edits
