"""Rename hints: a delete and a create that look like one resource renamed.

A plan that deletes one resource and creates another of the same kind, under the same parent,
whose names differ only in letter case, spacing or a few characters, most likely meant a
rename; shipped as it is, it destroys what the old one carried (votes, posts, members). The
plan says "did you mean `renamed_from: [OLD]`?" as a warning, in every format.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from .kinds import ProviderSchema
from .plan import Action, Change, Unmanaged

CLOSE = 0.8  # difflib's ratio from which two names are "close"
_NOISE = re.compile(r"[\s_\-.]+")


def rename_hints(
    schema: ProviderSchema, changes: Sequence[Change], unmanaged: Sequence[Unmanaged] = ()
) -> list[str]:
    """One warning per deleted resource that a created one of its kind looks like, and per
    created top-level resource of a tree whose name an unmanaged one holds in another scope
    (a section whose ``tab:`` changed: a move needs ``renamed_from: [OLD_TAB/TITLE]``)."""
    hints = _moved_scope(schema, changes, unmanaged)
    for kind in schema.managed():
        if not kind.rename:
            continue
        made = [c for c in changes if c.kind == kind.name and c.action is Action.CREATE]
        gone = [c for c in changes if c.kind == kind.name and c.action is Action.DELETE]
        taken: set[int] = set()
        for old in gone:
            new = _closest(old, [c for c in made if id(c) not in taken])
            if new is None:
                continue
            taken.add(id(new))
            hints.append(
                f'{kind.name} "{old.name}" is deleted and "{new.name}" created: did you mean '
                f'`renamed_from: [{old.ident[-1]}]` on "{new.ident[-1]}"? (a rename keeps what '
                "it carries; a delete loses it)"
            )
    return hints


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


def _closest(old: Change, made: Sequence[Change]) -> Change | None:
    best, score = None, CLOSE
    for new in made:
        if len(new.ident) != len(old.ident) or _plain(new.ident[:-1]) != _plain(old.ident[:-1]):
            continue  # another parent: a move, not a rename
        ratio = _similarity(old.ident[-1], new.ident[-1])
        if ratio >= score:
            best, score = new, ratio
    return best


def _plain(parts: Sequence[str]) -> tuple[str, ...]:
    return tuple(_NOISE.sub("", p).lower() for p in parts)


def _similarity(a: str, b: str) -> float:
    a, b = _NOISE.sub("", a).lower(), _NOISE.sub("", b).lower()
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()
