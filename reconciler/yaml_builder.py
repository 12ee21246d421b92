"""libyaml's parse events → a :class:`~reconciler.spec_doc.Document`, one event at a time.

The builder keeps an explicit stack, so hostile nesting cannot crash the process, and each
event carries the mark we need. On the way it finds what PyYAML would hide or blow up on:
duplicate keys (PyYAML keeps the last), aliases (refused outright, so no alias bomb can
expand), unsupported tags, nesting deeper than :data:`MAX_DEPTH`. Plain scalars are typed as
YAML 1.1 types them (PyYAML's resolver), the common words from a table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .spec_doc import Document, Pos, YamlError

MAX_DEPTH = 256

_STR = "tag:yaml.org,2002:str"
_MAP = {"tag:yaml.org,2002:map", "!"}
_SEQ = {"tag:yaml.org,2002:seq", "!"}
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()


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


def mark_pos(mark: Any) -> Pos:
    return mark.line + 1, mark.column + 1


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    positions: dict[str, tuple[Pos, Pos]] | list[Pos]  # the container's entry in doc
    key: str | None = None
    key_pos: Pos = (1, 1)
    skip_value: bool = False


class Builder:
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
                raise YamlError(
                    mark_pos(event.start_mark), "a spec is one YAML document, not several"
                )
        elif kind is yaml.AliasEvent:
            self._alias(event)  # type: ignore[arg-type]

    def _alias(self, event: yaml.AliasEvent) -> None:
        """Refused: no expansion, so no alias bomb; the problem is reported where it is used."""
        pos = mark_pos(event.start_mark)
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
        pos = mark_pos(event.start_mark)
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
        pos = mark_pos(event.start_mark)
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
