"""Drift told apart from the change under review (``plan --base BASE_SPEC``).

Each change gets an origin: ``"change"`` where the spec and the base spec (the target
branch's) differ for that resource, so the edit asks for it whatever the portal holds;
``"drift"`` where they agree and the portal differs from both: someone changed it by hand.
Pure: the plan, the desired state of the spec and of the base, and the provider's kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .kinds import Ident, ProviderSchema
from .plan import Action, Change, Plan
from .state import Desired, Resource

CHANGE = "change"
DRIFT = "drift"


def with_origins(plan: Plan, schema: ProviderSchema, spec: Desired, base: Desired) -> Plan:
    """``plan`` with every change's ``origin`` set."""
    index = _Index(schema, spec, base)
    return replace(plan, changes=tuple(replace(c, origin=index.origin(c)) for c in plan.changes))


class _Index:
    def __init__(self, schema: ProviderSchema, spec: Desired, base: Desired) -> None:
        self.schema = schema
        self.spec, self.base = spec, base
        self.now = _by_ident(schema, spec)
        self.before = _by_ident(schema, base)

    def origin(self, change: Change) -> str:
        kind = self.schema.kind(change.kind)
        key = (change.kind, tuple(kind.fold(part) for part in change.ident))
        wanted, was = self.now.get(key), self.before.get(key)
        if change.action is Action.DELETE:
            return self._deleted(change, was)
        if wanted is None:  # a change with no spec entry: the engine never plans one
            return CHANGE
        if was is None:
            return CHANGE  # the entry is new in the spec (or renamed by the edit)
        if change.action is Action.CREATE:
            return DRIFT  # both want it; the portal lost it
        keys = set(change.after or {}) | set(change.before or {})
        differs = any(_value(wanted, k) != _value(was, k) for k in keys)
        return CHANGE if differs else DRIFT

    def _deleted(self, change: Change, was: Resource | None) -> str:
        """A delete the base also made (pruned, or out of a whole set) is drift: someone added
        the resource by hand; one of a resource the base named is the edit's."""
        if was is not None:
            return CHANGE
        kind = self.schema.kind(change.kind)
        if kind.whole_set:
            parent = change.refs.parent or change.ident[:-1]
            managed = self.base.sets.get(change.kind, frozenset())
            return DRIFT if tuple(parent) in managed else CHANGE
        return DRIFT if change.kind in self.base.prune else CHANGE


def _by_ident(schema: ProviderSchema, desired: Desired) -> dict[tuple[str, Ident], Resource]:
    found: dict[tuple[str, Ident], Resource] = {}
    for kind, resources in desired.resources.items():
        if kind not in schema.by_name:
            continue
        fold = schema.kind(kind).fold
        for resource in resources:
            found[(kind, tuple(fold(part) for part in resource.ident))] = resource
    return found


def _value(resource: Resource, key: str) -> Any:
    if key == "name":
        return resource.own
    if key == "parent":
        return resource.parent
    attrs: Mapping[str, Any] = resource.attrs
    return attrs.get(key, _MISSING)


_MISSING = object()
