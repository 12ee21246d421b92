"""``--target KIND`` and ``--target KIND:NAME``: a partial plan, as Terraform's ``-target``.

Only the changes the targets name are kept, with what they need done first: the create (or
move) of their parent, of a tree's ancestors, and of what their references name. The plan
then says, as a warning in every format, that it is partial.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .errors import TargetError
from .kinds import Ident, ProviderSchema
from .plan import Action, Change, Plan

_MAKES = (Action.CREATE, Action.REPLACE, Action.UPDATE)


def parse_targets(schema: ProviderSchema, given: Sequence[str]) -> list[tuple[str, str | None]]:
    """``KIND`` or ``KIND:NAME`` (the name as plans show it); an unknown kind is refused."""
    found: list[tuple[str, str | None]] = []
    for target in given:
        kind, colon, name = target.partition(":")
        if kind not in schema.by_name or schema.kind(kind).must_exist:
            kinds = ", ".join(k.name for k in schema.managed())
            raise TargetError(f"--target {target}: no kind {kind!r} here", hint=f"kinds: {kinds}")
        found.append((kind, name if colon else None))
    return found


def select(plan: Plan, schema: ProviderSchema, targets: Sequence[tuple[str, str | None]]) -> Plan:
    """``plan`` cut down to the targets and what they depend on, with a warning."""
    changes = list(plan.changes)
    wanted = [i for i, c in enumerate(changes) if _named(c, targets)]
    keep = set(wanted)
    todo = list(wanted)
    while todo:
        change = changes[todo.pop()]
        for i in _needs(change, changes, schema):
            if i not in keep:
                keep.add(i)
                todo.append(i)
    chosen = [c for i, c in enumerate(changes) if i in keep]
    shown = " ".join(f"--target {k}" + (f":{n}" if n else "") for k, n in targets)
    note = (
        f"partial plan ({shown}): {len(chosen)} of {len(changes)} changes, with what they "
        "depend on; a plan without --target shows the rest"
    )
    unmanaged = [u for u in plan.unmanaged if any(u.kind == k for k, _ in targets)]
    return replace(plan, changes=tuple(chosen), unmanaged=tuple(unmanaged),
                   warnings=(*plan.warnings, note))  # fmt: skip


def _named(change: Change, targets: Sequence[tuple[str, str | None]]) -> bool:
    return any(
        change.kind == kind and (name is None or change.name.lower() == name.lower())
        for kind, name in targets
    )


def _needs(change: Change, changes: Sequence[Change], schema: ProviderSchema) -> list[int]:
    """Indexes of the changes that make what ``change`` lives in or refers to."""
    kind = schema.kind(change.kind)
    wanted: set[tuple[str, Ident]] = set()
    if change.refs.parent is not None and kind.parent is not None:
        wanted.add((kind.parent, change.refs.parent))
    for attr_name, attr in kind.attrs.items():
        value = (change.after or {}).get(attr_name)
        if attr.ref is not None and isinstance(value, str):
            wanted.add((attr.ref, (value,)))
    return [
        i
        for i, other in enumerate(changes)
        if other.action in _MAKES and (other.kind, other.ident) in wanted
    ]
