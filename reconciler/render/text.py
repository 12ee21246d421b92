"""The text plan, read like Terraform's: a rich renderable the CLI prints.

It carries styles only; whether they become colours (terminal, ``NO_COLOR``, a pipe) is
the printing Console's decision.
"""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.text import Text

from ..plan import Action, Change, Plan
from ._common import (
    NO_CHANGES,
    REFUSED,
    UNMANAGED_TITLE,
    Row,
    by_origin,
    clean,
    cost_phrase,
    quoted,
    rows,
    summary_phrase,
    unmanaged_by_kind,
    unmanaged_phrase,
)

STYLES = {
    Action.CREATE: "green",
    Action.UPDATE: "yellow",
    Action.DELETE: "red",
    Action.REPLACE: "magenta",
}
_INDENT = 2  # before the action symbol
_ATTR_INDENT = 8  # before an attribute line


class _Indented:
    """A one-line text indented by ``indent`` columns, its wrapped lines too, unpadded."""

    def __init__(self, text: Text, indent: int) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        # soft_wrap (no_wrap): one line, however long; the terminal folds it.
        width = max(options.max_width - self.indent, 20)
        lines = [self.text] if options.no_wrap else self.text.wrap(console, width)
        for line in lines:
            line.rstrip()
            yield Segment(" " * self.indent)
            yield from line.render(console)
            yield Segment.line()


def _line(text: Text) -> _Indented:
    return _Indented(text, 0)


def change_line(change: Change) -> Text:
    """One styled line naming a change, e.g. ``+ category "Bug"`` or ``~ status "X"  (id 4)``."""
    line = Text()
    line.append(change.action.symbol, style=f"bold {STYLES[change.action]}")
    line.append(f" {change.kind} ")
    line.append(quoted(change.name), style="bold")
    if change.id is not None:
        line.append(f"  (id {clean(str(change.id))})", style="dim")
    return line


def _row(row: Row) -> Text:
    line = Text(f"{row.key}: ")
    if row.before is not None:
        line.append(row.before)
        line.append(" → ", style="dim")
        if row.after is None:
            line.append("(portal default)", style="dim")
            return line
    line.append(row.after or "")
    return line


def _change(change: Change) -> list[RenderableType]:
    # Indented keeps a long value's wrapped lines under its attribute, not at column 0.
    out: list[RenderableType] = [_Indented(change_line(change), _INDENT)]
    out.extend(_Indented(_row(r), _ATTR_INDENT) for r in rows(change))
    return out


def _footer(plan: Plan) -> list[RenderableType]:
    out: list[RenderableType] = []
    unmanaged = unmanaged_by_kind(plan)
    if unmanaged:  # one layout however many kinds are listed
        out.append(_line(Text(f"{UNMANAGED_TITLE}:", style="dim")))
        out.extend(
            _Indented(Text(unmanaged_phrase(plan, kind, names), style="dim"), _INDENT)
            for kind, names in unmanaged.items()
        )
    for warning in plan.warnings:
        line = Text("Warning: ", style="bold yellow")
        line.append(clean(warning))
        out.append(_line(line))
    for refusal in plan.refusals:
        line = Text(f"{REFUSED}: ", style="bold red")
        line.append(clean(refusal))
        out.append(_line(line))
    return out


def render_text(plan: Plan) -> Group:
    """The whole plan: target, changes in plan order, unmanaged, warnings, summary."""
    parts: list[RenderableType] = [_line(Text(f"Plan for {clean(plan.target)}", style="bold"))]
    parts.append(Text())
    if not plan.changes:
        parts.append(_line(Text(NO_CHANGES, style="green")))
    for title, changes in by_origin(plan):
        if title is not None:
            parts.append(_line(Text(f"{title}:", style="bold")))
        for change in changes:
            parts.extend(_change(change))
        if title is not None:
            parts.append(Text())
    footer = _footer(plan)
    if footer:
        parts.append(Text())
        parts.extend(footer)
    if plan.changes:
        summary = Text("Plan: ", style="bold")
        summary.append(f"{summary_phrase(plan)}.")
        if cost_phrase(plan):
            summary.append(f" Apply sends {cost_phrase(plan)}.", style="dim")
        parts.extend([Text(), _line(summary)])
    return Group(*parts)
