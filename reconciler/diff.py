"""Pure: (schema, desired, live) → the ordered list of changes, the unmanaged, the warnings.

Driven by the provider's declared kinds (:mod:`reconciler.kinds`); no kind is named here.
Identity is matched with dicts first (:mod:`reconciler.match`); pairs are compared with a
plain equality check, and only the pairs that differ go to deepdiff to say which attributes
changed, so a 10,000-resource plan of an up-to-date portal costs almost nothing.

Order (the order apply runs): updates of top-level kinds (renames first, so names are free),
then their creates, in kind order (parents and referenced kinds first); then, kind by kind,
the changes of child and tree kinds in spec order (parents first, placed after their
preceding sibling), a resource moving out of a replaced subtree before the replace; then
deletes in reverse kind order (a tree's deepest first).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .kinds import Id, Ident, KindSchema, Nature, ProviderSchema
from .match import Match, folder, match_named, match_tree
from .plan import Action, Change, Refs, Unmanaged
from .state import Desired, LiveState, Resource


@dataclass(slots=True)
class Diff:
    changes: list[Change] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[tuple[str, Ident], Id] = field(default_factory=dict)
    fixed: list[str] = field(default_factory=list)  # changes no write can make: plan errors


def changed_attrs(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The managed attributes whose live value differs from the wanted one, in spec order."""
    if wanted.items() <= live.items():  # each wanted pair is in live: compared in C
        return []
    from deepdiff import DeepDiff  # imported only when a pair differs: ~60 ms

    current = {k: live.get(k) for k in wanted}
    roots = DeepDiff(current, dict(wanted)).affected_root_keys
    return [k for k in wanted if k in roots]


@dataclass(slots=True)
class _Run:
    schema: ProviderSchema
    desired: Desired
    live: LiveState
    out: Diff = field(default_factory=Diff)
    updates: list[Change] = field(default_factory=list)
    creates: list[Change] = field(default_factory=list)
    nested: list[Change] = field(default_factory=list)
    deletes: dict[str, list[Change]] = field(default_factory=dict)
    partners: dict[str, dict[Ident, Resource | None]] = field(default_factory=dict)
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)  # of the kind at hand


def diff(schema: ProviderSchema, desired: Desired, live: LiveState) -> Diff:
    run = _Run(schema, desired, live)
    for ks in schema.managed():
        run.deletes[ks.name] = []
        spellings = _spellings(schema, ks, live)
        wanted = desired.of(ks.name)
        if spellings:
            wanted = [_spelled_refs(spellings, d) for d in wanted]
        run.renamed = _renamed_refs(run, ks)
        if ks.tree:
            match = match_tree(ks, wanted, live.of(ks.name))
            run.nested += _tree(run, ks, match)
        elif ks.parent is not None:
            match = _children(run, ks, wanted)
        else:
            match = match_named(ks, wanted, live.of(ks.name))
            _flat(run, ks, match)
        run.partners[ks.name] = {
            d.ident: p for d, p in zip(match.desired, match.pairs, strict=True)
        }
    order = [ks.name for ks in schema.managed()]
    early, late = _after_what_they_name(schema, run.updates, run.creates)
    changes = [
        *early,
        *run.creates,
        *late,
        *run.nested,
        *(c for kind in reversed(order) for c in run.deletes[kind]),
    ]
    secret = {
        ks.name: frozenset(a for a, attr in ks.attrs.items() if attr.secret) for ks in schema.kinds
    }
    named = {ks.name: named_by(ks) for ks in schema.kinds}
    run.out.changes = [
        replace(
            c,
            secrets=secret[c.kind],
            named_by=named[c.kind] if c.action is Action.CREATE else c.named_by,
        )
        if secret.get(c.kind) or c.action is Action.CREATE
        else c
        for c in changes
    ]
    return run.out


