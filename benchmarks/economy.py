"""How many requests a run needs at least, and how many a generic REST provider would send.

Lower bound on reads (what any client must read to plan): one GET per collection (tabs,
categories, statuses, tags, groups, sections), one member list per group whose membership
the spec manages and that exists in the portal, and, for member emails seen in no member
list, the users behind them: one ``find_by_email`` each or pages of 100 users, whichever is
fewer. The sandbox lists child sections with the roots, so no children reads are needed.

The baseline is a generic REST provider as Terraform's are written: it lists each collection
once, refreshes every resource it manages with one GET each, except memberships: it reads
each group's member list once (as a real provider would), looks up each member's user once
per run (a ``productlift_user`` data source per email), and reads each resource back after
writing it (the SDK's Read after Create/Update).
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from workload import Workload

COLLECTIONS = 6
PAGE = 100
RATE = 60  # requests a minute: the budget the portal's docs show
RTT = 0.25  # seconds per request assumed for a real portal, for projections


def read_lower_bound(db: Path, work: Workload) -> int:
    """The fewest reads a plan of ``work`` against the sandbox at ``db`` can make."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        groups = {g["name"].casefold() for g in work.spec["groups"] if g.get("members") is not None}
        existing = {row[0]: row[1] for row in conn.execute("SELECT name_key, id FROM user_groups")}
        managed = [existing[g] for g in groups if g in existing]
        seen: set[str] = set()
        for group_id in managed:
            rows = conn.execute(
                "SELECT u.email_key FROM group_users AS m JOIN users AS u ON u.id = m.user_id"
                " WHERE m.group_id = ?",
                (group_id,),
            )
            seen.update(r[0] for r in rows)
        wanted = {m for g in work.spec["groups"] for m in g.get("members") or ()}
        missing = sorted(wanted - seen)
        lookups = 0
        if missing:
            marks = ",".join("?" * len(missing))
            rank = conn.execute(
                f"SELECT COUNT(*) FROM users WHERE seq <= "
                f"(SELECT MAX(seq) FROM users WHERE email_key IN ({marks}))",
                missing,
            ).fetchone()[0]
            lookups = min(len(missing), math.ceil(rank / PAGE))
    finally:
        conn.close()
    return COLLECTIONS + len(managed) + lookups


@dataclass(frozen=True)
class Baseline:
    reads: int
    writes: int

    @property
    def requests(self) -> int:
        return self.reads + self.writes


def baseline(work: Workload, writes: int, *, managed: bool) -> Baseline:
    """A per-resource provider: the lists, then (``managed``: the portal holds the spec's
    resources) one GET per resource but memberships and one member list per group that
    lists members; one look-up per member's user; a read-back per write."""
    users = len({m for g in work.spec["groups"] for m in g.get("members") or ()})
    refresh = 0
    if managed:
        refresh = work.size - work.counts["memberships"] + work.groups_with_members
    return Baseline(COLLECTIONS + refresh + users + writes, writes)


def minutes(requests: int) -> float:
    """Minutes the requests take at RATE a minute."""
    return requests / RATE


def projected(requests: int, rtt: float = RTT) -> float:
    """Minutes against a fixed-window limit of RATE a minute, with ``rtt`` s per request:
    every full window but the last is waited out; the last batch runs at network speed."""
    if requests <= 0:
        return 0.0
    full = math.ceil(requests / RATE) - 1
    return full + (requests - full * RATE) * rtt / 60
