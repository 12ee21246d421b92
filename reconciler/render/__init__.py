"""Renderers of a :class:`~reconciler.plan.Plan`: text, markdown, JSON, GitHub annotations.

They read a plan and decide nothing: no filtering, no ordering (the plan is already in the
order apply runs it), no exit codes, no printing (the CLI prints).
"""

from __future__ import annotations

import io
import json

from rich.console import Console, RenderableType

from ..plan import Plan
from .github import render_github, render_problems_github
from .markdown import render_markdown
from .text import change_line, render_text

__all__ = [
    "change_line",
    "render_github",
    "render_json",
    "render_markdown",
    "render_problems_github",
    "render_text",
    "to_plain",
]


def render_json(plan: Plan) -> str:
    """The plan as CONTRACT.md shows it: keys in contract order, UTF-8 kept, trailing newline."""
    return json.dumps(plan.as_json(), indent=2, ensure_ascii=False) + "\n"


def to_plain(renderable: RenderableType, width: int = 100) -> str:
    """Render without colour or terminal codes, whatever the environment says (tests, goldens)."""
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        no_color=True,
        force_terminal=False,
        color_system=None,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
    )
    console.print(renderable)
    return out.getvalue()
