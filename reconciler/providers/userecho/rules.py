"""Rules across entries of a UserEcho spec: duplicates, renames, access lists, members.

They run on the raw data of :mod:`reconciler.spec_yaml`, so a file gets these problems
reported together with its type errors; entries too broken to read are left to model
validation. The same walk indexes where each entry was written, by the identity the plan
shows, lower-cased: ``("category", "feedback/bugs")`` → ``(line, col)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...spec_checks import Named, SpecRules, renamed_from_problems
from ...spec_doc import Pos
from .schema import FORUM_TYPES, PRIVATE_TYPES


def key(name: str) -> str:
    """Names compare as the portal compares them: letter case aside (``str.lower``)."""
    return name.lower()


@dataclass
class _Rules(SpecRules):
    def run(self) -> None:
        forums = self._named(self._list(self.doc.data, "forums"), "forum", "")
        self.problems += renamed_from_problems(self.doc, "forum", forums, key)
        for forum in forums:
            if forum.entry is None:
                continue
            prefix = forum.name + "/"
            for plural, kind in (("categories", "category"), ("tags", "tag")):
                named = self._named(self._list(forum.entry, plural), kind, prefix)
                self.problems += renamed_from_problems(self.doc, kind, named, key)
            self._access(forum)
        groups = self._named(self._list(self.doc.data, "groups"), "group", "")
        self.problems += renamed_from_problems(self.doc, "group", groups, key)
        for group in groups:
            if group.entry is not None:
                self._emails(group.entry, "members", "membership", group.name, "group")
        self._webhooks()

    def _named(self, items: list[Any], kind: str, prefix: str) -> list[Named]:
        """Entries with a usable name (tags also as bare strings); duplicates reported."""
        named: list[Named] = []
        for entry, pos in self._items(items):
            if isinstance(entry, str) and kind == "tag":
                item = Named(entry, pos, None)
            elif isinstance(entry, dict) and isinstance(entry.get("name"), str):
                item = Named(entry["name"], self.doc.value_pos(entry, "name"), entry)
            else:
                continue
            where = (kind, key(prefix + item.name))
            if where in self.index:
                first = self.index[where][0]
                scope = f" in forum '{prefix[:-1]}'" if prefix else ""
                message = f"duplicate {kind} '{item.name}'{scope} (first at line {first})"
                self.problems.append((item.pos, message))
                continue
            self.index[where] = pos
            named.append(item)
        return named

    def _access(self, forum: Named) -> None:
        entry = forum.entry
        if entry is None or "access_list" not in entry:
            return
        kind = entry.get("type")
        if kind is None or (kind in FORUM_TYPES and kind not in PRIVATE_TYPES):
            shown = f"a {kind} forum" if kind else "a forum without a type"
            message = (
                f"access_list is for private forums, and '{forum.name}' is {shown}; "
                f"set type to {' or '.join(sorted(PRIVATE_TYPES))}, or leave access_list out"
            )
            self.problems.append((self.doc.key_pos(entry, "access_list"), message))
        self._emails(entry, "access_list", "access", forum.name, "forum")

    def _emails(
        self, entry: dict[str, Any], field_name: str, kind: str, owner: str, what: str
    ) -> None:
        seen: dict[str, Pos] = {}
        for email, pos in self._items(self._list(entry, field_name)):
            if not isinstance(email, str):
                continue
            if key(email) in seen:
                message = f"'{email}' listed twice in {field_name} of {what} '{owner}'"
                self.problems.append((pos, f"{message} (first at line {seen[key(email)][0]})"))
                continue
            seen[key(email)] = pos
            self.index[(kind, key(f"{owner}/{email}"))] = pos

    def _webhooks(self) -> None:
        for entry, pos in self._items(self._list(self.doc.data, "webhooks")):
            if not isinstance(entry, dict):
                continue
            event, url = entry.get("event"), entry.get("target_url")
            if not isinstance(event, str) or not isinstance(url, str):
                continue
            where = ("webhook", f"{event} {url}")  # exact: URL paths are case-sensitive
            if where in self.index:
                first = self.index[where][0]
                message = f"webhook {event} → {url} listed twice (first at line {first})"
                self.problems.append((pos, message))
                continue
            self.index[where] = pos


check = _Rules.check
