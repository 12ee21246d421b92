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
    duplicates = [
        f"channel '{channel}': two fields would be named '{name}'"
        for name, count in sorted(Counter(final).items())
        if count > 1
    ]
    return problems + (duplicates or _passing_names(channel, existing, wanted))


def _passing_names(
    channel: str, existing: list[dict[str, Any]], wanted: Mapping[str, Any]
) -> list[str]:
    """Fields that take a name another field holds until its own rename later in the apply
    (the writes go in spec order, one field each): the server refuses the step between, even
    though the end state is fine. Two fields that trade names need an unused name between."""
    holder = {str(f.get("name")): str(f["key"]) for f in existing}  # name → key, as applied
    name_of = {str(f["key"]): str(f.get("name")) for f in existing}
    wanted_names = {key: w.attrs.get("name") for key, w in wanted.items()}
    problems: list[str] = []
    for key, new in wanted_names.items():
        if new is None or name_of.get(key) == new:
            continue
        other = holder.get(new)
        if other is not None and other != key:
            if _comes_back(key, holder, name_of, wanted_names):
                if any(f"'{other}' and '{key}'" in p for p in problems):
                    continue  # the same trade, seen from its other side
                problems.append(
                    f"channel '{channel}': fields '{key}' and '{other}' trade names (rename "
                    "one to an unused name first, apply, then finish)"
                )
            else:
                problems.append(
                    f"channel '{channel}': field '{key}' takes the name '{new}' that field "
                    f"'{other}' holds until it is renamed after it (list '{other}' first)"
                )
            continue
        holder.pop(name_of.get(key, ""), None)
        holder[new], name_of[key] = key, new
    return problems


def _comes_back(
    key: str, holder: Mapping[str, str], name_of: Mapping[str, str], wanted: Mapping[str, Any]
) -> bool:
    """Whether the renames from ``key`` on (its new name's holder's, and so on) end in the
    name ``key`` holds: a cycle, which no order of the writes untangles."""
    start, here, seen = name_of.get(key), key, set()
    while here not in seen:
        seen.add(here)
        new = wanted.get(here)
        if new is None or new == name_of.get(here):
            return False
        if here != key and new == start:
            return True
        following = holder.get(new)
        if following is None:
            return False
        here = following
    return False
