"""Pure: (desired, live) → the ordered list of changes, the unmanaged, the warnings.

Identity is matched with dicts first (:mod:`reconciler.match`); pairs are compared with a
plain equality check, and only the pairs that differ go to deepdiff to say which
attributes changed, so a 10,000-resource plan of an up-to-date portal costs almost nothing.

Order (the order apply runs): updates (renames first, so names are free), then creates in
dependency order (categories, statuses, tags, groups; sections parents first in spec order,
placed after their preceding sibling; memberships after their group), then deletes in
reverse (memberships, sections deepest first, groups, tags, statuses, categories).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .desired import Desired
from .match import Match, match_named, match_sections
from .plan import Action, Change, Unmanaged
from .state import Id, Kind, LiveState, Resource, key

FLAT_KINDS: tuple[Kind, ...] = ("category", "status", "tag", "group")
DELETE_ORDER: tuple[Kind, ...] = ("membership", "section", "group", "tag", "status", "category")


@dataclass(slots=True)
class Diff:
    changes: list[Change] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[tuple[Kind, str], Id] = field(default_factory=dict)


def changed_attrs(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The managed attributes whose live value differs from the wanted one, in spec order."""
    if all(k in live and live[k] == v for k, v in wanted.items()):
        return []
    from deepdiff import DeepDiff  # imported only when a pair differs: ~60 ms

    current = {k: live.get(k) for k in wanted}
    roots = DeepDiff(current, dict(wanted)).affected_root_keys
    return [k for k in wanted if k in roots]


def diff(desired: Desired, live: LiveState) -> Diff:
    out = Diff()
    updates: list[Change] = []
    creates: list[Change] = []
    deletes: dict[Kind, list[Change]] = {kind: [] for kind in DELETE_ORDER}
    groups: Match | None = None
    for kind in FLAT_KINDS:
        wanted = desired.of(kind)
        if kind == "status":
            wanted = [_tab_as_spelled(d, live) for d in wanted]
        match = match_named(wanted, live.of(kind))
        groups = match if kind == "group" else groups
        _flat(kind, match, desired, out, updates, creates, deletes[kind])
    sections = match_sections(desired.of("section"), live.of("section"))
    section_changes = _sections(sections, desired, out, deletes["section"])
    assert groups is not None
    member_creates = _memberships(groups, desired, live, out, deletes["membership"])
    out.changes = [
        *updates,
        *creates,
        *section_changes,
        *member_creates,
        *(c for kind in DELETE_ORDER for c in deletes[kind]),
    ]
    return out


def _tab_as_spelled(status: Resource, live: LiveState) -> Resource:
    """The status's tab slug as the portal spells it (slugs compare case-insensitively)."""
    tab = status.attrs.get("tab")
    info = live.tabs.get(key(tab)) if isinstance(tab, str) else None
    if info is None or info.slug == tab:
        return status
    return replace(status, attrs={**status.attrs, "tab": info.slug})


def _flat(
    kind: Kind,
    match: Match,
    desired: Desired,
    out: Diff,
    updates: list[Change],
    creates: list[Change],
    deletes: list[Change],
) -> None:
    for d, live in zip(match.desired, match.pairs, strict=True):
        if live is None:
            creates.append(Change(Action.CREATE, kind, d.name, None, None, dict(d.attrs)))
            continue
        out.ids[(kind, d.key)] = _id(live)
        changed = changed_attrs(live.attrs, d.attrs)
        if changed:
            before = {k: live.attrs.get(k) for k in changed}
            after = {k: d.attrs[k] for k in changed}
            updates.append(Change(Action.UPDATE, kind, d.name, live.id, before, after))
    # by name, not in the order the portal happened to list them: the plan must not depend on it
    leftovers = sorted(match.unmatched, key=lambda r: (r.key, r.name, str(r.id)))
    _leftovers(kind, leftovers, desired, out, deletes)


