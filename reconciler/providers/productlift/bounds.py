"""The API's limits on the names a spec gives to what it creates or renames.

They are checked once the portal is read, not when the spec is loaded: a name the portal
already holds is accepted as it is (a one-letter group, a tag with an outer space), so that a
spec exported from any portal validates and plans no change. A name the portal does not hold
exactly is one the plan creates, or renames a resource to; it must be one the API takes:

- no outer spaces (the portal trims what it is sent, so the name would never match);
- within the reference's bounds for the kind, where it gives any (``BOUNDS``): 2 to 60
  characters for category names, section titles and tags; none for statuses and groups.

Errors name the entries (:class:`~reconciler.errors.PlanError` ``entries``), so the CLI
shows them at their place in the spec.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ...errors import PlanError
from ...kinds import display
from ...state import Desired, LiveState, Resource

# From the API reference (productlift-api.txt): "Must be at least 2 characters. Must not be
# greater than 60 characters." on categories (PATCH) and sections (POST, PUT); "Each tag must
# be a string of at least 2 characters. ... Must not be greater than 60 characters." on a
# post's tags, the texts of the tags that POST/PUT tags make.
BOUNDS: dict[str, tuple[int, int]] = {"category": (2, 60), "section": (2, 60), "tag": (2, 60)}
NAMED = ("category", "status", "tag", "group", "section")


def _scope(resource: Resource) -> str:
    """Where a name must be held to count as the portal's: a section's tab, else anywhere."""
    return resource.scope.lower() if resource.kind == "section" else ""


def check_new_names(desired: Desired, live: LiveState) -> None:
    """Raise :class:`PlanError` for the first rule that a new or renamed name breaks, with
    every entry that breaks it."""
    broken: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind in NAMED:
        wanted = desired.of(kind)
        spelled = [r.ident[-1] for r in wanted]
        if _none_breaks(kind, spelled):
            continue  # the usual case: no name to look for among those the portal holds
        held: set[tuple[str, str]] = {(_scope(r), r.own) for r in live.of(kind)}
        for resource, name in zip(wanted, spelled, strict=True):
            if (_scope(resource), name) in held:
                continue
            for rule, breaks in _RULES.items():
                if breaks(kind, name):
                    broken[(rule, kind)].append(display(resource.ident))
    for (rule, kind), names in broken.items():
        raise PlanError(
            f"{_message(rule, kind)}: {', '.join(names)}",
            hint=_HINTS[rule],
            entries=[(kind, name) for name in names],
        )


def _none_breaks(kind: str, names: list[str]) -> bool:
    """Whether none of ``names`` breaks a rule of :data:`_RULES`, told from whole-list
    passes (no call per name: a spec of 100,000 names is checked in milliseconds): the
    shortest and longest are within the bounds, and stripping leaves every name as it is."""
    bounds = BOUNDS.get(kind)
    if bounds is not None and names:
        lengths = list(map(len, names))
        if not bounds[0] <= min(lengths) <= max(lengths) <= bounds[1]:
            return False
    return list(map(str.strip, names)) == names


def _spaced(kind: str, name: str) -> bool:
    return name != name.strip()


def _out_of_bounds(kind: str, name: str) -> bool:
    bounds = BOUNDS.get(kind)
    return bounds is not None and not bounds[0] <= len(name) <= bounds[1]


# each rule is also told for a whole list at once by _none_breaks
_RULES: dict[str, Callable[[str, str], bool]] = {"spaces": _spaced, "bounds": _out_of_bounds}
_HINTS = {
    "spaces": "the portal trims the names it is sent; write the name without outer spaces",
    "bounds": "the portal holds no such name, so the plan would create it or rename one to "
    "it, and the API refuses it; change the name",
}


def _message(rule: str, kind: str) -> str:
    noun = "section titles" if kind == "section" else f"{kind} names"
    if rule == "spaces":
        return f"new {noun} start or end with a space (the portal would trim them)"
    low, high = BOUNDS[kind]
    return f"new {noun} must be {low} to {high} characters (the API's limit)"
