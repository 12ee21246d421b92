"""Overlays: a base spec and the files after it, merged by identity into one document.

The rules (CONTRACT.md part two, "Several portals") are derived from what the provider
declares, so they hold for every provider:

- A list under a kind's ``plural`` (at the top level, or inside an entry of the kind's
  ``parent``: sections in sections, fields in channels, categories in forums) merges entry by
  entry. An entry with the identity of an earlier file's entry updates the attributes it
  names (nested lists of entries merge the same way); a new identity is appended;
  ``remove: true`` drops the earlier entry.
- An entry's identity is its ``name_attr``, compared as the kind compares names (an exact
  match wins over a looser one), plus each attribute whose change makes another resource
  (``Nature.REPLACE``: a section's tab, a UserEcho webhook's target URL) when the later entry
  names it. A later entry that matches several earlier ones is an error: it must say which.
- Anything else is replaced whole: lists of plain values (``members``, ``renamed_from``, a
  ``tags`` shorthand list, ``access_list``), empty lists, ``portal``, ``prune``,
  ``provider``, ``version`` (which an overlay may leave out).

Every position keeps the file that set it (:class:`~reconciler.spec_doc.FilePos`): an
entry that a later file updates is located in that file, its untouched attributes where
they were written. So problems and annotations point at the file and line that set a value.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import Problem, SpecError
from .kinds import KindSchema, Nature, ProviderSchema
from .loader import LoadedSpec, parse_document
from .providers import DEFAULT, get, names
from .spec_doc import Document, Pos, YamlError, file_of, stamp
from .spec_yaml import MAX_CHARS, decode, read

REMOVE = "remove"
SECRET = "(secret)"


def load_layers(
    paths: Sequence[Path],
    shown: Sequence[str],
    env: Mapping[str, str],
    secret: Collection[str] = (),
) -> LoadedSpec:
    """Read the files at ``paths`` (base first; ``shown`` names them in problems), merge
    them and validate the result. ``${NAME}`` reads ``env``, never a name in ``secret``.
    Raises SpecError carrying the problems of every file, each in its own file."""
    return parse_document(merge_files(paths, shown), shown[0], env, secret)


def merge_files(paths: Sequence[Path], shown: Sequence[str]) -> Document:
    """The files at ``paths`` read and merged, ``${NAME}`` as written, not yet validated
    (``validate --show`` prints it). Raises SpecError for files that cannot be read."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for path, name in zip(paths, shown, strict=True):
        try:
            docs.append(stamp(_read(path), name))
        except YamlError as error:
            problems.append(Problem(name, error.pos[0], error.pos[1], error.message))
    if problems:
        raise SpecError(problems)
    return merge_documents(docs, schema_of(docs))


def _read(path: Path) -> Document:
    try:
        size = path.stat().st_size
        if size > MAX_CHARS * 4:  # as load_spec: refused before it is read
            raise YamlError((1, 1), f"the spec is {size:,} bytes; too large")
        raw = path.read_bytes()
    except OSError as error:
        raise YamlError((1, 1), f"cannot read the spec: {error.strerror or error}") from None
    return read(decode(raw))


def schema_of(docs: Sequence[Document]) -> ProviderSchema:
    """The schema of the provider the files name (the last ``provider:`` wins, as the
    merge does); the default one when it is unknown (the loader then reports it)."""
    name = DEFAULT
    for doc in docs:
        if isinstance(doc.data, dict) and isinstance(doc.data.get("provider"), str):
            name = doc.data["provider"]
    return get(name if name in names() else DEFAULT).schema


def merge_documents(docs: Sequence[Document], schema: ProviderSchema) -> Document:
    """The first document with each later one merged into it, in order (the documents are
    consumed). What the merge refuses (an entry matching several, nothing to remove) is
    added to the result's ``problems``, located in the file that says it."""
    out = docs[0]
    merger = _Merger(out, schema)
    for doc in docs[1:]:
        merger.absorb(doc)
    return out


