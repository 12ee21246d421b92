"""What the spec asks that the server would refuse badly, found before any write.

- an issue's ``category`` and a webhook event's ``channels`` must name a category or channel of
  the spec or of this project (the server would link another project's by id);
- a new field whose key collides (letter case aside, as the server compares keys) with a field
  of its channel, or any two fields of a channel that would end up with the same name: the
  server answers 500 and rolls the whole request back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from ...errors import PlanError
from ...state import Desired, Id, LiveState


def check_references(desired: Desired, live: LiveState) -> None:
    """Every category an issue names and channel a webhook names is in the spec, or in the
    project and not pruned (a pruned one is deleted while the reference stays: the apply
    would leave the issue without its category and the next plan failing)."""
    named = [
        (f"issue '{i.own}'", "category", i.attrs["category"])
        for i in desired.of("issue")
        if i.attrs.get("category") is not None
    ]
    named += [
        (f"webhook '{w.own}'", "channel", name)
        for w in desired.of("webhook")
        for event in w.attrs.get("events") or ()
        for name in event["channels"]
    ]
    spec = {kind: {r.own for r in desired.of(kind)} for kind in ("category", "channel")}
    held = {kind: {r.own for r in live.of(kind)} for kind in ("category", "channel")}
    unknown: set[str] = set()
    pruned: set[str] = set()
    for where, kind, name in named:
        if name in spec[kind]:
            continue
        if name not in held[kind]:
            unknown.add(f"{where}: {kind} '{name}'")
        elif kind in desired.prune:
            pruned.add(f"{where}: {kind} '{name}'")
    if unknown:
        raise PlanError(
            "names that are neither in the spec nor in the project: " + "; ".join(sorted(unknown)),
            hint="names compare exactly (letter case included); add them to the spec or fix them",
        )
    if pruned:
        raise PlanError(
            "names that prune would delete: " + "; ".join(sorted(pruned)),
            hint="list them in the spec to keep them, or stop naming them",
        )


def check_fields(
    desired: Desired, live: LiveState, fields: Mapping[Id, list[dict[str, Any]]]
) -> None:
    """``fields``: every field read per channel id (system fields included)."""
    by_name = {c.own: c for c in live.of("channel")}
    problems: list[str] = []
    for channel in desired.of("channel"):
        partner = next(
            (
                by_name[n]
                for n in (channel.own, *(o[-1] for o in channel.renamed_from))
                if n in by_name
            ),
            None,
        )
        existing = fields.get(partner.id, []) if partner is not None and partner.id else []
        wanted = {f.own: f for f in desired.of("field") if f.parent == channel.ident}
        problems += _channel_problems(channel.own, existing, wanted)
    if problems:
        raise PlanError(
            "fields the server would refuse (it answers 500 for these): " + "; ".join(problems),
            hint="field keys compare letter case aside and names exactly; pick unused ones",
        )


def _channel_problems(
    channel: str, existing: list[dict[str, Any]], wanted: Mapping[str, Any]
) -> list[str]:
    keys = {str(f["key"]) for f in existing}
    lowered = {k.lower(): k for k in keys}
    problems = [
        f"channel '{channel}': new field '{key}' collides with field '{lowered[key.lower()]}'"
        for key in wanted
        if key not in keys and key.lower() in lowered
    ]
    final = [
        str(
            wanted[f["key"]].attrs.get("name", f.get("name"))
            if f["key"] in wanted
            else f.get("name")
        )
        for f in existing
    ]
    final += [str(w.attrs.get("name")) for key, w in wanted.items() if key not in keys]
    problems += [
        f"channel '{channel}': two fields would be named '{name}'"
        for name, count in sorted(Counter(final).items())
        if count > 1
    ]
    return problems
