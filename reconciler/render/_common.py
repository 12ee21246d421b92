"""What every renderer shares: safe literals, the attribute rows of a change, counts.

Names and values come from the spec and from the live portal, so they may hold anything:
every string shown goes through :func:`clean`, which escapes control and format characters
(terminal escapes, carriage returns, bidi overrides) so that output cannot be forged.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..plan import SECRET, Action, Change, Plan

# Actions in the order the summaries name them (Terraform's: add, change, destroy).
SUMMARY_ORDER = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)
NO_CHANGES = "No changes. The portal matches the spec."
REFUSED = "Apply would refuse this plan"
UNMANAGED_TITLE = "Unmanaged (left alone, not in the spec)"
UNMANAGED_SHOWN = 10  # names listed per kind before "… and N more"

_KEEP = frozenset({"\u200d"})  # zero-width joiner: part of emoji sequences
_MISSING: Any = object()


def clean(text: str, keep: str = "") -> str:
    """``text`` with control, format and line-separator characters escaped as ``\\uXXXX``
    (``\\UXXXXXXXX`` past U+FFFF, so that no digit that follows is read as part of it), but
    for those in ``keep``."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch in _KEEP
        or ch in keep
        or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs")
        else _escaped(ch)
        for ch in text
    )


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def literal(value: Any) -> str:
    """A value as a JSON literal: ``"x"``, ``null``, ``true``, ``3``."""
    return clean(json.dumps(value, ensure_ascii=False))


def quoted(name: str) -> str:
    return literal(name)


@dataclass(frozen=True, slots=True)
class Row:
    """One attribute line of a change: ``key: before → after`` or, for new values, ``key: after``.

    ``before``/``after`` are literals; ``None`` means the side does not have the attribute
    (``after`` None on a replace: the re-created resource takes the portal's default).
    """

    key: str
    before: str | None
    after: str | None

    def plain(self) -> str:
        if self.before is None:
            return f"{self.key}: {self.after}"
        return f"{self.key}: {self.before} → {self.after or '(portal default)'}"


def rows(change: Change) -> list[Row]:
    """The attribute lines a change shows, in the order its ``after`` (then ``before``) lists them.

    A create shows what it sets, minus what the header already names; a delete shows
    nothing; an update or replace shows each attribute whose value differs.
    """
    after = change.after or {}
    before = change.before or {}
    if change.action is Action.DELETE:
        return []
    if change.action is Action.CREATE:
        hidden = change.named_by
        shown = change.shown(after)
        return [Row(clean(k), None, literal(v)) for k, v in shown.items() if k not in hidden]
    found = list(_differences(before, after))  # on the real values: a changed secret shows
    return [_masked(row, change) for row in found]


def _masked(row: Row, change: Change) -> Row:
    if row.key not in change.secrets:
        return row
    return Row(row.key, row.before and literal(SECRET), row.after and literal(SECRET))


def _differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[Row]:
    keys = [*after, *(k for k in before if k not in after)]
    for k in keys:
        old, new = before.get(k, _MISSING), after.get(k, _MISSING)
        if old == new or (new is _MISSING and old is None):
            continue
        yield Row(
            clean(k),
            None if old is _MISSING else literal(old),
            None if new is _MISSING else literal(new),
        )


def counts(plan: Plan) -> dict[Action, int]:
    """Changes per action, every action present (zero when absent)."""
    summary = plan.summary()
    return {action: summary.get(action.value, 0) for action in SUMMARY_ORDER}


ORIGIN_TITLES = {
    "change": "Asked for by this change",
    "drift": "Drift: changed in the portal by hand (apply puts it back)",
}


def by_origin(plan: Plan) -> list[tuple[str | None, list[Change]]]:
    """The changes in plan order, grouped by origin (``plan --base``): the edit's first,
    then drift; one untitled group when the plan has no origins."""
    if all(c.origin is None for c in plan.changes):
        return [(None, list(plan.changes))]
    groups = [(o, [c for c in plan.changes if c.origin == o]) for o in ORIGIN_TITLES]
    return [(ORIGIN_TITLES[o], changes) for o, changes in groups if changes]


def cost_phrase(plan: Plan) -> str:
    """``17 requests, ~17 s at 60 requests a minute`` (empty when not measured)."""
    requests = plan.requests
    if requests is None or not plan.changes:
        return ""
    count = f"{requests.total} request{'s' * (requests.total != 1)}"
    if requests.eta_seconds is None:
        return f"{count} (the portal named no rate limit)"
    return (
        f"{count}, ~{requests.eta_seconds:g} s at {requests.limit_per_minute:g} requests a minute"
    )


def summary_phrase(plan: Plan) -> str:
    """``2 to create, 2 to update, 1 to replace, 1 to delete`` (replace only when there is one)."""
    parts = [
        f"{n} to {action.value}"
        for action, n in counts(plan).items()
        if n or action is not Action.REPLACE
    ]
    return ", ".join(parts)


def unmanaged_by_kind(plan: Plan) -> dict[str, list[str]]:
    """Unmanaged names grouped by kind, kinds and names in plan order, names cleaned."""
    groups: dict[str, list[str]] = {}
    for item in plan.unmanaged:
        groups.setdefault(item.kind, []).append(clean(item.name))
    return groups


def changes_by_kind(plan: Plan) -> dict[str, list[Change]]:
    """Changes grouped by kind, kinds in order of first appearance, changes in plan order."""
    groups: dict[str, list[Change]] = {}
    for change in plan.changes:
        groups.setdefault(change.kind, []).append(change)
    return groups


def counted(plan: Plan, kind: str, count: int) -> str:
    """``1 tag``, ``2 tags`` (the plural as the plan's provider declares it)."""
    return f"{count} {kind if count == 1 else plan.plural(kind)}"


def unmanaged_phrase(plan: Plan, kind: str, names: list[str], shown: int = UNMANAGED_SHOWN) -> str:
    """``2 tags: legacy, old-thing``; past ``shown`` names, ``… and 32 more``."""
    listed = ", ".join(names[:shown])
    more = f" … and {len(names) - shown} more" if len(names) > shown else ""
    return f"{counted(plan, kind, len(names))}: {listed}{more}"


def header(change: Change) -> str:
    """``+ category "Bug"  (id 7)`` without styles."""
    ident = "" if change.id is None else f"  (id {clean(str(change.id))})"
    return f"{change.action.symbol} {change.kind} {quoted(change.name)}{ident}"
