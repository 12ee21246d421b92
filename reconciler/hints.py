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
from .plan import Action, Change

CLOSE = 0.8  # difflib's ratio from which two names are "close"
_NOISE = re.compile(r"[\s_\-.]+")


def rename_hints(schema: ProviderSchema, changes: Sequence[Change]) -> list[str]:
    """One warning per deleted resource that a created one of its kind looks like."""
    hints: list[str] = []
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
