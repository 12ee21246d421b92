"""YAML text → plain Python data, with the 1-based (line, column) of every key and value.

Built from libyaml's event stream (``yaml.parse`` with the C loader when present), not from
``yaml.compose``: the event parser keeps an explicit stack, so hostile nesting cannot crash
the process, and each event carries the mark we need. On the way it finds what PyYAML would
hide or blow up on: duplicate keys (PyYAML keeps the last), aliases (refused outright, so no
alias bomb can expand), unsupported tags, nesting deeper than :data:`MAX_DEPTH`, text longer
than :data:`MAX_CHARS`.

Our limits hold whatever the YAML library does: libyaml's scanner looks ahead through flow
collections (``[[[[…``) and, from PyYAML 6.0.4 on, stops at its own nesting limit before the
first event reaches us. So :func:`read` first measures flow nesting itself and hands the parser
only the text up to the first bracket past our limit; the parser then stops at our check, at
the same place whichever PyYAML 6.x is installed.

Positions live beside the data, keyed by container identity, so the data stays plain dicts
and lists that pydantic validates as they are.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Pos = tuple[int, int]
MAX_DEPTH = 256
MAX_CHARS = 64 * 1024 * 1024  # a 100,000-resource spec is about 5 MB

_STR = "tag:yaml.org,2002:str"
_MAP = {"tag:yaml.org,2002:map", "!"}
_SEQ = {"tag:yaml.org,2002:seq", "!"}
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()


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


def decode(raw: bytes) -> str:
    """UTF-8 bytes (an optional BOM allowed) → text; anything else is a located YamlError."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise YamlError((1, 1), "the file is UTF-16; save the spec as UTF-8")
    raw = raw.removeprefix(codecs.BOM_UTF8)
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _byte_pos(raw, nul)
        raise YamlError((line, col), "binary data (a NUL byte); a spec is UTF-8 text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _byte_pos(raw, error.start)
        byte = raw[error.start]
        raise YamlError((line, col), f"not UTF-8 (byte 0x{byte:02x}); save as UTF-8") from None


def _byte_pos(raw: bytes, offset: int) -> Pos:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(prefix) + 1


def read(text: str) -> Document:
    """Parse one YAML document into a :class:`Document`; fatal problems raise YamlError."""
    if len(text) > MAX_CHARS:
        raise YamlError(
            (1, 1), f"the spec is {len(text):,} characters long; the limit is {MAX_CHARS:,}"
        )
    too_deep = _too_deep_flow(text)
    builder = _Builder()
    loader = Loader(text if too_deep is None else text[:too_deep])
    try:  # yaml.parse without its generator: one call per event (400,000 at 100,000 resources)
        builder.run(loader.get_event)
    except yaml.MarkedYAMLError as error:
        raise YamlError(*_describe(error)) from None
    except yaml.reader.ReaderError as error:
        # libyaml counts bytes of the UTF-8 text it was given
        pos = _byte_pos(text.encode("utf-8"), error.position)
        raise YamlError(pos, _reader_message(error)) from None
    except yaml.YAMLError as error:  # pragma: no cover - libyaml raises the two above
        raise YamlError((1, 1), f"YAML error: {error}") from None
    finally:
        loader.dispose()
    if too_deep is not None:  # the parser ended before our own check: say it ourselves
        raise YamlError(_char_pos(text, too_deep), f"nested deeper than {MAX_DEPTH} levels")
    builder.doc.text = text
    return builder.doc


# What flow nesting depends on: brackets, quotes (which hide brackets), comments, escapes.
_FLOW_SIGNS = re.compile(r"[\[\]{}'\"#\\]")
_BLOCK_TOKEN_START = frozenset(" \t\n")  # what may stand before a token in block context
_FLOW_TOKEN_START = frozenset(" \t\n[{,:")


def _too_deep_flow(text: str) -> int | None:
    """The offset of the first ``[`` or ``{`` that opens flow level ``MAX_DEPTH + 1``, or None.

    A light scan, not a parser: quoted scalars and comments are skipped, and a bracket inside a
    block-context plain scalar (``name: a[b``) does not count. Where it misreads odd text it
    only ever undercounts, and then the parser's own error (a located line) still applies.
    Text with no more brackets than the limit cannot nest past it, and is not scanned.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, quote, skip_to = 0, "", -1
    for match in _FLOW_SIGNS.finditer(text):
        at = match.start()
        if at < skip_to:
            continue
        sign = match.group()
        if quote:
            if sign == "\\" and quote == '"':
                skip_to = at + 2
            elif sign == quote:
                if quote == "'" and text.startswith("'", at + 1):
                    skip_to = at + 2  # '' is a quote inside a single-quoted scalar
                else:
                    quote = ""
            continue
        before = _FLOW_TOKEN_START if depth else _BLOCK_TOKEN_START
        starts_token = at == 0 or text[at - 1] in before
        if sign in "[{" and starts_token:
            depth += 1
            if depth > MAX_DEPTH:
                return at
        elif sign in "]}" and depth:
            depth -= 1
        elif sign in "'\"" and starts_token:
            quote = sign
        elif sign == "#" and starts_token:
            end = text.find("\n", at)
            skip_to = len(text) if end < 0 else end
    return None


def _char_pos(text: str, offset: int) -> Pos:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


# First characters that some implicit resolver (int, bool, null, timestamp...) looks at.
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)
_WORD_TAGS = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")
# Of those, the ones some resolver other than bool's and null's looks at: digits, signs, '.'...
_NOT_WORD_FIRST = frozenset(
    first
    for first, resolvers in _RESOLVER.yaml_implicit_resolvers.items()
    if any(tag not in _WORD_TAGS for tag, _ in resolvers)
)


def _resolve(value: str) -> str:
    """The tag YAML 1.1 gives a plain scalar (int, bool, null, timestamp... or str)."""
    if value and value[0] not in _RESOLVED_FIRST:
        return _STR  # most names: no resolver starts with their first character
    tag: str = _RESOLVER.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


def _word(word: str) -> Any:
    """What PyYAML makes of the plain scalar ``word``, one of YAML 1.1's booleans or nulls."""
    tag = _resolve(word)
    assert tag in _WORD_TAGS, word
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, word))