def _after_what_they_name(
    schema: ProviderSchema, updates: list[Change], creates: list[Change]
) -> tuple[list[Change], list[Change]]:
    """Updates first (renames free names), except one whose reference names what a create
    makes (an issue moved to a new category): that one goes after the creates."""
    made = {(c.kind, c.ident) for c in creates}
    early: list[Change] = []
    late: list[Change] = []
    for change in updates:
        kind = schema.kind(change.kind)
        after = change.after or {}
        named = {
            (attr.ref, (value,))
            for name, attr in kind.attrs.items()
            if attr.ref is not None and isinstance(value := after.get(name), str)
        }
        (late if named & made else early).append(change)
    return early, late


def named_by(ks: KindSchema) -> frozenset[str]:
    """What a create's shown name already says: the name, and a tree's scope."""
    return frozenset({"name", ks.name_attr, *([ks.scope] if ks.scope else [])})


_Spelling = tuple[set[str], dict[str, list[str]], Callable[[str], str]]


def _spellings(schema: ProviderSchema, ks: KindSchema, live: LiveState) -> dict[str, _Spelling]:
    """For each reference attribute of ``ks``: the referenced kind's live names, exactly and
    folded as that kind compares names (read once per kind, not once per resource)."""
    found: dict[str, _Spelling] = {}
    for name, attr in ks.attrs.items():
        if attr.ref is None:
            continue
        target = schema.kind(attr.ref)
        names = [r.own for r in live.of(attr.ref)]
        loose: dict[str, list[str]] = {}
        for own in names:
            loose.setdefault(target.fold(own), []).append(own)
        exact = set(names)
        found[name] = (exact, loose, target.fold)
    return found


def _spelled_refs(spellings: Mapping[str, _Spelling], d: Resource) -> Resource:
    """Reference values as the portal spells the referenced name (compared as its kind
    compares names: exact first, else the one loose match)."""
    fixes: dict[str, Any] = {}
    for name, (exact, loose, fold) in spellings.items():
        value = d.attrs.get(name)
        if not isinstance(value, str) or value in exact:
            continue
        options = loose.get(fold(value), [])
        if len(options) == 1:
            fixes[name] = options[0]
    return replace(d, attrs={**d.attrs, **fixes}) if fixes else d


def _renamed_refs(run: _Run, ks: KindSchema) -> dict[str, dict[str, str]]:
    """Per reference attribute of ``ks``: the referenced resources this plan renames, new
    name → the portal's current one. A reference to one of them is unchanged (the portal
    links it by id, and reads back the new name once the rename is made)."""
    found: dict[str, dict[str, str]] = {}
    for name, attr in ks.attrs.items():
        partners = run.partners.get(attr.ref) if attr.ref is not None else None
        if partners:
            renamed = {
                ident[-1]: p.own
                for ident, p in partners.items()
                if p is not None and len(ident) == 1 and p.own != ident[-1]
            }
            if renamed:
                found[name] = renamed
    return found


def _as_compared(run: _Run, d: Resource) -> Mapping[str, Any]:
    """``d``'s attributes as the portal's are compared with: a reference to a resource this
    plan renames in its current name."""
    attrs = d.attrs
    for name, renamed in run.renamed.items():
        value = attrs.get(name)
        if isinstance(value, str) and value in renamed:
            attrs = {**attrs, name: renamed[value]}
    return attrs


def _compare(run: _Run, ks: KindSchema, d: Resource, live: Resource) -> Change | None:
    """The update (or replace) that makes ``live`` what ``d`` says; None when equal."""
    run.out.ids[(ks.name, d.ident)] = _id(live)
    changed = changed_attrs(live.attrs, _as_compared(run, d) if run.renamed else d.attrs)
    if not changed:
        return None
    fixed = [k for k in changed if ks.attr(k).nature is Nature.FIXED]
    if fixed:
        run.out.fixed += [
            f"{ks.name} {d.name!r}: {k} cannot change ({live.attrs.get(k)!r} → {d.attrs[k]!r})"
            for k in fixed
        ]
        return None
    before = {k: live.attrs.get(k) for k in changed}
    after = {k: d.attrs[k] for k in changed}
    if not ks.update or any(ks.attr(k).nature is Nature.REPLACE for k in changed):
        warning = ks.replace_warning or ks.delete_warning
        if warning is not None:
            run.out.warnings.append(warning.format(kind=ks.name, name=live.name, to=d.name))
        return Change(Action.REPLACE, ks.name, d.ident, live.id, dict(live.attrs), dict(d.attrs))
    return Change(Action.UPDATE, ks.name, d.ident, _shown_id(ks, live), before, after)


