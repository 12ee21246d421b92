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

    # 1. structural: same title (or an earlier title) under the parent's partner
    for i, d in enumerate(desired):
        if d.parent is None:
            scope: tuple[str, Id | None] | None = (key(d.extra["tab"]), None)
        else:
            parent_partner = pairs[index_of[d.parent]]
            scope = None if parent_partner is None else (key(d.extra["tab"]), parent_partner.id)
        if scope is None:
            continue
        siblings = {key(s.extra["title"]): s for s in reversed(children.get(scope, []))}
        if take(i, siblings.get(key(d.extra["title"]))):
            continue
        for old in d.renamed_from:
            old_title = old.rsplit("/", 1)[-1]
            old_is_sibling = key(old.rsplit("/", 1)[0]) == key(d.name.rsplit("/", 1)[0])
            if (
                old_is_sibling
                and key(old) not in own_paths
                and take(i, siblings.get(key(old_title)))
            ):
                break
    # 2. earlier full paths (possibly in another tab: a replace)
    by_path: dict[str, Resource] = {}
    for section in live:
        by_path.setdefault(section.key, section)
    for i, d in enumerate(desired):
        if pairs[i] is None:
            for old in d.renamed_from:
                if key(old) not in own_paths and take(i, by_path.get(key(old))):
                    break
    # 3. moved within its tab: exactly one unclaimed live section with that title
    by_title: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for section in live:
        if section.key not in own_paths:
            by_title[(key(section.extra["tab"]), key(section.extra["title"]))].append(section)
    for i, d in enumerate(desired):
        if pairs[i] is None:
            options = [
                s
                for s in by_title.get((key(d.extra["tab"]), key(d.extra["title"])), [])
                if id(s) not in claimed
            ]
            if len(options) == 1:
                take(i, options[0])
    unmatched = [s for s in live if id(s) not in claimed]
    return Match(desired, pairs, unmatched)