class _Merger:
    def __init__(self, out: Document, schema: ProviderSchema) -> None:
        self.out = out
        self.schema = schema
        self.top = {k.plural: k for k in schema.kinds if k.parent is None or k.tree}
        self.children = {
            k.name: {c.plural: c for c in schema.kinds if c.parent == k.name} for k in schema.kinds
        }

    def absorb(self, doc: Document) -> None:
        out = self.out
        out.keys.update(doc.keys)
        out.items.update(doc.items)
        out.starts.update(doc.starts)
        out.problems.extend(doc.problems)
        out.poisoned |= doc.poisoned
        out.texts.update(doc.texts)
        if doc.data is None:  # an empty file: nothing to change
            return
        if not isinstance(doc.data, dict):
            out.problems.append((doc.root, "an overlay must be a mapping of spec keys"))
            return
        if isinstance(out.data, dict):
            self._mapping(out.data, doc.data, self.top)

    def _mapping(
        self, base: dict[str, Any], over: dict[str, Any], kinds: Mapping[str, KindSchema]
    ) -> None:
        positions = self.out.keys[id(over)]
        for key, value in over.items():
            ks = kinds.get(key)
            current = base.get(key)
            if ks is not None and _entries(value) and isinstance(current, list):
                self._list(ks, current, value)
            else:
                base[key] = value
                self.out.keys.setdefault(id(base), {})[key] = positions[key]

    def _list(self, ks: KindSchema, base: list[Any], over: list[Any]) -> None:
        places = self.out.items.setdefault(id(base), [])
        touched: dict[int, Pos] = {}  # entries this list already set: id → where
        for entry, pos in zip(over, self.out.items[id(over)], strict=True):
            remove = self._remove_flag(entry)
            found = self._find(ks, base, entry)
            again = [touched[id(base[i])] for i in found if id(base[i]) in touched]
            if again:
                name = entry.get(ks.name_attr)
                self.out.problems.append(
                    (pos, f"{ks.name} {name!r} listed twice (first at line {again[0][0]})")
                )
            elif len(found) > 1:
                self._ambiguous(ks, entry, pos, [places[i] for i in found])
            elif remove is not None and found:
                self._removed_with_more(ks, entry, remove)
                del base[found[0]], places[found[0]]
            elif remove is not None:
                name = entry.get(ks.name_attr)
                self.out.problems.append(
                    (remove, f"remove: no {ks.name} {name!r} in the files before this one")
                )
            elif not found:
                base.append(entry)
                places.append(pos)
                touched[id(entry)] = pos
            else:
                touched[id(self._update(ks, base, found[0], entry, pos))] = pos

    def _update(
        self, ks: KindSchema, base: list[Any], index: int, entry: Any, pos: Pos
    ) -> dict[str, Any]:
        places = self.out.items[id(base)]
        target = base[index]
        if not isinstance(target, dict):  # a bare name (a tags shorthand entry)
            target = {ks.name_attr: target}
            self.out.keys[id(target)] = {ks.name_attr: (places[index], places[index])}
            base[index] = target
        places[index] = pos  # the entry is now where its latest file wrote it
        self.out.starts[id(target)] = self.out.starts.get(id(entry), pos)
        self._mapping(target, entry, self.children.get(ks.name, {}))
        return target

    def _removed_with_more(self, ks: KindSchema, entry: dict[str, Any], remove: Pos) -> None:
        """``remove: true`` beside attributes other than the identity: they would silently go
        with the entry, which is most likely not what the author meant."""
        identity = {ks.name_attr, *_identity_attrs(ks)}
        more = [key for key in entry if key not in identity]
        if more:
            self.out.problems.append(
                (remove, f"remove: true drops the entry; its {', '.join(more)} would be ignored")
            )

    def _remove_flag(self, entry: Any) -> Pos | None:
        """Take ``remove:`` out of an entry: where it says ``true``, else None."""
        if not isinstance(entry, dict) or REMOVE not in entry:
            return None
        value = entry.pop(REMOVE)
        key_pos, value_pos = self.out.keys[id(entry)].pop(REMOVE)
        if not isinstance(value, bool):
            self.out.problems.append((value_pos, "remove: expected true or false"))
            return None
        return key_pos if value else None

    def _find(self, ks: KindSchema, base: list[Any], entry: Any) -> list[int]:
        """Indexes of the earlier entries that ``entry`` names (several: ambiguous)."""
        name = entry.get(ks.name_attr) if isinstance(entry, dict) else None
        if not isinstance(name, str):
            return []  # not an entry we can place: appended, and the loader says why
        same = [i for i, b in enumerate(base) if _fold(ks, _name(ks, b)) == ks.fold(name)]
        for attr in _identity_attrs(ks):
            if attr in entry:
                same = [i for i in same if self._same(ks, attr, base[i], entry[attr])]
        if len(same) > 1:
            exact = [i for i in same if _name(ks, base[i]) == name]
            return exact if len(exact) == 1 else same
        return same

    def _same(self, ks: KindSchema, attr: str, earlier: Any, value: Any) -> bool:
        was = earlier.get(attr) if isinstance(earlier, dict) else None
        ref = ks.attr(attr).ref
        if ref is not None and isinstance(was, str) and isinstance(value, str):
            fold = self.schema.kind(ref).fold
            return fold(was) == fold(value)
        return bool(was == value)

    def _ambiguous(self, ks: KindSchema, entry: Any, pos: Pos, matches: list[Pos]) -> None:
        where = ", ".join(f"{file_of(p, '?')}:{p[0]}:{p[1]}" for p in matches)
        attrs = " or ".join(_identity_attrs(ks)) or ks.name_attr
        name = entry.get(ks.name_attr)
        self.out.problems.append(
            (
                pos,
                f"{ks.name} {name!r} matches {len(matches)} earlier entries ({where}); "
                f"give its {attrs} to say which",
            )
        )


def _entries(value: Any) -> bool:
    """A non-empty list of mappings: merged entry by entry (else replaced whole)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _name(ks: KindSchema, entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry
    value = entry.get(ks.name_attr) if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def _fold(ks: KindSchema, name: str | None) -> str | None:
    return None if name is None else ks.fold(name)


def _identity_attrs(ks: KindSchema) -> list[str]:
    return [
        a for a, attr in ks.attrs.items() if attr.nature is Nature.REPLACE and a != ks.name_attr
    ]


def masked(data: Any, schema: ProviderSchema) -> Any:
    """A copy of spec data with the attributes the provider marks secret shown as
    ``(secret)`` (what ``validate --show`` prints)."""
    shown = copy.deepcopy(data)
    if isinstance(shown, dict):
        top = {k.plural: k for k in schema.kinds if k.parent is None or k.tree}
        _mask(shown, top, schema)
    return shown


def _mask(node: dict[str, Any], kinds: Mapping[str, KindSchema], schema: ProviderSchema) -> None:
    for key, value in node.items():
        ks = kinds.get(key)
        if ks is None or not isinstance(value, list):
            continue
        children = {c.plural: c for c in schema.kinds if c.parent == ks.name}
        for entry in value:
            if not isinstance(entry, dict):
                continue
            for attr in entry:
                if ks.attr(attr).secret and entry[attr] is not None:
                    entry[attr] = SECRET
            _mask(entry, children, schema)
