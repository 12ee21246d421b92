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
from .kinds import Id, Ident, display

FORMAT_VERSION = 1


def _default_provider() -> str:
    from .providers import DEFAULT  # the registry names it; imported late (it imports us)

    return DEFAULT


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}[self.value]


@dataclass(frozen=True, slots=True)
class Refs:
    """What a write needs beyond the change's attributes, as identities (the provider looks
    their portal ids up at apply time, including ids this apply just made).

    ``parent``: the resource this one lives in (a section's parent section, a member's
    group). ``after``: the sibling to place it after. ``scope``: a tree's scope (a section's
    tab). ``live_id``: the portal id a change acts on when plans do not show it (the user of a
    membership being removed).
    """

    parent: Ident | None = None
    after: Ident | None = None
    scope: str | None = None
    live_id: Id | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Refs:
        def ident(value: Any) -> Ident | None:
            return None if value is None else tuple(str(part) for part in value)

        return cls(
            parent=ident(data.get("parent")),
            after=ident(data.get("after")),
            scope=data.get("scope"),
            live_id=data.get("live_id"),
        )


_NO_REFS = Refs()
SECRET = "(secret)"


@dataclass(frozen=True, slots=True)
class Change:
    """One write (two for a replace) that apply performs.

    ``ident`` is the identity (a tuple; a plain string is taken as a one-part identity);
    ``name`` shows it. ``before``/``after`` hold just the attributes that change (all of them
    for a create or delete). ``refs`` holds what the provider needs to perform it.
    """

    action: Action
    kind: str
    ident: Ident
    id: Id | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    refs: Refs = _NO_REFS
    secrets: frozenset[str] = frozenset()  # attributes shown as (secret), never written out
    origin: str | None = None  # with plan --base: "change" (the edit's) or "drift" (by hand)
    named_by: frozenset[str] = frozenset({"name"})  # attributes the shown name already says

    def __post_init__(self) -> None:
        if isinstance(self.ident, str):
            object.__setattr__(self, "ident", (self.ident,))

    @property
    def name(self) -> str:
        return display(self.ident)

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "before": None if self.before is None else self.shown(self.before),
            "after": None if self.after is None else self.shown(self.after),
        } | ({} if self.origin is None else {"origin": self.origin})

    def shown(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` as every output shows them: secret attributes as ``(secret)``."""
        if not self.secrets:
            return dict(values)
        return {k: SECRET if k in self.secrets and v is not None else v for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class Requests:
    """What apply of a plan sends (its reads are the plan's: an apply plans first), and how
    long that takes at the portal's limit as the reads saw it (None: no limit known)."""

    reads: int
    writes: int
    limit_per_minute: float | None = None

    @property
    def total(self) -> int:
        return self.reads + self.writes

    @property
    def eta_seconds(self) -> float | None:
        if not self.limit_per_minute:
            return None
        return round(self.total / self.limit_per_minute * 60, 1)

    def as_json(self) -> dict[str, Any]:
        limit = self.limit_per_minute
        return {
            "reads": self.reads,
            "writes": self.writes,
            "limit_per_minute": int(limit) if limit is not None and limit == int(limit) else limit,
            "eta_seconds": self.eta_seconds,
        }


@dataclass(frozen=True, slots=True)
class Unmanaged:
    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class Plan:
    target: str
    fingerprint: str  # of the live state read; "" for a plan made only to be shown
    changes: Sequence[Change] = ()
    unmanaged: Sequence[Unmanaged] = ()
    warnings: Sequence[str] = ()
    existing: Mapping[str, int] = field(default_factory=dict)  # live count per kind
    # portal ids of the resources the spec names, by (kind, identity); never serialized
    ids: Mapping[tuple[str, Ident], Id] = field(default_factory=dict, compare=False)
    provider: str = field(default_factory=_default_provider)
    plurals: Mapping[str, str] = field(default_factory=dict, compare=False)  # renderer labels
    refusals: Sequence[str] = ()  # why apply would refuse it as it stands (thresholds)
    requests: Requests | None = None  # what apply sends (None: not measured)

    def plural(self, kind: str) -> str:
        """The kind's plural as its provider declares it (renderers' labels)."""
        if kind in self.plurals:
            return self.plurals[kind]
        if kind.endswith("y"):
            return kind[:-1] + "ies"
        return kind + ("es" if kind.endswith("s") else "s")

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary(self) -> dict[str, int]:
        counts = Counter(c.action.value for c in self.changes)
        return {a.value: counts[a.value] for a in Action if counts[a.value]}

    def as_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "provider": self.provider,
            "target": self.target,
            "fingerprint": self.fingerprint,
            "changes": [c.as_json() for c in self.changes],
            "unmanaged": [{"kind": u.kind, "name": u.name} for u in self.unmanaged],
            "warnings": list(self.warnings),
            "refusals": list(self.refusals),
            "requests": None if self.requests is None else self.requests.as_json(),
            "summary": self.summary(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Plan:
        """A plan as ``plan --format json`` or ``--out`` wrote it (for ``show``, ``apply``).

        Identities come back as the names plans show; saved references (``--out`` files)
        come back with their changes.
        """
        refs = (data.get("saved") or {}).get("refs") or []
        changes = [
            Change(
                Action(c["action"]),
                str(c["kind"]),
                (str(c["name"]),),
                c.get("id"),
                c.get("before"),
                c.get("after"),
                Refs.from_json(refs[i]) if i < len(refs) and refs[i] else _NO_REFS,
                origin=c.get("origin"),
            )
            for i, c in enumerate(data["changes"])
        ]
        return cls(
            target=str(data.get("target", "")),
            fingerprint=str(data.get("fingerprint", "")),
            changes=tuple(changes),
            unmanaged=tuple(Unmanaged(u["kind"], u["name"]) for u in data.get("unmanaged", [])),
            warnings=tuple(data.get("warnings", [])),
            provider=str(data.get("provider") or _default_provider()),
            refusals=tuple(data.get("refusals", [])),
            requests=_requests(data.get("requests")),
        )


def _requests(data: Any) -> Requests | None:
    if not isinstance(data, dict):
        return None
    try:
        return Requests(int(data["reads"]), int(data["writes"]), data.get("limit_per_minute"))
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When apply refuses a plan: more than ``delete`` (or ``update``) percent of the existing
    resources of any kind that has at least ``minimum`` would be deleted (updated).
    Replaces count as deletes: the portal resource goes away either way. None: no limit."""

    delete: float | None = 25.0
    update: float | None = None
    minimum: int = 4


def refusals(plan: Plan, limits: Thresholds) -> list[str]:
    """Why apply would refuse ``plan``: one line per kind over a threshold."""
    found: list[str] = []
    for limit, actions, what, option in (
        (limits.delete, (Action.DELETE, Action.REPLACE), "deletes", "--delete-threshold"),
        (limits.update, (Action.UPDATE,), "updates", "--update-threshold"),
    ):
        if limit is None:
            continue
        counts = Counter(c.kind for c in plan.changes if c.action in actions)
        for kind, count in sorted(counts.items()):
            existing = plan.existing.get(kind, 0)
            if existing >= limits.minimum and count * 100 > limit * existing:
                found.append(
                    f"{what} {count} of {existing} {plan.plural(kind)} "
                    f"({count * 100 / existing:.0f}%), over {option} {limit:g}"
                )
    return found


def check_delete_threshold(plan: Plan, percent: float, *, minimum: int = 4) -> None:
    """Refuse a plan deleting more than ``percent`` of any kind that has at least ``minimum``."""
    check_thresholds(plan, Thresholds(delete=percent, minimum=minimum))


def check_thresholds(plan: Plan, limits: Thresholds) -> None:
    """Raise UnsafePlanError naming each kind over a threshold (what ``refusals`` says)."""
    found = refusals(plan, limits)
    if found:
        raise UnsafePlanError(
            "refusing to apply: the plan " + "; ".join(found),
            hint="review the plan; pass --delete-threshold (or --update-threshold) to allow more",
        )
