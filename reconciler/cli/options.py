"""Options and parameter types the commands share: light (click only), so ``reconciler
--help`` stays fast."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class Number(click.FloatRange):
    """A :class:`click.FloatRange` that refuses ``nan``: NaN compares false with every bound,
    so the range alone lets it through (``--delete-threshold nan`` would turn the safeguard
    off)."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


def portals_options(f: F) -> F:
    """``--portals FILE`` and ``--portal NAME`` (repeatable): parameters ``portals`` and
    ``portal``."""
    f = click.option(
        "--portal",
        "portal",
        multiple=True,
        metavar="NAME",
        help="With --portals: only this portal (repeatable).",
    )(f)
    return click.option(
        "--portals",
        "portals",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="A portals file (portals.yaml): every portal it names, each on its own.",
    )(f)


def show_option(f: F) -> F:
    """``--show NAME`` for ``validate``: print that portal's merged spec."""
    return click.option(
        "--show", metavar="NAME", help="With --portals: print NAME's merged spec (secrets masked)."
    )(f)
