"""Rules across entries of an ABC spec: duplicates, renames, fields, options, webhook events.

They run on the raw data of :mod:`reconciler.spec_yaml` (entries too broken to read are
skipped: model validation reports them). Names compare exactly, as the server compares them.
The same walk indexes where each entry was written, by the identity the plan shows:
``(kind, name)`` → ``(line, col)`` (a field's name is ``CHANNEL/KEY``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...spec_checks import Named, SpecRules, renamed_from_problems
from ...spec_doc import Pos
from .spec import RESERVED_KEYS, RESERVED_NAMES, URL_PATTERN, WITH_CHANNELS
from .urls import url_problem

FLAT = (("categories", "category"), ("issues", "issue"), ("channels", "channel"))
CHOICES = frozenset({"select", "multiSelect"})


@dataclass
class _Rules(SpecRules):
    def run(self) -> None:
        for plural, singular in (*FLAT, ("webhooks", "webhook")):
            named = self._named(self._list(self.doc.data, plural), singular)
            self.problems += renamed_from_problems(self.doc, singular, named, str)
            for item in named:
                name, entry = item.name, item.entry
                assert entry is not None
                if singular == "channel":
                    self._fields(name, entry)
                if singular == "webhook":
                    self._url(entry)
                    self._events(entry)

    def _named(self, items: list[Any], singular: str) -> list[Named]:
        """Entries with a usable name; a name listed twice (exactly) is a problem."""
        named: list[Named] = []
        for entry, pos in self._items(items):
            found = self._text(entry, "name")
            if found is None:
                continue
            first = self.index.get((singular, found[0]))
            if first is not None:
                message = f"duplicate {singular} '{found[0]}' (first at line {first[0]})"
                self._problem(found[1], message)
                continue
            self.index[(singular, found[0])] = pos
            named.append(Named(found[0], pos, entry))
        return named

    def _fields(self, channel: str, entry: dict[str, Any]) -> None:
        keys: dict[str, Pos] = {}
        names: dict[str, Pos] = {}
        for item, pos in self._items(self._list(entry, "fields")):
            key = self._text(item, "key")
            name = self._text(item, "name")
            if key is not None:
                if key[0] in RESERVED_KEYS:
                    self._problem(key[1], f"field key '{key[0]}' is reserved by the server")
                elif key[0] in keys:
                    first = keys[key[0]][0]
                    message = f"duplicate field '{key[0]}' in channel '{channel}'"
                    self._problem(key[1], f"{message} (first at line {first})")
                else:
                    keys[key[0]] = key[1]
                    self.index[("field", f"{channel}/{key[0]}")] = pos
            if name is not None:
                if name[0] in RESERVED_NAMES:
                    self._problem(name[1], f"field name '{name[0]}' is reserved by the server")
                elif name[0] in names:
                    first = names[name[0]][0]
                    message = f"two fields of channel '{channel}' are named '{name[0]}'"
                    self._problem(name[1], f"{message} (first at line {first})")
                else:
                    names[name[0]] = name[1]
            self._options(item)

    def _options(self, item: Any) -> None:
        if not isinstance(item, dict) or "options" not in item or item["options"] is None:
            return
        fmt = item.get("format")
        if isinstance(fmt, str) and fmt not in CHOICES:
            where = self.doc.key_pos(item, "options")
            self._problem(where, f"options are for select and multiSelect fields, not {fmt}")
            return
        for attr in ("key", "name"):
            seen: set[str] = set()
            for option, _ in self._items(self._list(item, "options")):
                found = self._text(option, attr)
                if found is None:
                    continue
                if found[0] in seen:
                    self._problem(found[1], f"option {attr} '{found[0]}' listed twice")
                seen.add(found[0])

    def _url(self, entry: dict[str, Any]) -> None:
        """A URL the server's own check (class-validator's isURL) refuses: a 400 at apply
        otherwise. One the pattern already refuses is reported once, by the model."""
        found = self._text(entry, "url")
        if found is None or not re.fullmatch(URL_PATTERN, found[0]):
            return
        why = url_problem(found[0])
        if why is not None:
            message = f"webhook url '{found[0]}' would be refused by the server: {why}"
            self._problem(found[1], message)

    def _events(self, entry: dict[str, Any]) -> None:
        seen: set[str] = set()
        for event, _ in self._items(self._list(entry, "events")):
            kind = self._text(event, "type")
            if kind is None:
                continue
            if kind[0] in seen:
                self._problem(kind[1], f"event {kind[0]} listed twice")
            seen.add(kind[0])
            if kind[0] not in WITH_CHANNELS and self._list(event, "channels"):
                where = self.doc.key_pos(event, "channels")
                self._problem(where, f"{kind[0]} takes no channels; leave them out")
            names = [c for c in self._list(event, "channels") if isinstance(c, str)]
            if len(set(names)) < len(names):
                where = self.doc.value_pos(event, "channels")
                self._problem(where, "a channel is listed twice in this event")


check = _Rules.check