def _flat(run: _Run, ks: KindSchema, match: Match) -> None:
    ids = run.out.ids
    for d, live in zip(match.desired, match.pairs, strict=True):
        if live is None:
            run.creates.append(Change(Action.CREATE, ks.name, d.ident, None, None, dict(d.attrs)))
            continue
        if d.attrs.items() <= live.attrs.items():  # unchanged: most of an up-to-date portal
            ids[(ks.name, d.ident)] = _id(live)
            continue
        change = _compare(run, ks, d, live)
        if change is not None:
            (run.nested if change.action is Action.REPLACE else run.updates).append(change)
    # by name, not in the order the portal happened to list them: the plan must not depend on it
    leftovers = sorted(match.unmatched, key=lambda r: (ks.fold(r.own), r.name, str(r.id)))
    _other_earlier_names(run, ks, match)
    _leftovers(run, ks, leftovers)


def _other_earlier_names(run: _Run, ks: KindSchema, match: Match) -> None:
    """A warning per entry renamed from one of several earlier names the portal all holds:
    the first is adopted, the others stay as they are (or are pruned)."""
    left = {ks.fold(r.own): r for r in match.unmatched}
    for d, live in zip(match.desired, match.pairs, strict=True):
        if live is None or len(d.renamed_from) < 2 or ks.fold(live.own) == ks.fold(d.own):
            continue
        others = [left[f].own for old in d.renamed_from if (f := ks.fold(old[-1])) in left]
        if others:
            shown = ", ".join(f'"{o}"' for o in others)
            run.out.warnings.append(
                f'{ks.name} "{d.name}" is renamed from "{live.own}", the first of its '
                f"renamed_from that the portal holds; the portal also holds {shown}, which "
                f"{'is' if len(others) == 1 else 'are'} not renamed"
            )


def _children(run: _Run, ks: KindSchema, wanted: list[Resource]) -> Match:
    """A child kind, matched within each parent's partner. A whole set is managed only
    under the parent entries that list it; its other members there are removed."""
    assert ks.parent is not None
    partners = run.partners.get(ks.parent, {})
    if ks.whole_set:
        wanted = [
            d for d in wanted if d.parent is not None and run.desired.manages_set(ks.name, d.parent)
        ]
    by_live_parent = {p.ident: ident for ident, p in partners.items() if p is not None}
    managed_parents = [
        ident for ident in partners if not ks.whole_set or run.desired.manages_set(ks.name, ident)
    ]
    managed = set(managed_parents)
    candidates = [
        r
        for r in run.live.of(ks.name)
        if not ks.whole_set or (r.parent in by_live_parent and by_live_parent[r.parent] in managed)
    ]
    match = match_named(ks, wanted, candidates, partners)
    for d, partner in zip(match.desired, match.pairs, strict=True):
        if partner is None:
            refs = Refs(parent=d.parent)
            run.nested.append(
                Change(Action.CREATE, ks.name, d.ident, None, None, dict(d.attrs), refs)
            )
            continue
        change = _compare(run, ks, d, partner)
        if change is not None:
            run.nested.append(replace(change, refs=Refs(parent=d.parent)))
    order = {ident: i for i, ident in enumerate(managed_parents)}
    leftovers = sorted(
        (r for r in match.unmatched if r.parent in by_live_parent),
        key=lambda r: (
            order.get(by_live_parent.get(r.parent or ()) or (), len(order)),
            ks.fold(r.own),
        ),
    )
    orphans = [r for r in match.unmatched if r.parent not in by_live_parent]
    for gone in leftovers:
        assert gone.parent is not None
        parent = by_live_parent[gone.parent]
        ident = (*parent, gone.own)
        if ks.whole_set:
            refs = Refs(parent=parent, live_id=gone.id)
            run.deletes[ks.name].append(_delete(ks, gone, ident, refs))
        else:
            _leftover(run, ks, gone, ident, Refs(parent=parent))
    if not ks.whole_set:  # under a parent the spec does not manage: never pruned
        for orphan in sorted(orphans, key=lambda r: (r.name, str(r.id))):
            run.out.unmanaged.append(Unmanaged(ks.name, orphan.name))
    return match


