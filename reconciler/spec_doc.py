"""Where each part of a spec was written: the data of one YAML document beside the 1-based
(line, column) of every key and value, and positions that name their file.

Positions live beside the data, keyed by container identity, so the data stays plain dicts
and lists that pydantic validates as they are. :mod:`reconciler.spec_yaml` reads a document;
:mod:`reconciler.overlay` merges several, each position keeping its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Pos = tuple[int, int]


class FilePos(tuple[int, int]):
    """A 1-based (line, col) that also names its file.

    Overlays merge documents read from several files (:mod:`reconciler.overlay`); each
    position keeps the file that set the value, so a problem found in the merged document
    is reported in the right file. It is a ``(line, col)`` tuple for everything that reads
    positions; two positions are equal only when their files are too. Plain tuples and
    FilePos hash alike, so a set or dict may hold both.
    """

    file: str

    def __new__(cls, file: str, line: int, col: int) -> FilePos:
        made = super().__new__(cls, (line, col))
        made.file = file
        return made

    def __eq__(self, other: object) -> bool:
        same_file = not isinstance(other, FilePos) or other.file == self.file
        return same_file and tuple.__eq__(self, other) is True

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return tuple.__hash__(self)

    def __repr__(self) -> str:
        return f"FilePos({self.file!r}, {self[0]}, {self[1]})"

    def __getnewargs__(self) -> tuple[str, int, int]:
        return self.file, self[0], self[1]


def file_of(pos: Pos, default: str) -> str:
    """The file a position was written in: its own for a FilePos, else ``default``."""
    return pos.file if isinstance(pos, FilePos) else default


class YamlError(Exception):
    """A problem that stops reading the file; ``pos`` is 1-based."""

    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


@dataclass
class Document:
    """The data of one YAML document and where each part of it was written."""

    data: Any = None
    root: Pos = (1, 1)
    keys: dict[int, dict[str, tuple[Pos, Pos]]] = field(default_factory=dict)
    items: dict[int, list[Pos]] = field(default_factory=dict)
    starts: dict[int, Pos] = field(default_factory=dict)
    problems: list[tuple[Pos, str]] = field(default_factory=list)
    poisoned: set[Pos] = field(default_factory=set)
    text: str = field(default="", repr=False)  # what was read, for messages
    texts: dict[str, str] = field(default_factory=dict, repr=False)  # merged: by file
    _lines: dict[str | None, list[str]] = field(default_factory=dict, repr=False)

    def line(self, pos: Pos) -> str | None:
        """The text of the line ``pos`` is on, in the file it names (a merged document's
        positions name the file that set them); None when there is no such line."""
        file = pos.file if isinstance(pos, FilePos) and pos.file in self.texts else None
        lines = self._lines.get(file)
        if lines is None:  # split once, when a message first needs it
            text = self.text if file is None else self.texts[file]
            lines = self._lines[file] = text.splitlines()
        return lines[pos[0] - 1] if 0 < pos[0] <= len(lines) else None

    def start(self, container: Any) -> Pos:
        """Where a mapping or list begins."""
        return self.starts.get(id(container), self.root)

    def key_pos(self, mapping: dict[str, Any], key: str) -> Pos:
        return self.keys[id(mapping)][key][0]

    def value_pos(self, mapping: dict[str, Any], key: str) -> Pos:
        return self.keys[id(mapping)][key][1]

    def item_pos(self, items: list[Any], index: int) -> Pos:
        return self.items[id(items)][index]

    def locate(self, loc: tuple[int | str, ...], *, key: bool = False) -> Pos:
        """The position of the value at ``loc`` (pydantic's error path).

        Path parts that name nothing in the data (union branch labels) are skipped; a last
        part naming a key that is not there (a missing key) gives the enclosing mapping.
        With ``key``, a mapping entry is located at its key rather than its value.
        """
        node, pos = self.data, self.root
        for index, part in enumerate(loc):
            last = index == len(loc) - 1
            if isinstance(node, dict) and isinstance(part, str) and part in node:
                key_pos, pos = self.keys[id(node)][part]
                if last and key:
                    return key_pos
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                pos, node = self.items[id(node)][part], node[part]
        return pos


def stamp(doc: Document, file: str) -> Document:
    """``doc`` with every position turned into a :class:`FilePos` of ``file`` (in place)."""

    def at(pos: Pos) -> FilePos:
        return pos if isinstance(pos, FilePos) else FilePos(file, pos[0], pos[1])

    doc.root = at(doc.root)
    for table in doc.keys.values():
        for name, (key_pos, value_pos) in table.items():
            table[name] = (at(key_pos), at(value_pos))
    for places in doc.items.values():
        places[:] = [at(pos) for pos in places]
    doc.starts = {ident: at(pos) for ident, pos in doc.starts.items()}
    doc.problems = [(at(pos), message) for pos, message in doc.problems]
    doc.poisoned = {at(pos) for pos in doc.poisoned}
    doc.texts[file] = doc.text
    return doc
