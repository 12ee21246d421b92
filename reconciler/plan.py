"""The plan as plain data: actions, changes, their order, and the safety gate.

Nothing here talks to a portal or prints. A :class:`Plan` is what ``plan --format json``
writes and ``apply`` runs, in order.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import UnsafePlanError
from .state import Id, Kind

FORMAT_VERSION = 1


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}[self.value]


@dataclass(frozen=True, slots=True)
class Change:
    """One write (two for a replace) that apply performs.

    ``before``/``after`` hold just the attributes that change (all of them for a create or
    delete). ``refs`` holds what the provider needs to perform it and the JSON never shows:
    identity names of the parent and the preceding sibling, the tab slug, the email.
    """

    action: Action
    kind: Kind
    name: str
    id: Id | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    refs: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "before": None if self.before is None else dict(self.before),
            "after": None if self.after is None else dict(self.after),
        }


@dataclass(frozen=True, slots=True)
class Unmanaged:
    kind: Kind
    name: str


@dataclass(frozen=True, slots=True)
class Plan:
    target: str
    fingerprint: str
    changes: Sequence[Change] = ()
    unmanaged: Sequence[Unmanaged] = ()
    warnings: Sequence[str] = ()
    existing: Mapping[str, int] = field(default_factory=dict)  # live count per kind
    # portal ids of the resources the spec names, by (kind, identity key); never serialized
    ids: Mapping[tuple[Kind, str], Id] = field(default_factory=dict, compare=False)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self) -> dict[str, int]:
        counts = Counter(c.action.value for c in self.changes)
        return {a.value: counts[a.value] for a in Action if counts[a.value]}

    def as_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "target": self.target,
            "fingerprint": self.fingerprint,
            "changes": [c.as_json() for c in self.changes],
            "unmanaged": [{"kind": u.kind, "name": u.name} for u in self.unmanaged],
            "warnings": list(self.warnings),
            "summary": self.summary(),
        }


def check_delete_threshold(plan: Plan, percent: float, *, minimum: int = 4) -> None:
    """Refuse a plan deleting more than ``percent`` of any kind that has at least ``minimum``.

    Replaces count as deletes: the portal resource goes away either way.
    """
    deletes = Counter(c.kind for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE))
    for kind, count in sorted(deletes.items()):
        existing = plan.existing.get(kind, 0)
        if existing >= minimum and count * 100 > percent * existing:
            share = count * 100 / existing
            raise UnsafePlanError(
                f"refusing to apply: the plan deletes {count} of {existing} existing "
                f"{kind} resources ({share:.0f}%), more than the {percent:g}% threshold",
                hint="review the plan; pass --delete-threshold to allow more",
            )
