"""The plan as Markdown for pull-request comments and job summaries.

Changes are grouped by kind (kinds in plan order, changes in plan order within a kind) in
``diff`` code blocks so GitHub and GitLab colour them: ``+`` create, ``!`` update, ``-``
delete, ``-/+`` replace. A kind with more than :data:`FOLD_OVER` changes is folded in
``<details>``. GitHub refuses comments over 65,536 characters, so a huge plan lists the
first changes of each kind and says how many it left out (the JSON plan has them all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..plan import Action, Change, Plan
from ._common import (
    NO_CHANGES,
    REFUSED,
    SUMMARY_ORDER,
    UNMANAGED_SHOWN,
    UNMANAGED_TITLE,
    by_origin,
    changes_by_kind,
    clean,
    cost_phrase,
    counted,
    quoted,
    rows,
    summary_phrase,
    unmanaged_by_kind,
)

FOLD_OVER = 10
MAX_CHARS = 60_000  # below GitHub's 65,536-character comment limit, room for a marker
_LIMIT = 200  # changes (and warnings) listed per kind before "… and N more"
_PREFIX = {Action.CREATE: "+", Action.UPDATE: "!", Action.DELETE: "-", Action.REPLACE: "-/+"}
_ESCAPED = re.compile(r"([\\`*_\[\]<>&|~@#])")


def escape(text: str) -> str:
    """``text`` safe as inline Markdown: punctuation that could format or open HTML escaped."""
    return _ESCAPED.sub(r"\\\1", clean(text))


def escape_marked(text: str) -> str:
    """``text`` whose parts between backticks (`renamed_from: [OLD]`) are meant as code: those
    as code spans, the rest escaped. Safe whatever the text holds: a backtick in a name only
    moves a boundary, as every part is either escaped or fenced by :func:`code_span`."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no pairing to trust
        return escape(text)
    return "".join(escape(p) if i % 2 == 0 else code_span(p) for i, p in enumerate(parts) if p)


def code_span(text: str) -> str:
    """``text`` as an inline code span, fenced by more backticks than it contains."""
    text = clean(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _code_block(lines: Sequence[str], lang: str) -> list[str]:
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{lang}", *lines, fence]


def _diff_lines(change: Change) -> list[str]:
    prefix = _PREFIX[change.action]
    ident = "" if change.id is None else f"  (id {clean(str(change.id))})"
    lines = [f"{prefix} {change.kind} {quoted(change.name)}{ident}"]
    lines.extend(f"{prefix[0]}     {row.plain()}" for row in rows(change))
    return lines


def _phrase(changes: Sequence[Change]) -> str:
    n = {a: sum(1 for c in changes if c.action is a) for a in SUMMARY_ORDER}
    return ", ".join(f"{count} to {action.value}" for action, count in n.items() if count)


def _kind_section(plural: str, changes: Sequence[Change], limit: int) -> list[str]:
    body: list[str] = [line for c in changes[:limit] for line in _diff_lines(c)]
    if len(changes) > limit:
        more = len(changes) - limit
        body.append(f"  … and {more} more (the JSON plan, --out, lists every change)")
    title = f"{plural.capitalize()}: {_phrase(changes)}"
    block = _code_block(body, "diff")
    if len(changes) > FOLD_OVER:
        return [f"<details><summary>{title}</summary>", "", *block, "", "</details>", ""]
    return [f"#### {title}", "", *block, ""]


def _table(plan: Plan, groups: dict[str, list[Change]]) -> list[str]:
    actions = [a for a in SUMMARY_ORDER if any(c.action is a for c in plan.changes)]
    lines = [
        "| kind | " + " | ".join(a.value for a in actions) + " |",
        "| :-- | " + " | ".join("--:" for _ in actions) + " |",
    ]
    for kind, changes in groups.items():
        cells = [sum(1 for c in changes if c.action is a) for a in actions]
        lines.append(f"| {plan.plural(kind)} | " + " | ".join(str(n or "") for n in cells) + " |")
    return [*lines, ""]


def _unmanaged(plan: Plan) -> list[str]:
    groups = unmanaged_by_kind(plan)
    if not groups:
        return []
    lines = [f"#### {UNMANAGED_TITLE}", ""]
    for kind, names in groups.items():
        listed = ", ".join(code_span(n) for n in names[:UNMANAGED_SHOWN])
        more = f" … and {len(names) - UNMANAGED_SHOWN} more" if len(names) > UNMANAGED_SHOWN else ""
        lines.append(f"- {counted(plan, kind, len(names))}: {listed}{more}")
    return [*lines, ""]


def _warnings(plan: Plan, limit: int) -> list[str]:
    if not plan.warnings:
        return []
    lines = ["#### Warnings", ""]
    lines.extend(f"- ⚠️ {escape_marked(w)}" for w in plan.warnings[:limit])
    if len(plan.warnings) > limit:
        lines.append(f"- … and {len(plan.warnings) - limit} more")
    return [*lines, ""]


def _refusals(plan: Plan) -> list[str]:
    if not plan.refusals:
        return []
    lines = ["> [!CAUTION]", f"> **{REFUSED}:**"]
    lines.extend(f"> - {escape(r)}" for r in plan.refusals)
    return [*lines, ""]


def _render(plan: Plan, limit: int) -> str:
    lines = [f"### Plan for {code_span(plan.target)}", ""]
    if not plan.changes:
        lines += [f"**{NO_CHANGES}**", ""]
    else:
        groups = changes_by_kind(plan)
        cost = f" Apply sends {cost_phrase(plan)}." if cost_phrase(plan) else ""
        lines += [f"**Plan: {summary_phrase(plan)}.**{cost}", "", *_table(plan, groups)]
        for title, part in by_origin(plan):
            if title is not None:
                lines += [f"### {escape(title)}", ""]
            kinds: dict[str, list[Change]] = {}
            for change in part:
                kinds.setdefault(change.kind, []).append(change)
            for kind, changes in kinds.items():
                lines += _kind_section(plan.plural(kind), changes, limit)
    lines += _unmanaged(plan) + _warnings(plan, limit) + _refusals(plan)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(plan: Plan) -> str:
    """The plan as Markdown, at most :data:`MAX_CHARS` characters for any plan size."""
    limit = _LIMIT
    text = _render(plan, limit)
    while len(text) > MAX_CHARS and limit > 1:
        limit //= 2
        text = _render(plan, limit)
    return text
