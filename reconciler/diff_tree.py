"""The changes of a tree kind (sections), in an order every step of which the portal takes.

Spec order (parents first, each placed after its preceding sibling), except where a change
needs another done first: a resource moving out of a replaced subtree moves before the
replace; a resource taking a title among siblings goes after the one that moves or renames it
away. Unmatched resources below a replaced one are planned as deletes of their own.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .diff_run import Run, changed_attrs, delete, prune_or_leave, resource_id
from .kinds import Id, Ident, KindSchema
from .match import Match, folder
from .plan import Action, Change, Refs
from .state import Resource


def tree_changes(run: Run, ks: KindSchema, match: Match) -> list[Change]:
    changes: list[Change] = []
    fold = folder(ks)
    partner_ids = {
        d.ident: p.id
        for d, p in zip(match.desired, match.pairs, strict=True)
        if p is not None and fold(p.ident[0]) == fold(d.ident[0])
    }
    scope_attr = ks.scope or "scope"
    ids = run.out.ids

    def refs(d: Resource) -> Refs:
        return Refs(parent=d.parent, after=d.extra.get("after"), scope=d.scope)

    def slot(d: Resource) -> _Place | None:
        """Where ``d`` goes, among the portal's resources: None under a new parent."""
        parent_id = partner_ids.get(d.parent) if d.parent is not None else None
        if d.parent is not None and parent_id is None:
            return None
        return fold(d.scope), parent_id, fold(d.own)

    slots = _Slots()
    for d, live in zip(match.desired, match.pairs, strict=True):
        if live is None:
            after = {scope_attr: d.scope, **d.attrs} if ks.scope else dict(d.attrs)
            changes.append(Change(Action.CREATE, ks.name, d.ident, None, None, after, refs(d)))
            slots.takes[id(changes[-1])] = slot(d)
            continue
        if fold(live.ident[0]) != fold(d.ident[0]):
            changes.append(_replace(run, ks, d, live, refs(d)))
            continue
        ids[(ks.name, d.ident)] = resource_id(live)
        changed = changed_attrs(live.attrs, d.attrs)
        moved = _moved(d, live, partner_ids)
        if not changed and not moved:
            continue  # unchanged: most of an up-to-date portal
        before: dict[str, Any] = {k: live.attrs.get(k) for k in changed}
        after = {k: d.attrs[k] for k in changed}
        if moved:
            before["parent"] = None if live.parent is None else _shown(live.parent)
            after["parent"] = None if d.parent is None else _shown(d.parent)
        if after:
            changes.append(Change(Action.UPDATE, ks.name, d.ident, live.id, before, after, refs(d)))
            held = (fold(live.scope), live.extra.get("parent_id"), fold(live.own))
            if slot(d) != held:
                slots.frees[held] = id(changes[-1])
                slots.takes[id(changes[-1])] = slot(d)
    live_all = [*(p for p in match.pairs if p is not None), *match.unmatched]
    parent_of = {s.id: s.extra.get("parent_id") for s in live_all}
    doomed = _under_replaced(changes, match, parent_of)
    changes = [*(delete(ks, s, s.ident) for s in doomed), *changes]  # deepest first
    gone = {id(s) for s in doomed}
    leftovers = [s for s in match.unmatched if id(s) not in gone]
    # deletes deepest first; the unmanaged listed parents first, as the portal shows them
    pruned = ks.name in run.desired.prune and ks.prune != "never"
    leftovers.sort(
        key=lambda s: -int(s.extra.get("depth", 0)) if pruned else s.extra.get("depth", 0)
    )
    prune_or_leave(run, ks, leftovers)
    return _in_dependency_order(changes, parent_of, slots)


def _shown(ident: Ident) -> str:
    return "/".join(ident)


def _replace(run: Run, ks: KindSchema, d: Resource, live: Resource, refs: Refs) -> Change:
    if ks.replace_warning is not None:
        run.out.warnings.append(ks.replace_warning.format(kind=ks.name, name=live.name, to=d.scope))
    scope_attr = ks.scope or "scope"
    # what the re-created resource loses: the unmanaged values that are set (an unset or
    # false one, such as hidden: false, is what a new resource has anyway)
    kept = {k: v for k, v in live.attrs.items() if k in d.attrs or v not in (None, False, "")}
    before = {"name": live.name, scope_attr: live.scope, **kept}
    after = {"name": d.name, scope_attr: d.scope, **d.attrs}
    return Change(Action.REPLACE, ks.name, d.ident, live.id, before, after, refs)


