"""What one diff run gathers (:mod:`reconciler.diff`): the result, the changes by group, the
partners found so far; and what every kind's diff does with a portal resource the spec does
not name, or deletes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .kinds import Id, Ident, KindSchema, ProviderSchema
from .plan import Action, Change, Refs, Unmanaged
from .state import Desired, LiveState, Resource


@dataclass(slots=True)
class Diff:
    """A diff's result: the ordered changes, what is left unmanaged, the warnings; the portal
    ids of the resources the spec names (for the writes); the plan errors (``fixed``)."""

    changes: list[Change] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ids: dict[tuple[str, Ident], Id] = field(default_factory=dict)
    # changes no write can make, plan errors: (kind, name, what cannot change)
    fixed: list[tuple[str, str, str]] = field(default_factory=list)


def changed_attrs(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The managed attributes whose live value differs from the wanted one, in spec order."""
    if wanted.items() <= live.items():  # each wanted pair is in live: compared in C
        return []
    from deepdiff import DeepDiff  # imported only when a pair differs: ~60 ms

    current = {k: live.get(k) for k in wanted}
    roots = DeepDiff(current, dict(wanted)).affected_root_keys
    return [k for k in wanted if k in roots]


@dataclass(slots=True)
class Run:
    """One diff under way: the changes by group (put in apply order at the end), and each
    kind's partners (desired identity → live resource) once that kind is matched."""

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


def prune_or_leave(run: Run, ks: KindSchema, unmatched: Sequence[Resource]) -> None:
    """:func:`prune_or_leave_one` for each of ``unmatched``, where it is."""
    for live in unmatched:
        prune_or_leave_one(run, ks, live, live.ident, Refs(parent=live.parent))


def prune_or_leave_one(run: Run, ks: KindSchema, live: Resource, ident: Ident, refs: Refs) -> None:
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
        run.deletes[ks.name].append(delete(ks, live, ident, refs))


def delete(ks: KindSchema, live: Resource, ident: Ident, refs: Refs | None = None) -> Change:
    """The delete of ``live``, showing what it held (or just its name)."""
    shown = dict(live.attrs) if ks.show_id else {ks.name_attr: live.own}
    return Change(Action.DELETE, ks.name, ident, shown_id(ks, live), shown, None, refs or Refs())


def shown_id(ks: KindSchema, live: Resource) -> Id | None:
    """The id a plan shows for ``live``: only for kinds whose ids mean something to users."""
    return live.id if ks.show_id else None


def resource_id(resource: Resource) -> Id:
    """A live resource's id (every live resource has one)."""
    assert resource.id is not None
    return resource.id