# The plain scalars YAML 1.1 reads as booleans or null, with their values: any other plain
# scalar whose first character is not in _NOT_WORD_FIRST (a letter, '~') is a string.
_WORDS: dict[str, Any] = {
    word: _word(word)
    for word in (
        *("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"),
        *("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
        *("~", "null", "Null", "NULL", ""),
    )
}
_NOT_A_WORD = object()


def _short(tag: str | None) -> str:
    return str(tag).replace("tag:yaml.org,2002:", "!!")


def _mark(mark: Any) -> Pos:
    return mark.line + 1, mark.column + 1


def _describe(error: yaml.MarkedYAMLError) -> tuple[Pos, str]:
    mark = error.problem_mark or error.context_mark
    pos = _mark(mark) if mark is not None else (1, 1)
    message = f"YAML syntax error: {error.problem or error.context}"
    if error.context and error.problem and error.context_mark is not None:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return pos, message


def _reader_message(error: yaml.reader.ReaderError) -> str:
    char = error.character
    code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return f"character {code} is not allowed in YAML ({error.reason})"


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    positions: dict[str, tuple[Pos, Pos]] | list[Pos]  # the container's entry in doc
    key: str | None = None
    key_pos: Pos = (1, 1)
    skip_value: bool = False


class _Builder:
    """Consumes parse events; keeps a stack of open containers."""

    def __init__(self) -> None:
        self.doc = Document()
        self.stack: list[_Frame] = []
        self.documents = 0

    def run(self, get: Callable[[], yaml.Event | None]) -> None:
        """Feed every event ``get`` returns until None; :meth:`feed` does the same one at a
        time. The bulk of a spec is handled here inline, as :meth:`feed` would: scalars in a
        container, and the ends of containers. A key is read together with the next event
        when that is its scalar value, so a key waits in its frame only for a container or
        an alias (whose handling clears it); a scalar that is a string as written skips
        :meth:`_scalar_value`."""
        stack, problems = self.stack, self.doc.problems
        scalar_event = yaml.ScalarEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
        while (event := get()) is not None:
            if type(event) is not scalar_event or not stack:
                kind = type(event)
                if kind in ends:
                    stack.pop()
                elif kind in starts:
                    self._open(event)  # type: ignore[arg-type]
                else:
                    self.feed(event)
                continue
            top = stack[-1]
            places = top.positions
            mark: Any = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if type(places) is dict:  # a key (never a value: that is read with its key)
                name, key_pos, duplicate = event.value, pos, event.value in places
                if duplicate:
                    first = places[name][0][0]
                    problems.append((pos, f"duplicate key '{name}' (first at line {first})"))
                event = get()
                if type(event) is not scalar_event:  # a container or an alias
                    top.key, top.key_pos, top.skip_value = name, key_pos, duplicate
                    if event is not None:
                        self.feed(event)
                    continue
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
            text = event.value
            value: Any
            if event.tag is None and (
                event.style or (text not in _WORDS and text[0] not in _NOT_WORD_FIRST)
            ):  # a string as written: quoted, or plain and neither a word nor a number
                value = text
            else:
                value = self._scalar_value(event, pos)
            if type(places) is list:
                top.container.append(value)  # type: ignore[union-attr]
                places.append(pos)
            elif not duplicate:
                top.container[name] = value  # type: ignore[call-overload]
                places[name] = (key_pos, pos)  # type: ignore[call-overload]

    def feed(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:  # the most common event first
            self._scalar(event)  # type: ignore[arg-type]
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self._open(event)  # type: ignore[arg-type]
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise YamlError(_mark(event.start_mark), "a spec is one YAML document, not several")
        elif kind is yaml.AliasEvent:
            self._alias(event)  # type: ignore[arg-type]

    def _alias(self, event: yaml.AliasEvent) -> None:
        """Refused: no expansion, so no alias bomb; the problem is reported where it is used."""
        pos = _mark(event.start_mark)
        message = f"YAML aliases (*{event.anchor}) are not supported; write the value out"
        if self._expects_key():
            raise YamlError(pos, message)
        self._problem(pos, message)
        self._value(None, pos)

    def _expects_key(self) -> bool:
        top = self.stack[-1] if self.stack else None
        return top is not None and type(top.container) is dict and top.key is None

    def _problem(self, pos: Pos, message: str) -> None:
        self.doc.problems.append((pos, message))
        self.doc.poisoned.add(pos)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        pos = _mark(event.start_mark)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.key is None and type(top.container) is dict:
            self._key(top, event.value, pos)
        else:
            self._value(self._scalar_value(event, pos), pos)

    def _key(self, frame: _Frame, name: str, pos: Pos) -> None:
        assert isinstance(frame.container, dict)
        seen = frame.positions.get(name)  # type: ignore[union-attr]
        frame.key, frame.key_pos, frame.skip_value = name, pos, seen is not None
        if seen is not None:
            self.doc.problems.append((pos, f"duplicate key '{name}' (first at line {seen[0][0]})"))

    def _scalar_value(self, event: yaml.ScalarEvent, pos: Pos) -> Any:
        """The value of a scalar: a string as written when quoted, or plain and neither a
        word of :data:`_WORDS` nor starting like a number or a date; else what
        :meth:`_construct` makes of it."""
        text = event.value
        if event.tag is None:
            if event.style or not event.implicit[0]:  # not plain (C loader: "", Python: None)
                return text
            word = _WORDS.get(text, _NOT_A_WORD)
            if word is not _NOT_A_WORD:
                return word
            if text[0] not in _NOT_WORD_FIRST:
                return text
        return self._construct(event, pos)

    def _construct(self, event: yaml.ScalarEvent, pos: Pos) -> Any:
        if event.tag is None:
            plain = event.implicit[0] and not event.style  # C loader: "", Python: None
            tag = _resolve(event.value) if plain else _STR
        else:
            tag = _STR if event.tag == "!" else event.tag
        if tag == _STR:
            return event.value
        make = _CONSTRUCTOR.yaml_constructors.get(tag)
        if make is None or tag.endswith((":map", ":seq", ":omap", ":pairs", ":set")):
            self._problem(pos, f"unsupported YAML tag '{_short(event.tag)}'")
            return None
        kind = tag.rsplit(":", 1)[-1]
        try:
            return make(_CONSTRUCTOR, ScalarNode(tag, event.value))
        except (ConstructorError, ValueError) as error:
            self._problem(pos, f"cannot read {event.value!r} as {kind}: {error}")
        except (KeyError, AttributeError, TypeError):  # PyYAML's bool and timestamp raise these
            self._problem(pos, f"cannot read {event.value!r} as {kind}")
        return None

    def _open(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        pos = _mark(event.start_mark)
        is_map = type(event) is yaml.MappingStartEvent
        if self._expects_key():
            raise YamlError(pos, "a key must be a plain name, not a list or a mapping")
        if len(self.stack) >= MAX_DEPTH:
            raise YamlError(pos, f"nested deeper than {MAX_DEPTH} levels")
        if event.tag is not None and event.tag not in (_MAP if is_map else _SEQ):
            self._problem(pos, f"unsupported YAML tag '{_short(event.tag)}'")
        container: dict[str, Any] | list[Any]
        positions: dict[str, tuple[Pos, Pos]] | list[Pos]
        if is_map:
            container, positions = {}, {}
            self.doc.keys[id(container)] = positions
        else:
            container, positions = [], []
            self.doc.items[id(container)] = positions
        self.doc.starts[id(container)] = pos
        self._value(container, pos)
        self.stack.append(_Frame(container, positions))

    def _value(self, value: Any, pos: Pos) -> None:
        if not self.stack:
            self.doc.data, self.doc.root = value, pos
            return
        top = self.stack[-1]
        container = top.container
        if type(container) is list:
            container.append(value)
            top.positions.append(pos)  # type: ignore[union-attr]
            return
        name = top.key
        assert name is not None
        if not top.skip_value:
            container[name] = value  # type: ignore[call-overload]
            top.positions[name] = (top.key_pos, pos)  # type: ignore[call-overload]
        top.key = None
