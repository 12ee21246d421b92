"""The plan and spec problems as GitHub Actions workflow commands (annotations).

``::notice file=F,line=L,col=C,title=T::message`` puts a change on its spec entry in the
pull request's diff. Creates and updates are notices; deletes and replaces, which lose
data, are warnings. Escaping follows GitHub's runner: message data ``%``, ``\\r``, ``\\n``;
properties additionally ``:`` and ``,``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from ..errors import Problem
from ..plan import Action, Change, Plan
from ..spec_doc import file_of
from ._common import (
    NO_CHANGES,
    REFUSED,
    UNMANAGED_TITLE,
    clean,
    quoted,
    rows,
    summary_phrase,
    unmanaged_by_kind,
    unmanaged_phrase,
)

Where = Callable[[str, str], "tuple[int, int] | None"]

_NEWLINES = "\r\n"  # escaped by the runner's own rules (%0D, %0A), not as \\u000a
_LEVEL = {
    Action.CREATE: "notice",
    Action.UPDATE: "notice",
    Action.DELETE: "warning",
    Action.REPLACE: "warning",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: str | int | None) -> str:
    """One workflow command line; properties that are None are left out."""
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level}{' ' + given if given else ''}::{escape_data(message)}"


def _message(change: Change, located: bool) -> str:
    ident = "" if change.id is None else f"  (id {clean(str(change.id))})"
    head = (
        f"{change.action.symbol} {change.action.value} {change.kind} {quoted(change.name)}{ident}"
    )
    if change.action is Action.DELETE and not located:
        head += (
            " (not in the group's members)"
            if change.kind == "membership"
            else " (not in the spec; prune is on)"
        )
    return "\n".join([head, *(f"    {row.plain()}" for row in rows(change))])


def _change(change: Change, where: Where, spec_path: str) -> str:
    spot = where(change.kind, change.name)
    title = f"Plan: {change.action.value} {change.kind}"
    message = _message(change, spot is not None)
    if spot is None:
        return command(_LEVEL[change.action], message, title=title)
    line, col = spot
    file = file_of(spot, spec_path)  # an overlay's entry: the file that set it
    return command(_LEVEL[change.action], message, file=file, line=line, col=col, title=title)


# GitHub shows this many annotations of each level per step (and 50 per job); the rest stay
# in the log only. So what matters most comes first: refusals, the summary, the warnings.
SHOWN_PER_LEVEL = 10


def render_github(plan: Plan, where: Where, spec_path: str) -> str:
    """What apply would refuse (errors), the summary notice, one warning per plan warning,
    then one annotation per change (located in ``spec_path`` when ``where`` finds the entry)
    and one notice for the unmanaged. When the changes are more than GitHub shows, the
    summary says so."""
    lines = [
        command("error", clean(r, keep=_NEWLINES), title=REFUSED, file=spec_path)
        for r in plan.refusals
    ]
    summary = f"{summary_phrase(plan)}." if plan.changes else NO_CHANGES
    per_level = Counter(_LEVEL[c.action] for c in plan.changes)
    per_level["warning"] += len(plan.warnings)
    if max(per_level.values(), default=0) > SHOWN_PER_LEVEL:
        summary += (
            f" GitHub shows the first {SHOWN_PER_LEVEL} annotations of each level: every "
            "change is in this step's log"
        )
    lines.append(command("notice", summary, title="Plan"))
    lines.extend(command("warning", clean(w, keep=_NEWLINES)) for w in plan.warnings)
    lines.extend(_change(change, where, spec_path) for change in plan.changes)
    unmanaged = unmanaged_by_kind(plan)
    if unmanaged:
        listed = "; ".join(unmanaged_phrase(plan, kind, names) for kind, names in unmanaged.items())
        lines.append(command("notice", listed, title=UNMANAGED_TITLE))
    return "\n".join(lines) + "\n"


def render_problems_github(problems: Sequence[Problem]) -> str:
    """One ``::error file=F,line=L,col=C::message`` per spec problem."""
    lines = [
        command("error", clean(p.message, keep=_NEWLINES), file=p.file, line=p.line, col=p.col)
        for p in problems
    ]
    return "".join(f"{line}\n" for line in lines)