def _leftovers(
    kind: Kind, unmatched: Sequence[Resource], desired: Desired, out: Diff, deletes: list[Change]
) -> None:
    for live in unmatched:
        if kind in desired.prune:
            deletes.append(_delete(live))
        else:
            out.unmanaged.append(Unmanaged(kind, live.name))


def _sections(match: Match, desired: Desired, out: Diff, deletes: list[Change]) -> list[Change]:
    changes: list[Change] = []
    partner_ids = {
        d.name: p.id
        for d, p in zip(match.desired, match.pairs, strict=True)
        if p is not None and key(p.extra["tab"]) == key(d.extra["tab"])
    }
    for d, live in zip(match.desired, match.pairs, strict=True):
        refs = {"tab": d.extra["tab"], "parent": d.parent, "after": d.extra["after"]}
        if live is None:
            after = {"tab": d.extra["tab"], **d.attrs}
            changes.append(Change(Action.CREATE, "section", d.name, None, None, after, refs))
            continue
        if key(live.extra["tab"]) != key(d.extra["tab"]):
            changes.append(_replace(d, live, refs, out))
            continue
        out.ids[("section", d.key)] = _id(live)
        changed = changed_attrs(live.attrs, d.attrs)
        before = {k: live.attrs.get(k) for k in changed}
        after = {k: d.attrs[k] for k in changed}
        if _moved(d, live, partner_ids):
            before["parent"] = live.parent
            after["parent"] = d.parent
        if after:
            changes.append(Change(Action.UPDATE, "section", d.name, live.id, before, after, refs))
    live_sections = [*(p for p in match.pairs if p is not None), *match.unmatched]
    parent_of = {s.id: s.extra.get("parent_id") for s in live_sections}
    doomed = _under_replaced(changes, match, parent_of)
    changes = [*(_delete(s) for s in doomed), *changes]  # deepest first
    gone = {id(s) for s in doomed}
    leftovers = [s for s in match.unmatched if id(s) not in gone]
    leftovers.sort(key=lambda s: -int(s.extra.get("depth", 0)))
    _leftovers("section", leftovers, desired, out, deletes)
    return _in_dependency_order(changes, parent_of)


def _delete(live: Resource) -> Change:
    return Change(Action.DELETE, live.kind, live.name, live.id, dict(live.attrs), None)


def _under_replaced(
    changes: Sequence[Change], match: Match, parent_of: Mapping[Id | None, Id | None]
) -> list[Resource]:
    """Unmatched sections below a replaced one: the replace's delete takes them along.

    They are planned as deletes of their own, prune or not, so the plan shows them and the
    delete threshold counts them: nothing disappears without being in the plan.
    """
    replaced = {c.id for c in changes if c.action is Action.REPLACE}
    if not replaced:
        return []

    def below_replaced(section: Resource) -> bool:
        ancestor = parent_of.get(section.id)
        while ancestor is not None:
            if ancestor in replaced:
                return True
            ancestor = parent_of.get(ancestor)
        return False

    doomed = [s for s in match.unmatched if below_replaced(s)]
    return sorted(doomed, key=lambda s: (-int(s.extra.get("depth", 0)), s.key))


_MAKES = (Action.CREATE, Action.REPLACE)


def _in_dependency_order(
    changes: list[Change], parent_of: Mapping[Id | None, Id | None]
) -> list[Change]:
    """Spec order (parents first), except where a change needs another done first.

    A replace deletes the old section with its whole subtree, so a section moving out of
    that subtree moves before it (and what the move needs, such as its new parent's create,
    comes before the move). Ties keep spec order.
    """
    # what takes its subtree with it: a replace, or the delete of a section below one
    replaced = {
        c.id: i for i, c in enumerate(changes) if c.action in (Action.REPLACE, Action.DELETE)
    }
    if not replaced:
        return changes
    made = {key(c.name): i for i, c in enumerate(changes) if c.action in _MAKES}
    needs: list[set[int]] = [set() for _ in changes]
    for i, c in enumerate(changes):
        moves = "parent" in (c.after or {})
        refs: list[Any] = [c.refs.get("parent")] if moves else []
        if c.action in _MAKES:
            refs = [c.refs.get("parent"), c.refs.get("after")]
        needs[i].update(made[key(r)] for r in refs if r is not None and key(r) in made)
        takes_along = (moves and c.action is Action.UPDATE) or c.action is Action.DELETE
        ancestor = parent_of.get(c.id) if takes_along else None
        while ancestor is not None:
            if ancestor in replaced:
                needs[replaced[ancestor]].add(i)
            ancestor = parent_of.get(ancestor)
    return [changes[i] for i in _stable_topological(needs)]