def _under_replaced(
    changes: Sequence[Change], match: Match, parent_of: Mapping[Id | None, Id | None]
) -> list[Resource]:
    """Unmatched resources below a replaced one: the replace's delete takes them along.

    They are planned as deletes of their own, prune or not, so the plan shows them and the
    delete threshold counts them: nothing disappears without being in the plan.
    """
    replaced = {c.id for c in changes if c.action is Action.REPLACE}
    if not replaced:
        return []

    def below_replaced(resource: Resource) -> bool:
        ancestor = parent_of.get(resource.id)
        while ancestor is not None:
            if ancestor in replaced:
                return True
            ancestor = parent_of.get(ancestor)
        return False

    doomed = [s for s in match.unmatched if below_replaced(s)]
    return sorted(doomed, key=lambda s: (-int(s.extra.get("depth", 0)), s.name.lower()))


_MAKES = (Action.CREATE, Action.REPLACE)


# (scope, parent's portal id, own name folded): a place among siblings, which hold unique names
_Place = tuple[str, Id | None, str]


@dataclass(slots=True)
class _Slots:
    """The places a tree's changes take and free, by change: ``takes[id(change)]`` is where a
    create or a moving (or renamed) update puts its resource (None: under a new parent, where
    nothing can be in the way); ``frees[place]`` the update that moves or renames the resource
    holding ``place`` away."""

    takes: dict[int, _Place | None] = field(default_factory=dict)
    frees: dict[_Place, int] = field(default_factory=dict)


def _in_dependency_order(
    changes: list[Change], parent_of: Mapping[Id | None, Id | None], slots: _Slots
) -> list[Change]:
    """Spec order (parents first), except where a change needs another done first.

    A replace deletes the old resource with its whole subtree, so a resource moving out of
    that subtree moves before it (and what the move needs, such as its new parent's create,
    comes before the move). A resource that takes the name of a sibling moving or renamed
    away goes after it: siblings' names are unique at every step. Ties keep spec order.
    """
    # what takes its subtree with it: a replace, or the delete of a resource below one
    replaced = {
        c.id: i for i, c in enumerate(changes) if c.action in (Action.REPLACE, Action.DELETE)
    }
    index = {id(c): i for i, c in enumerate(changes)}
    in_the_way = [
        (index[taker], index[slots.frees[place]])
        for taker, place in slots.takes.items()
        if place in slots.frees and slots.frees[place] != taker
    ]
    if not replaced and not in_the_way:
        return changes
    # where each resource this plan creates or moves gets its place: what is placed after it,
    # or under it, goes later (spec order had it so; waiting for a freed title may not)
    placed = {c.ident: i for i, c in enumerate(changes) if _places(c)}
    needs: list[set[int]] = [set() for _ in changes]
    for taker, freer in in_the_way:
        needs[taker].add(freer)
    for i, c in enumerate(changes):
        refs: list[Ident | None] = [c.refs.parent, c.refs.after] if _places(c) else []
        needs[i].update(placed[r] for r in refs if r is not None and r in placed and placed[r] != i)
        moves = c.action is Action.UPDATE and "parent" in (c.after or {})
        takes_along = moves or c.action is Action.DELETE
        ancestor = parent_of.get(c.id) if takes_along else None
        while ancestor is not None:
            if ancestor in replaced:
                needs[replaced[ancestor]].add(i)
            ancestor = parent_of.get(ancestor)
    return [changes[i] for i in _stable_topological(needs)]


def _places(change: Change) -> bool:
    """Whether ``change`` puts a resource somewhere: a create, a replace, or a move."""
    return change.action in _MAKES or "parent" in (change.after or {})


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


def _moved(d: Resource, live: Resource, partner_ids: Mapping[Ident, Id | None]) -> bool:
    """Whether the resource's parent in the portal is not the partner of its spec parent."""
    live_parent = live.extra.get("parent_id")
    if d.parent is None:
        return live_parent is not None
    wanted = partner_ids.get(d.parent)
    return wanted is None or wanted != live_parent
