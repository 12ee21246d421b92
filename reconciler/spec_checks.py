"""Cross-entry checks every provider's spec rules share: ``renamed_from`` conflicts.

An earlier name must not be another entry's own name (two resources would trade places), and
two entries must not claim the same earlier name; a provider's rules call
:func:`renamed_from_problems` with its entries and how its product compares names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .spec_yaml import Document, Pos


@dataclass(slots=True)
class Named:
    """An entry that has a usable name: what ``renamed_from`` is checked against. ``pos`` is
    where other problems say it stands; ``prefix`` the parent path a bare earlier name (of a
    tree's entry) is under."""

    name: str
    pos: Pos
    entry: dict[str, Any] | None
    prefix: str = ""


def renamed_from_problems(
    doc: Document,
    kind: str,
    named: Sequence[Named],
    fold: Callable[[str], str],
    resolve: Callable[[Named, str], str] = lambda item, old: old,
) -> list[tuple[Pos, str]]:
    """The ``renamed_from`` problems of ``named`` (entries of one ``kind``), names compared
    through ``fold``; ``resolve`` turns an earlier name into the identity it stands for."""
    problems: list[tuple[Pos, str]] = []
    renaming = [
        (item, olds)
        for item in named
        if item.entry is not None and isinstance(olds := item.entry.get("renamed_from"), list)
    ]
    if not renaming:  # the usual case: no names to compare
        return problems
    own = {fold(item.name): item for item in named}
    claimed: dict[str, tuple[Named, Pos]] = {}
    for item, olds in renaming:
        for old, pos in zip(olds, doc.items.get(id(olds), []), strict=False):
            if not isinstance(old, str):
                continue
            target = fold(resolve(item, old))
            other = own.get(target)
            if other is item:
                continue  # the entry's own name (or a change of letter case only)
            if other is not None:
                message = f"renamed_from '{old}' names another {kind} (line {other.pos[0]})"
            elif target in claimed:
                first, first_pos = claimed[target]
                message = (
                    f"'{old}' is listed twice in renamed_from"
                    if first is item
                    else f"'{old}' is already claimed by renamed_from of '{first.name}'"
                ) + f" (first at line {first_pos[0]})"
            else:
                claimed[target] = (item, pos)
                continue
            problems.append((pos, message))
    return problems
