"""What every provider's spec rules share: the walk over raw data, and ``renamed_from``.

A provider's rules subclass :class:`SpecRules` (the document, the problems found, the index
of where each entry was written, and the helpers that walk raw data) and implement
``run``; ``check = TheirRules.check`` is the provider's ``check``.

An earlier name must not be another entry's own name (two resources would trade places), and
two entries must not claim the same earlier name; a provider's rules call
:func:`renamed_from_problems` with its entries and how its product compares names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .spec_doc import Document, Pos

Problems = list[tuple[Pos, str]]
Index = dict[tuple[str, str], Pos]


@dataclass
class SpecRules:
    """A provider's cross-entry rules over one document (raw data: entries too broken to read
    are skipped, model validation reports them). ``index``: where each entry was written,
    by ``(kind, identity as the plan shows it)``."""

    doc: Document
    problems: Problems = field(default_factory=list)
    index: Index = field(default_factory=dict)

    @classmethod
    def check(cls, doc: Document) -> tuple[Problems, Index]:
        """Every cross-entry problem of ``doc`` (a mapping at the root), and the index."""
        rules = cls(doc)
        rules.run()
        return rules.problems, rules.index

    def run(self) -> None:
        raise NotImplementedError

    def _problem(self, pos: Pos, message: str) -> None:
        self.problems.append((pos, message))

    def _list(self, mapping: Any, key: str) -> list[Any]:
        """``mapping[key]`` when it is a list, else an empty one."""
        value = mapping.get(key) if isinstance(mapping, dict) else None
        return value if isinstance(value, list) else []

    def _items(self, items: list[Any]) -> Iterator[tuple[Any, Pos]]:
        """The entries of a list read from the document, each with where it was written."""
        return zip(items, self.doc.items.get(id(items), []), strict=False)

    def _text(self, entry: Any, key: str) -> tuple[str, Pos] | None:
        """``entry[key]`` and where it was written, when it is a string."""
        if not isinstance(entry, dict):
            return None
        value = entry.get(key)
        return (value, self.doc.value_pos(entry, key)) if isinstance(value, str) else None


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
