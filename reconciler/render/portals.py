"""The outcome of each portal of a portals file, in every output format.

Each portal's plan is shown by the single-portal renderers (:mod:`reconciler.render`),
unchanged; this module only puts them together (CONTRACT.md part two, "Several portals"):

- text: one plan per portal under a heading naming it;
- JSON: ``{"format_version": 1, "portals": [{"name", "plan"} | {"name", "error"}]}``, the
  document ``plan --out`` writes and ``apply --portals FILE --plan`` reads;
- markdown: one comment, a summary table, then a section per portal, folded when long, the
  whole kept under GitHub's comment limit;
- github: each portal's annotations in a log group, each change located in the file (base
  or overlay) that set its entry.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..plan import FORMAT_VERSION, Plan
from . import render_github, render_markdown, render_problems_github, render_text
from ._common import summary_phrase
from .markdown import MAX_CHARS, code_span, escape

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..errors import ReconcilerError
    from ..loader import LoadedSpec

FOLD_LINES = 40  # a portal's markdown section longer than this is folded
_SECRET_NAME = re.compile(r"(TOKEN|API_KEY|APIKEY|PASSWORD|SECRET)$")


@dataclass
class Outcome:
    """One portal's result: its plan, or the error that stopped it."""

    name: str
    plan: Plan | None = None
    error: ReconcilerError | None = None
    loaded: LoadedSpec | None = None
    applied: bool = False

    @property
    def message(self) -> str:
        """The error as one string, secrets masked ("" when the portal did not fail): its
        located problems (``FILE:LINE:COL: message`` lines) when it has them."""
        if self.error is None:
            return ""
        problems = getattr(self.error, "problems", ())
        return scrub("\n".join(map(str, problems)) if problems else self.error.message)


def scrub(text: str) -> str:
    """Every secret the environment holds, masked: the values of variables named like
    credentials (``*_TOKEN``, ``*_API_KEY``, ``*_PASSWORD``, ``*_SECRET``)."""
    for name, value in os.environ.items():
        if value and len(value) >= 4 and _SECRET_NAME.search(name.upper()):
            text = text.replace(value, "***")
    return text


def render_outcomes(outcomes: Sequence[Outcome], fmt: str) -> str:
    """The document for ``fmt`` (``json``, ``markdown`` or ``github``)."""
    if fmt == "json":
        return render_portals_json(outcomes)
    if fmt == "markdown":
        return render_portals_markdown(outcomes)
    return "".join(_github(o) for o in outcomes)


def render_portals_json(outcomes: Sequence[Outcome]) -> str:
    items = [
        {"name": o.name, "plan": o.plan.as_json()}
        if o.plan is not None and o.error is None
        else {"name": o.name, "error": o.message}
        for o in outcomes
    ]
    doc = {"format_version": FORMAT_VERSION, "portals": items}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def result_phrase(outcome: Outcome, *, applied: bool = False) -> str:
    """``failed``, ``no changes``, ``2 to create, …`` or, after an apply, ``applied (…)``."""
    if outcome.error is not None:
        return "failed"
    plan = outcome.plan
    if plan is None or not plan.has_changes:
        return "no changes"
    if applied and outcome.applied:
        done = ", ".join(f"{n} {action}d" for action, n in plan.summary().items())
        return f"applied ({done})"
    return summary_phrase(plan)


def summary_line(outcomes: Sequence[Outcome], *, applied: bool = False) -> str:
    """One line naming each portal's result."""
    parts = [f"{o.name}: {result_phrase(o, applied=applied)}" for o in outcomes]
    failed = sum(1 for o in outcomes if o.error is not None)
    tail = f" ({failed} of {len(outcomes)} failed)" if failed else ""
    return f"Portals{tail}: " + "; ".join(parts) + "."


def render_portal_text(outcome: Outcome) -> RenderableType:
    """A heading naming the portal, then its plan (or where its error went)."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.text import Text

    heading = Rule(Text(f"portal {outcome.name}", style="bold"), align="left")
    if outcome.plan is None or outcome.error is not None:
        return Group(heading, Text(f"Plan failed: {outcome.message}", style="red"), Text())
    return Group(heading, render_text(outcome.plan), Text())


def _section(outcome: Outcome) -> str:
    title = f"## Portal {code_span(outcome.name)}"
    if outcome.plan is None or outcome.error is not None:
        return f"{title}\n\n**Plan failed:**\n\n{_fenced(outcome.message)}\n"
    body = render_markdown(outcome.plan)
    if body.count("\n") > FOLD_LINES:
        phrase = escape(result_phrase(outcome))
        body = f"<details><summary>{phrase}</summary>\n\n{body}\n</details>\n"
    return f"{title}\n\n{body}"


def _fenced(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _table(outcomes: Sequence[Outcome]) -> list[str]:
    lines = ["| portal | target | plan |", "| :-- | :-- | :-- |"]
    for o in outcomes:
        target = code_span(o.plan.target) if o.plan is not None else ""
        result = result_phrase(o)
        shown = "**failed**" if o.error is not None else escape(result)
        lines.append(f"| {code_span(o.name)} | {target} | {shown} |")
    return lines


def render_portals_markdown(outcomes: Sequence[Outcome]) -> str:
    """One comment: a line and a table summing up, then a section per portal; sections are
    cut (longest first) when the whole would pass GitHub's comment limit."""
    failed = sum(1 for o in outcomes if o.error is not None)
    changed = sum(1 for o in outcomes if o.plan is not None and o.plan.has_changes)
    head = [
        f"**Plans for {len(outcomes)} portal{'s' * (len(outcomes) != 1)}:** "
        f"{changed} with changes, {failed} failed.",
        "",
        *_table(outcomes),
        "",
    ]
    sections = [_section(o) for o in outcomes]
    overhead = len("\n".join(head)) + len(sections)
    for index in sorted(range(len(sections)), key=lambda i: -len(sections[i])):
        if overhead + sum(len(s) for s in sections) <= MAX_CHARS:
            break
        sections[index] = (
            f"## Portal {code_span(outcomes[index].name)}\n\n"
            "The plan is too long for one comment: the JSON plan (`--out`) lists every change.\n"
        )
    return "\n".join([*head, *sections]).rstrip("\n") + "\n"


def _github(outcome: Outcome) -> str:
    """A portal's annotations in a ``::group::``; each change in the file that set it."""
    lines = [f"::group::portal {outcome.name}"]
    problems = getattr(outcome.error, "problems", ())
    if problems:  # each at the line of the file that set it
        lines.extend(scrub(render_problems_github(problems)).splitlines())
    elif outcome.plan is None or outcome.loaded is None or outcome.error is not None:
        message = outcome.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        lines.append(f"::error title=Plan failed ({outcome.name})::{message}")
    else:
        # each change in the file that set its entry (positions name their file)
        plan, loaded = outcome.plan, outcome.loaded
        lines.extend(render_github(plan, loaded.where, loaded.path).splitlines())
    lines.append("::endgroup::")
    return "\n".join(lines) + "\n"
