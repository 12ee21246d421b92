"""Pair desired resources with live ones by identity, following renames and moves.

Rules (CONTRACT.md): identity compares case-insensitively; ``renamed_from`` is followed only
when no portal resource has the entry's own name and the old name is not another entry's own
name, so a plan made after the rename is empty and two resources never trade places. A
section whose path no longer matches is moved, not re-created, when exactly one unclaimed
portal section in its tab has its title.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .state import Id, Resource, key


@dataclass(slots=True)
class Match:
    """``pairs[i]`` is the live partner of ``desired[i]`` (None: to be created)."""

    desired: Sequence[Resource]
    pairs: list[Resource | None]
    unmatched: list[Resource] = field(default_factory=list)

    def partner(self, index: int) -> Resource | None:
        return self.pairs[index]


def match_named(desired: Sequence[Resource], live: Sequence[Resource]) -> Match:
    """Match flat kinds (categories, statuses, tags, groups, memberships) by name."""
    by_key: dict[str, Resource] = {}
    for resource in live:
        by_key.setdefault(resource.key, resource)
    own = {d.key for d in desired}
    pairs: list[Resource | None] = [by_key.get(d.key) for d in desired]
    claimed = {id(p) for p in pairs if p is not None}
    for i, d in enumerate(desired):
        if pairs[i] is not None:
            continue
        for old in d.renamed_from:
            candidate = by_key.get(key(old))
            if candidate is not None and key(old) not in own and id(candidate) not in claimed:
                pairs[i] = candidate
                claimed.add(id(candidate))
                break
    unmatched = [r for r in live if id(r) not in claimed]
    return Match(desired, pairs, unmatched)


def match_sections(desired: Sequence[Resource], live: Sequence[Resource]) -> Match:
    """Match sections top-down by title, then by earlier paths, then by unique title in the tab.

    Desired sections come in pre-order, so a parent is matched before its children and a
    child is looked for among the children of its parent's partner first.
    """
    children: dict[tuple[str, Id | None], list[Resource]] = defaultdict(list)
    for section in live:
        children[(key(section.extra["tab"]), section.extra.get("parent_id"))].append(section)
    own_paths = {d.key for d in desired}
    claimed: set[int] = set()
    pairs: list[Resource | None] = [None] * len(desired)
    index_of = {d.name: i for i, d in enumerate(desired)}

    def take(i: int, candidate: Resource | None) -> bool:
        if candidate is None or id(candidate) in claimed:
            return False
        pairs[i] = candidate
        claimed.add(id(candidate))
        return True

    titles: dict[tuple[str, Id | None], dict[str, Resource]] = {}

    def structural(i: int) -> bool:
        """Same title (or an earlier title) among the children of the parent's partner."""
        d = desired[i]
        if d.parent is None:
            scope: tuple[str, Id | None] = (key(d.extra["tab"]), None)
        else:
            parent_partner = pairs[index_of[d.parent]]
            if parent_partner is None:
                return False
            scope = (key(d.extra["tab"]), parent_partner.id)
        siblings = titles.get(scope)
        if siblings is None:  # once per scope: one per section is quadratic
            found = reversed(children.get(scope, []))
            siblings = titles[scope] = {key(s.extra["title"]): s for s in found}
        if take(i, siblings.get(key(d.extra["title"]))):
            return True
        parent_path = key(d.name.rsplit("/", 1)[0])
        earlier = (
            siblings.get(key(old.rpartition("/")[2]))
            for old in d.renamed_from
            if key(old.rpartition("/")[0]) == parent_path and key(old) not in own_paths
        )
        return any(take(i, candidate) for candidate in earlier)

    # 1. structural, top-down
    for i in range(len(desired)):
        structural(i)
    # 2. earlier full paths (possibly in another tab: a replace); children of a section
    # found this way are looked for under it first (pre-order: the parent comes first)
    by_path: dict[str, Resource] = {}
    for section in live:
        by_path.setdefault(section.key, section)
    for i, d in enumerate(desired):
        if pairs[i] is None and not structural(i):
            for old in d.renamed_from:
                if key(old) not in own_paths and take(i, by_path.get(key(old))):
                    break
    # 3. moved within its tab: exactly one unclaimed live section with that title; again
    # children of a moved section are looked for under it first
    by_title: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for section in live:
        if section.key not in own_paths:
            by_title[(key(section.extra["tab"]), key(section.extra["title"]))].append(section)
    for i, d in enumerate(desired):
        if pairs[i] is None and not structural(i):
            options = [
                s
                for s in by_title.get((key(d.extra["tab"]), key(d.extra["title"])), [])
                if id(s) not in claimed
            ]
            if len(options) == 1:
                take(i, options[0])
    unmatched = [s for s in live if id(s) not in claimed]
    return Match(desired, pairs, unmatched)
