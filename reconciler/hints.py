"""Rename hints: a delete and a create that look like one resource renamed.

A plan that deletes one resource and creates another of the same kind, under the same parent,
whose names differ only in letter case, spacing or a few characters, most likely meant a
rename; shipped as it is, it destroys what the old one carried (votes, posts, members). The
plan says "did you mean `renamed_from: [OLD]`?" as a warning, in every format. So does a
create beside an unmanaged resource of such a close name (no ``prune``): shipped as it is, the
old one keeps what it carries and the new one starts empty.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from .kinds import Ident, ProviderSchema, display
from .plan import Action, Change, Unmanaged

CLOSE = 0.8  # difflib's ratio from which two names are "close"
# Old names times created names compared by similarity, per kind, at most; past it (a
# bootstrap beside many unmanaged resources) only names equal but for case and spacing count
FUZZY_PAIRS = 20_000
DELETED = (
    '{kind} "{old}" is deleted and "{new}" created: did you mean `renamed_from: [{own}]` on '
    '"{name}"? (a rename keeps what it carries; a delete loses it)'
)
LEFT = (
    '{kind} "{new}" is created while "{old}" stays, unmanaged: did you mean `renamed_from: '
    '[{own}]` on "{name}"? (a rename keeps what it carries; else both stay, the new one empty)'
)
_NOISE = re.compile(r"[\s_\-.]+")


def rename_hints(
    schema: ProviderSchema, changes: Sequence[Change], unmanaged: Sequence[Unmanaged] = ()
) -> list[str]:
    """One warning per deleted or unmanaged resource that a created one of its kind looks
    like (each created one named once), and per created top-level resource of a tree whose
    name an unmanaged one holds in another scope (a section whose ``tab:`` changed: a move
    needs ``renamed_from: [OLD_TAB/TITLE]``)."""
    hints = _moved_scope(schema, changes, unmanaged)
    for kind in schema.managed():
        made = [c for c in changes if c.kind == kind.name and c.action is Action.CREATE]
        if not kind.rename or not made:
            continue
        gone = [c.ident for c in changes if c.kind == kind.name and c.action is Action.DELETE]
        left = _left(kind.name, made, unmanaged)
        if not gone and not left:
            continue
        closest = _Closest(made, fuzzy=(len(gone) + len(left)) * len(made) <= FUZZY_PAIRS)
        olds = [*((old, DELETED) for old in gone), *((old, LEFT) for old in left)]
        for old, says in olds:
            if (new := closest.take(old)) is not None:
                hints.append(
                    says.format(
                        kind=kind.name,
                        old=display(old),
                        new=new.name,
                        own=old[-1],
                        name=new.ident[-1],
                    )
                )
    return hints


def _left(kind: str, made: Sequence[Change], unmanaged: Sequence[Unmanaged]) -> list[Ident]:
    """The identities of the unmanaged resources of ``kind`` that sit beside a created one
    (top-level, or under the same parent as one): only there can a rename have been meant."""
    top = any(len(c.ident) == 1 for c in made)
    parents = {display(c.ident[:-1]) for c in made if len(c.ident) > 1}
    found: list[Ident] = []
    for item in unmanaged:
        if item.kind != kind:
            continue
        if top:
            found.append((item.name,))
        parent, slash, own = item.name.rpartition("/")
        if slash and parent in parents:
            found.append((*parent.split("/"), own))
    return found


class _Closest:
    """The created resources of one kind, each taken once, found for an old identity: the
    one under the same parent whose name is the same but for case, spacing and punctuation,
    else (``fuzzy``) the closest one at least :data:`CLOSE` alike."""

    def __init__(self, made: Sequence[Change], *, fuzzy: bool) -> None:
        self.fuzzy = fuzzy
        self.taken: set[int] = set()
        self.by_parent: dict[tuple[str, ...], list[Change]] = {}
        self.by_plain: dict[tuple[tuple[str, ...], str], list[Change]] = {}
        for change in made:
            parent = _plain(change.ident[:-1])
            self.by_parent.setdefault(parent, []).append(change)
            self.by_plain.setdefault((parent, _squeeze(change.ident[-1])), []).append(change)

    def take(self, old: Ident) -> Change | None:
        parent = _plain(old[:-1])  # another parent: a move, not a rename
        same = self.by_plain.get((parent, _squeeze(old[-1])), [])
        best = next((c for c in same if id(c) not in self.taken), None)
        if best is None and self.fuzzy:
            score = CLOSE
            for new in self.by_parent.get(parent, []):
                if len(new.ident) != len(old) or id(new) in self.taken:
                    continue
                ratio = _similarity(old[-1], new.ident[-1])
                if ratio >= score:
                    best, score = new, ratio
        if best is not None:
            self.taken.add(id(best))
        return best


def _moved_scope(
    schema: ProviderSchema, changes: Sequence[Change], unmanaged: Sequence[Unmanaged]
) -> list[str]:
    hints: list[str] = []
    for kind in schema.managed():
        if kind.scope is None:
            continue
        left: dict[str, list[str]] = {}
        for item in unmanaged:
            parts = item.name.split("/")
            if item.kind == kind.name and len(parts) == 2:
                left.setdefault(kind.fold(parts[1]), []).append(item.name)
        for change in changes:
            if change.kind != kind.name or change.action is not Action.CREATE:
                continue
            if len(change.ident) != 2:
                continue
            there = [n for n in left.get(kind.fold(change.ident[-1]), []) if n != change.name]
            if len(there) == 1:
                hints.append(
                    f'{kind.name} "{change.name}" is created while "{there[0]}" stays: to move '
                    f"it, say `renamed_from: [{there[0]}]` (it is then deleted and re-created "
                    f"in {kind.scope} {change.ident[0]!r})"
                )
    return hints


def _squeeze(name: str) -> str:
    """``name`` without case, spacing and punctuation."""
    return _NOISE.sub("", name).lower()


def _plain(parts: Sequence[str]) -> tuple[str, ...]:
    return tuple(map(_squeeze, parts))


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _squeeze(a), _squeeze(b)).ratio()
