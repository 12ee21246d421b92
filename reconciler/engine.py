"""build_plan and apply_plan: one path from spec to portal, only the write gated.

Plan and apply share everything up to the writes: ``apply`` builds the same plan ``plan``
shows (or checks a saved one against a fresh one), then performs its changes in order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .diff import diff
from .errors import ApplyError, Interrupted, PlanError, ReconcilerError, StalePlanError
from .hints import rename_hints
from .kinds import Id, Ident, ProviderSchema
from .plan import FORMAT_VERSION, Action, Change, Plan, Requests
from .providers import Portal
from .state import Desired, LiveState


def build_plan(
    spec: Any,
    portal: Portal,
    *,
    targets: Sequence[tuple[str, str | None]] = (),
    fingerprinted: bool = True,
    desired: Desired | None = None,
) -> Plan:
    """Read the portal (each collection once) and diff it against ``spec``; with
    ``targets`` (kind, name or None), only their changes and what those depend on.

    ``fingerprinted=False``: a plan only shown, never saved nor applied, skips the digest
    of the live state (a second of CPU at 100,000 resources); its ``fingerprint`` is "".
    ``desired``: ``spec`` as resources, when the caller has made them already.
    """
    product = portal.product
    desired = product.desired(spec) if desired is None else desired
    sent = getattr(portal, "requests_sent", None)
    before = sent() if callable(sent) else 0
    live = portal.read(desired)
    schema = product.schema
    _check_must_exist(schema, desired, live)
    result = diff(schema, desired, live)
    if result.fixed:
        raise PlanError(
            "changes no write can make: " + "; ".join(said for _, _, said in result.fixed),
            hint="these attributes cannot change: keep the portal's value, or use a new name",
            entries=result.fixed,
        )
    _check_required(schema, result.changes)
    managed = [k.name for k in schema.managed()]
    changes, unmanaged, warnings = result.changes, result.unmanaged, list(result.warnings)
    if targets:
        from .targets import select

        part = select(Plan("", "", changes, unmanaged, warnings), schema, targets)
        changes, unmanaged, warnings = list(part.changes), list(part.unmanaged), list(part.warnings)
    requests = _requests(portal, changes, before)
    return Plan(
        target=portal.target,
        fingerprint=fingerprint(live, schema) if fingerprinted else "",
        changes=tuple(changes),
        unmanaged=tuple(unmanaged),
        warnings=(*warnings, *rename_hints(schema, changes, unmanaged)),
        existing={kind: len(live.of(kind)) for kind in managed if kind in live.resources},
        ids=result.ids,
        provider=product.name,
        plurals=schema.plurals,
        requests=requests,
    )


def _requests(portal: Portal, changes: Sequence[Change], before: int) -> Requests | None:
    """What apply will send: the reads this plan made (an apply plans first) and the writes
    the provider counts per change; None for a Portal that does not count its requests."""
    sent = getattr(portal, "requests_sent", None)
    if not callable(sent):
        return None
    writes = sum(portal.write_requests(c) for c in changes)  # type: ignore[attr-defined]
    reads = int(sent()) - before
    return Requests(reads, int(writes), portal.rate_limit())  # type: ignore[attr-defined]


def _check_must_exist(schema: ProviderSchema, desired: Desired, live: LiveState) -> None:
    """Read-only kinds the spec refers to must already be in the portal."""
    for ks in schema.kinds:
        if not ks.must_exist:
            continue
        have = {ks.fold(r.own) for r in live.of(ks.name)}
        missing = [d.own for d in desired.of(ks.name) if ks.fold(d.own) not in have]
        if missing:
            existing = ", ".join(sorted(r.own for r in live.of(ks.name))) or "none"
            raise PlanError(
                f"{ks.plural} not in the portal: {', '.join(missing)} (the portal has: {existing})",
                entries=[(ks.name, name) for name in missing],
                hint=f"{ks.plural} are read-only: create them in the portal, or fix the "
                f"{ks.name_attr}s under `{ks.plural}`",
            )


def _check_required(schema: ProviderSchema, changes: Sequence[Any]) -> None:
    """Attributes the API needs to create a resource (such as a status's tab)."""
    for ks in schema.managed():
        for attr_name, attr in ks.attrs.items():
            if not attr.required_on_create:
                continue
            lacking = [
                c.name
                for c in changes
                if c.kind == ks.name
                and c.action is Action.CREATE
                and not (c.after or {}).get(attr_name)
            ]
            if lacking:
                shown = schema.kind(attr.ref).name_attr.upper() if attr.ref else "VALUE"
                raise PlanError(
                    f"new {ks.plural} need a {attr_name}: {', '.join(lacking)} "
                    f"(the portal has no such {ks.name})",
                    hint=f"add `{attr_name}: {shown}` to these {ks.plural}, or fix their names",
                    entries=[(ks.name, name) for name in lacking],
                )


def fingerprint(live: LiveState, schema: ProviderSchema | None = None) -> str:
    """A digest of the live state a plan was made from: ids, identities and attributes
    (secret attributes masked).

    Independent of the order the portal lists things in: a portal that answers the same
    collections in another order has not changed.
    """
    from operator import itemgetter  # here: this module's imports are not this function's

    # the same bytes as one JSON row per resource, sorted by (kind, id, name, parent path),
    # each row ``[kind, id, name, parent, attrs]``: attrs copied only where secrets are masked
    secrets: dict[str, frozenset[str]] = {}
    for k in schema.kinds if schema else ():
        hidden = frozenset(a for a, v in k.attrs.items() if v.secret)
        if hidden:
            secrets[k.name] = secrets.get(k.name, frozenset()) | hidden
    rows: list[list[Any]] = []
    add = rows.append
    for r in live.all():
        values: Mapping[str, Any] = r.attrs
        masked = secrets.get(r.kind)
        if masked is not None:
            values = {k: "(secret)" if k in masked else v for k, v in values.items()}
        elif type(values) is not dict:
            values = dict(values)
        name = "/".join(r.ident)  # r.name, without two calls a resource
        add([r.kind, str(r.id), name, "/".join(r.parent) if r.parent else "", values])
    rows.sort(key=itemgetter(0, 1, 2, 3))
    blob = json.dumps(rows, sort_keys=True, default=str, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Applied:
    change: Change
    id: Id | None


def apply_plan(
    plan: Plan,
    provider: Portal,
    *,
    on_applied: Callable[[int, Applied], None] = lambda i, a: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[Applied]:
    """Perform the plan's changes in order, one write each (two for a replace).

    Stops at the first failure, or between two writes when ``should_stop`` says so, with an
    ApplyError that says how many changes were done; the next plan shows what is left.
    """
    ids: dict[tuple[str, Ident], Id] = dict(plan.ids)
    done: list[Applied] = []
    total = len(plan.changes)
    for index, change in enumerate(plan.changes):
        if should_stop():
            raise _interrupted(index, total)
        try:
            new_id = provider.write(change, ids)
        except Interrupted as error:  # Ctrl-C during a wait: nothing more was sent
            raise _interrupted(index, total) from error
        except ReconcilerError as error:
            raise ApplyError(
                f"{change.action.symbol} {change.kind} {change.name!r} failed: {error} "
                f"({index} of {total} changes applied, {total - index} not)",
                done=index,
                remaining=total - index,
                hint=(error.hint + "; " if error.hint else "")
                + "`reconciler plan` shows what is left; `reconciler apply` finishes it",
            ) from error
        if change.action in (Action.CREATE, Action.REPLACE) and new_id is not None:
            ids[(change.kind, change.ident)] = new_id
        applied = Applied(change, new_id)
        done.append(applied)
        on_applied(index, applied)
    return done


def _interrupted(index: int, total: int) -> ApplyError:
    return ApplyError(
        f"interrupted: {index} of {total} changes applied, {total - index} not",
        done=index,
        remaining=total - index,
        hint="run `reconciler plan` to see what is left; `reconciler apply` finishes it",
    )


def load_saved_plan(data: Any, source: str) -> Mapping[str, Any]:
    """Check a saved plan document's shape and version."""
    if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
        raise StalePlanError(f"{source}: not a plan file written by `reconciler plan --out`")
    if data.get("format_version") != FORMAT_VERSION:
        raise StalePlanError(
            f"{source}: plan format_version {data.get('format_version')!r} is not supported "
            f"(this reconciler writes {FORMAT_VERSION})",
            hint="make the plan again with this version of reconciler",
        )
    return data


def check_saved_plan(saved: Mapping[str, Any], fresh: Plan, source: str) -> None:
    """Refuse a saved plan made against another target, portal state or spec."""
    from .saved import check_target

    hint = "run `reconciler plan --out` again, review it, and apply that"
    check_target(saved, source, fresh.target)
    was = [json.dumps(c, sort_keys=True) for c in saved["changes"]]
    now = [json.dumps(c.as_json(), sort_keys=True) for c in fresh.changes]
    was_set, now_set = set(was), set(now)
    gone = [json.loads(c) for c in was if c not in now_set]
    new = [json.loads(c) for c in now if c not in was_set]
    details = [f"  no longer planned: {_describe(c)}" for c in gone[:10]]
    details += [f"  now also needed: {_describe(c)}" for c in new[:10]]
    if saved.get("fingerprint") != fresh.fingerprint:
        what = "\n".join(details) or "  (the changes are the same; unmanaged resources differ)"
        raise StalePlanError(
            f"stale plan: the portal changed since {source} was made\n{what}", hint=hint
        )
    if was != now:
        raise StalePlanError(
            f"stale plan: the spec changed since {source} was made\n" + "\n".join(details),
            hint=hint,
        )


def _describe(change: Mapping[str, Any]) -> str:
    symbol = Action(change["action"]).symbol
    return f"{symbol} {change['kind']} {change['name']!r}"
