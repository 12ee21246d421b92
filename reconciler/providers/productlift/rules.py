"""Rules across entries of a spec: duplicates, tab references, renames, members.

They run on the raw data of :mod:`reconciler.spec_yaml` rather than on validated models, so a
file gets these problems reported together with its type errors. Entries too broken to read
(no string name, not a mapping) are skipped here: model validation reports them.

The same walk indexes where each entry was written, by the identity the plan shows:
``(kind, casefolded name)`` → ``(line, col)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...loader import suggest
from ...spec_checks import Named, SpecRules, renamed_from_problems
from ...spec_doc import Pos


def join_path(*parts: str) -> str:
    return "/".join(parts)


# Names compare as the portal compares them: letter case aside. str.lower itself, not a
# function calling it: it folds every name and email of the spec.
key: Callable[[str], str] = str.lower


FLAT = (("categories", "category"), ("statuses", "status"), ("groups", "group"), ("tags", "tag"))


@dataclass
class _Rules(SpecRules):
    tabs: dict[str, str] = field(default_factory=dict)

    def run(self) -> None:
        self._tabs()
        for plural, singular in FLAT:
            named = self._flat(plural, singular)
            self.problems += renamed_from_problems(self.doc, singular, named, key)
            if plural == "statuses":
                for item in named:
                    self._tab_ref(item.entry)
            if plural == "groups":
                for item in named:
                    self._members(item)
        sections: list[Named] = []
        self._sections(self._list(self.doc.data, "sections"), None, None, sections)
        self.problems += renamed_from_problems(self.doc, "section", sections, key, self._old_path)

    def _tabs(self) -> None:
        for entry, _ in self._items(self._list(self.doc.data, "tabs")):
            slug = self._text(entry, "slug")
            if slug is None:
                continue
            if key(slug[0]) in self.tabs:
                first = self.index[("tab", key(slug[0]))][0]
                self._problem(slug[1], f"tab '{slug[0]}' listed twice (first at line {first})")
                continue
            self.tabs[key(slug[0])] = slug[0]
            self.index[("tab", key(slug[0]))] = slug[1]

    def _flat(self, plural: str, singular: str) -> list[Named]:
        """Entries named by ``name`` (tags also by a bare string); duplicates reported."""
        named: list[Named] = []
        index = self.index
        for entry, pos in self._items(self._list(self.doc.data, plural)):
            if isinstance(entry, dict):
                name = entry.get("name")
                if not isinstance(name, str):
                    continue
                item = Named(name, self.doc.value_pos(entry, "name"), entry)
            elif plural == "tags" and isinstance(entry, str):
                item = Named(entry, pos, None)
            else:
                continue
            indexed = (singular, key(item.name))
            first = index.get(indexed)
            if first is not None:
                self._problem(
                    item.pos, f"duplicate {singular} '{item.name}' (first at line {first[0]})"
                )
                continue
            index[indexed] = pos
            named.append(item)
        return named

    def _tab_ref(self, entry: dict[str, Any] | None) -> str | None:
        """The slug ``entry`` names under ``tab``; reported when not listed under tabs."""
        slug = self._text(entry, "tab") if entry is not None else None
        if slug is None:
            return None
        if key(slug[0]) not in self.tabs:
            listed = list(self.tabs.values())
            hint = suggest(slug[0], listed) or f"; add '- slug: {slug[0]}' to tabs"
            self._problem(slug[1], f"tab '{slug[0]}' is not listed under tabs{hint}")
        return slug[0]

    def _members(self, group: Named) -> None:
        members = group.entry.get("members") if group.entry is not None else None
        if not isinstance(members, list):
            return
        seen: dict[str, Pos] = {}
        for email, pos in self._items(members):
            if not isinstance(email, str):
                continue
            folded = key(email)
            if folded in seen:
                first = seen[folded][0]
                message = f"member '{email}' listed twice in group '{group.name}'"
                self._problem(pos, f"{message} (first at line {first})")
                continue
            seen[folded] = pos
            self.index[("membership", key(join_path(group.name, email)))] = pos

    def _sections(
        self, items: list[Any], tab: str | None, parent: str | None, out: list[Named]
    ) -> None:
        """Check one sibling list; ``tab`` and ``parent`` are the parent's (None at the top)."""
        siblings: dict[tuple[str, str], Pos] = {}
        for entry, pos in self._items(items):
            if not isinstance(entry, dict):
                continue
            title = self._text(entry, "title")
            own_tab = self._section_tab(entry, tab, parent, title[0] if title else "?")
            here = tab if parent is not None else own_tab
            path = join_path(parent or here or "?", title[0] if title else "?")
            if title is not None:
                scope = (key(here or ""), key(title[0]))
                indexed = ("section", key(path))
                if scope in siblings:
                    first = siblings[scope][0]
                    within = f"under '{parent}'" if parent else f"in tab '{here}'"
                    message = f"duplicate section '{title[0]}' {within} (first at line {first})"
                    self._problem(title[1], message)
                elif indexed in self.index:
                    line = self.index[indexed][0]
                    message = f"section path '{path}' is also the path of the section at line"
                    self._problem(title[1], f"{message} {line} (a '/' in a title is ambiguous)")
                else:
                    siblings[scope] = title[1]
                    self.index[indexed] = pos
                    out.append(Named(path, title[1], entry, parent or here or "?"))
            children = entry.get("sections")
            if isinstance(children, list):
                self._sections(children, here, path, out)

    def _section_tab(
        self, entry: dict[str, Any], tab: str | None, parent: str | None, title: str
    ) -> str | None:
        own = self._tab_ref(entry)
        if parent is None and own is None and entry.get("tab") is None:
            self._problem(self.doc.start(entry), f"top-level section '{title}' needs a tab")
        elif parent is not None and own is not None and tab is not None and key(own) != key(tab):
            message = f"tab '{own}' differs from the parent section's tab '{tab}'"
            self._problem(self.doc.value_pos(entry, "tab"), f"{message}; leave it out")
        return own

    def _old_path(self, item: Named, old: str) -> str:
        """An earlier title (same parent) or an earlier full ``TAB/.../TITLE`` path."""
        if "/" in old and key(old.split("/", 1)[0]) in self.tabs:
            return old
        return join_path(item.prefix, old)


check = _Rules.check