def _leftovers(run: _Run, ks: KindSchema, unmatched: Sequence[Resource]) -> None:
    for live in unmatched:
        _leftover(run, ks, live, live.ident, Refs(parent=live.parent))


def _leftover(run: _Run, ks: KindSchema, live: Resource, ident: Ident, refs: Refs) -> None:
    """A portal resource the spec does not name: pruned (deleted or deactivated) or left."""
    if ks.name not in run.desired.prune or ks.prune == "never":
        run.out.unmanaged.append(Unmanaged(ks.name, live.name))
    elif ks.prune == "deactivate":
        after = {k: v for k, v in ks.deactivate.items() if live.attrs.get(k) != v}
        if after:
            before = {k: live.attrs.get(k) for k in after}
            run.updates.append(Change(Action.UPDATE, ks.name, ident, live.id, before, after, refs))
    else:
        if ks.delete_warning is not None:
            run.out.warnings.append(ks.delete_warning.format(kind=ks.name, name=live.name, to=""))
        run.deletes[ks.name].append(_delete(ks, live, ident, refs))


def _delete(ks: KindSchema, live: Resource, ident: Ident, refs: Refs | None = None) -> Change:
    shown = dict(live.attrs) if ks.show_id else {ks.name_attr: live.own}
    return Change(Action.DELETE, ks.name, ident, _shown_id(ks, live), shown, None, refs or Refs())


def _shown_id(ks: KindSchema, live: Resource) -> Id | None:
    return live.id if ks.show_id else None


# -- trees ---------------------------------------------------------------------------------


def _tree(run: _Run, ks: KindSchema, match: Match) -> list[Change]:
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
        ids[(ks.name, d.ident)] = _id(live)
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
    changes = [*(_delete(ks, s, s.ident) for s in doomed), *changes]  # deepest first
    gone = {id(s) for s in doomed}
    leftovers = [s for s in match.unmatched if id(s) not in gone]
    # deletes deepest first; the unmanaged listed parents first, as the portal shows them
    pruned = ks.name in run.desired.prune and ks.prune != "never"
    leftovers.sort(
        key=lambda s: -int(s.extra.get("depth", 0)) if pruned else s.extra.get("depth", 0)
    )
    _leftovers(run, ks, leftovers)
    return _in_dependency_order(changes, parent_of, slots)


def _shown(ident: Ident) -> str:
    return "/".join(ident)


def _replace(run: _Run, ks: KindSchema, d: Resource, live: Resource, refs: Refs) -> Change:
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
    made = {c.ident: i for i, c in enumerate(changes) if c.action in _MAKES}
    needs: list[set[int]] = [set() for _ in changes]
    for taker, freer in in_the_way:
        needs[taker].add(freer)
    for i, c in enumerate(changes):
        moves = "parent" in (c.after or {})
        refs: list[Ident | None] = [c.refs.parent] if moves else []
        if c.action in _MAKES:
            refs = [c.refs.parent, c.refs.after]
        needs[i].update(made[r] for r in refs if r is not None and r in made)
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


def _moved(d: Resource, live: Resource, partner_ids: Mapping[Ident, Id | None]) -> bool:
    """Whether the resource's parent in the portal is not the partner of its spec parent."""
    live_parent = live.extra.get("parent_id")
    if d.parent is None:
        return live_parent is not None
    wanted = partner_ids.get(d.parent)
    return wanted is None or wanted != live_parent


def _id(resource: Resource) -> Id:
    assert resource.id is not None
    return resource.id