def _stable_topological(needs: Sequence[set[int]]) -> list[int]:
    """Indices with every index after those it needs, else ascending; cycles (none are
    expected) keep their original order."""
    waiting = [len(n) for n in needs]
    dependents: dict[int, list[int]] = {}
    for i, wanted in enumerate(needs):
        for j in wanted:
            dependents.setdefault(j, []).append(i)
    ready = [i for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in dependents.get(i, ()):
            waiting[j] -= 1
            if waiting[j] == 0:
                heapq.heappush(ready, j)
    placed = set(order)
    return order + [i for i in range(len(needs)) if i not in placed]


def _moved(d: Resource, live: Resource, partner_ids: Mapping[str, Id | None]) -> bool:
    """Whether the section's parent in the portal is not the partner of its spec parent."""
    live_parent = live.extra.get("parent_id")
    if d.parent is None:
        return live_parent is not None
    wanted = partner_ids.get(d.parent)
    return wanted is None or wanted != live_parent


def _replace(d: Resource, live: Resource, refs: Mapping[str, Any], out: Diff) -> Change:
    out.warnings.append(
        f'section "{live.name}" moves to tab "{d.extra["tab"]}": the API cannot move a section '
        "between tabs, so it is deleted and re-created; its posts lose their section, and "
        "child sections the spec does not place elsewhere are deleted with it (planned as deletes)"
    )
    before = {"name": live.name, "tab": live.extra["tab"], **live.attrs}
    after = {"name": d.name, "tab": d.extra["tab"], **d.attrs}
    return Change(Action.REPLACE, "section", d.name, live.id, before, after, refs)


def _memberships(
    groups: Match, desired: Desired, live: LiveState, out: Diff, deletes: list[Change]
) -> list[Change]:
    """A group's ``members`` is its whole membership: add the missing, remove the others."""
    live_members: dict[Id, dict[str, Resource]] = {}
    for m in live.of("membership"):
        live_members.setdefault(m.extra["group_id"], {})[key(m.extra["email"])] = m
    wanted: dict[str, list[Resource]] = {}
    for m in desired.of("membership"):
        wanted.setdefault(key(m.extra["group"]), []).append(m)
    creates: list[Change] = []
    for group, partner in zip(groups.desired, groups.pairs, strict=True):
        if group.key not in desired.needs.member_groups:  # members left out: not managed
            continue
        current = live_members.get(partner.id, {}) if partner is not None and partner.id else {}
        emails = set()
        for m in wanted.get(group.key, []):
            email = m.extra["email"]
            emails.add(key(email))
            if key(email) not in current:
                refs = {"group": group.name, "email": email}
                creates.append(
                    Change(Action.CREATE, "membership", m.name, None, None, {"email": email}, refs)
                )
        for email_key, m in sorted(current.items()):
            if email_key not in emails:
                refs = {"group": group.name, "email": m.extra["email"], "user_id": m.id}
                name = f"{group.name}/{m.extra['email']}"
                deletes.append(
                    Change(
                        Action.DELETE,
                        "membership",
                        name,
                        None,
                        {"email": m.extra["email"]},
                        None,
                        refs,
                    )
                )
    return creates


def _id(resource: Resource) -> Id:
    assert resource.id is not None
    return resource.id
