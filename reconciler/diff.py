"""Pure: (schema, desired, live) → the ordered list of changes, the unmanaged, the warnings.

Driven by the provider's declared kinds (:mod:`reconciler.kinds`); no kind is named here.
Identity is matched with dicts first (:mod:`reconciler.match`); pairs are compared with a
plain equality check, and only the pairs that differ go to deepdiff to say which attributes
changed, so a 10,000-resource plan of an up-to-date portal costs almost nothing.

Order (the order apply runs): updates of top-level kinds (renames first, so names are free),
then their creates, in kind order (parents and referenced kinds first); then, kind by kind,
the changes of child and tree kinds in spec order (parents first, placed after their
preceding sibling; a tree's exceptions are :mod:`reconciler.diff_tree`'s); then deletes in
reverse kind order (a tree's deepest first). What a run gathers, and what becomes of a portal
resource the spec does not name, is :mod:`reconciler.diff_run`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from .diff_run import (
    Diff,
    Run,
    changed_attrs,
    delete,
    prune_or_leave,
    prune_or_leave_one,
    resource_id,
    shown_id,
)
from .diff_tree import tree_changes
from .kinds import KindSchema, Nature, ProviderSchema
from .match import Match, match_named, match_tree
from .plan import Action, Change, Refs, Unmanaged
from .state import Desired, LiveState, Resource

__all__ = ["Diff", "changed_attrs", "diff", "named_by"]


def diff(schema: ProviderSchema, desired: Desired, live: LiveState) -> Diff:
    run = Run(schema, desired, live)
    for ks in schema.managed():
        run.deletes[ks.name] = []
        spellings = _spellings(schema, ks, live)
        wanted = desired.of(ks.name)
        if spellings:
            wanted = [_spelled_refs(spellings, d) for d in wanted]
        run.renamed = _renamed_refs(run, ks)
        if ks.tree:
            match = match_tree(ks, wanted, live.of(ks.name))
            run.nested += tree_changes(run, ks, match)
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


def _renamed_refs(run: Run, ks: KindSchema) -> dict[str, dict[str, str]]:
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


def _as_compared(run: Run, d: Resource) -> Mapping[str, Any]:
    """``d``'s attributes as the portal's are compared with: a reference to a resource this
    plan renames in its current name."""
    attrs = d.attrs
    for name, renamed in run.renamed.items():
        value = attrs.get(name)
        if isinstance(value, str) and value in renamed:
            attrs = {**attrs, name: renamed[value]}
    return attrs


def _compare(run: Run, ks: KindSchema, d: Resource, live: Resource) -> Change | None:
    """The update (or replace) that makes ``live`` what ``d`` says; None when equal."""
    run.out.ids[(ks.name, d.ident)] = resource_id(live)
    changed = changed_attrs(live.attrs, _as_compared(run, d))
    if not changed:
        return None
    fixed = [k for k in changed if ks.attr(k).nature is Nature.FIXED]
    if fixed:
        run.out.fixed += [
            (
                ks.name,
                d.name,
                f"{ks.name} {d.name!r}: {k} cannot change ({live.attrs.get(k)!r} → {d.attrs[k]!r})",
            )
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
    return Change(Action.UPDATE, ks.name, d.ident, shown_id(ks, live), before, after)


def _flat(run: Run, ks: KindSchema, match: Match) -> None:
    ids = run.out.ids
    for d, live in zip(match.desired, match.pairs, strict=True):
        if live is None:
            run.creates.append(Change(Action.CREATE, ks.name, d.ident, None, None, dict(d.attrs)))
            continue
        if d.attrs.items() <= live.attrs.items():  # unchanged: most of an up-to-date portal
            ids[(ks.name, d.ident)] = resource_id(live)
            continue
        change = _compare(run, ks, d, live)
        if change is not None:
            (run.nested if change.action is Action.REPLACE else run.updates).append(change)
    # by name, not in the order the portal happened to list them: the plan must not depend on it
    leftovers = sorted(match.unmatched, key=lambda r: (ks.fold(r.own), r.name, str(r.id)))
    _other_earlier_names(run, ks, match)
    prune_or_leave(run, ks, leftovers)


def _other_earlier_names(run: Run, ks: KindSchema, match: Match) -> None:
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


def _children(run: Run, ks: KindSchema, wanted: list[Resource]) -> Match:
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
            run.deletes[ks.name].append(delete(ks, gone, ident, refs))
        else:
            prune_or_leave_one(run, ks, gone, ident, Refs(parent=parent))
    if not ks.whole_set:  # under a parent the spec does not manage: never pruned
        for orphan in sorted(orphans, key=lambda r: (r.name, str(r.id))):
            run.out.unmanaged.append(Unmanaged(ks.name, orphan.name))
    return match
